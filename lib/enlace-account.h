/* enlace-account.h — the accounts that bind to the directory: Secretariat
 * administrators, one or more per Cancillería, and read-only staff. What
 * each may do is enforced by slapd's access rules (see enlace-local). */
#pragma once

#include <glib.h>

#include "enlace-directory.h"

G_BEGIN_DECLS

typedef enum {
  ENLACE_ACCOUNT_SECRETARIAT,
  ENLACE_ACCOUNT_CANCILLERIA,
  ENLACE_ACCOUNT_STAFF,
} EnlaceAccountKind;

typedef struct {
  char *dn;
  char *name;
  EnlaceAccountKind kind;
  char *country; /* for a Cancillería */
  char *description;
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

G_END_DECLS
