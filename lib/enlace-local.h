/* enlace-local.h — the embedded default: a private slapd in a directory of
 * the user's, started and stopped without root and never touching a system
 * slapd. */
#pragma once

#include <glib.h>

#include "enlace-history.h"

G_BEGIN_DECLS

#define ENLACE_LOCAL_DEFAULT_BASE "o=enlace"

typedef struct _EnlaceLocal EnlaceLocal;

EnlaceLocal *enlace_local_new (const char *dir, GError **error);
void enlace_local_free (EnlaceLocal *local);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceLocal, enlace_local_free)

const char *enlace_local_get_dir (EnlaceLocal *local);
const char *enlace_local_get_uri (EnlaceLocal *local);
const char *enlace_local_get_base (EnlaceLocal *local);
guint enlace_local_get_port (EnlaceLocal *local);
GPid enlace_local_get_pid (EnlaceLocal *local);
gboolean enlace_local_is_set_up (EnlaceLocal *local);

void enlace_local_set_listen (EnlaceLocal *local, const char *const *urls);
const char *const *enlace_local_get_listen (EnlaceLocal *local);
void enlace_local_set_tls (EnlaceLocal *local, const char *cert, const char *key,
                           const char *ca);
gboolean enlace_local_set_replica (EnlaceLocal *local, const char *provider,
                                   const char *bind_dn, const char *password_file,
                                   GError **error);
const char *enlace_local_get_provider (EnlaceLocal *local);
gboolean enlace_local_test_ca (const char *dir, const char *name, const char *const *hosts,
                               gboolean expired, gboolean *created_ca, GError **error);

gboolean enlace_local_set_up (EnlaceLocal *local, const char *base, GError **error);
gboolean enlace_local_start (EnlaceLocal *local, int port, gboolean *already_running,
                             GError **error);
gboolean enlace_local_prepare (EnlaceLocal *local, int port, GError **error);
gboolean enlace_local_exec (EnlaceLocal *local, int port, GError **error);
gboolean enlace_local_stop (EnlaceLocal *local, gboolean *was_running, GError **error);
char *enlace_local_env (EnlaceLocal *local);
const char *enlace_local_get_notice (EnlaceLocal *local);
gboolean enlace_local_check_history (EnlaceLocal *local, gboolean repair,
                                     EnlaceHistoryReport **report, GError **error);
gboolean enlace_local_backup (EnlaceLocal *local, const char *dest, char **report,
                              GError **error);
gboolean enlace_local_restore (EnlaceLocal *local, const char *source, char **report,
                               GError **error);

G_END_DECLS
