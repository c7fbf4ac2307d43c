/* enlace-local stop — stop the private slapd by its pid. */
#include "config.h"

#include <stdio.h>

#include "enlace-local-builtins.h"

ENLACE_BUILTIN_PROTO (local_stop)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  if (!enlace_option_context_parse (context, NULL, &argc, &argv, invocation, error))
    return FALSE;

  gboolean was_running = FALSE;
  if (!enlace_local_stop (invocation->local, &was_running, error))
    return FALSE;
  printf (was_running ? _("enlace-local: stopped (%s)\n")
                      : _("enlace-local: was not running (%s)\n"),
          enlace_local_get_dir (invocation->local));
  return TRUE;
}
