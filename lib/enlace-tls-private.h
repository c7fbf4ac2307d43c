/* enlace-tls-private.h — which servers may go without TLS, and why a
 * server's certificate was refused. Not installed. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean enlace_host_is_local (const char *host);
char *enlace_tls_check_certificate (const void *data, gsize len, gboolean pem, const char *host,
                                    const char *cafile);
char *enlace_tls_diagnose (const char *uri, const char *cafile, gboolean *reached);

G_END_DECLS
