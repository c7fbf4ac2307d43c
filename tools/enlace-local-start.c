/* enlace-local start — set up and start the private slapd. */
#include "config.h"

#include <stdio.h>

#include "enlace-local-builtins.h"

/* Update docs/enlace-local.1 and the completion when you change these. */
static int opt_port = -1;
static char *opt_base;
static gboolean opt_foreground;

static GOptionEntry options[] = {
  { "port", 'p', 0, G_OPTION_ARG_INT, &opt_port,
    N_("also listen on 127.0.0.1:PORT (0: socket only; remembered)"), "PORT" },
  { "base", 'b', 0, G_OPTION_ARG_STRING, &opt_base,
    N_("base DN of a new instance (default: o=enlace)"), "DN" },
  { "foreground", 'f', 0, G_OPTION_ARG_NONE, &opt_foreground,
    N_("run slapd in the foreground, in place of this process"), NULL },
  { NULL }
};

ENLACE_BUILTIN_PROTO (local_start)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  if (!enlace_option_context_parse (context, options, &argc, &argv, invocation, error))
    return FALSE;
  if (opt_port < -1 || opt_port > 65535)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("--port %d is out of range (1-65535, or 0 for none)"), opt_port);
      return FALSE;
    }

  EnlaceLocal *local = invocation->local;
  if (!enlace_local_set_up (local, opt_base, error))
    return FALSE;
  if (opt_foreground)
    {
      if (!enlace_local_prepare (local, opt_port, error))
        return FALSE;
      if (enlace_local_get_notice (local) != NULL)
        fputs (enlace_local_get_notice (local), stderr);
      return enlace_local_exec (local, opt_port, error);
    }

  gboolean already = FALSE;
  if (!enlace_local_start (local, opt_port, &already, error))
    return FALSE;
  if (enlace_local_get_notice (local) != NULL)
    fputs (enlace_local_get_notice (local), stderr);
  if (already)
    printf (_("enlace-local: already running at %s (pid %d)\n"), enlace_local_get_uri (local),
            (int) enlace_local_get_pid (local));
  else
    printf (_("enlace-local: started at %s (pid %d)\n"), enlace_local_get_uri (local),
            (int) enlace_local_get_pid (local));
  if (enlace_local_get_port (local) != 0)
    printf (_("enlace-local: also listening on ldap://127.0.0.1:%u/\n"),
            enlace_local_get_port (local));
  return TRUE;
}
