/* enlace-seed.c — make the directory hold what a seed LDIF file says.
 *
 * Each entry of the file is added when missing; when present, only the
 * attributes whose values differ from the file are replaced, and an entry
 * that already matches is not written at all. So a second run writes
 * nothing, and a release that improves a label updates just that label.
 * Attributes the file does not mention (added by people since) are kept. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "enlace-autocleanups.h"
#include "enlace-error.h"
#include "enlace-ldif.h"
#include "enlace-mods.h"
#include "enlace-seed.h"
#include "enlace-seed-private.h"

/* DN-valued attributes of the seeds, rebased with the entries' DNs. */
static const char *const dn_attrs[] = {
  "member", "enlaceInstitution", "enlaceSuccessor", "enlacePredecessor",
  "enlaceDesignatedBy", "enlaceAuthorizedBy", "enlaceRetiredBy", NULL,
};

static gboolean
is_dn_attr (const char *attr)
{
  for (int i = 0; dn_attrs[i] != NULL; i++)
    if (g_ascii_strcasecmp (attr, dn_attrs[i]) == 0)
      return TRUE;
  return FALSE;
}

/**
 * enlace_seed_rebase:
 *
 * Returns: (transfer full): @dn moved from the seed base to @base
 * ("c=GT,o=enlace" -> "c=GT,<base>"), or %NULL when it is not under it.
 */
char *
enlace_seed_rebase (const char *dn, const char *base)
{
  gsize len = strlen (dn), suffix = strlen (ENLACE_SEED_BASE);
  if (g_ascii_strcasecmp (dn, ENLACE_SEED_BASE) == 0)
    return g_strdup (base);
  if (len > suffix + 1 && dn[len - suffix - 1] == ','
      && g_ascii_strcasecmp (dn + len - suffix, ENLACE_SEED_BASE) == 0)
    return g_strdup_printf ("%.*s,%s", (int) (len - suffix - 1), dn, base);
  return NULL;
}

/* The values of @mod, rebased if they are DNs. */
static GPtrArray *
wanted_values (LDAPMod *mod, const char *base)
{
  GPtrArray *values = g_ptr_array_new_with_free_func ((GDestroyNotify) ber_bvfree);
  gboolean dn_valued = is_dn_attr (mod->mod_type);
  for (int i = 0; mod->mod_bvalues[i] != NULL; i++)
    {
      struct berval *bv = mod->mod_bvalues[i];
      g_autofree char *moved = dn_valued ? enlace_seed_rebase (bv->bv_val, base) : NULL;
      struct berval src = moved ? (struct berval){ strlen (moved), moved } : *bv;
      g_ptr_array_add (values, ber_dupbv (NULL, &src));
    }
  return values;
}

static gboolean
same_values (GPtrArray *wanted, struct berval **have)
{
  guint n_have = 0;
  while (have != NULL && have[n_have] != NULL)
    n_have++;
  if (n_have != wanted->len)
    return FALSE;
  for (guint i = 0; i < wanted->len; i++)
    {
      struct berval *w = wanted->pdata[i];
      gboolean found = FALSE;
      for (guint j = 0; j < n_have && !found; j++)
        found = have[j]->bv_len == w->bv_len && memcmp (have[j]->bv_val, w->bv_val, w->bv_len) == 0;
      if (!found)
        return FALSE;
    }
  return TRUE;
}

/* The values the entry holds for exactly @attr (options included). */
static struct berval **
entry_values (LDAP *ld, LDAPMessage *entry, const char *attr)
{
  BerElement *ber = NULL;
  struct berval **found = NULL;
  for (char *a = ldap_first_attribute (ld, entry, &ber); a != NULL;
       a = ldap_next_attribute (ld, entry, ber))
    {
      if (found == NULL && g_ascii_strcasecmp (a, attr) == 0)
        found = ldap_get_values_len (ld, entry, a);
      ldap_memfree (a);
    }
  ber_free (ber, 0);
  return found;
}

static char *
base_o_value (const char *base)
{
  LDAPDN dn = NULL;
  char *value = NULL;
  if (ldap_str2dn (base, &dn, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS || dn == NULL)
    return NULL;
  LDAPRDN rdn = dn[0];
  if (rdn != NULL && rdn[0] != NULL && rdn[1] == NULL
      && g_ascii_strncasecmp (rdn[0]->la_attr.bv_val, "o", rdn[0]->la_attr.bv_len) == 0
      && rdn[0]->la_attr.bv_len == 1)
    value = g_strndup (rdn[0]->la_value.bv_val, rdn[0]->la_value.bv_len);
  ldap_dnfree (dn);
  return value;
}

static gboolean
is_root (const char *seed_dn)
{
  return g_ascii_strcasecmp (seed_dn, ENLACE_SEED_BASE) == 0;
}

static gboolean
apply_entry (EnlaceDirectory *dir, const char *seed_dn, LDAPMod **seed_mods, gboolean dry_run,
             EnlaceSeedStats *stats, EnlaceSeedFunc func, gpointer user_data, GError **error)
{
  LDAP *ld = enlace_directory_get_ldap (dir);
  const char *base = enlace_directory_get_base (dir);
  g_autofree char *dn = enlace_seed_rebase (seed_dn, base);
  gboolean own_root = is_root (seed_dn) && g_ascii_strcasecmp (base, ENLACE_SEED_BASE) != 0;

  if (dn == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("seed entry %s is not under %s"), seed_dn, ENLACE_SEED_BASE);
      return FALSE;
    }

  g_autoptr(GPtrArray) attrs = g_ptr_array_new ();
  g_autoptr(GPtrArray) wanted = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  for (int i = 0; seed_mods[i] != NULL; i++)
    {
      g_ptr_array_add (attrs, seed_mods[i]->mod_type);
      g_ptr_array_add (wanted, wanted_values (seed_mods[i], base));
    }
  g_ptr_array_add (attrs, NULL);

  g_autoptr(GError) lookup_error = NULL;
  g_autoptr(EnlaceLdapMessage) res = enlace_directory_get_entry (
      dir, dn, (const char *const *) attrs->pdata, &lookup_error);
  if (res == NULL && !g_error_matches (lookup_error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&lookup_error));
      return FALSE;
    }

  if (own_root && res != NULL)
    {
      stats->unchanged++;
      return TRUE;
    }
  if (own_root)
    {
      g_autofree char *o = base_o_value (base);
      if (o == NULL)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND,
                       _("the base entry %s does not exist: create it first (enlace init "
                       "creates a base entry only when its RDN is o=...)"), dn);
          return FALSE;
        }
      for (guint i = 0; i < wanted->len; i++)
        if (g_ascii_strcasecmp (attrs->pdata[i], "o") == 0)
          {
            GPtrArray *values = wanted->pdata[i];
            struct berval bv = { strlen (o), o };
            g_ptr_array_set_size (values, 0);
            g_ptr_array_add (values, ber_dupbv (NULL, &bv));
          }
    }

  g_autoptr(EnlaceMods) mods = enlace_mods_new ();
  for (guint i = 0; i < wanted->len; i++)
    {
      GPtrArray *values = wanted->pdata[i];
      g_autoptr(EnlaceBervalArray) have = NULL;
      if (res != NULL)
        {
          have = entry_values (ld, ldap_first_entry (ld, res), attrs->pdata[i]);
          if (same_values (values, have))
            continue;
        }
      enlace_mods_add_bervals (mods, res ? LDAP_MOD_REPLACE : LDAP_MOD_ADD, attrs->pdata[i],
                               (struct berval **) values->pdata, values->len);
    }

  int rc = LDAP_SUCCESS;
  gboolean wrote = !enlace_mods_is_empty (mods);
  if (!wrote)
    stats->unchanged++;
  else if (res == NULL)
    {
      if (!dry_run)
        rc = ldap_add_ext_s (ld, dn, enlace_mods_get (mods), NULL, NULL);
      stats->added++;
    }
  else
    {
      if (!dry_run)
        rc = ldap_modify_ext_s (ld, dn, enlace_mods_get (mods), NULL, NULL);
      stats->updated++;
    }

  if (rc != LDAP_SUCCESS)
    {
      char *diag = NULL;
      ldap_get_option (ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
      g_autoptr(EnlaceLdapString) diag_owned = diag;
      return enlace_set_ldap_error (error, rc, diag, _("%s %s"), res ? "updating" : "adding", dn);
    }
  if (wrote && func != NULL)
    func (dn, res == NULL, user_data);
  return TRUE;
}

/**
 * enlace_seed_apply:
 * @path: an LDIF file of entries under o=enlace (rebased to the
 *   directory's base)
 * @dry_run: count what would change, write nothing
 * @stats: (out caller-allocates): added, updated and unchanged entries,
 *   added to what it holds
 * @func: (nullable): called for each entry added or updated
 *
 * Makes the directory hold every entry and value of @path. Stops at the
 * first failure, with the error naming the entry.
 */
gboolean
enlace_seed_apply (EnlaceDirectory *dir, const char *path, gboolean dry_run,
                   EnlaceSeedStats *stats, EnlaceSeedFunc func, gpointer user_data,
                   GError **error)
{
  g_autoptr(EnlaceLdifReader) reader = enlace_ldif_reader_open (path, error);
  if (reader == NULL)
    return FALSE;

  const char *dn = NULL;
  LDAPMod **mods = NULL;
  g_autoptr(GError) local_error = NULL;
  while (enlace_ldif_reader_next (reader, &dn, &mods, NULL, &local_error))
    if (!apply_entry (dir, dn, mods, dry_run, stats, func, user_data, error))
      return FALSE;
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}
