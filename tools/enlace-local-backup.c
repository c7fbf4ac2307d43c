/* enlace-local backup — a slapcat of every database, and a manifest, into
 * a new directory; while the instance runs or not. */
#include "config.h"

#include <stdio.h>

#include "enlace-local-builtins.h"

/* Update docs/enlace-local.1 and the completion when you add options. */
ENLACE_BUILTIN_PROTO (local_backup)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("BACKUP-DIR"));
  if (!enlace_option_context_parse (context, NULL, &argc, &argv, invocation, error))
    return FALSE;
  if (argc != 2)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("give one directory to write the backup into (try '%s %s --help')"),
                   invocation->prog, invocation->command->name);
      return FALSE;
    }
  g_autofree char *report = NULL;
  if (!enlace_local_backup (invocation->local, argv[1], &report, error))
    return FALSE;
  fputs (report, stdout);
  return TRUE;
}
