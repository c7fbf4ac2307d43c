/* enlace authorize — the Cancillería authorises a pending designation. */
#include "config.h"

#include <stdio.h>

#include "enlace-builtins.h"

ENLACE_BUILTIN_PROTO (authorize)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("ID"));
  if (!enlace_option_context_parse (context, NULL, &argc, &argv, invocation, error))
    return FALSE;
  const char *id = enlace_command_take_id (argc, argv, invocation, error);
  if (id == NULL || !enlace_registry_authorize (invocation->directory, id, error))
    return FALSE;
  fprintf (stderr, _("%s is authorised and active\n"), id);
  enlace_command_notify (invocation, ENLACE_NOTICE_AUTHORIZED, id);
  return TRUE;
}
