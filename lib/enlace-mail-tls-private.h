/* enlace-mail-tls-private.h — TLS to the mail servers: when it is
 * required, how it is checked, and what is said when it fails. Not
 * installed. */
#pragma once

#include <glib.h>

#include "enlace-curl.h"
#include "enlace-mail.h"

G_BEGIN_DECLS

gboolean enlace_mail_tls_setup (const EnlaceCurl *c, CURL *handle, EnlaceMailConfig *mc,
                                const char *url, GError **error);
gboolean enlace_mail_tls_failed (CURLcode rc);
void enlace_mail_set_tls_error (GError **error, const EnlaceCurl *c, EnlaceMailConfig *mc,
                                const char *url, CURLcode rc, const char *words);

G_END_DECLS
