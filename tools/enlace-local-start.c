/* enlace-local start — set up and start the private slapd. */
#include "config.h"

#include <stdio.h>

#include "enlace-local.h"

#include "enlace-local-builtins.h"

/* Update docs/enlace-local.1 and the completion when you change these. */
static int opt_port = -1;
static char *opt_base;
static gboolean opt_foreground;
static char **opt_listen;
static char *opt_tls_cert;
static char *opt_tls_key;
static char *opt_tls_ca;
static char *opt_replica_of;
static char *opt_replica_dn;
static char *opt_replica_password_file;

static GOptionEntry options[] = {
  { "port", 'p', 0, G_OPTION_ARG_INT, &opt_port,
    N_("also listen on 127.0.0.1:PORT (0: socket only; remembered)"), "PORT" },
  { "base", 'b', 0, G_OPTION_ARG_STRING, &opt_base,
    N_("base DN of a new instance (default: o=enlace)"), "DN" },
  { "foreground", 'f', 0, G_OPTION_ARG_NONE, &opt_foreground,
    N_("run slapd in the foreground, in place of this process"), NULL },
  { "listen", 'l', 0, G_OPTION_ARG_STRING_ARRAY, &opt_listen,
    N_("also listen on URL, ldaps://HOST:PORT or ldap://HOST:PORT (StartTLS); repeat for "
       "more, --listen= for none (remembered)"), "URL" },
  { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &opt_tls_cert,
    N_("the server's certificate, PEM (remembered)"), "FILE" },
  { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &opt_tls_key,
    N_("its private key, PEM (remembered)"), "FILE" },
  { "tls-ca", 0, 0, G_OPTION_ARG_FILENAME, &opt_tls_ca,
    N_("the CA's certificate, PEM: the chain, and a replica's check of its provider "
       "(remembered; --tls-ca= forgets it)"), "FILE" },
  { "replica-of", 0, 0, G_OPTION_ARG_STRING, &opt_replica_of,
    N_("make a new instance a read-only replica of the provider at URL (remembered)"),
    "URL" },
  { "replica-dn", 0, 0, G_OPTION_ARG_STRING, &opt_replica_dn,
    N_("the replication account on the provider (enlace account add --kind replica)"),
    "DN" },
  { "replica-password-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_replica_password_file,
    N_("read its password from FILE"), "FILE" },
  { NULL }
};

/* Hands what the options say to the instance; checked as a whole when it
 * starts. */
static gboolean
apply_options (EnlaceLocal *local, GError **error)
{
  if (opt_listen != NULL)
    {
      /* --listen= (empty) clears the list. */
      g_autoptr(GStrvBuilder) urls = g_strv_builder_new ();
      for (char **u = opt_listen; *u != NULL; u++)
        if (**u != '\0')
          g_strv_builder_add (urls, *u);
      g_auto(GStrv) list = g_strv_builder_end (urls);
      enlace_local_set_listen (local, (const char *const *) list);
    }
  if ((opt_tls_cert == NULL) != (opt_tls_key == NULL))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("--tls-cert and --tls-key go together"));
      return FALSE;
    }
  /* Each is remembered; what is not given stays as it was. */
  enlace_local_set_tls (local, opt_tls_cert, opt_tls_key, opt_tls_ca);
  if (opt_replica_of == NULL && (opt_replica_dn != NULL || opt_replica_password_file != NULL))
    {
      if (enlace_local_get_provider (local) == NULL)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("--replica-dn and --replica-password-file go with --replica-of"));
          return FALSE;
        }
      opt_replica_of = g_strdup (enlace_local_get_provider (local));
    }
  if (opt_replica_of != NULL
      && !enlace_local_set_replica (local, opt_replica_of, opt_replica_dn,
                                    opt_replica_password_file, error))
    return FALSE;
  return TRUE;
}

static void
print_listening (EnlaceLocal *local)
{
  if (enlace_local_get_port (local) != 0)
    printf (_("enlace-local: also listening on ldap://127.0.0.1:%u/\n"),
            enlace_local_get_port (local));
  const char *const *urls = enlace_local_get_listen (local);
  for (gsize i = 0; urls != NULL && urls[i] != NULL; i++)
    printf (_("enlace-local: also listening on %s\n"), urls[i]);
  if (enlace_local_get_provider (local) != NULL)
    printf (_("enlace-local: a read-only replica of %s\n"), enlace_local_get_provider (local));
}

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
  if (!apply_options (local, error))
    return FALSE;
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
  print_listening (local);
  return TRUE;
}
