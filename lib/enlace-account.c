/* enlace-account.c — create and list accounts. An account is a person
 * entry (cn, sn, description) under ou=accounts; where it sits says what
 * it may do:
 *   cn=NAME,ou=secretariat,ou=accounts,BASE   Secretariat administrator
 *   cn=NAME,c=XX,ou=accounts,BASE             Cancillería of XX
 *   cn=NAME,ou=staff,ou=accounts,BASE         staff, read-only
 *   cn=NAME,ou=addressbook,ou=accounts,BASE   an address book: current
 *                                             entries, no restricted field
 *   cn=NAME,ou=replica,ou=accounts,BASE       a replica's replication:
 *                                             reads every database whole
 * Passwords are set with the Password Modify operation (RFC 3062), so the
 * server hashes them (Argon2) and applies its password policy; enlace
 * never stores or sends a hash of its own. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "enlace-account.h"
#include "enlace-autocleanups.h"
#include "enlace-error.h"
#include "enlace-mods.h"
#include "enlace-validate.h"
#include "enlace-vocabulary.h"

static const char *const kind_names[] = {
  [ENLACE_ACCOUNT_SECRETARIAT] = "secretariat",
  [ENLACE_ACCOUNT_CANCILLERIA] = "cancilleria",
  [ENLACE_ACCOUNT_STAFF] = "staff",
  [ENLACE_ACCOUNT_ADDRESSBOOK] = "addressbook",
  [ENLACE_ACCOUNT_REPLICA] = "replica",
};

void
enlace_account_free (EnlaceAccount *a)
{
  if (a == NULL)
    return;
  g_free (a->dn);
  g_free (a->name);
  g_free (a->country);
  g_free (a->description);
  g_free (a->locked);
  g_free (a);
}

gboolean
enlace_account_kind_parse (const char *text, EnlaceAccountKind *kind, GError **error)
{
  for (gsize i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (text != NULL && g_ascii_strcasecmp (text, kind_names[i]) == 0)
      {
        *kind = i;
        return TRUE;
      }
  g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
               _("kind '%s' is not one of secretariat, cancilleria, staff, addressbook, "
                 "replica"),
               text ? text : "");
  return FALSE;
}

const char *
enlace_account_kind_to_string (EnlaceAccountKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (kind_names), NULL);
  return kind_names[kind];
}

/**
 * enlace_account_dn:
 * @country: (nullable): required for a Cancillería account, refused for others
 * @name: the account's name: letters, digits, dots, hyphens, underscores
 *
 * Returns: (transfer full): the account's DN, or %NULL with
 * %ENLACE_ERROR_INVALID.
 */
char *
enlace_account_dn (EnlaceDirectory *dir, EnlaceAccountKind kind, const char *country,
                   const char *name, GError **error)
{
  gsize n = name ? strlen (name) : 0;
  gboolean ok = n >= 1 && n <= 64;
  for (gsize i = 0; ok && i < n; i++)
    ok = g_ascii_isalnum (name[i]) || strchr ("._-", name[i]) != NULL;
  if (!ok)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("account name '%s' must be 1 to 64 letters, digits, dots, hyphens or "
                   "underscores"), name ? name : "");
      return NULL;
    }
  if ((kind == ENLACE_ACCOUNT_CANCILLERIA) != (country != NULL))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   kind == ENLACE_ACCOUNT_CANCILLERIA
                       ? _("a cancilleria account needs its country (--country)")
                       : _("only a cancilleria account has a country"));
      return NULL;
    }
  g_autofree char *accounts = enlace_dn_child ("ou", "accounts", enlace_directory_get_base (dir));
  g_autofree char *parent = NULL;
  if (kind == ENLACE_ACCOUNT_CANCILLERIA)
    {
      g_autofree char *cc = enlace_validate_country_code ("country", country, error);
      if (cc == NULL)
        return NULL;
      parent = enlace_dn_child ("c", cc, accounts);
    }
  else
    parent = enlace_dn_child ("ou", kind_names[kind], accounts);
  return enlace_dn_child ("cn", name, parent);
}

/**
 * enlace_account_set_password:
 *
 * Sets the password of the account at @dn (RFC 3062); the server hashes it.
 */
gboolean
enlace_account_set_password (EnlaceDirectory *dir, const char *dn, const char *password,
                             GError **error)
{
  struct berval user = { strlen (dn), (char *) dn };
  struct berval newpw = { strlen (password), (char *) password };
  struct berval generated = { 0, NULL };
  int rc = ldap_passwd_s (enlace_directory_get_ldap (dir), &user, NULL, &newpw, &generated, NULL,
                          NULL);
  ber_memfree (generated.bv_val);
  if (rc != LDAP_SUCCESS)
    return enlace_set_ldap_error (error, rc, NULL, _("setting the password of %s"), dn);
  return TRUE;
}

/**
 * enlace_account_add:
 * @password: the new account's password (from a file, never the command line)
 * @description: (nullable): who it is for
 *
 * Creates an account and sets its password. A Cancillería account's
 * country must be a member.
 *
 * Returns: (transfer full): its DN, or %NULL with an error
 * (%ENLACE_ERROR_CONFLICT when it exists already).
 */
char *
enlace_account_add (EnlaceDirectory *dir, EnlaceAccountKind kind, const char *country,
                    const char *name, const char *password, const char *description,
                    GError **error)
{
  g_autofree char *dn = enlace_account_dn (dir, kind, country, name, error);
  if (dn == NULL)
    return NULL;
  if (kind == ENLACE_ACCOUNT_CANCILLERIA)
    {
      g_autoptr(EnlaceVocabulary) vocabulary = enlace_vocabulary_load (dir, error);
      g_autofree char *cc = g_ascii_strup (country, -1);
      if (vocabulary == NULL
          || !enlace_vocabulary_check (vocabulary, ENLACE_VOCAB_COUNTRY, "country", cc, error))
        return NULL;
    }
  if (password == NULL || strlen (password) < 8)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("the password must have at least 8 characters"));
      return NULL;
    }
  g_autofree char *desc = NULL;
  if (description != NULL
      && (desc = enlace_validate_text ("description", description, ENLACE_MAX_TITLE, error)) == NULL)
    return NULL;

  g_autoptr(EnlaceMods) mods = enlace_mods_new ();
  enlace_mods_add (mods, LDAP_MOD_ADD, "objectClass", "person");
  enlace_mods_add (mods, LDAP_MOD_ADD, "cn", name);
  enlace_mods_add (mods, LDAP_MOD_ADD, "sn", kind_names[kind]);
  enlace_mods_add (mods, LDAP_MOD_ADD, "description", desc);
  if (!enlace_directory_add (dir, dn, enlace_mods_get (mods), error))
    return NULL;
  /* An account without its password is no account: undo the add. */
  if (!enlace_account_set_password (dir, dn, password, error))
    {
      ldap_delete_ext_s (enlace_directory_get_ldap (dir), dn, NULL, NULL);
      return NULL;
    }
  return g_steal_pointer (&dn);
}

static gboolean
collect (EnlaceDirectory *dir, LDAPMessage *entry, gpointer user_data, GError **error)
{
  LDAP *ld = enlace_directory_get_ldap (dir);
  g_autoptr(EnlaceLdapString) dn = ldap_get_dn (ld, entry);
  g_autoptr(EnlaceBervalArray) cn = ldap_get_values_len (ld, entry, "cn");
  g_autoptr(EnlaceBervalArray) desc = ldap_get_values_len (ld, entry, "description");
  g_autoptr(EnlaceBervalArray) locked = ldap_get_values_len (ld, entry, "pwdAccountLockedTime");
  LDAPDN parsed = NULL;
  if (dn == NULL || ldap_str2dn (dn, &parsed, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS)
    return TRUE;

  EnlaceAccount *a = g_new0 (EnlaceAccount, 1);
  a->dn = g_strdup (dn);
  a->name = cn && cn[0] ? g_strndup (cn[0]->bv_val, cn[0]->bv_len) : g_strdup ("");
  a->description = desc && desc[0] ? g_strndup (desc[0]->bv_val, desc[0]->bv_len) : NULL;
  if (locked && locked[0] && locked[0]->bv_len >= 14)
    a->locked = g_strdup_printf ("%.4s-%.2s-%.2s %.2s:%.2s:%.2sZ", locked[0]->bv_val,
                                 locked[0]->bv_val + 4, locked[0]->bv_val + 6,
                                 locked[0]->bv_val + 8, locked[0]->bv_val + 10,
                                 locked[0]->bv_val + 12);
  /* The parent RDN says the kind. */
  LDAPAVA *parent = parsed[1] ? parsed[1][0] : NULL;
  g_autofree char *type = parent ? g_strndup (parent->la_attr.bv_val, parent->la_attr.bv_len) : NULL;
  g_autofree char *value = parent ? g_strndup (parent->la_value.bv_val, parent->la_value.bv_len) : NULL;
  ldap_dnfree (parsed);
  if (g_strcmp0 (type, "c") == 0)
    {
      a->kind = ENLACE_ACCOUNT_CANCILLERIA;
      a->country = g_ascii_strup (value, -1);
    }
  else if (g_strcmp0 (value, "secretariat") == 0)
    a->kind = ENLACE_ACCOUNT_SECRETARIAT;
  else if (g_strcmp0 (value, "addressbook") == 0)
    a->kind = ENLACE_ACCOUNT_ADDRESSBOOK;
  else if (g_strcmp0 (value, "replica") == 0)
    a->kind = ENLACE_ACCOUNT_REPLICA;
  else
    a->kind = ENLACE_ACCOUNT_STAFF;
  g_ptr_array_add (user_data, a);
  return TRUE;
}

/* pwdAccountLockedTime is operational: it comes only when asked for. */
static const char *const account_attrs[] = { "cn", "description", "pwdAccountLockedTime", NULL };

static int
by_dn (gconstpointer a, gconstpointer b)
{
  const EnlaceAccount *x = *(EnlaceAccount **) a, *y = *(EnlaceAccount **) b;
  if (x->kind != y->kind)
    return (int) x->kind - (int) y->kind;
  int c = g_strcmp0 (x->country, y->country);
  return c != 0 ? c : g_strcmp0 (x->name, y->name);
}

/**
 * enlace_account_list:
 *
 * Returns: (transfer full) (element-type EnlaceAccount): the accounts the
 * caller may see, Secretariat first, then Cancillerías by country, then staff.
 */
GPtrArray *
enlace_account_list (EnlaceDirectory *dir, GError **error)
{
  g_autofree char *accounts = enlace_dn_child ("ou", "accounts", enlace_directory_get_base (dir));
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) enlace_account_free);
  if (!enlace_directory_search (dir, accounts, LDAP_SCOPE_SUBTREE, "(objectClass=person)",
                                account_attrs, collect, found, error))
    return NULL;
  g_ptr_array_sort (found, by_dn);
  return g_steal_pointer (&found);
}

/**
 * enlace_account_find:
 * @kind: (nullable): only an account of this kind
 * @country: (nullable): only a Cancillería account of this country
 *
 * Returns: (transfer full): the one account named @name, or %NULL with
 * %ENLACE_ERROR_NOT_FOUND, or %ENLACE_ERROR_INVALID when the name is
 * another's too and @kind (and @country) do not tell them apart.
 */
EnlaceAccount *
enlace_account_find (EnlaceDirectory *dir, const char *name, const EnlaceAccountKind *kind,
                     const char *country, GError **error)
{
  g_autofree char *accounts = enlace_dn_child ("ou", "accounts", enlace_directory_get_base (dir));
  g_autofree char *filter = enlace_filter_printf ("(&(objectClass=person)(cn=%s))", name);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) enlace_account_free);
  if (!enlace_directory_search (dir, accounts, LDAP_SCOPE_SUBTREE, filter, account_attrs,
                                collect, found, error))
    return NULL;
  for (guint i = found->len; i-- > 0;)
    {
      EnlaceAccount *a = found->pdata[i];
      if ((kind != NULL && a->kind != *kind)
          || (country != NULL && g_ascii_strcasecmp (country, a->country ? a->country : "") != 0))
        g_ptr_array_remove_index (found, i);
    }
  if (found->len == 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND,
                   _("no account named '%s' is visible to you"), name);
      return NULL;
    }
  if (found->len > 1)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("%u accounts are named '%s': say which with --kind (and --country)"),
                   found->len, name);
      return NULL;
    }
  return g_ptr_array_steal_index (found, 0);
}

/**
 * enlace_account_unlock:
 * @was_locked: (out) (optional): whether it was locked
 *
 * Lets an account that slapo-ppolicy locked after repeated failed binds
 * bind again (the Secretariat's to do), on the provider and on its
 * replicas, which lock accounts each on its own.
 */
gboolean
enlace_account_unlock (EnlaceDirectory *dir, EnlaceAccount *account, gboolean *was_locked,
                       GError **error)
{
  if (was_locked != NULL)
    *was_locked = account->locked != NULL;
  /* A replace with no value deletes the lock if there is one, and
   * changes the entry either way: a replica, which counts failed binds on
   * its own, takes the entry back as the provider has it, unlocked. */
  g_autoptr(EnlaceMods) mods = enlace_mods_new ();
  enlace_mods_add (mods, LDAP_MOD_REPLACE, "pwdAccountLockedTime", NULL);
  return enlace_directory_modify (dir, account->dn, enlace_mods_get (mods), NULL, error);
}

/**
 * enlace_account_remove:
 *
 * Deletes an account: it can no longer bind. What it did stays in the
 * history, under its DN.
 */
gboolean
enlace_account_remove (EnlaceDirectory *dir, EnlaceAccount *account, GError **error)
{
  int rc = ldap_delete_ext_s (enlace_directory_get_ldap (dir), account->dn, NULL, NULL);
  if (rc != LDAP_SUCCESS)
    return enlace_set_ldap_error (error, rc, NULL, _("removing the account %s"), account->dn);
  return TRUE;
}
