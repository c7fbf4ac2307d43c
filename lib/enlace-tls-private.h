/* enlace-tls-private.h — why a server's certificate was refused. Not
 * installed. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *enlace_tls_diagnose (const char *uri, const char *cafile, gboolean *reached);

G_END_DECLS
