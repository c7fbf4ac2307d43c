/* enlace-ldif.h — read and write LDIF (RFC 2849) through libldap's own
 * LDIF code. */
#pragma once

#include <glib.h>
#include <ldap.h>

G_BEGIN_DECLS

void enlace_ldif_append (GString *out, const char *attr, const char *value, gsize len);
void enlace_ldif_append_str (GString *out, const char *attr, const char *value);

typedef struct _EnlaceLdifReader EnlaceLdifReader;

EnlaceLdifReader *enlace_ldif_reader_open (const char *path, GError **error);
void enlace_ldif_reader_free (EnlaceLdifReader *reader);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceLdifReader, enlace_ldif_reader_free)

gboolean enlace_ldif_reader_next (EnlaceLdifReader *reader, const char **dn, LDAPMod ***mods,
                                  gulong *lineno, GError **error);

G_END_DECLS
