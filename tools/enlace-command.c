/* enlace-command.c — dispatch and the options every command shares.
 *
 * Errors are printed here and nowhere else: builtins return FALSE with a
 * GError, and its code is the exit code. */
#include "config.h"

#include <langinfo.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "enlace-command.h"

static const char exit_codes_help[] =
    N_("Exit status:\n"
       "  0  success\n"
       "  1  nothing found\n"
       "  2  bad usage or invalid input\n"
       "  3  directory unreachable\n"
       "  4  permission denied\n"
       "  5  conflict (already exists, or changed meanwhile)\n"
       "  6  any other failure (server or system)\n"
       "  7  a mail server refused a message for good (5xx)\n");

/* Global options; update docs/enlace.1 and the completion when they change. */
static char *opt_uri;
static char *opt_base;
static char *opt_bind_dn;
static char *opt_password_file;
static char *opt_cafile;
static char *opt_config;
static char *opt_dir;
static gboolean opt_verbose;

static GOptionEntry directory_entries[] = {
  { "uri", 'H', 0, G_OPTION_ARG_STRING, &opt_uri, N_("LDAP URL of the directory"), "URI" },
  { "base", 'b', 0, G_OPTION_ARG_STRING, &opt_base, N_("base DN of the directory"), "DN" },
  { "bind-dn", 'D', 0, G_OPTION_ARG_STRING, &opt_bind_dn, N_("DN to bind as"), "DN" },
  { "password-file", 'y', 0, G_OPTION_ARG_FILENAME, &opt_password_file,
    N_("read the bind password from FILE"), "FILE" },
  { "cafile", 0, 0, G_OPTION_ARG_FILENAME, &opt_cafile,
    N_("CA certificates that sign the directory's (default: the system's)"), "FILE" },
  { "config", 0, 0, G_OPTION_ARG_FILENAME, &opt_config,
    N_("config file (default: $XDG_CONFIG_HOME/enlace/enlace.conf)"), "FILE" },
  { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose, N_("say more"), NULL },
  { NULL }
};

static GOptionEntry local_entries[] = {
  { "dir", 'd', 0, G_OPTION_ARG_FILENAME, &opt_dir,
    N_("instance directory (default: $XDG_STATE_HOME/enlace)"), "DIR" },
  { NULL }
};

static EnlaceConnectFlags
connect_flags (EnlaceInvocation *invocation)
{
  return (invocation->command->flags & ENLACE_COMMAND_WRITES) ? ENLACE_CONNECT_WRITE
                                                               : ENLACE_CONNECT_READ;
}

/**
 * enlace_option_context_parse:
 * @entries: (nullable): the command's own options
 *
 * Parses the command's options together with the global ones, then opens
 * what the command's flags say it needs: the directory connection, or the
 * local instance. Positional arguments stay in @argv for commands flagged
 * %ENLACE_COMMAND_ARGUMENTS and are an error for the others.
 */
gboolean
enlace_option_context_parse (GOptionContext *context, const GOptionEntry *entries, int *argc,
                             char ***argv, EnlaceInvocation *invocation, GError **error)
{
  EnlaceCommandFlags flags = invocation->command->flags;
  g_autofree char *summary = g_strdup (_(invocation->command->summary));

  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context, _(exit_codes_help));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (flags & ENLACE_COMMAND_LOCAL)
    g_option_context_add_main_entries (context, local_entries, GETTEXT_PACKAGE);
  else if (!(flags & ENLACE_COMMAND_NO_DIRECTORY))
    /* In the main group, so plain --help lists them. */
    g_option_context_add_main_entries (context, directory_entries, GETTEXT_PACKAGE);

  g_autoptr(GError) parse_error = NULL;
  if (!g_option_context_parse (context, argc, argv, &parse_error))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, "%s (try '%s %s --help')",
                   parse_error->message, invocation->prog, invocation->command->name);
      return FALSE;
    }
  invocation->verbose = opt_verbose;
  if (!(flags & ENLACE_COMMAND_ARGUMENTS) && *argc > 1)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("unexpected argument '%s' (try '%s %s --help')"), (*argv)[1],
                   invocation->prog, invocation->command->name);
      return FALSE;
    }

  if (flags & ENLACE_COMMAND_LOCAL)
    {
      invocation->local = enlace_local_new (opt_dir, error);
      return invocation->local != NULL;
    }
  if (flags & ENLACE_COMMAND_NO_DIRECTORY)
    return TRUE;

  invocation->config = enlace_config_new ();
  enlace_config_set (invocation->config, ENLACE_SETTING_URI, opt_uri, ENLACE_CONFIG_SOURCE_FLAG);
  enlace_config_set (invocation->config, ENLACE_SETTING_BASE, opt_base,
                     ENLACE_CONFIG_SOURCE_FLAG);
  enlace_config_set (invocation->config, ENLACE_SETTING_BIND_DN, opt_bind_dn,
                     ENLACE_CONFIG_SOURCE_FLAG);
  enlace_config_set (invocation->config, ENLACE_SETTING_PASSWORD_FILE, opt_password_file,
                     ENLACE_CONFIG_SOURCE_FLAG);
  enlace_config_set (invocation->config, ENLACE_SETTING_CAFILE, opt_cafile,
                     ENLACE_CONFIG_SOURCE_FLAG);
  if (!enlace_config_resolve (invocation->config, opt_config, error))
    return FALSE;
  if (flags & ENLACE_COMMAND_LAZY_DIRECTORY)
    return TRUE;
  invocation->directory = enlace_directory_open (invocation->config, connect_flags (invocation),
                                                 error);
  return invocation->directory != NULL;
}

/**
 * enlace_command_directory:
 *
 * Returns: (transfer none): the directory connection of a command flagged
 * %ENLACE_COMMAND_LAZY_DIRECTORY, opened on the first call.
 */
EnlaceDirectory *
enlace_command_directory (EnlaceInvocation *invocation, GError **error)
{
  if (invocation->directory == NULL)
    invocation->directory = enlace_directory_open (invocation->config,
                                                   connect_flags (invocation), error);
  return invocation->directory;
}

/**
 * enlace_command_exec_helper:
 *
 * Replaces this process with the enlace-xml helper running the same
 * command with the same arguments (@argv[0] is "enlace COMMAND"). It lives
 * in $(pkglibexecdir); ENLACE_LIBEXECDIR points elsewhere, for the tests.
 * Returns only on failure.
 */
gboolean
enlace_command_exec_helper (EnlaceInvocation *invocation, int argc, char **argv, GError **error)
{
  const char *dir = g_getenv ("ENLACE_LIBEXECDIR");
  g_autofree char *path
      = g_build_filename (dir != NULL && *dir != '\0' ? dir : ENLACE_LIBEXECDIR, "enlace-xml", NULL);
  g_autofree char **args = g_new0 (char *, argc + 2);
  args[0] = path;
  args[1] = (char *) invocation->command->name;
  for (int i = 1; i < argc; i++)
    args[i + 1] = argv[i];
  fflush (stdout);
  execv (path, args);
  int errsv = errno;
  g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED,
               _("cannot run %s: %s (is enlace installed completely?)"), path, g_strerror (errsv));
  return FALSE;
}

static void
print_usage (FILE *out, const char *prog, const char *man, const char *description,
             const EnlaceCommand *commands)
{
  fprintf (out, _("Usage: %s COMMAND [OPTION...]\n\n%s\n\nCommands:\n"), prog, _(description));
  for (const EnlaceCommand *c = commands; c->name != NULL; c++)
    if (!(c->flags & ENLACE_COMMAND_HIDDEN))
      fprintf (out, "  %-12s %s\n", c->name, _(c->summary));
  fprintf (out, _("\n'%s COMMAND --help' tells about one command; 'man %s' about all.\n\n%s"),
           prog, man, _(exit_codes_help));
}

static const EnlaceCommand *
lookup (const EnlaceCommand *commands, const char *name)
{
  for (const EnlaceCommand *c = commands; c->name != NULL; c++)
    if (g_str_equal (c->name, name))
      return c;
  return NULL;
}

/**
 * enlace_command_run_group:
 * @subcommands: the group's table, ended by an entry with a %NULL name
 *
 * Runs "enlace GROUP SUBCOMMAND ...": the same dispatch as the top level,
 * one level down, for groups such as "enlace account add|list".
 */
gboolean
enlace_command_run_group (const EnlaceCommand *subcommands, int argc, char **argv,
                          EnlaceInvocation *invocation, GError **error)
{
  const char *group = argv[0]; /* "enlace account" */
  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      print_usage (argc < 2 ? stderr : stdout, group, invocation->prog,
                   invocation->command->summary, subcommands);
      if (argc < 2)
        g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, _("%s needs a command"), group);
      return argc >= 2;
    }
  const EnlaceCommand *sub = lookup (subcommands, argv[1]);
  if (sub == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("unknown command '%s' (see '%s --help')"), argv[1], group);
      return FALSE;
    }
  g_autofree char *sub_argv0 = g_strdup_printf ("%s %s", group, sub->name);
  g_autofree char *name = g_strdup_printf ("%s %s", invocation->command->name, sub->name);
  EnlaceCommand named = *sub;
  named.name = name;
  argv[1] = sub_argv0;
  g_set_prgname (sub_argv0);
  invocation->command = &named;
  gboolean ok = sub->fn (argc - 1, argv + 1, invocation, error);
  invocation->command = NULL;
  return ok;
}

static void
clear_invocation (EnlaceInvocation *invocation)
{
  g_clear_pointer (&invocation->directory, enlace_directory_free);
  g_clear_pointer (&invocation->config, enlace_config_free);
  g_clear_pointer (&invocation->local, enlace_local_free);
  g_clear_pointer (&opt_uri, g_free);
  g_clear_pointer (&opt_base, g_free);
  g_clear_pointer (&opt_bind_dn, g_free);
  g_clear_pointer (&opt_password_file, g_free);
  g_clear_pointer (&opt_config, g_free);
  g_clear_pointer (&opt_dir, g_free);
}

/* Under the plain C locale (no LANG, as in cron, CI or `env -i`) GOption
 * would read arguments as ASCII and refuse "Peña". Names in this directory
 * are UTF-8, so take the C locale's character type to be UTF-8, as
 * Python does (PEP 538); any other locale is left as the user set it. */
static void
coerce_c_locale (void)
{
  const char *ctype = setlocale (LC_CTYPE, NULL);
  if (ctype != NULL && (strcmp (ctype, "C") == 0 || strcmp (ctype, "POSIX") == 0)
      && strcmp (nl_langinfo (CODESET), "UTF-8") != 0)
    setlocale (LC_CTYPE, "C.UTF-8");
}

/**
 * enlace_command_main:
 * @commands: the command table, ended by an entry with a %NULL name
 *
 * Runs the command named by argv[1]; the program's main() is just this.
 *
 * Returns: the exit code.
 */
static void
print_warning (const char *text, gpointer user_data)
{
  fprintf (stderr, _("%s: warning: %s\n"), (const char *) user_data, text);
}

int
enlace_command_main (const char *prog, const char *description, const EnlaceCommand *commands,
                     int argc, char **argv)
{
  /* A closed pipe or connection is an error to report, not a silent death. */
  signal (SIGPIPE, SIG_IGN);
  setlocale (LC_ALL, "");
  coerce_c_locale ();
  /* ENLACE_LOCALEDIR lets the test suite use the build tree's catalogues. */
  const char *localedir = g_getenv ("ENLACE_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, localedir && *localedir ? localedir : ENLACE_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  enlace_warning_set_handler (print_warning, (gpointer) prog);
  if (argc < 2)
    {
      print_usage (stderr, prog, prog, description, commands);
      return ENLACE_ERROR_INVALID;
    }
  const char *name = argv[1];
  if (g_str_equal (name, "--help") || g_str_equal (name, "-h") || g_str_equal (name, "help"))
    {
      print_usage (stdout, prog, prog, description, commands);
      return 0;
    }
  if (g_str_equal (name, "--version"))
    {
      printf ("%s %s\n", prog, PACKAGE_VERSION);
      return 0;
    }

  const EnlaceCommand *command = lookup (commands, name);
  if (command == NULL)
    {
      fprintf (stderr, _("%s: error: unknown command '%s' (see '%s --help')\n"), prog, name,
               prog);
      return ENLACE_ERROR_INVALID;
    }

  /* The command sees "enlace init" as its argv[0], so its --help reads well. */
  g_autofree char *command_argv0 = g_strdup_printf ("%s %s", prog, command->name);
  argv[1] = command_argv0;
  g_set_prgname (command_argv0);
  EnlaceInvocation invocation = { .prog = prog, .command = command };
  g_autoptr(GError) error = NULL;
  gboolean ok = command->fn (argc - 1, argv + 1, &invocation, &error);
  clear_invocation (&invocation);
  if (!ok)
    {
      g_assert (error != NULL);
      fprintf (stderr, _("%s: error: %s\n"), prog, error->message);
      return enlace_error_exit_code (error);
    }
  return 0;
}


/**
 * enlace_command_take_id:
 *
 * Returns: (transfer none): the one positional argument, an ID, or %NULL
 * with %ENLACE_ERROR_INVALID when there is none or more than one.
 */
const char *
enlace_command_take_id (int argc, char **argv, EnlaceInvocation *invocation, GError **error)
{
  if (argc == 2)
    return argv[1];
  g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
               argc < 2 ? _("an ID is required, like GT-L-0042 (try '%s %s --help')")
                        : _("give one ID only (try '%s %s --help')"),
               invocation->prog, invocation->command->name);
  return NULL;
}

/**
 * enlace_command_format:
 * @name: (nullable): the --format value; %NULL for the default, an aligned
 *   table on a terminal and tab-separated columns elsewhere
 */
gboolean
enlace_command_format (const char *name, EnlaceFormat *format, GError **error)
{
  if (name == NULL)
    {
      *format = isatty (STDOUT_FILENO) ? ENLACE_FORMAT_TABLE : ENLACE_FORMAT_TSV;
      return TRUE;
    }
  return enlace_format_parse (name, format, error);
}

/**
 * enlace_command_notify:
 *
 * Sends the change notice for @id; a failure is a warning, since the
 * change itself is recorded.
 */
void
enlace_command_notify (EnlaceInvocation *invocation, EnlaceNotice notice, const char *id)
{
  g_autoptr(GError) error = NULL;
  if (!enlace_notice_send (invocation->directory, invocation->config, notice, id, &error))
    {
      g_autofree char *shown = enlace_format_printable (error->message);
      fprintf (stderr, _("%s: warning: the change is recorded, but the notice was not sent: %s\n"),
               invocation->prog, shown);
    }
}

/**
 * enlace_command_write:
 *
 * Writes @text to standard output and flushes it, so a full disk or a
 * closed pipe is an error and not silent loss.
 */
gboolean
enlace_command_write (GString *text, GError **error)
{
  if (fwrite (text->str, 1, text->len, stdout) != text->len || fflush (stdout) != 0)
    {
      int errsv = errno;
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot write the output: %s"),
                   g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

/**
 * enlace_command_list:
 * @values: (nullable): a repeatable option's values, each maybe "a,b"
 *
 * Returns: (transfer full) (nullable): every value, split at commas; %NULL
 * when the option was not given.
 */
char **
enlace_command_list (char **values)
{
  if (values == NULL)
    return NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  for (char **v = values; *v != NULL; v++)
    {
      g_auto(GStrv) parts = enlace_split_list (*v, ",");
      g_strv_builder_addv (builder, (const char **) parts);
    }
  return g_strv_builder_end (builder);
}
