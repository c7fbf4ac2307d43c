/* enlace-local status — running or not, and where. Exits 3 when stopped,
 * so scripts can test it. */
#include "config.h"

#include <stdio.h>

#include "enlace-local.h"

#include "enlace-local-builtins.h"

ENLACE_BUILTIN_PROTO (local_status)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  if (!enlace_option_context_parse (context, NULL, &argc, &argv, invocation, error))
    return FALSE;

  EnlaceLocal *local = invocation->local;
  printf ("%-10s %s\n", _("dir:"), enlace_local_get_dir (local));
  if (!enlace_local_is_set_up (local))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_UNREACHABLE,
                   _("no instance in %s: 'enlace-local start' creates one"),
                   enlace_local_get_dir (local));
      return FALSE;
    }
  printf ("%-10s %s\n", _("uri:"), enlace_local_get_uri (local));
  if (enlace_local_get_port (local) != 0)
    printf ("%-10s ldap://127.0.0.1:%u/\n", _("tcp:"), enlace_local_get_port (local));
  const char *const *urls = enlace_local_get_listen (local);
  for (gsize i = 0; urls != NULL && urls[i] != NULL; i++)
    printf ("%-10s %s\n", _("listen:"), urls[i]);
  if (enlace_local_get_provider (local) != NULL)
    printf ("%-10s %s\n", _("replica of:"), enlace_local_get_provider (local));
  printf ("%-10s %s\n", _("base:"), enlace_local_get_base (local));

  GPid pid = enlace_local_get_pid (local);
  if (pid == 0)
    {
      printf ("%-10s %s\n", _("state:"), _("stopped"));
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_UNREACHABLE,
                   _("the local server is not running: 'enlace-local start' starts it"));
      return FALSE;
    }
  printf ("%-10s %s (pid %d)\n", _("state:"), _("running"), (int) pid);
  return TRUE;
}
