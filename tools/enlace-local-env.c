/* enlace-local env — `eval "$(enlace-local env)"` points enlace at the
 * local server. */
#include "config.h"

#include <stdio.h>

#include "enlace-local-builtins.h"

ENLACE_BUILTIN_PROTO (local_env)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  if (!enlace_option_context_parse (context, NULL, &argc, &argv, invocation, error))
    return FALSE;

  g_autofree char *lines = enlace_local_env (invocation->local);
  fputs (lines, stdout);
  return TRUE;
}
