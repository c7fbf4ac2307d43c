/* enlace-local check — does the change history agree with the data? */
#include "config.h"

#include <stdio.h>

#include "enlace-local-builtins.h"

/* Update docs/enlace-local.1 and the completion when you change these. */
static gboolean opt_dry_run;

static GOptionEntry options[] = {
  { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &opt_dry_run, N_("report, change nothing"), NULL },
  { NULL }
};

ENLACE_BUILTIN_PROTO (local_check)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  if (!enlace_option_context_parse (context, options, &argc, &argv, invocation, error))
    return FALSE;
  EnlaceLocal *local = invocation->local;
  if (enlace_local_get_pid (local) == 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_UNREACHABLE,
                   _("the instance in %s is not running ('enlace-local start' checks it too)"),
                   enlace_local_get_dir (local));
      return FALSE;
    }
  g_autoptr(EnlaceHistoryReport) report = NULL;
  if (!enlace_local_check_history (local, !opt_dry_run, &report, error))
    return FALSE;
  g_autofree char *found = enlace_history_report_describe (report, !opt_dry_run);
  if (found == NULL)
    {
      printf (_("the change history agrees with the data (%u entries, %u records)\n"),
              report->entries, report->records);
      return TRUE;
    }
  fputs (found, stdout);
  g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_CONFLICT,
               opt_dry_run ? _("the change history disagrees with the data")
                           : _("the change history disagreed with the data; it is repaired"));
  return FALSE;
}
