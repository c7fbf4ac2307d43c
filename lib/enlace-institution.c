/* enlace-institution.c — institutions. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "enlace-autocleanups.h"
#include "enlace-entry.h"
#include "enlace-error.h"
#include "enlace-format.h"
#include "enlace-institution.h"
#include "enlace-mods.h"
#include "enlace-status.h"
#include "enlace-validate.h"
#include "enlace-vocabulary.h"

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
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, _("institution is not valid UTF-8"));
      return FALSE;
    }
  if (!enlace_directory_search (dir, enlace_directory_get_base (dir), LDAP_SCOPE_SUBTREE, filter,
                                attrs, collect, found, error))
    return FALSE;
  if (found->len == 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND,
                   _("institution '%s' does not exist (give an institution's ID, like GT-I-0001, "
                   "or its exact name)"), id_or_name);
      return FALSE;
    }
  if (found->len > 2)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_CONFLICT,
                   _("institution '%s' names %u institutions; give its ID instead"), id_or_name,
                   found->len / 2);
      return FALSE;
    }
  if (dn != NULL)
    *dn = g_strdup (found->pdata[0]);
  if (name != NULL)
    *name = g_strdup (found->pdata[1]);
  return TRUE;
}

static const char *const institution_attributes[] = {
  "enlaceId", "c", "o", "enlaceInstitutionType", "enlaceCompetence", "enlaceNetwork",
  "enlaceLanguage", "mail", "telephoneNumber", "enlacePhoneAsWritten", "labeledURI", "enlaceNotes",
  "enlaceStatus", "enlaceDesignationDate", "enlaceRetirementDate", "enlaceRetiredBy",
  "enlaceRetirementReason", "enlaceSuccessor", "enlacePredecessor", "enlaceLastConfirmed", NULL,
};

static char **
values_of (LDAP *ld, LDAPMessage *entry, const char *attr)
{
  g_autoptr(EnlaceBervalArray) values = ldap_get_values_len (ld, entry, attr);
  g_autoptr(GStrvBuilder) out = g_strv_builder_new ();
  for (int i = 0; values != NULL && values[i] != NULL; i++)
    {
      g_autofree char *v = g_strndup (values[i]->bv_val, values[i]->bv_len);
      g_strv_builder_add (out, v);
    }
  return g_strv_builder_end (out);
}

static char *
value_of (LDAP *ld, LDAPMessage *entry, const char *attr)
{
  g_auto(GStrv) v = values_of (ld, entry, attr);
  return g_strdup (v[0]);
}

static char *
date_of (LDAP *ld, LDAPMessage *entry, const char *attr)
{
  g_autofree char *g = value_of (ld, entry, attr);
  return enlace_date_from_generalized (g);
}

static char *
id_of (LDAP *ld, LDAPMessage *entry, const char *attr)
{
  g_autofree char *dn = value_of (ld, entry, attr);
  return enlace_dn_first_value (dn);
}

void
enlace_institution_free (EnlaceInstitution *i)
{
  if (i == NULL)
    return;
  char **strings[] = { &i->dn, &i->id, &i->country, &i->name, &i->type, &i->mail, &i->phone,
                       &i->url, &i->notes, &i->status, &i->designated, &i->retired,
                       &i->retired_by, &i->retirement_reason, &i->successor_id,
                       &i->predecessor_id, &i->last_confirmed };
  for (gsize k = 0; k < G_N_ELEMENTS (strings); k++)
    g_free (*strings[k]);
  g_strfreev (i->competences);
  g_strfreev (i->networks);
  g_strfreev (i->languages);
  g_strfreev (i->phones_as_written);
  g_free (i);
}

static gboolean
collect_institution (EnlaceDirectory *dir, LDAPMessage *entry, gpointer user_data, GError **error)
{
  LDAP *ld = enlace_directory_get_ldap (dir);
  EnlaceInstitution *i = g_new0 (EnlaceInstitution, 1);
  g_autoptr(EnlaceLdapString) dn = ldap_get_dn (ld, entry);
  i->dn = g_strdup (dn);
  i->id = value_of (ld, entry, "enlaceId");
  i->country = value_of (ld, entry, "c");
  i->name = value_of (ld, entry, "o");
  i->type = value_of (ld, entry, "enlaceInstitutionType");
  i->competences = values_of (ld, entry, "enlaceCompetence");
  i->networks = values_of (ld, entry, "enlaceNetwork");
  i->languages = values_of (ld, entry, "enlaceLanguage");
  i->mail = value_of (ld, entry, "mail");
  i->phone = value_of (ld, entry, "telephoneNumber");
  i->phones_as_written = values_of (ld, entry, "enlacePhoneAsWritten");
  i->url = value_of (ld, entry, "labeledURI");
  i->notes = value_of (ld, entry, "enlaceNotes");
  i->status = value_of (ld, entry, "enlaceStatus");
  i->designated = date_of (ld, entry, "enlaceDesignationDate");
  i->retired = date_of (ld, entry, "enlaceRetirementDate");
  i->retired_by = value_of (ld, entry, "enlaceRetiredBy");
  i->retirement_reason = value_of (ld, entry, "enlaceRetirementReason");
  i->successor_id = id_of (ld, entry, "enlaceSuccessor");
  i->predecessor_id = id_of (ld, entry, "enlacePredecessor");
  i->last_confirmed = date_of (ld, entry, "enlaceLastConfirmed");
  g_ptr_array_add (user_data, i);
  return TRUE;
}

static int
by_country_then_id (gconstpointer a, gconstpointer b)
{
  const EnlaceInstitution *x = *(EnlaceInstitution **) a, *y = *(EnlaceInstitution **) b;
  int c = g_strcmp0 (x->country, y->country);
  return c != 0 ? c : g_strcmp0 (x->id, y->id);
}

static GPtrArray *
search (EnlaceDirectory *dir, const char *filter, GError **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) enlace_institution_free);
  if (!enlace_directory_search (dir, enlace_directory_get_base (dir), LDAP_SCOPE_SUBTREE, filter,
                                institution_attributes, collect_institution, found, error))
    return NULL;
  g_ptr_array_sort (found, by_country_then_id);
  return g_steal_pointer (&found);
}

/**
 * enlace_institution_get:
 *
 * Returns: (transfer full): the institution with @id, or %NULL with
 * %ENLACE_ERROR_INVALID or %ENLACE_ERROR_NOT_FOUND.
 */
EnlaceInstitution *
enlace_institution_get (EnlaceDirectory *dir, const char *id, GError **error)
{
  g_autofree char *clean = enlace_validate_id ("ID", id, error);
  if (clean == NULL)
    return NULL;
  g_autofree char *filter = enlace_filter_printf ("(&(objectClass=enlaceInstitution)(enlaceId=%s))",
                                                  clean);
  g_autoptr(GPtrArray) found = search (dir, filter, error);
  if (found == NULL)
    return NULL;
  if (found->len == 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND, _("no institution has the ID %s"),
                   clean);
      return NULL;
    }
  return g_ptr_array_steal_index (found, 0);
}

/**
 * enlace_institution_find:
 *
 * Returns: (transfer full) (element-type EnlaceInstitution): the
 * institutions matching @query, by country then ID.
 */
GPtrArray *
enlace_institution_find (EnlaceDirectory *dir, const EnlaceInstitutionQuery *query, GError **error)
{
  g_autoptr(GString) filter = g_string_new ("(&(objectClass=enlaceInstitution)");
  const struct { const char *format; const char *value; } parts[] = {
    { "(c=%s)", query->country },
    { "(enlaceInstitutionType=%s)", query->type },
    { "(enlaceCompetence=%s)", query->competence },
    { "(enlaceNetwork=%s)", query->network },
    { "(|(o=*%s*)(displayName=*%s*))", query->name },
  };
  for (gsize k = 0; k < G_N_ELEMENTS (parts); k++)
    if (parts[k].value != NULL)
      {
        g_autofree char *part = enlace_filter_printf (parts[k].format, parts[k].value, parts[k].value);
        g_string_append (filter, part);
      }
  if (!enlace_status_filter (filter, query->status, error))
    return NULL;
  g_string_append_c (filter, ')');
  return search (dir, filter->str, error);
}

typedef struct {
  char *country, *name, *type, *email, *phone, *phone_as_written, *url, *notes;
  GStrv competences, networks, languages;
} Draft;

static void draft_clear (Draft *d);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Draft, draft_clear)

static void
draft_clear (Draft *d)
{
  g_free (d->country);
  g_free (d->name);
  g_free (d->type);
  g_free (d->email);
  g_free (d->phone);
  g_free (d->phone_as_written);
  g_free (d->url);
  g_free (d->notes);
  g_strfreev (d->competences);
  g_strfreev (d->networks);
  g_strfreev (d->languages);
}

static GStrv
terms (EnlaceVocabulary *vocabulary, EnlaceVocab vocab, const char *field,
       const char *const *values, GError **error)
{
  g_autoptr(GStrvBuilder) out = g_strv_builder_new ();
  for (gsize k = 0; values[k] != NULL; k++)
    {
      g_autofree char *t = enlace_validate_term (field, values[k], error);
      if (t == NULL || !enlace_vocabulary_check (vocabulary, vocab, field, t, error))
        return NULL;
      g_strv_builder_add (out, t);
    }
  return g_strv_builder_end (out);
}

/* Validates every field @spec sets; @country is the entry's. */
static gboolean
draft_fill (EnlaceDirectory *dir, EnlaceVocabulary *vocabulary, const char *country,
            const EnlaceInstitutionSpec *spec, Draft *d, GError **error)
{
  d->country = g_strdup (country);
  if (spec->name != NULL
      && (d->name = enlace_validate_text ("name", spec->name, ENLACE_MAX_TITLE, error)) == NULL)
    return FALSE;
  if (spec->notes != NULL
      && (d->notes = enlace_validate_text ("notes", spec->notes, ENLACE_MAX_TEXT, error)) == NULL)
    return FALSE;
  if (spec->type != NULL)
    {
      d->type = enlace_validate_term ("type", spec->type, error);
      if (d->type == NULL
          || !enlace_vocabulary_check (vocabulary, ENLACE_VOCAB_INSTITUTION_TYPE, "type", d->type,
                                       error))
        return FALSE;
    }
  if (spec->competences != NULL
      && (d->competences = terms (vocabulary, ENLACE_VOCAB_COMPETENCE, "competence",
                                  spec->competences, error)) == NULL)
    return FALSE;
  if (spec->networks != NULL
      && (d->networks = terms (vocabulary, ENLACE_VOCAB_NETWORK, "network", spec->networks, error))
             == NULL)
    return FALSE;
  if (spec->languages != NULL)
    {
      g_autoptr(GStrvBuilder) out = g_strv_builder_new ();
      for (gsize k = 0; spec->languages[k] != NULL; k++)
        {
          g_autofree char *l = enlace_validate_language ("language", spec->languages[k], error);
          if (l == NULL)
            return FALSE;
          g_strv_builder_add (out, l);
        }
      d->languages = g_strv_builder_end (out);
    }
  if (spec->email != NULL && (d->email = enlace_validate_email ("email", spec->email, error)) == NULL)
    return FALSE;
  if (spec->phone != NULL)
    {
      d->phone = enlace_phone_normalize ("phone", spec->phone,
                                         enlace_vocabulary_calling_code (vocabulary, country), error);
      if (d->phone == NULL)
        return FALSE;
      if (!g_str_equal (d->phone, spec->phone))
        d->phone_as_written = g_strdup (spec->phone);
    }
  if (spec->url != NULL)
    {
      if (!g_utf8_validate (spec->url, -1, NULL) || strpbrk (spec->url, " \t\r\n") != NULL
          || !(g_str_has_prefix (spec->url, "https://") || g_str_has_prefix (spec->url, "http://"))
          || !g_uri_is_valid (spec->url, G_URI_FLAGS_NONE, NULL))
        {
          g_autofree char *shown = enlace_format_printable (spec->url);
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("url '%s' is not an http:// or https:// address"), shown);
          return FALSE;
        }
      d->url = g_strdup (spec->url);
    }
  return TRUE;
}

static void
draft_mods (EnlaceMods *mods, int op, Draft *d)
{
  const struct { const char *attr; const char *value; } fields[] = {
    { "o", d->name },       { "displayName", d->name }, { "enlaceInstitutionType", d->type },
    { "mail", d->email },   { "labeledURI", d->url },   { "enlaceNotes", d->notes },
  };
  for (gsize k = 0; k < G_N_ELEMENTS (fields); k++)
    if (fields[k].value != NULL)
      enlace_mods_add (mods, op, fields[k].attr, fields[k].value);
  if (d->competences != NULL)
    enlace_mods_add_strv (mods, op, "enlaceCompetence", (const char *const *) d->competences);
  if (d->networks != NULL)
    enlace_mods_add_strv (mods, op, "enlaceNetwork", (const char *const *) d->networks);
  if (d->languages != NULL)
    enlace_mods_add_strv (mods, op, "enlaceLanguage", (const char *const *) d->languages);
  if (d->phone != NULL)
    {
      enlace_mods_add (mods, op, "telephoneNumber", d->phone);
      enlace_mods_add (mods, op, "enlacePhoneAsWritten", d->phone_as_written);
    }
}

/* Two current institutions of a country never share a name: imports and
 * registrations find institutions by name. */
static gboolean
check_name_free (EnlaceDirectory *dir, const char *country, const char *name, const char *except_dn,
                 GError **error)
{
  g_autofree char *filter = enlace_filter_printf (
      "(&(objectClass=enlaceInstitution)(c=%s)(o=%s)(!(enlaceStatus=retired)))", country, name);
  g_autoptr(GPtrArray) found = search (dir, filter, error);
  if (found == NULL)
    return FALSE;
  for (guint k = 0; k < found->len; k++)
    {
      EnlaceInstitution *other = found->pdata[k];
      if (except_dn == NULL || g_ascii_strcasecmp (other->dn, except_dn) != 0)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_CONFLICT,
                       _("%s already has an institution named '%s' (%s)"), country, name, other->id);
          return FALSE;
        }
    }
  return TRUE;
}

typedef struct {
  const char *country;
  const char *who;
  const char *designated;
  Draft *draft;
} InstitutionBuild;

static EnlaceMods *
institution_build (const char *id, gpointer user_data)
{
  InstitutionBuild *b = user_data;
  EnlaceMods *mods = enlace_mods_new ();
  enlace_mods_add (mods, LDAP_MOD_ADD, "objectClass", "enlaceInstitution");
  enlace_mods_add (mods, LDAP_MOD_ADD, "enlaceId", id);
  enlace_mods_add (mods, LDAP_MOD_ADD, "c", b->country);
  enlace_mods_add (mods, LDAP_MOD_ADD, "enlaceStatus", "active");
  enlace_mods_add (mods, LDAP_MOD_ADD, "enlaceDesignationDate", b->designated);
  if (*b->who != '\0')
    enlace_mods_add (mods, LDAP_MOD_ADD, "enlaceDesignatedBy", b->who);
  draft_mods (mods, LDAP_MOD_ADD, b->draft);
  return mods;
}

/**
 * enlace_institution_add:
 *
 * Adds an institution of a member country, active, with the next ID of
 * the country (GT-I-0007).
 *
 * Returns: (transfer full): the new ID, or %NULL with an error.
 */
char *
enlace_institution_add (EnlaceDirectory *dir, const EnlaceInstitutionSpec *spec, GError **error)
{
  g_autoptr(EnlaceVocabulary) vocabulary = enlace_vocabulary_load (dir, error);
  if (vocabulary == NULL)
    return NULL;
  g_autofree char *country = enlace_validate_country_code ("country", spec->country, error);
  if (country == NULL
      || !enlace_vocabulary_check (vocabulary, ENLACE_VOCAB_COUNTRY, "country", country, error))
    return NULL;
  g_auto(Draft) d = { 0 };
  if (!draft_fill (dir, vocabulary, country, spec, &d, error))
    return NULL;
  if (d.name == NULL || d.type == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("%s is required to add an institution"), d.name == NULL ? _("name") : _("type"));
      return NULL;
    }
  if (!check_name_free (dir, country, d.name, NULL, error))
    return NULL;
  const char *who = enlace_directory_get_bound_dn (dir, error);
  if (who == NULL)
    return NULL;
  g_autofree char *today = enlace_today ();
  g_autofree char *designated = enlace_date_to_generalized ("date", today, error);
  InstitutionBuild build = { country, who, designated, &d };
  return enlace_entry_add_numbered (dir, &enlace_entry_institution, country, institution_build,
                                    &build, error);
}

/**
 * enlace_institution_update:
 *
 * Changes the fields @changes sets; lists replace the old ones.
 */
gboolean
enlace_institution_update (EnlaceDirectory *dir, const char *id,
                           const EnlaceInstitutionSpec *changes, GError **error)
{
  g_autoptr(EnlaceInstitution) inst = enlace_institution_get (dir, id, error);
  if (inst == NULL)
    return FALSE;
  g_autoptr(EnlaceVocabulary) vocabulary = enlace_vocabulary_load (dir, error);
  if (vocabulary == NULL)
    return FALSE;
  g_auto(Draft) d = { 0 };
  if (!draft_fill (dir, vocabulary, inst->country, changes, &d, error))
    return FALSE;
  if (d.name != NULL && inst->country != NULL
      && !check_name_free (dir, inst->country, d.name, inst->dn, error))
    return FALSE;
  g_autoptr(EnlaceMods) mods = enlace_mods_new ();
  draft_mods (mods, LDAP_MOD_REPLACE, &d);
  if (enlace_mods_is_empty (mods))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("nothing to update: give at least one field to change"));
      return FALSE;
    }
  if (!enlace_directory_modify (dir, inst->dn, enlace_mods_get (mods), "(!(enlaceStatus=retired))",
                                error))
    return enlace_entry_explain (dir, inst->country, error);
  return TRUE;
}

/**
 * enlace_institution_retire:
 *
 * Retires an institution, keeping it; see enlace_registry_retire().
 */
gboolean
enlace_institution_retire (EnlaceDirectory *dir, const char *id, const char *reason,
                           const char *successor, const char *date, GError **error)
{
  return enlace_entry_retire (dir, &enlace_entry_institution, id, reason, successor, date, error);
}
