/* enlace-liaison.c — read and find liaisons. Every value that reaches a
 * filter goes through enlace_filter_printf(), which escapes it with
 * libldap. */
#include "config.h"

#include <glib/gi18n-lib.h>

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
strv_of (struct berval *values)
{
  guint n = 0;
  while (values[n].bv_val != NULL)
    n++;
  char **out = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    out[i] = g_strndup (values[i].bv_val, values[i].bv_len);
  return out;
}

typedef enum { TEXT, LIST, DATE, ID } FieldKind;

/* Where each attribute goes, found by name as the entry is read. */
#define FIELD(attr, kind, member)                                                             \
  { attr, sizeof (attr) - 1, kind, G_STRUCT_OFFSET (EnlaceLiaison, member) }
static const struct {
  const char *attr;
  gsize len;
  FieldKind kind;
  goffset offset;
} fields[] = {
  FIELD ("enlaceId", TEXT, id),
  FIELD ("c", TEXT, country),
  FIELD ("givenName", TEXT, given_name),
  FIELD ("sn", TEXT, surname),
  FIELD ("cn", TEXT, name),
  FIELD ("title", TEXT, title),
  FIELD ("o", TEXT, institution),
  FIELD ("enlaceInstitution", ID, institution_id),
  FIELD ("mail", TEXT, mail),
  FIELD ("telephoneNumber", TEXT, phone),
  FIELD ("enlaceMobile", TEXT, mobile),
  FIELD ("enlaceNotes", TEXT, notes),
  FIELD ("enlaceStatus", TEXT, status),
  FIELD ("enlaceRole", LIST, roles),
  FIELD ("enlaceNetwork", LIST, networks),
  FIELD ("enlaceLanguage", LIST, languages),
  FIELD ("enlacePhoneAsWritten", LIST, phones_as_written),
  FIELD ("enlaceDesignationDate", DATE, designated),
  FIELD ("enlaceDesignatedBy", TEXT, designated_by),
  FIELD ("enlaceAuthorizationDate", DATE, authorized),
  FIELD ("enlaceAuthorizedBy", TEXT, authorized_by),
  FIELD ("enlaceRetirementDate", DATE, retired),
  FIELD ("enlaceRetiredBy", TEXT, retired_by),
  FIELD ("enlaceRetirementReason", TEXT, retirement_reason),
  FIELD ("enlaceSuccessor", ID, successor_id),
  FIELD ("enlacePredecessor", ID, predecessor_id),
  FIELD ("enlaceLastConfirmed", DATE, last_confirmed),
};
#undef FIELD

static void
take_attribute (const char *attr, struct berval *values, gpointer user_data)
{
  EnlaceLiaison *l = user_data;
  gsize len = strlen (attr);
  for (gsize f = 0; f < G_N_ELEMENTS (fields); f++)
    {
      /* Lengths first: most names differ there, and cheaply. */
      if (fields[f].len != len || g_ascii_strcasecmp (attr, fields[f].attr) != 0)
        continue;
      gpointer slot = G_STRUCT_MEMBER_P (l, fields[f].offset);
      if (fields[f].kind == LIST)
        {
          g_strfreev (*(char ***) slot);
          *(char ***) slot = strv_of (values);
          return;
        }
      if (values[0].bv_val == NULL || *(char **) slot != NULL)
        return;
      g_autofree char *text = g_strndup (values[0].bv_val, values[0].bv_len);
      *(char **) slot = fields[f].kind == DATE ? enlace_date_from_generalized (text)
                        : fields[f].kind == ID ? enlace_dn_first_value (text)
                                               : g_steal_pointer (&text);
      return;
    }
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
  l->dn = enlace_entry_read (ld, entry, take_attribute, l);
  char ***lists[] = { &l->roles, &l->networks, &l->languages, &l->phones_as_written };
  for (gsize i = 0; i < G_N_ELEMENTS (lists); i++)
    if (*lists[i] == NULL)
      *lists[i] = g_new0 (char *, 1);
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

  if (!enlace_status_filter (filter, query->status, error))
    return NULL;
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
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND, _("no liaison has the ID %s"), clean);
      return NULL;
    }
  return g_ptr_array_steal_index (found, 0);
}
