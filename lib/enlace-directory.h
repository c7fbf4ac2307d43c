/* enlace-directory.h — a connection to an enlace directory. */
#pragma once

#include <glib.h>
#include <ldap.h>

#include "enlace-config.h"

G_BEGIN_DECLS

typedef struct _EnlaceDirectory EnlaceDirectory;

typedef enum {
  ENLACE_CONNECT_READ = 0,
  ENLACE_CONNECT_WRITE = 1 << 0, /* a read-only replica hands over to its provider */
} EnlaceConnectFlags;

gboolean enlace_uri_is_local (const char *uri);
char **enlace_uri_list_split (const char *uris);
EnlaceDirectory *enlace_directory_connect_full (const char *uris, const char *base,
                                                const char *bind_dn, const char *password,
                                                const char *cafile, EnlaceConnectFlags flags,
                                                GError **error);

EnlaceDirectory *enlace_directory_connect (const char *uri, const char *base,
                                           const char *bind_dn, const char *password,
                                           GError **error);
EnlaceDirectory *enlace_directory_open (EnlaceConfig *config, EnlaceConnectFlags flags,
                                        GError **error);
void enlace_directory_free (EnlaceDirectory *dir);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceDirectory, enlace_directory_free)

LDAP *enlace_directory_get_ldap (EnlaceDirectory *dir);
const char *enlace_directory_get_uri (EnlaceDirectory *dir);
const char *enlace_directory_get_base (EnlaceDirectory *dir);
char *enlace_directory_whoami (EnlaceDirectory *dir, GError **error);

/* Called once per entry of a search; return FALSE with @error set to stop. */
typedef gboolean (*EnlaceEntryFunc) (EnlaceDirectory *dir, LDAPMessage *entry,
                                     gpointer user_data, GError **error);

gboolean enlace_directory_search (EnlaceDirectory *dir, const char *base, int scope,
                                  const char *filter, const char *const *attrs,
                                  EnlaceEntryFunc func, gpointer user_data, GError **error);
LDAPMessage *enlace_directory_get_entry (EnlaceDirectory *dir, const char *dn,
                                         const char *const *attrs, GError **error);
int enlace_directory_schema_version (EnlaceDirectory *dir, GError **error);

const char *enlace_directory_get_bound_dn (EnlaceDirectory *dir, GError **error);

gboolean enlace_directory_add (EnlaceDirectory *dir, const char *dn, LDAPMod **mods,
                               GError **error);
gboolean enlace_directory_modify (EnlaceDirectory *dir, const char *dn, LDAPMod **mods,
                                  const char *assertion, GError **error);
gboolean enlace_directory_add_start (EnlaceDirectory *dir, const char *dn, LDAPMod **mods,
                                     int *msgid, GError **error);
gboolean enlace_directory_modify_start (EnlaceDirectory *dir, gboolean add, const char *dn,
                                        LDAPMod **mods, const char *assertion, int *msgid,
                                        GError **error);
gboolean enlace_directory_finish (EnlaceDirectory *dir, int msgid, const char *what,
                                  GError **error);
gboolean enlace_directory_txn_begin (EnlaceDirectory *dir, GError **error);
gboolean enlace_directory_txn_end (EnlaceDirectory *dir, gboolean commit, GError **error);

/* Called once per attribute of an entry; @values ends with a NULL bv_val. */
typedef void (*EnlaceAttributeFunc) (const char *attr, struct berval *values, gpointer user_data);
char *enlace_entry_read (LDAP *ld, LDAPMessage *entry, EnlaceAttributeFunc func,
                         gpointer user_data);

char *enlace_dn_child (const char *attr, const char *value, const char *parent);
char *enlace_dn_first_value (const char *dn);
char *enlace_dn_normalize (const char *dn);

char *enlace_filter_escape (const char *value);
char *enlace_filter_printf (const char *format, ...);

G_END_DECLS
