/* enlace import — load liaisons from a CSV file. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "enlace-builtins.h"

/* Update docs/enlace.1 when you change these options. */
static gboolean opt_dry_run;
static int opt_batch = ENLACE_IMPORT_DEFAULT_BATCH;

static GOptionEntry options[] = {
  { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &opt_dry_run, N_("check every row, write nothing"), NULL },
  /* A FILE.xml snapshot goes to 'enlace-xml import', which takes --dry-run only. */
  { "batch", 0, 0, G_OPTION_ARG_INT, &opt_batch,
    N_("rows per LDAP transaction (default 1000)"), "N" },
  { NULL }
};

static void
warn (guint line, const char *message, gpointer user_data)
{
  const char *file = user_data;
  g_autofree char *shown = enlace_format_printable (message);
  fprintf (stderr, _("%s: line %u: warning: %s\n"), file, line, shown);
}

static void
progress (guint done, guint total, gpointer user_data)
{
  fputc ('\r', stderr);
  fprintf (stderr, _("imported %u of %u rows (%u%%)"), done, total, total ? done * 100 / total : 100);
  if (done == total)
    fputc ('\n', stderr);
}

/* A snapshot is imported by the enlace-xml helper. */
static gboolean
is_snapshot (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      gsize n = strlen (argv[i]);
      if (argv[i][0] != '-' && n > 4 && g_ascii_strcasecmp (argv[i] + n - 4, ".xml") == 0)
        return TRUE;
    }
  return FALSE;
}

ENLACE_BUILTIN_PROTO (import)
{
  if (is_snapshot (argc, argv))
    return enlace_command_exec_helper (invocation, argc, argv, error);

  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE.csv | FILE.xml"));
  if (!enlace_option_context_parse (context, options, &argc, &argv, invocation, error))
    return FALSE;
  if (argc != 2)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("give one CSV file (try 'enlace import --help')"));
      return FALSE;
    }
  if (opt_batch < 1 || opt_batch > 100000)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("--batch %d is out of range (1-100000)"), opt_batch);
      return FALSE;
    }
  EnlaceImportOptions import_options = {
    .dry_run = opt_dry_run,
    .batch_size = (guint) opt_batch,
    .warning = warn,
    /* Progress only for a person watching a terminal. */
    .progress = isatty (STDERR_FILENO) ? progress : NULL,
    .user_data = argv[1],
  };
  EnlaceImportStats stats;
  if (!enlace_import_csv (invocation->directory, argv[1], &import_options, &stats, error))
    return FALSE;
  printf (opt_dry_run ? _("%s: %u rows: would add %u; %u already present; %u warnings\n")
                      : _("%s: %u rows: added %u; %u already present; %u warnings\n"),
          argv[1], stats.rows, stats.added, stats.existing, stats.warnings);
  return TRUE;
}
