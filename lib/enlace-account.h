/* enlace-account.h — the accounts that bind to the directory: Secretariat
 * administrators, one or more per Cancillería, read-only staff, and
 * address books. What each may do is enforced by slapd's access rules
 * (docs/SECURITY.md, lib/enlace-local-config.c). */
#pragma once

#include <glib.h>

#include "enlace-directory.h"

G_BEGIN_DECLS

typedef enum {
  ENLACE_ACCOUNT_SECRETARIAT,
  ENLACE_ACCOUNT_CANCILLERIA,
  ENLACE_ACCOUNT_STAFF,
  ENLACE_ACCOUNT_ADDRESSBOOK,
  ENLACE_ACCOUNT_REPLICA, /* a replica's syncrepl: reads everything, writes nothing */
} EnlaceAccountKind;

typedef struct {
  char *dn;
  char *name;
  EnlaceAccountKind kind;
  char *country; /* for a Cancillería */
  char *description;
  char *locked; /* when slapo-ppolicy locked it ("YYYY-MM-DD HH:MM:SSZ"), or NULL */
} EnlaceAccount;

void enlace_account_free (EnlaceAccount *account);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceAccount, enlace_account_free)

gboolean enlace_account_kind_parse (const char *text, EnlaceAccountKind *kind, GError **error);
const char *enlace_account_kind_to_string (EnlaceAccountKind kind);
char *enlace_account_dn (EnlaceDirectory *dir, EnlaceAccountKind kind, const char *country,
                         const char *name, GError **error);
char *enlace_account_add (EnlaceDirectory *dir, EnlaceAccountKind kind, const char *country,
                          const char *name, const char *password, const char *description,
                          GError **error);
gboolean enlace_account_set_password (EnlaceDirectory *dir, const char *dn, const char *password,
                                      GError **error);
GPtrArray *enlace_account_list (EnlaceDirectory *dir, GError **error);
EnlaceAccount *enlace_account_find (EnlaceDirectory *dir, const char *name,
                                    const EnlaceAccountKind *kind, const char *country,
                                    GError **error);
gboolean enlace_account_unlock (EnlaceDirectory *dir, EnlaceAccount *account,
                                gboolean *was_locked, GError **error);
gboolean enlace_account_remove (EnlaceDirectory *dir, EnlaceAccount *account, GError **error);

G_END_DECLS
