/* enlace-mods.h — build LDAPMod arrays (internal to libenlace). */
#pragma once

#include <glib.h>
#include <ldap.h>

G_BEGIN_DECLS

typedef struct _EnlaceMods EnlaceMods;

EnlaceMods *enlace_mods_new (void);
void enlace_mods_free (EnlaceMods *mods);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceMods, enlace_mods_free)

void enlace_mods_add_bervals (EnlaceMods *mods, int op, const char *attr, struct berval **values,
                              guint n);
void enlace_mods_add (EnlaceMods *mods, int op, const char *attr, const char *value);
void enlace_mods_add_strv (EnlaceMods *mods, int op, const char *attr, const char *const *values);
gboolean enlace_mods_is_empty (EnlaceMods *mods);
LDAPMod **enlace_mods_get (EnlaceMods *mods);

G_END_DECLS
