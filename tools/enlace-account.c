/* enlace account add|list|unlock|remove — the accounts that bind to the
 * directory. */
#include "config.h"

#include <stdio.h>

#include "enlace-builtins.h"

/* Values are taken as bytes (FILENAME), not converted by GOption: the
 * library checks they are UTF-8 and names the field when they are not.
 * Update docs/enlace.1 and docs/completion/enlace when you change these. */
static char *opt_kind;
static char *opt_country;
static char *opt_new_password_file;
static char *opt_description;

static GOptionEntry add_options[] = {
  { "kind", 'k', 0, G_OPTION_ARG_FILENAME, &opt_kind,
    N_("secretariat, cancilleria, staff, addressbook or replica"), "KIND" },
  { "country", 'c', 0, G_OPTION_ARG_FILENAME, &opt_country,
    N_("the Cancillería's country (for --kind cancilleria)"), "CC" },
  { "new-password-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_new_password_file,
    N_("read the new account's password from FILE"), "FILE" },
  { "description", 0, 0, G_OPTION_ARG_FILENAME, &opt_description, N_("who it is for"), "TEXT" },
  { NULL }
};

static gboolean
account_add (int argc, char **argv, EnlaceInvocation *invocation, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME"));
  EnlaceAccountKind kind;
  if (!enlace_option_context_parse (context, add_options, &argc, &argv, invocation, error))
    return FALSE;
  if (argc != 2)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("give the account's name (try 'enlace account add --help')"));
      return FALSE;
    }
  if (opt_kind == NULL || !enlace_account_kind_parse (opt_kind, &kind, error))
    {
      if (opt_kind == NULL)
        g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                     _("kind is required (--kind secretariat|cancilleria|staff|addressbook|replica)"));
      return FALSE;
    }
  if (opt_new_password_file == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("the password comes from a file (--new-password-file); never from the "
                     "command line"));
      return FALSE;
    }
  g_autofree char *password = enlace_read_password_file (opt_new_password_file,
                                                        "--new-password-file", error);
  if (password == NULL)
    return FALSE;
  g_autofree char *dn = enlace_account_add (invocation->directory, kind, opt_country, argv[1],
                                            password, opt_description, error);
  if (dn == NULL)
    return FALSE;
  printf ("%s\n", dn);
  return TRUE;
}

static gboolean
account_list (int argc, char **argv, EnlaceInvocation *invocation, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  if (!enlace_option_context_parse (context, NULL, &argc, &argv, invocation, error))
    return FALSE;
  g_autoptr(GPtrArray) accounts = enlace_account_list (invocation->directory, error);
  if (accounts == NULL)
    return FALSE;
  if (accounts->len == 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND, _("no account is visible to you"));
      return FALSE;
    }
  g_autoptr(GString) out = g_string_new (NULL);
  for (guint i = 0; i < accounts->len; i++)
    {
      EnlaceAccount *a = accounts->pdata[i];
      g_string_append_printf (out, "%-12s %-3s %-20s %s%s%s\n",
                              enlace_account_kind_to_string (a->kind),
                              a->country ? a->country : "-", a->name, a->dn,
                              a->locked ? _("  locked since ") : "",
                              a->locked ? a->locked : "");
    }
  return enlace_command_write (out, error);
}

static GOptionEntry which_options[] = {
  { "kind", 'k', 0, G_OPTION_ARG_FILENAME, &opt_kind,
    N_("the account's kind, when its name is not enough"), "KIND" },
  { "country", 'c', 0, G_OPTION_ARG_FILENAME, &opt_country,
    N_("the Cancillería's country, when its name is not enough"), "CC" },
  { NULL }
};

/* The one account NAME (and --kind, --country) names. */
static EnlaceAccount *
which_account (int argc, char **argv, EnlaceInvocation *invocation, const char *verb,
               GError **error)
{
  EnlaceAccountKind kind;
  if (argc != 2)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("give the account's name (try 'enlace account %s --help')"), verb);
      return NULL;
    }
  if (opt_kind != NULL && !enlace_account_kind_parse (opt_kind, &kind, error))
    return NULL;
  return enlace_account_find (invocation->directory, argv[1], opt_kind ? &kind : NULL,
                              opt_country, error);
}

static gboolean
account_unlock (int argc, char **argv, EnlaceInvocation *invocation, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME"));
  if (!enlace_option_context_parse (context, which_options, &argc, &argv, invocation, error))
    return FALSE;
  g_autoptr(EnlaceAccount) account = which_account (argc, argv, invocation, "unlock", error);
  gboolean was_locked = FALSE;
  if (account == NULL
      || !enlace_account_unlock (invocation->directory, account, &was_locked, error))
    return FALSE;
  if (was_locked)
    printf (_("%s is unlocked\n"), account->dn);
  else
    printf (_("%s was not locked here; any replica that locked it lets it bind again\n"),
            account->dn);
  return TRUE;
}

static gboolean
account_remove (int argc, char **argv, EnlaceInvocation *invocation, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME"));
  if (!enlace_option_context_parse (context, which_options, &argc, &argv, invocation, error))
    return FALSE;
  g_autoptr(EnlaceAccount) account = which_account (argc, argv, invocation, "remove", error);
  if (account == NULL || !enlace_account_remove (invocation->directory, account, error))
    return FALSE;
  printf (_("%s is removed\n"), account->dn);
  return TRUE;
}

static const EnlaceCommand subcommands[] = {
  { "add", ENLACE_COMMAND_ARGUMENTS | ENLACE_COMMAND_WRITES, account_add,
    N_("Create an account (Secretariat, Cancillería, staff or address book)") },
  { "list", ENLACE_COMMAND_FLAGS_NONE, account_list, N_("List the accounts") },
  { "unlock", ENLACE_COMMAND_ARGUMENTS | ENLACE_COMMAND_WRITES, account_unlock,
    N_("Let an account locked after repeated failed binds bind again") },
  { "remove", ENLACE_COMMAND_ARGUMENTS | ENLACE_COMMAND_WRITES, account_remove, N_("Delete an account") },
  { NULL }
};

ENLACE_BUILTIN_PROTO (account)
{
  return enlace_command_run_group (subcommands, argc, argv, invocation, error);
}
