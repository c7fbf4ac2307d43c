/* enlace-autocleanups.h — g_autoptr() for the foreign types libenlace uses,
 * defined once here so no code path leaks them. */
#pragma once

#include <glib.h>
#include <ldap.h>

G_BEGIN_DECLS

static inline void
enlace_ldap_unbind (LDAP *ld)
{
  ldap_unbind_ext_s (ld, NULL, NULL);
}

static inline void
enlace_ldap_memfree (char *p)
{
  ldap_memfree (p);
}

typedef LDAP EnlaceLdap;
typedef LDAPMessage EnlaceLdapMessage;
typedef LDAPControl EnlaceLdapControl;
typedef char EnlaceLdapString;
typedef struct berval *EnlaceBervalArray;
typedef LDAPControl *EnlaceLdapControls;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceLdap, enlace_ldap_unbind)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceLdapMessage, ldap_msgfree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceLdapControl, ldap_control_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceLdapString, enlace_ldap_memfree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceBervalArray, ber_bvecfree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceLdapControls, ldap_controls_free)

G_END_DECLS
