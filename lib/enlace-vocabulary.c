/* enlace-vocabulary.c — read the vocabularies and countries in one search. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "enlace-autocleanups.h"
#include "enlace-error.h"
#include "enlace-institution.h"
#include "enlace-vocabulary.h"

typedef struct {
  char *label_es;
  char *label_en;
  char *calling_code;
  gboolean needs_authorization;
} Term;

struct _EnlaceVocabulary {
  GHashTable *terms[ENLACE_N_VOCABS]; /* term ID -> Term */
  GHashTable *institutions;           /* ID or name as given -> { DN, name } */
};

/* The container (RDN value of the ou under ou=vocabulary) of each kind. */
static const char *const containers[ENLACE_N_VOCABS] = {
  [ENLACE_VOCAB_ROLE] = "roles",
  [ENLACE_VOCAB_NETWORK] = "networks",
  [ENLACE_VOCAB_INSTITUTION_TYPE] = "institution-types",
  [ENLACE_VOCAB_COMPETENCE] = "competences",
  [ENLACE_VOCAB_BODY] = "bodies",
  [ENLACE_VOCAB_COUNTRY] = NULL,
};

static void
term_free (Term *t)
{
  g_free (t->label_es);
  g_free (t->label_en);
  g_free (t->calling_code);
  g_free (t);
}

static char *
first_value (LDAP *ld, LDAPMessage *entry, const char *attr)
{
  g_autoptr(EnlaceBervalArray) v = ldap_get_values_len (ld, entry, attr);
  return v && v[0] ? g_strndup (v[0]->bv_val, v[0]->bv_len) : NULL;
}

/* Which vocabulary an entry belongs to, from its parent's RDN. */
static int
vocab_of (LDAP *ld, LDAPMessage *entry)
{
  g_autoptr(EnlaceLdapString) dn = ldap_get_dn (ld, entry);
  LDAPDN parsed = NULL;
  int kind = -1;
  if (dn == NULL || ldap_str2dn (dn, &parsed, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS)
    return -1;
  if (parsed[0] != NULL && parsed[1] != NULL && parsed[1][0] != NULL)
    {
      LDAPAVA *ava = parsed[1][0];
      for (int i = 0; i < ENLACE_N_VOCABS && kind < 0; i++)
        if (containers[i] != NULL && ava->la_value.bv_len == strlen (containers[i])
            && g_ascii_strncasecmp (ava->la_value.bv_val, containers[i], ava->la_value.bv_len) == 0)
          kind = i;
    }
  ldap_dnfree (parsed);
  return kind;
}

static gboolean
add_entry (EnlaceDirectory *dir, LDAPMessage *entry, gpointer user_data, GError **error)
{
  EnlaceVocabulary *vocabulary = user_data;
  LDAP *ld = enlace_directory_get_ldap (dir);
  g_autofree char *country = first_value (ld, entry, "c");
  g_autofree char *term_id = first_value (ld, entry, "enlaceTermId");
  int kind = country ? ENLACE_VOCAB_COUNTRY : vocab_of (ld, entry);
  if (kind < 0 || (country == NULL && term_id == NULL))
    return TRUE;

  Term *t = g_new0 (Term, 1);
  t->label_es = first_value (ld, entry, "enlaceLabel;lang-es");
  t->label_en = first_value (ld, entry, "enlaceLabel;lang-en");
  t->calling_code = first_value (ld, entry, "enlaceCallingCode");
  g_autofree char *auth = first_value (ld, entry, "enlaceNeedsAuthorization");
  t->needs_authorization = g_strcmp0 (auth, "TRUE") == 0;
  char *key = country ? g_ascii_strup (country, -1) : g_ascii_strdown (term_id, -1);
  g_hash_table_replace (vocabulary->terms[kind], key, t);
  return TRUE;
}

/**
 * enlace_vocabulary_load:
 *
 * Reads every term and member country in one paged search.
 *
 * Returns: (transfer full): the vocabulary, or %NULL with an error.
 */
EnlaceVocabulary *
enlace_vocabulary_load (EnlaceDirectory *dir, GError **error)
{
  g_autoptr(EnlaceVocabulary) vocabulary = g_new0 (EnlaceVocabulary, 1);
  for (int i = 0; i < ENLACE_N_VOCABS; i++)
    vocabulary->terms[i] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                  (GDestroyNotify) term_free);
  vocabulary->institutions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                    (GDestroyNotify) g_strfreev);
  const char *attrs[] = { "c", "enlaceTermId", "enlaceLabel;lang-es", "enlaceLabel;lang-en",
                          "enlaceCallingCode", "enlaceNeedsAuthorization", NULL };
  if (!enlace_directory_search (dir, enlace_directory_get_base (dir), LDAP_SCOPE_SUBTREE,
                                "(|(objectClass=enlaceTerm)(objectClass=enlaceCountry))", attrs,
                                add_entry, vocabulary, error))
    return NULL;
  return g_steal_pointer (&vocabulary);
}

void
enlace_vocabulary_free (EnlaceVocabulary *vocabulary)
{
  if (vocabulary == NULL)
    return;
  for (int i = 0; i < ENLACE_N_VOCABS; i++)
    if (vocabulary->terms[i] != NULL)
      g_hash_table_unref (vocabulary->terms[i]);
  if (vocabulary->institutions != NULL)
    g_hash_table_unref (vocabulary->institutions);
  g_free (vocabulary);
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

/**
 * enlace_vocabulary_check:
 * @field: the field's name, for the message
 * @term: a term ID (or, for %ENLACE_VOCAB_COUNTRY, an upper-case code)
 *
 * Returns: %TRUE when @term exists; otherwise %FALSE with
 * %ENLACE_ERROR_INVALID listing the terms that do.
 */
gboolean
enlace_vocabulary_check (EnlaceVocabulary *vocabulary, EnlaceVocab vocab, const char *field,
                         const char *term, GError **error)
{
  g_return_val_if_fail (vocab < ENLACE_N_VOCABS, FALSE);
  if (term != NULL && g_hash_table_contains (vocabulary->terms[vocab], term))
    return TRUE;

  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;
  g_hash_table_iter_init (&iter, vocabulary->terms[vocab]);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_strings);
  g_ptr_array_add (keys, NULL);
  g_autofree char *known = g_strjoinv (", ", (char **) keys->pdata);
  g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
               vocab == ENLACE_VOCAB_COUNTRY ? _("%s '%s' is not a member country (%s)")
                                             : _("%s '%s' is not in the vocabulary (%s)"),
               _(field), term ? term : "", *known ? known : _("none loaded: run 'enlace init'"));
  return FALSE;
}

gboolean
enlace_vocabulary_needs_authorization (EnlaceVocabulary *vocabulary, const char *role)
{
  Term *t = g_hash_table_lookup (vocabulary->terms[ENLACE_VOCAB_ROLE], role);
  return t != NULL && t->needs_authorization;
}

/**
 * enlace_vocabulary_calling_code:
 *
 * Returns: (nullable): the E.164 calling code of @country ("502").
 */
const char *
enlace_vocabulary_calling_code (EnlaceVocabulary *vocabulary, const char *country)
{
  Term *t = g_hash_table_lookup (vocabulary->terms[ENLACE_VOCAB_COUNTRY], country);
  return t ? t->calling_code : NULL;
}

/**
 * enlace_vocabulary_label:
 * @language: "es" or "en"
 *
 * Returns: (nullable): the label of @term in @language, or in the other
 * language when it has none in @language.
 */
const char *
enlace_vocabulary_label (EnlaceVocabulary *vocabulary, EnlaceVocab vocab, const char *term,
                         const char *language)
{
  Term *t = g_hash_table_lookup (vocabulary->terms[vocab], term);
  if (t == NULL)
    return NULL;
  gboolean english = g_strcmp0 (language, "en") == 0;
  const char *first = english ? t->label_en : t->label_es;
  return first ? first : (english ? t->label_es : t->label_en);
}

/**
 * enlace_vocabulary_institution:
 * @dn: (out) (transfer none): the institution's DN, valid as long as @vocabulary
 * @name: (out) (transfer none): its name
 *
 * Looks an institution up by ID or exact name, as
 * enlace_institution_lookup() does, once per distinct @id_or_name: a file
 * of many rows naming few institutions asks the server few times.
 */
gboolean
enlace_vocabulary_institution (EnlaceVocabulary *vocabulary, EnlaceDirectory *dir,
                               const char *id_or_name, const char **dn, const char **name,
                               GError **error)
{
  char **found = g_hash_table_lookup (vocabulary->institutions, id_or_name);
  if (found == NULL)
    {
      char *d = NULL, *n = NULL;
      if (!enlace_institution_lookup (dir, id_or_name, &d, &n, error))
        return FALSE;
      found = g_new0 (char *, 3);
      found[0] = d;
      found[1] = n;
      g_hash_table_insert (vocabulary->institutions, g_strdup (id_or_name), found);
    }
  *dn = found[0];
  *name = found[1];
  return TRUE;
}
