/* enlace-local test-ca — a private CA and a server certificate, for
 * trials and tests of TLS and replication. */
#include "config.h"

#include <stdio.h>

#include "enlace-local.h"
#include "enlace-local-builtins.h"

/* Update docs/enlace-local.1 and the completion when you change these. */
static char **opt_hosts;
static char *opt_name;
static gboolean opt_expired;

static GOptionEntry options[] = {
  { "host", 'H', 0, G_OPTION_ARG_STRING_ARRAY, &opt_hosts,
    N_("a host name or address the certificate is for; repeat for more"), "NAME" },
  { "name", 'n', 0, G_OPTION_ARG_STRING, &opt_name,
    N_("write the certificate to DIR/NAME.pem and its key to DIR/NAME.key (default: server)"),
    "NAME" },
  { "expired", 0, 0, G_OPTION_ARG_NONE, &opt_expired,
    N_("issue a certificate that expired long ago, to try that clients refuse it"), NULL },
  { NULL }
};

ENLACE_BUILTIN_PROTO (local_test_ca)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("DIR"));
  if (!enlace_option_context_parse (context, options, &argc, &argv, invocation, error))
    return FALSE;
  if (argc != 2)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("give the CA's directory (try 'enlace-local test-ca --help')"));
      return FALSE;
    }
  const char *dir = argv[1];
  const char *name = opt_name ? opt_name : "server";
  gboolean created = FALSE;
  if (!enlace_local_test_ca (dir, name, (const char *const *) opt_hosts, opt_expired, &created,
                             error))
    return FALSE;
  if (created)
    printf (_("enlace-local: made a CA for trials in %s/ca.pem (its key: ca.key); give "
              "ca.pem to clients as [directory] cafile\n"), dir);
  printf (_("enlace-local: certificate %s/%s.pem, key %s/%s.key\n"), dir, name, dir, name);
  return TRUE;
}
