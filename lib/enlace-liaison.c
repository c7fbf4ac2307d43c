/* enlace-liaison.c — find liaisons. Every value that reaches a filter goes
 * through enlace_filter_printf(), which escapes it with libldap. */
#include "config.h"

#include <string.h>

#include "enlace-autocleanups.h"
#include "enlace-error.h"
#include "enlace-liaison.h"
#include "enlace-status.h"

static const char *const liaison_attrs[] = {
  "enlaceId", "c", "cn", "title", "o", "mail", "telephoneNumber", "enlaceStatus",
  "enlaceRole", "enlaceNetwork", NULL,
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
  char *dn = ldap_get_dn (ld, entry);
  l->dn = g_strdup (dn);
  ldap_memfree (dn);
  l->id = value_of (ld, entry, "enlaceId");
  l->country = value_of (ld, entry, "c");
  l->name = value_of (ld, entry, "cn");
  l->title = value_of (ld, entry, "title");
  l->institution = value_of (ld, entry, "o");
  l->mail = value_of (ld, entry, "mail");
  l->phone = value_of (ld, entry, "telephoneNumber");
  l->status = value_of (ld, entry, "enlaceStatus");
  l->roles = values_of (ld, entry, "enlaceRole");
  l->networks = values_of (ld, entry, "enlaceNetwork");
  return l;
}

void
enlace_liaison_free (EnlaceLiaison *l)
{
  if (l == NULL)
    return;
  g_free (l->dn);
  g_free (l->id);
  g_free (l->country);
  g_free (l->name);
  g_free (l->title);
  g_free (l->institution);
  g_free (l->mail);
  g_free (l->phone);
  g_free (l->status);
  g_strfreev (l->roles);
  g_strfreev (l->networks);
  g_free (l);
}

/**
 * enlace_liaison_query_filter:
 *
 * Returns: (transfer full): the RFC 4515 filter for @query, or %NULL with
 * %ENLACE_ERROR_INVALID naming a bad status.
 */
char *
enlace_liaison_query_filter (const EnlaceLiaisonQuery *query, GError **error)
{
  g_autoptr(GString) filter = g_string_new ("(&(objectClass=enlaceLiaison)");
  const struct { const char *format; const char *value; } parts[] = {
    { "(c=%s)", query->country },
    { "(enlaceRole=%s)", query->role },
    { "(enlaceNetwork=%s)", query->network },
    { "(cn=*%s*)", query->name },
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
  g_autofree char *filter = enlace_liaison_query_filter (query, error);
  if (filter == NULL)
    return NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) enlace_liaison_free);
  if (!enlace_directory_search (dir, enlace_directory_get_base (dir), LDAP_SCOPE_SUBTREE, filter,
                                liaison_attrs, collect, found, error))
    return NULL;
  g_ptr_array_sort (found, by_country_then_id);
  return g_steal_pointer (&found);
}
