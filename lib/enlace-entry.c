/* enlace-entry.c — liaisons' and institutions' common ground. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "enlace-autocleanups.h"
#include "enlace-entry.h"
#include "enlace-error.h"
#include "enlace-mods.h"
#include "enlace-validate.h"

const EnlaceEntryKind enlace_entry_liaison = { "enlaceLiaison", "liaison", 'L' };
const EnlaceEntryKind enlace_entry_institution = { "enlaceInstitution", "institution", 'I' };

void
enlace_entry_ref_free (EnlaceEntryRef *ref)
{
  if (ref == NULL)
    return;
  g_free (ref->dn);
  g_free (ref->id);
  g_free (ref->country);
  g_free (ref->status);
  g_free (ref->retired);
  g_free (ref);
}

static char *
first (LDAP *ld, LDAPMessage *entry, const char *attr)
{
  g_autoptr(EnlaceBervalArray) v = ldap_get_values_len (ld, entry, attr);
  return v && v[0] ? g_strndup (v[0]->bv_val, v[0]->bv_len) : NULL;
}

static gboolean
collect_ref (EnlaceDirectory *dir, LDAPMessage *entry, gpointer user_data, GError **error)
{
  LDAP *ld = enlace_directory_get_ldap (dir);
  EnlaceEntryRef *ref = g_new0 (EnlaceEntryRef, 1);
  g_autoptr(EnlaceLdapString) dn = ldap_get_dn (ld, entry);
  g_autofree char *retired = first (ld, entry, "enlaceRetirementDate");
  ref->dn = g_strdup (dn);
  ref->id = first (ld, entry, "enlaceId");
  ref->country = first (ld, entry, "c");
  ref->status = first (ld, entry, "enlaceStatus");
  ref->retired = enlace_date_from_generalized (retired);
  g_ptr_array_add (user_data, ref);
  return TRUE;
}

/**
 * enlace_entry_ref_get:
 *
 * Returns: (transfer full): the entry of @kind with @id, or %NULL with
 * %ENLACE_ERROR_INVALID (not an ID) or %ENLACE_ERROR_NOT_FOUND.
 */
EnlaceEntryRef *
enlace_entry_ref_get (EnlaceDirectory *dir, const EnlaceEntryKind *kind, const char *id,
                      GError **error)
{
  g_autofree char *clean = enlace_validate_id ("ID", id, error);
  if (clean == NULL)
    return NULL;
  g_autofree char *filter = enlace_filter_printf ("(&(objectClass=%s)(enlaceId=%s))",
                                                  kind->object_class, clean);
  const char *attrs[] = { "enlaceId", "c", "enlaceStatus", "enlaceRetirementDate", NULL };
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) enlace_entry_ref_free);
  if (!enlace_directory_search (dir, enlace_directory_get_base (dir), LDAP_SCOPE_SUBTREE, filter,
                                attrs, collect_ref, found, error))
    return NULL;
  if (found->len == 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND, _("no %s has the ID %s"), kind->noun,
                   clean);
      return NULL;
    }
  return g_ptr_array_steal_index (found, 0);
}

char *
enlace_entry_country_dn (EnlaceDirectory *dir, const char *country)
{
  return enlace_dn_child ("c", country, enlace_directory_get_base (dir));
}

/**
 * enlace_entry_format_id:
 *
 * Returns: (transfer full): e.g. GT-L-0042 or GT-I-0007.
 */
char *
enlace_entry_format_id (const EnlaceEntryKind *kind, const char *country, guint number)
{
  return g_strdup_printf ("%s-%c-%04u", country, kind->letter, number);
}

static gboolean
collect_id (EnlaceDirectory *dir, LDAPMessage *entry, gpointer user_data, GError **error)
{
  g_autofree char *id = first (enlace_directory_get_ldap (dir), entry, "enlaceId");
  if (id != NULL)
    g_ptr_array_add (user_data, g_steal_pointer (&id));
  return TRUE;
}

/**
 * enlace_entry_next_number:
 *
 * Returns: one past the highest number of @country's entries of @kind, or
 * 0 with an error.
 */
guint
enlace_entry_next_number (EnlaceDirectory *dir, const EnlaceEntryKind *kind, const char *country,
                          GError **error)
{
  g_autofree char *prefix = g_strdup_printf ("%s-%c-", country, kind->letter);
  g_autofree char *filter = enlace_filter_printf ("(&(objectClass=%s)(enlaceId=%s*))",
                                                  kind->object_class, prefix);
  g_autofree char *parent = enlace_entry_country_dn (dir, country);
  const char *attrs[] = { "enlaceId", NULL };
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  if (!enlace_directory_search (dir, parent, LDAP_SCOPE_ONELEVEL, filter, attrs, collect_id, found,
                                error))
    return 0;
  guint64 highest = 0;
  for (guint i = 0; i < found->len; i++)
    highest = MAX (highest, g_ascii_strtoull ((char *) found->pdata[i] + strlen (prefix), NULL, 10));
  return (guint) highest + 1;
}

/* How often to take the next ID when another writer took ours. */
#define ID_ATTEMPTS 20

/**
 * enlace_entry_add_numbered:
 * @build: makes the entry's attributes for the ID it is given
 *
 * Adds a new entry of @kind under @country with the next free ID. When
 * another writer takes that ID first, takes the next one.
 *
 * Returns: (transfer full): the new ID, or %NULL with an error.
 */
char *
enlace_entry_add_numbered (EnlaceDirectory *dir, const EnlaceEntryKind *kind, const char *country,
                           EnlaceEntryBuildFunc build, gpointer user_data, GError **error)
{
  g_autofree char *parent = enlace_entry_country_dn (dir, country);
  for (int attempt = 0; attempt < ID_ATTEMPTS; attempt++)
    {
      guint number = enlace_entry_next_number (dir, kind, country, error);
      if (number == 0)
        return NULL;
      g_autofree char *id = enlace_entry_format_id (kind, country, number);
      g_autofree char *dn = enlace_dn_child ("enlaceId", id, parent);
      g_autoptr(EnlaceMods) mods = build (id, user_data);
      g_autoptr(GError) add_error = NULL;
      if (enlace_directory_add (dir, dn, enlace_mods_get (mods), &add_error))
        return g_steal_pointer (&id);
      /* A conflict because the ID now exists: someone took it meanwhile. */
      if (g_error_matches (add_error, ENLACE_ERROR, ENLACE_ERROR_CONFLICT))
        {
          const char *no_attrs[] = { LDAP_NO_ATTRS, NULL };
          g_autoptr(EnlaceLdapMessage) taken = enlace_directory_get_entry (dir, dn, no_attrs, NULL);
          if (taken != NULL)
            continue;
        }
      g_propagate_error (error, g_steal_pointer (&add_error));
      enlace_entry_explain (dir, country, error);
      return NULL;
    }
  g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_CONFLICT,
               _("could not find a free ID for %s after %d attempts"), country, ID_ATTEMPTS);
  return NULL;
}

/**
 * enlace_entry_explain:
 *
 * Rewrites a permission error to say who may not change which country's
 * entries. Always returns %FALSE, for `return enlace_entry_explain (...)`.
 */
gboolean
enlace_entry_explain (EnlaceDirectory *dir, const char *country, GError **error)
{
  if (error != NULL && *error != NULL && (*error)->domain == ENLACE_ERROR
      && (*error)->code == ENLACE_ERROR_PERMISSION)
    {
      const char *who = enlace_directory_get_bound_dn (dir, NULL);
      g_autofree char *old = g_strdup ((*error)->message);
      g_clear_error (error);
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_PERMISSION,
                   _("permission denied: %s may not change the entries of %s (%s)"),
                   who && *who ? who : "an anonymous user", country ? country : "?", old);
    }
  return FALSE;
}

/**
 * enlace_entry_retire:
 *
 * Retires the entry of @kind with @id: status retired, the date, the
 * account, the reason, and the successor (a current entry of the same kind
 * and country), which gets a link back; both entries change in one
 * transaction (RFC 5805). The entry is kept, never deleted.
 */
gboolean
enlace_entry_retire (EnlaceDirectory *dir, const EnlaceEntryKind *kind, const char *id,
                     const char *reason, const char *successor, const char *date, GError **error)
{
  g_autoptr(EnlaceEntryRef) e = enlace_entry_ref_get (dir, kind, id, error);
  if (e == NULL)
    return FALSE;
  g_autofree char *why = enlace_validate_text ("reason", reason, ENLACE_MAX_TEXT, error);
  if (why == NULL)
    return FALSE;
  g_autofree char *today = enlace_today ();
  g_autofree char *when = enlace_date_to_generalized ("date", date ? date : today, error);
  if (when == NULL)
    return FALSE;
  if (g_strcmp0 (e->status, "retired") == 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_CONFLICT, _("%s is already retired (since %s)"),
                   e->id, e->retired ? e->retired : "an unknown date");
      return FALSE;
    }
  g_autoptr(EnlaceEntryRef) next = NULL;
  if (successor != NULL)
    {
      next = enlace_entry_ref_get (dir, kind, successor, error);
      if (next == NULL)
        return FALSE;
      if (g_str_equal (next->dn, e->dn) || g_strcmp0 (next->status, "retired") == 0
          || g_strcmp0 (next->country, e->country) != 0)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("successor %s must be another current %s of %s"), next->id, kind->noun,
                       e->country ? e->country : "the same country");
          return FALSE;
        }
    }
  const char *who = enlace_directory_get_bound_dn (dir, error);
  if (who == NULL)
    return FALSE;

  g_autoptr(EnlaceMods) mods = enlace_mods_new ();
  enlace_mods_add (mods, LDAP_MOD_REPLACE, "enlaceStatus", "retired");
  enlace_mods_add (mods, LDAP_MOD_REPLACE, "enlaceRetirementDate", when);
  enlace_mods_add (mods, LDAP_MOD_REPLACE, "enlaceRetiredBy", *who ? who : NULL);
  enlace_mods_add (mods, LDAP_MOD_REPLACE, "enlaceRetirementReason", why);
  if (next != NULL)
    enlace_mods_add (mods, LDAP_MOD_REPLACE, "enlaceSuccessor", next->dn);
  const char *current = "(!(enlaceStatus=retired))";

  if (next == NULL)
    {
      if (!enlace_directory_modify (dir, e->dn, enlace_mods_get (mods), current, error))
        return enlace_entry_explain (dir, e->country, error);
      return TRUE;
    }
  g_autoptr(EnlaceMods) link = enlace_mods_new ();
  enlace_mods_add (link, LDAP_MOD_REPLACE, "enlacePredecessor", e->dn);
  if (!enlace_directory_txn_begin (dir, error))
    return FALSE;
  if (!enlace_directory_modify (dir, e->dn, enlace_mods_get (mods), current, error)
      || !enlace_directory_modify (dir, next->dn, enlace_mods_get (link), current, error))
    {
      enlace_directory_txn_end (dir, FALSE, NULL);
      return enlace_entry_explain (dir, e->country, error);
    }
  if (!enlace_directory_txn_end (dir, TRUE, error))
    return enlace_entry_explain (dir, e->country, error);
  return TRUE;
}
