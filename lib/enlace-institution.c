/* enlace-institution.c — institutions. */
#include "config.h"

#include <string.h>

#include "enlace-autocleanups.h"
#include "enlace-error.h"
#include "enlace-institution.h"
#include "enlace-validate.h"

static gboolean
collect (EnlaceDirectory *dir, LDAPMessage *entry, gpointer user_data, GError **error)
{
  LDAP *ld = enlace_directory_get_ldap (dir);
  g_autoptr(EnlaceLdapString) dn = ldap_get_dn (ld, entry);
  g_autoptr(EnlaceBervalArray) o = ldap_get_values_len (ld, entry, "o");
  g_ptr_array_add (user_data, g_strdup (dn));
  g_ptr_array_add (user_data, o && o[0] ? g_strndup (o[0]->bv_val, o[0]->bv_len) : g_strdup (""));
  return TRUE;
}

/**
 * enlace_institution_lookup:
 * @id_or_name: an institution's ID (GT-I-0003) or its exact name
 * @dn: (out) (optional): its DN
 * @name: (out) (optional): its name (o)
 *
 * Returns: %TRUE when exactly one institution answers to @id_or_name;
 * otherwise %ENLACE_ERROR_NOT_FOUND, or %ENLACE_ERROR_CONFLICT when a name
 * is shared by several institutions.
 */
gboolean
enlace_institution_lookup (EnlaceDirectory *dir, const char *id_or_name, char **dn, char **name,
                           GError **error)
{
  g_autofree char *id = enlace_validate_id ("institution", id_or_name, NULL);
  g_autofree char *filter = id ? enlace_filter_printf ("(&(objectClass=enlaceInstitution)(enlaceId=%s))", id)
                               : enlace_filter_printf ("(&(objectClass=enlaceInstitution)(|(o=%s)(displayName=%s)))",
                                                       id_or_name, id_or_name);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  const char *attrs[] = { "o", NULL };

  if (!g_utf8_validate (id_or_name, -1, NULL))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, "institution is not valid UTF-8");
      return FALSE;
    }
  if (!enlace_directory_search (dir, enlace_directory_get_base (dir), LDAP_SCOPE_SUBTREE, filter,
                                attrs, collect, found, error))
    return FALSE;
  if (found->len == 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND,
                   "institution '%s' does not exist (give an institution's ID, like GT-I-0001, "
                   "or its exact name)", id_or_name);
      return FALSE;
    }
  if (found->len > 2)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_CONFLICT,
                   "institution '%s' names %u institutions; give its ID instead", id_or_name,
                   found->len / 2);
      return FALSE;
    }
  if (dn != NULL)
    *dn = g_strdup (found->pdata[0]);
  if (name != NULL)
    *name = g_strdup (found->pdata[1]);
  return TRUE;
}
