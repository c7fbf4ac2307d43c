/* enlace-local-private.h — what enlace-local.c shares with the modules that
 * write its cn=config (enlace-local-config.c), bring an existing instance
 * up to date (enlace-local-reconcile.c) and back it up and restore it
 * (enlace-local-backup.c). Not installed. */
#pragma once

#include <glib.h>

#include "enlace-local.h"

G_BEGIN_DECLS

/* The databases, by the directory each keeps under the instance. Their
 * olcDatabase numbers follow this order: subordinates before the
 * directory they are glued under, as slapd requires. */
typedef enum {
  ENLACE_LOCAL_DB_HISTORY = 1,   /* cn=accesslog */
  ENLACE_LOCAL_DB_CAMPAIGNS = 2, /* ou=campaigns,BASE */
  ENLACE_LOCAL_DB_ACCOUNTS = 3,  /* ou=accounts,BASE */
  ENLACE_LOCAL_DB_DIRECTORY = 4, /* BASE */
} EnlaceLocalDb;

#define ENLACE_LOCAL_N_DBS 4

/* Each database's directory name under the instance, by EnlaceLocalDb. */
extern const char *const enlace_local_db_dirs[ENLACE_LOCAL_N_DBS + 1];

/* What an instance serves beyond its socket (enlace-local-server.c). */
typedef struct {
  char **listen;   /* ldap:// and ldaps:// URLs; NULL for none */
  char *tls_cert;  /* absolute paths, read by slapd at every start */
  char *tls_key;
  char *tls_ca;
  char *provider;  /* a replica's provider URL; NULL: this is a provider */
  char *replica_dn; /* the replication account on the provider */
  char *replica_password;
} EnlaceLocalServer;

void enlace_local_server_clear (EnlaceLocalServer *server);
gboolean enlace_local_server_equal (const EnlaceLocalServer *a, const EnlaceLocalServer *b);
gboolean enlace_local_server_is_exposed (const EnlaceLocalServer *server);
gboolean enlace_local_server_check (const EnlaceLocalServer *server, GError **error);
gboolean enlace_local_server_check_ports (const EnlaceLocalServer *server, guint port,
                                          GError **error);
void enlace_local_server_set_tls (EnlaceLocalServer *server, const char *cert, const char *key,
                                  const char *ca);
void enlace_local_server_load (EnlaceLocalServer *server, GKeyFile *kf, const char *dir);
gboolean enlace_local_server_save (const EnlaceLocalServer *server, GKeyFile *kf,
                                   const char *dir, GError **error);
char *enlace_local_server_listen_urls (const EnlaceLocalServer *server, const char *socket_uri,
                                       guint port);
void enlace_local_server_append_global (const EnlaceLocalServer *server, GString *ldif);
char *enlace_local_server_syncrepl (const EnlaceLocalServer *server, int rid,
                                    const char *searchbase);

/* Where the cn=config being written points: @run_dir holds the pidfile,
 * @db_dir the databases (a staging directory while an instance is rebuilt). */
typedef struct {
  const char *run_dir;
  const char *db_dir;
  const char *base;
  const char *schema_ldif; /* schema/enlace.ldif */
  const EnlaceLocalServer *server; /* NULL: the socket only, a provider */
} EnlaceLocalConfigSpec;

const EnlaceLocalServer *enlace_local_get_server (EnlaceLocal *local);
GString *enlace_local_config_ldif (const EnlaceLocalConfigSpec *spec);
char *enlace_local_owner_dn (void);
char *enlace_local_suffix (EnlaceLocalDb db, const char *base);

gboolean enlace_local_run_tool (const char *what, const char *const *argv, GError **error);
gboolean enlace_local_slapadd_config (const char *slapd_d, const char *ldif_path,
                                      GError **error);
gboolean enlace_local_remove_tree (const char *path, GError **error);
gboolean enlace_local_make_dir (const char *path, GError **error);
const char *enlace_local_slapd (void);

gboolean enlace_local_prime (const char *slapd_d, const char *base, const char *schema_ldif,
                            const char *scratch, GError **error);
gboolean enlace_local_add_history_root (const char *slapd_d, const char *scratch,
                                        GError **error);
gboolean enlace_local_dump (const char *slapd_d, const char *suffix, const char *subtree,
                            const char *const *except, const char *out, GError **error);
gboolean enlace_local_reconcile (EnlaceLocal *local, const char *schema_ldif, char **report,
                                 GError **error);
gboolean enlace_local_finish_swap (EnlaceLocal *local, GError **error);

/* What a rebuild loaded into one database. */
typedef struct {
  guint entries;  /* read from the dump or the backup */
  guint seeded;   /* added from seeds/base.ldif */
  guint scrubbed; /* password values taken out of the history */
} EnlaceLocalLoadStats;

gboolean enlace_local_rebuild_from_backup (EnlaceLocal *local, const char *schema_ldif,
                                           const char *from_backup, EnlaceLocalLoadStats *stats,
                                           GError **error);
char *enlace_local_backup_file (const char *backup_dir, EnlaceLocalDb db);

char *enlace_local_read_schema (GError **error);
gboolean enlace_local_lock (EnlaceLocal *local, GError **error);
void enlace_local_unlock (EnlaceLocal *local);

G_END_DECLS
