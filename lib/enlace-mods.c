/* enlace-mods.c — LDAPMod arrays that free themselves. */
#include "config.h"

#include <string.h>

#include "enlace-mods.h"

struct _EnlaceMods {
  GPtrArray *mods; /* LDAPMod *, NULL-terminated */
};

EnlaceMods *
enlace_mods_new (void)
{
  EnlaceMods *mods = g_new0 (EnlaceMods, 1);
  mods->mods = g_ptr_array_new ();
  g_ptr_array_add (mods->mods, NULL);
  return mods;
}

void
enlace_mods_free (EnlaceMods *mods)
{
  if (mods == NULL)
    return;
  for (guint i = 0; i + 1 < mods->mods->len; i++)
    {
      LDAPMod *m = mods->mods->pdata[i];
      g_free (m->mod_type);
      ber_bvecfree (m->mod_bvalues);
      g_free (m);
    }
  g_ptr_array_free (mods->mods, TRUE);
  g_free (mods);
}

/**
 * enlace_mods_add_bervals:
 * @op: LDAP_MOD_ADD, LDAP_MOD_REPLACE or LDAP_MOD_DELETE
 * @values: (array length=n): copied
 *
 * A replace or delete with no values removes the attribute.
 */
void
enlace_mods_add_bervals (EnlaceMods *mods, int op, const char *attr, struct berval **values,
                         guint n)
{
  LDAPMod *m = g_new0 (LDAPMod, 1);
  m->mod_op = op | LDAP_MOD_BVALUES;
  m->mod_type = g_strdup (attr);
  if (n > 0 || op == LDAP_MOD_ADD)
    {
      m->mod_bvalues = ber_memcalloc (n + 1, sizeof (struct berval *));
      for (guint i = 0; i < n; i++)
        m->mod_bvalues[i] = ber_dupbv (NULL, values[i]);
    }
  mods->mods->pdata[mods->mods->len - 1] = m;
  g_ptr_array_add (mods->mods, NULL);
}

/**
 * enlace_mods_add:
 * @value: (nullable): with %NULL, a replace removes the attribute and an
 *   add does nothing
 */
void
enlace_mods_add (EnlaceMods *mods, int op, const char *attr, const char *value)
{
  const char *values[] = { value, NULL };
  enlace_mods_add_strv (mods, op, attr, values);
}

void
enlace_mods_add_strv (EnlaceMods *mods, int op, const char *attr, const char *const *values)
{
  guint n = values ? g_strv_length ((char **) values) : 0;
  if (n == 0 && op == LDAP_MOD_ADD)
    return;
  g_autofree struct berval *bvs = g_new0 (struct berval, MAX (n, 1));
  g_autofree struct berval **ptrs = g_new0 (struct berval *, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      bvs[i].bv_val = (char *) values[i];
      bvs[i].bv_len = strlen (values[i]);
      ptrs[i] = &bvs[i];
    }
  enlace_mods_add_bervals (mods, op, attr, ptrs, n);
}

gboolean
enlace_mods_is_empty (EnlaceMods *mods)
{
  return mods->mods->len == 1;
}

/**
 * enlace_mods_get:
 *
 * Returns: (transfer none): the NULL-terminated array for ldap_add_ext()
 * and ldap_modify_ext().
 */
LDAPMod **
enlace_mods_get (EnlaceMods *mods)
{
  return (LDAPMod **) mods->mods->pdata;
}
