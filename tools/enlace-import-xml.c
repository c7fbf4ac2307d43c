/* enlace import FILE.xml — a snapshot back into the directory. */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "enlace-xml-builtins.h"

static gboolean opt_dry_run;

static GOptionEntry options[] = {
  { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &opt_dry_run,
    N_("validate and count what would change, write nothing"), NULL },
  { NULL }
};

ENLACE_BUILTIN_PROTO (import_xml)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE.xml"));
  if (!enlace_option_context_parse (context, options, &argc, &argv, invocation, error))
    return FALSE;
  if (argc != 2)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("give one snapshot file (try 'enlace import --help')"));
      return FALSE;
    }
  gboolean show = isatty (STDERR_FILENO);
  EnlaceSnapshotImportOptions import_options = {
    .dry_run = opt_dry_run,
    .progress = show ? enlace_xml_progress : NULL,
    .progress_data = (gpointer) _("entries read:"),
  };
  EnlaceSnapshotImportResult result;
  gboolean ok = enlace_snapshot_import (invocation->directory, argv[1], &import_options, &result,
                                        error);
  if (show)
    fputc ('\n', stderr);
  if (!ok)
    return FALSE;
  printf (opt_dry_run ? _("%s: would create %u, update %u; %u unchanged\n")
                      : _("%s: created %u, updated %u; %u unchanged\n"),
          argv[1], result.created, result.updated, result.unchanged);
  return TRUE;
}
