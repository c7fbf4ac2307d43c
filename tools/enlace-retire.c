/* enlace retire — retire a liaison (baja), keeping the entry. No alias: a
 * destructive command is typed in full, with an explicit ID. */
#include "config.h"

#include <stdio.h>

#include "enlace-builtins.h"

/* Values are taken as bytes (FILENAME), not converted by GOption: the
 * library checks they are UTF-8 and names the field when they are not.
 * Update docs/enlace.1 and docs/completion/enlace when you change these. */
static char *opt_reason;
static char *opt_successor;
static char *opt_date;

static GOptionEntry options[] = {
  { "reason", 0, 0, G_OPTION_ARG_FILENAME, &opt_reason, N_("why (required)"), "TEXT" },
  { "successor", 0, 0, G_OPTION_ARG_FILENAME, &opt_successor, N_("ID of the liaison who takes over"),
    "ID" },
  { "date", 0, 0, G_OPTION_ARG_FILENAME, &opt_date, N_("when (default: today)"), "YYYY-MM-DD" },
  { NULL }
};

ENLACE_BUILTIN_PROTO (retire)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("ID"));
  if (!enlace_option_context_parse (context, options, &argc, &argv, invocation, error))
    return FALSE;
  const char *id = enlace_command_take_id (argc, argv, invocation, error);
  if (id == NULL)
    return FALSE;
  if (opt_reason == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, _("reason is required (--reason)"));
      return FALSE;
    }
  if (!enlace_registry_retire (invocation->directory, id, opt_reason, opt_successor, opt_date,
                               error))
    return FALSE;
  fprintf (stderr, _("%s is retired\n"), id);
  enlace_command_notify (invocation, ENLACE_NOTICE_RETIRED, id);
  return TRUE;
}
