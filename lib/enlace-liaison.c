/* enlace-liaison.c — read and find liaisons. Every value that reaches a
 * filter goes through enlace_filter_printf(), which escapes it with
 * libldap. */
#include "config.h"

#include <string.h>

#include "enlace-autocleanups.h"
#include "enlace-error.h"
#include "enlace-institution.h"
#include "enlace-liaison.h"
#include "enlace-status.h"
#include "enlace-validate.h"

const char *const enlace_liaison_attributes[] = {
  "enlaceId", "c", "givenName", "sn", "cn", "title", "o", "enlaceInstitution", "mail",
  "telephoneNumber", "enlaceMobile", "enlaceNotes", "enlaceStatus", "enlaceRole",
  "enlaceNetwork", "enlaceLanguage", "enlacePhoneAsWritten", "enlaceDesignationDate",
  "enlaceDesignatedBy", "enlaceAuthorizationDate", "enlaceAuthorizedBy",
  "enlaceRetirementDate", "enlaceRetiredBy", "enlaceRetirementReason", "enlaceSuccessor",
  "enlacePredecessor", "enlaceLastConfirmed", NULL,
};

static char **
values_of (LDAP *ld, LDAPMessage *entry, const char *attr)
{
  g_autoptr(EnlaceBervalArray) values = ldap_get_values_len (ld, entry, attr);
  g_autoptr(GPtrArray) out = g_ptr_array_new ();
  for (int i = 0; values != NULL && values[i] != NULL; i++)
    g_ptr_array_add (out, g_strndup (values[i]->bv_val, values[i]->bv_len));
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

static char *
value_of (LDAP *ld, LDAPMessage *entry, const char *attr)
{
  g_auto(GStrv) values = values_of (ld, entry, attr);
  return g_strdup (values[0]);
}

static char *
date_of (LDAP *ld, LDAPMessage *entry, const char *attr)
{
  g_autofree char *generalized = value_of (ld, entry, attr);
  return enlace_date_from_generalized (generalized);
}

static char *
id_of (LDAP *ld, LDAPMessage *entry, const char *attr)
{
  g_autofree char *dn = value_of (ld, entry, attr);
  return enlace_dn_first_value (dn);
}

/**
 * enlace_liaison_new_from_entry:
 *
 * Returns: (transfer full): the liaison in @entry; missing attributes are
 * %NULL (or empty lists).
 */
EnlaceLiaison *
enlace_liaison_new_from_entry (LDAP *ld, LDAPMessage *entry)
{
  EnlaceLiaison *l = g_new0 (EnlaceLiaison, 1);
  g_autoptr(EnlaceLdapString) dn = ldap_get_dn (ld, entry);
  l->dn = g_strdup (dn);
  l->id = value_of (ld, entry, "enlaceId");
  l->country = value_of (ld, entry, "c");
  l->given_name = value_of (ld, entry, "givenName");
  l->surname = value_of (ld, entry, "sn");
  l->name = value_of (ld, entry, "cn");
  l->title = value_of (ld, entry, "title");
  l->institution_id = id_of (ld, entry, "enlaceInstitution");
  l->institution = value_of (ld, entry, "o");
  l->mail = value_of (ld, entry, "mail");
  l->phone = value_of (ld, entry, "telephoneNumber");
  l->mobile = value_of (ld, entry, "enlaceMobile");
  l->notes = value_of (ld, entry, "enlaceNotes");
  l->status = value_of (ld, entry, "enlaceStatus");
  l->roles = values_of (ld, entry, "enlaceRole");
  l->networks = values_of (ld, entry, "enlaceNetwork");
  l->languages = values_of (ld, entry, "enlaceLanguage");
  l->phones_as_written = values_of (ld, entry, "enlacePhoneAsWritten");
  l->designated = date_of (ld, entry, "enlaceDesignationDate");
  l->designated_by = value_of (ld, entry, "enlaceDesignatedBy");
  l->authorized = date_of (ld, entry, "enlaceAuthorizationDate");
  l->authorized_by = value_of (ld, entry, "enlaceAuthorizedBy");
  l->retired = date_of (ld, entry, "enlaceRetirementDate");
  l->retired_by = value_of (ld, entry, "enlaceRetiredBy");
  l->retirement_reason = value_of (ld, entry, "enlaceRetirementReason");
  l->successor_id = id_of (ld, entry, "enlaceSuccessor");
  l->predecessor_id = id_of (ld, entry, "enlacePredecessor");
  l->last_confirmed = date_of (ld, entry, "enlaceLastConfirmed");
  return l;
}

void
enlace_liaison_free (EnlaceLiaison *l)
{
  if (l == NULL)
    return;
  char **strings[] = { &l->dn, &l->id, &l->country, &l->given_name, &l->surname, &l->name,
                       &l->title, &l->institution_id, &l->institution, &l->mail, &l->phone,
                       &l->mobile, &l->notes, &l->status, &l->designated, &l->designated_by,
                       &l->authorized, &l->authorized_by, &l->retired, &l->retired_by,
                       &l->retirement_reason, &l->successor_id, &l->predecessor_id,
                       &l->last_confirmed };
  for (gsize i = 0; i < G_N_ELEMENTS (strings); i++)
    g_free (*strings[i]);
  g_strfreev (l->roles);
  g_strfreev (l->networks);
  g_strfreev (l->languages);
  g_strfreev (l->phones_as_written);
  g_free (l);
}

/**
 * enlace_liaison_query_filter:
 *
 * Returns: (transfer full): the RFC 4515 filter for @query, or %NULL with
 * %ENLACE_ERROR_INVALID naming a bad status, or %ENLACE_ERROR_NOT_FOUND
 * for an institution that does not exist.
 */
char *
enlace_liaison_query_filter (EnlaceDirectory *dir, const EnlaceLiaisonQuery *query,
                             GError **error)
{
  g_autoptr(GString) filter = g_string_new ("(&(objectClass=enlaceLiaison)");
  g_autofree char *institution_dn = NULL;

  if (query->institution != NULL)
    {
      if (!enlace_institution_lookup (dir, query->institution, &institution_dn, NULL, error))
        return NULL;
    }
  const struct { const char *format; const char *value; } parts[] = {
    { "(c=%s)", query->country },
    { "(enlaceRole=%s)", query->role },
    { "(enlaceNetwork=%s)", query->network },
    { "(cn=*%s*)", query->name },
    { "(enlaceInstitution=%s)", institution_dn },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (parts); i++)
    if (parts[i].value != NULL)
      {
        g_autofree char *part = enlace_filter_printf (parts[i].format, parts[i].value);
        g_string_append (filter, part);
      }

  if (query->status == NULL)
    g_string_append (filter, "(!(enlaceStatus=retired))");
  else if (g_ascii_strcasecmp (query->status, "all") != 0)
    {
      if (enlace_status_from_string (query->status) == ENLACE_STATUS_OTHER)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       "status '%s' is not one of pending, active, retired, unverified, all",
                       query->status);
          return NULL;
        }
      g_autofree char *part = enlace_filter_printf ("(enlaceStatus=%s)", query->status);
      g_string_append (filter, part);
    }
  g_string_append_c (filter, ')');
  return g_string_free (g_steal_pointer (&filter), FALSE);
}

static gboolean
collect (EnlaceDirectory *dir, LDAPMessage *entry, gpointer user_data, GError **error)
{
  g_ptr_array_add (user_data, enlace_liaison_new_from_entry (enlace_directory_get_ldap (dir), entry));
  return TRUE;
}

static int
by_country_then_id (gconstpointer a, gconstpointer b)
{
  const EnlaceLiaison *x = *(EnlaceLiaison **) a, *y = *(EnlaceLiaison **) b;
  int c = g_strcmp0 (x->country, y->country);
  return c != 0 ? c : g_strcmp0 (x->id, y->id);
}

/**
 * enlace_liaison_find:
 *
 * Returns: (transfer full) (element-type EnlaceLiaison): the liaisons
 * matching @query, by country then ID; empty when none match.
 */
GPtrArray *
enlace_liaison_find (EnlaceDirectory *dir, const EnlaceLiaisonQuery *query, GError **error)
{
  g_autofree char *filter = enlace_liaison_query_filter (dir, query, error);
  if (filter == NULL)
    return NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) enlace_liaison_free);
  if (!enlace_directory_search (dir, enlace_directory_get_base (dir), LDAP_SCOPE_SUBTREE, filter,
                                enlace_liaison_attributes, collect, found, error))
    return NULL;
  g_ptr_array_sort (found, by_country_then_id);
  return g_steal_pointer (&found);
}

/**
 * enlace_liaison_get:
 * @id: a liaison's ID
 *
 * Returns: (transfer full): the liaison, or %NULL with
 * %ENLACE_ERROR_INVALID (not an ID) or %ENLACE_ERROR_NOT_FOUND.
 */
EnlaceLiaison *
enlace_liaison_get (EnlaceDirectory *dir, const char *id, GError **error)
{
  g_autofree char *clean = enlace_validate_id ("ID", id, error);
  if (clean == NULL)
    return NULL;
  g_autofree char *filter = enlace_filter_printf ("(&(objectClass=enlaceLiaison)(enlaceId=%s))",
                                                  clean);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) enlace_liaison_free);
  if (!enlace_directory_search (dir, enlace_directory_get_base (dir), LDAP_SCOPE_SUBTREE, filter,
                                enlace_liaison_attributes, collect, found, error))
    return NULL;
  if (found->len == 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND, "no liaison has the ID %s", clean);
      return NULL;
    }
  return g_ptr_array_steal_index (found, 0);
}
