/* enlace-registry.c — register, authorise, update and retire liaisons. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "enlace-autocleanups.h"
#include "enlace-error.h"
#include "enlace-institution.h"
#include "enlace-liaison.h"
#include "enlace-mods.h"
#include "enlace-entry.h"
#include "enlace-registry-private.h"
#include "enlace-validate.h"

struct _EnlaceLiaisonDraft {
  char *country;
  char *given_name;
  char *surname;
  char *title;
  char *institution_dn;
  char *institution_name;
  char *email;
  char *phone;            /* E.164, or NULL when kept only as written */
  char *phone_as_written; /* what was typed, when it differs */
  char *fax;
  char *mobile;
  char *notes;
  GStrv roles;
  GStrv networks;
  GStrv languages;
  gboolean needs_authorization;
  char *warning;
};

void
enlace_liaison_draft_free (EnlaceLiaisonDraft *d)
{
  if (d == NULL)
    return;
  char **strings[] = { &d->country, &d->given_name, &d->surname, &d->title, &d->institution_dn,
                       &d->institution_name, &d->email, &d->phone, &d->phone_as_written,
                       &d->fax, &d->mobile, &d->notes, &d->warning };
  for (gsize i = 0; i < G_N_ELEMENTS (strings); i++)
    g_free (*strings[i]);
  g_strfreev (d->roles);
  g_strfreev (d->networks);
  g_strfreev (d->languages);
  g_free (d);
}

const char *
enlace_liaison_draft_get_warning (EnlaceLiaisonDraft *draft)
{
  return draft->warning;
}

const char *
enlace_liaison_draft_get_country (EnlaceLiaisonDraft *draft)
{
  return draft->country;
}

const char *
enlace_liaison_draft_get_email (EnlaceLiaisonDraft *draft)
{
  return draft->email;
}

static GStrv
check_terms (EnlaceVocabulary *vocabulary, EnlaceVocab vocab, const char *field,
             const char *const *values, gboolean *needs_authorization, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  for (gsize i = 0; values[i] != NULL; i++)
    {
      g_autofree char *term = enlace_validate_term (field, values[i], error);
      if (term == NULL || !enlace_vocabulary_check (vocabulary, vocab, field, term, error))
        return NULL;
      if (needs_authorization != NULL && enlace_vocabulary_needs_authorization (vocabulary, term))
        *needs_authorization = TRUE;
      gboolean seen = FALSE;
      for (guint j = 0; j < out->len && !seen; j++)
        seen = g_str_equal (out->pdata[j], term);
      if (!seen)
        g_ptr_array_add (out, g_steal_pointer (&term));
    }
  g_ptr_array_add (out, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

/* An institution a liaison may work for: its own country's, or an
 * observer organisation. */
static gboolean
institution_fits (EnlaceDirectory *dir, const char *institution_dn, const char *country)
{
  g_autofree char *own = enlace_entry_country_dn (dir, country);
  g_autofree char *observers = enlace_dn_child ("ou", "observers", enlace_directory_get_base (dir));
  g_autofree char *dn = g_ascii_strdown (institution_dn, -1);
  g_autofree char *own_suffix = g_strconcat (",", own, NULL);
  g_autofree char *obs_suffix = g_strconcat (",", observers, NULL);
  g_autofree char *own_lower = g_ascii_strdown (own_suffix, -1);
  g_autofree char *obs_lower = g_ascii_strdown (obs_suffix, -1);
  return g_str_has_suffix (dn, own_lower) || g_str_has_suffix (dn, obs_lower);
}

static gboolean
draft_phone (EnlaceLiaisonDraft *d, EnlaceVocabulary *vocabulary, const char *typed,
             EnlacePhonePolicy policy, GError **error)
{
  g_autoptr(GError) phone_error = NULL;
  const char *code = enlace_vocabulary_calling_code (vocabulary, d->country);
  d->phone = enlace_phone_normalize ("phone", typed, code, &phone_error);
  if (d->phone == NULL && policy == ENLACE_PHONE_STRICT)
    {
      g_propagate_error (error, g_steal_pointer (&phone_error));
      return FALSE;
    }
  if (d->phone == NULL)
    {
      /* Legacy data: keep what was written, and say so. */
      g_autofree char *kept = enlace_validate_text ("phone", typed, ENLACE_MAX_NAME, error);
      if (kept == NULL)
        return FALSE;
      d->warning = g_strdup_printf ("%s; kept as written", phone_error->message);
      d->phone_as_written = g_steal_pointer (&kept);
    }
  else if (!g_str_equal (d->phone, typed))
    d->phone_as_written = g_strdup (typed);
  return TRUE;
}

/**
 * enlace_liaison_draft_new:
 * @spec: the liaison as typed; its country must be set (for an update,
 *   to the entry's country)
 * @policy: what to do with a phone number that cannot be normalised
 *
 * Validates and normalises every field @spec sets: names are NFC UTF-8
 * within their limits, the email well-formed, phones in E.164, the
 * country a member, roles, networks and competences in the directory's
 * vocabulary, the institution one of the country's (or an observer).
 *
 * Returns: (transfer full): the draft, or %NULL with an error naming the
 * field and the rule.
 */
EnlaceLiaisonDraft *
enlace_liaison_draft_new (EnlaceDirectory *dir, EnlaceVocabulary *vocabulary,
                          const EnlaceLiaisonSpec *spec, EnlacePhonePolicy policy,
                          GError **error)
{
  g_autoptr(EnlaceLiaisonDraft) d = g_new0 (EnlaceLiaisonDraft, 1);

  d->country = enlace_validate_country_code ("country", spec->country, error);
  if (d->country == NULL
      || !enlace_vocabulary_check (vocabulary, ENLACE_VOCAB_COUNTRY, "country", d->country, error))
    return NULL;

  const struct { const char *value; const char *field; guint max; char **out; } texts[] = {
    { spec->given_name, "given name", ENLACE_MAX_NAME, &d->given_name },
    { spec->surname, "surname", ENLACE_MAX_NAME, &d->surname },
    { spec->title, "title", ENLACE_MAX_TITLE, &d->title },
    { spec->notes, "notes", ENLACE_MAX_TEXT, &d->notes },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
    if (texts[i].value != NULL)
      {
        *texts[i].out = enlace_validate_text (texts[i].field, texts[i].value, texts[i].max, error);
        if (*texts[i].out == NULL)
          return NULL;
      }

  if (spec->email != NULL && (d->email = enlace_validate_email ("email", spec->email, error)) == NULL)
    return NULL;
  if (spec->phone != NULL && !draft_phone (d, vocabulary, spec->phone, policy, error))
    return NULL;
  if (spec->fax != NULL)
    {
      g_autoptr(GError) fax_error = NULL;
      d->fax = enlace_phone_normalize ("fax", spec->fax,
                                       enlace_vocabulary_calling_code (vocabulary, d->country),
                                       &fax_error);
      if (d->fax == NULL && policy == ENLACE_PHONE_STRICT)
        {
          g_propagate_error (error, g_steal_pointer (&fax_error));
          return NULL;
        }
      if (d->fax == NULL)
        {
          /* A fax number is never worth refusing a row for: say so, drop it. */
          g_autofree char *old = d->warning;
          d->warning = g_strdup_printf ("%s%s%s; left out", old ? old : "", old ? "; " : "",
                                        fax_error->message);
        }
    }
  if (spec->mobile != NULL
      && (d->mobile = enlace_phone_normalize ("mobile", spec->mobile,
                                              enlace_vocabulary_calling_code (vocabulary, d->country),
                                              error)) == NULL)
    return NULL;

  if (spec->roles != NULL
      && (d->roles = check_terms (vocabulary, ENLACE_VOCAB_ROLE, "role", spec->roles,
                                  &d->needs_authorization, error)) == NULL)
    return NULL;
  if (spec->networks != NULL
      && (d->networks = check_terms (vocabulary, ENLACE_VOCAB_NETWORK, "network", spec->networks,
                                     NULL, error)) == NULL)
    return NULL;
  if (spec->languages != NULL)
    {
      g_autoptr(GPtrArray) langs = g_ptr_array_new_with_free_func (g_free);
      for (gsize i = 0; spec->languages[i] != NULL; i++)
        {
          char *lang = enlace_validate_language ("language", spec->languages[i], error);
          if (lang == NULL)
            return NULL;
          g_ptr_array_add (langs, lang);
        }
      g_ptr_array_add (langs, NULL);
      d->languages = (GStrv) g_ptr_array_free (g_steal_pointer (&langs), FALSE);
    }

  if (spec->institution != NULL)
    {
      g_autoptr(GError) lookup_error = NULL;
      const char *idn = NULL, *iname = NULL;
      if (enlace_vocabulary_institution (vocabulary, dir, spec->institution, &idn, &iname,
                                         &lookup_error))
        {
          d->institution_dn = g_strdup (idn);
          d->institution_name = g_strdup (iname);
        }
      else
        {
          /* For a registration a missing institution is bad input. */
          if (lookup_error->code == ENLACE_ERROR_NOT_FOUND)
            lookup_error->code = ENLACE_ERROR_INVALID;
          g_propagate_error (error, g_steal_pointer (&lookup_error));
          return NULL;
        }
      if (!institution_fits (dir, d->institution_dn, d->country))
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("institution '%s' is not one of %s's (nor an observer organisation)"),
                       spec->institution, d->country);
          return NULL;
        }
    }
  return g_steal_pointer (&d);
}

static gboolean
collect_ids (EnlaceDirectory *dir, LDAPMessage *entry, gpointer user_data, GError **error)
{
  LDAP *ld = enlace_directory_get_ldap (dir);
  g_autoptr(EnlaceBervalArray) id = ldap_get_values_len (ld, entry, "enlaceId");
  g_autoptr(EnlaceLdapString) dn = ldap_get_dn (ld, entry);
  g_ptr_array_add (user_data, g_strdup (dn));
  g_ptr_array_add (user_data, id && id[0] ? g_strndup (id[0]->bv_val, id[0]->bv_len) : g_strdup (""));
  return TRUE;
}

/* Fails with %ENLACE_ERROR_CONFLICT when a current liaison other than
 * @except_dn already has @email. */
static gboolean
check_email_free (EnlaceDirectory *dir, const char *email, const char *except_dn, GError **error)
{
  g_autofree char *filter = enlace_filter_printf ("(&(objectClass=enlaceLiaison)(mail=%s)"
                                                  "(!(enlaceStatus=retired)))", email);
  const char *attrs[] = { "enlaceId", NULL };
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  if (!enlace_directory_search (dir, enlace_directory_get_base (dir), LDAP_SCOPE_SUBTREE, filter,
                                attrs, collect_ids, found, error))
    return FALSE;
  for (guint i = 0; i < found->len; i += 2)
    if (except_dn == NULL || g_ascii_strcasecmp (found->pdata[i], except_dn) != 0)
      {
        g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_CONFLICT,
                     _("email '%s' is already used by %s"), email, (char *) found->pdata[i + 1]);
        return FALSE;
      }
  return TRUE;
}

/**
 * enlace_registry_format_id:
 *
 * Returns: (transfer full): the ID of @country's liaison number @number,
 * e.g. GT-L-0042.
 */
char *
enlace_registry_format_id (const char *country, guint number)
{
  return enlace_entry_format_id (&enlace_entry_liaison, country, number);
}

static void
add_person_fields (EnlaceMods *mods, int op, EnlaceLiaisonDraft *d)
{
  const struct { const char *attr; const char *value; } fields[] = {
    { "givenName", d->given_name }, { "sn", d->surname },     { "title", d->title },
    { "enlaceInstitution", d->institution_dn }, { "o", d->institution_name },
    { "mail", d->email },           { "enlaceMobile", d->mobile }, { "enlaceNotes", d->notes },
    { "facsimileTelephoneNumber", d->fax },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    if (fields[i].value != NULL)
      enlace_mods_add (mods, op, fields[i].attr, fields[i].value);
  if (d->roles != NULL)
    enlace_mods_add_strv (mods, op, "enlaceRole", (const char *const *) d->roles);
  if (d->networks != NULL)
    enlace_mods_add_strv (mods, op, "enlaceNetwork", (const char *const *) d->networks);
  if (d->languages != NULL)
    enlace_mods_add_strv (mods, op, "enlaceLanguage", (const char *const *) d->languages);
  if (d->phone != NULL || d->phone_as_written != NULL)
    {
      enlace_mods_add (mods, op, "telephoneNumber", d->phone);
      enlace_mods_add (mods, op, "enlacePhoneAsWritten", d->phone_as_written);
    }
}

/* What every registration needs, or NULL. */
static const char *
missing_field (EnlaceLiaisonDraft *d)
{
  return d->given_name == NULL       ? "given name"
         : d->surname == NULL        ? "surname"
         : d->title == NULL          ? "title"
         : d->institution_dn == NULL ? "institution"
         : d->email == NULL          ? "email"
         : (d->roles == NULL || d->roles[0] == NULL) ? "role"
                                                     : NULL;
}

/**
 * enlace_registry_entry:
 * @id: the new liaison's ID
 * @who: the registering account's DN ("" for none)
 * @designated: the designation date, as GeneralizedTime
 * @dn: (out): the new entry's DN
 *
 * The attributes of a new liaison made from @d (internal: for
 * enlace_registry_add() and imports, which choose IDs their own way).
 */
EnlaceMods *
enlace_registry_entry (EnlaceDirectory *dir, EnlaceLiaisonDraft *d, const char *id,
                       const char *who, const char *designated, char **dn)
{
  g_autofree char *cn = g_strconcat (d->given_name, " ", d->surname, NULL);
  g_autofree char *parent = enlace_entry_country_dn (dir, d->country);
  EnlaceMods *mods = enlace_mods_new ();
  *dn = enlace_dn_child ("enlaceId", id, parent);
  enlace_mods_add (mods, LDAP_MOD_ADD, "objectClass", "enlaceLiaison");
  enlace_mods_add (mods, LDAP_MOD_ADD, "enlaceId", id);
  enlace_mods_add (mods, LDAP_MOD_ADD, "c", d->country);
  enlace_mods_add (mods, LDAP_MOD_ADD, "cn", cn);
  enlace_mods_add (mods, LDAP_MOD_ADD, "displayName", cn);
  enlace_mods_add (mods, LDAP_MOD_ADD, "enlaceStatus", d->needs_authorization ? "pending" : "active");
  enlace_mods_add (mods, LDAP_MOD_ADD, "enlaceDesignationDate", designated);
  if (*who != '\0')
    enlace_mods_add (mods, LDAP_MOD_ADD, "enlaceDesignatedBy", who);
  add_person_fields (mods, LDAP_MOD_ADD, d);
  return mods;
}

/**
 * enlace_liaison_draft_check_complete:
 *
 * Fails with %ENLACE_ERROR_INVALID naming the first field a registration
 * needs that @draft lacks.
 */
gboolean
enlace_liaison_draft_check_complete (EnlaceLiaisonDraft *draft, GError **error)
{
  const char *missing = missing_field (draft);
  if (missing == NULL)
    return TRUE;
  g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, _("%s is required to register a liaison"),
               _(missing));
  return FALSE;
}

typedef struct {
  EnlaceDirectory *dir;
  EnlaceLiaisonDraft *draft;
  const char *who;
  const char *designated;
} RegistryBuild;

static EnlaceMods *
registry_build (const char *id, gpointer user_data)
{
  RegistryBuild *b = user_data;
  g_autofree char *dn = NULL;
  return enlace_registry_entry (b->dir, b->draft, id, b->who, b->designated, &dn);
}

/**
 * enlace_registry_add:
 * @draft: a validated liaison with every field a registration needs
 *
 * Writes @draft as a new liaison with the next free ID of its country,
 * active at once unless a role needs the Cancilleria's authorisation.
 *
 * Returns: (transfer full): the new ID, or %NULL with an error
 * (%ENLACE_ERROR_CONFLICT when the email is a current liaison's).
 */
char *
enlace_registry_add (EnlaceDirectory *dir, EnlaceLiaisonDraft *d, GError **error)
{
  if (!enlace_liaison_draft_check_complete (d, error))
    return NULL;
  if (!check_email_free (dir, d->email, NULL, error))
    return NULL;
  const char *who = enlace_directory_get_bound_dn (dir, error);
  if (who == NULL)
    return NULL;

  g_autofree char *today = enlace_today ();
  g_autofree char *designated = enlace_date_to_generalized ("date", today, error);
  if (designated == NULL)
    return NULL;
  RegistryBuild build = { dir, d, who, designated };
  return enlace_entry_add_numbered (dir, &enlace_entry_liaison, d->country, registry_build, &build,
                                    error);
}

/**
 * enlace_registry_register:
 *
 * Validates @spec against the directory's vocabulary and registers it.
 *
 * Returns: (transfer full): the new ID, or %NULL with an error.
 */
char *
enlace_registry_register (EnlaceDirectory *dir, const EnlaceLiaisonSpec *spec, GError **error)
{
  g_autoptr(EnlaceVocabulary) vocabulary = enlace_vocabulary_load (dir, error);
  if (vocabulary == NULL)
    return NULL;
  g_autoptr(EnlaceLiaisonDraft) draft = enlace_liaison_draft_new (dir, vocabulary, spec,
                                                                  ENLACE_PHONE_STRICT, error);
  if (draft == NULL)
    return NULL;
  return enlace_registry_add (dir, draft, error);
}

/**
 * enlace_registry_authorize:
 *
 * Authorises a pending designation: it becomes active, with today's date
 * and the account that authorised it.
 *
 * Returns: %FALSE with %ENLACE_ERROR_CONFLICT when the liaison is not
 * pending (or stopped being so meanwhile).
 */
gboolean
enlace_registry_authorize (EnlaceDirectory *dir, const char *id, GError **error)
{
  g_autoptr(EnlaceLiaison) l = enlace_liaison_get (dir, id, error);
  if (l == NULL)
    return FALSE;
  if (g_strcmp0 (l->status, "pending") != 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_CONFLICT,
                   _("%s is %s, not pending: there is nothing to authorise"), l->id, l->status);
      return FALSE;
    }
  const char *who = enlace_directory_get_bound_dn (dir, error);
  if (who == NULL)
    return FALSE;
  g_autofree char *today = enlace_today ();
  g_autofree char *date = enlace_date_to_generalized ("date", today, error);
  if (date == NULL)
    return FALSE;

  g_autoptr(EnlaceMods) mods = enlace_mods_new ();
  enlace_mods_add (mods, LDAP_MOD_REPLACE, "enlaceStatus", "active");
  enlace_mods_add (mods, LDAP_MOD_REPLACE, "enlaceAuthorizationDate", date);
  enlace_mods_add (mods, LDAP_MOD_REPLACE, "enlaceAuthorizedBy", *who ? who : NULL);
  if (!enlace_directory_modify (dir, l->dn, enlace_mods_get (mods), "(enlaceStatus=pending)", error))
    return enlace_entry_explain (dir, l->country, error);
  return TRUE;
}

/**
 * enlace_registry_update:
 * @changes: the fields to change; NULL fields stay as they are (the
 *   country cannot change: retire and register instead)
 *
 * Changes a liaison's fields. A name change updates cn and displayName; a
 * new role that needs authorisation makes an active liaison pending.
 */
gboolean
enlace_registry_update (EnlaceDirectory *dir, const char *id, const EnlaceLiaisonSpec *changes,
                        GError **error)
{
  g_autoptr(EnlaceLiaison) l = enlace_liaison_get (dir, id, error);
  if (l == NULL)
    return FALSE;
  if (changes->country != NULL && g_ascii_strcasecmp (changes->country, l->country) != 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("country cannot change (%s is %s's): retire it and register a successor"),
                   l->id, l->country);
      return FALSE;
    }
  g_autoptr(EnlaceVocabulary) vocabulary = enlace_vocabulary_load (dir, error);
  if (vocabulary == NULL)
    return FALSE;
  EnlaceLiaisonSpec spec = *changes;
  spec.country = l->country;
  g_autoptr(EnlaceLiaisonDraft) d = enlace_liaison_draft_new (dir, vocabulary, &spec,
                                                              ENLACE_PHONE_STRICT, error);
  if (d == NULL)
    return FALSE;
  if (d->email != NULL && !check_email_free (dir, d->email, l->dn, error))
    return FALSE;

  g_autoptr(EnlaceMods) mods = enlace_mods_new ();
  add_person_fields (mods, LDAP_MOD_REPLACE, d);
  if (d->given_name != NULL || d->surname != NULL)
    {
      g_autofree char *cn = g_strconcat (d->given_name ? d->given_name : l->given_name, " ",
                                         d->surname ? d->surname : l->surname, NULL);
      enlace_mods_add (mods, LDAP_MOD_REPLACE, "cn", cn);
      enlace_mods_add (mods, LDAP_MOD_REPLACE, "displayName", cn);
    }
  if (enlace_mods_is_empty (mods))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("nothing to update: give at least one field to change"));
      return FALSE;
    }
  /* A role that needs authorisation, new to this liaison, waits for it. */
  gboolean newly_needs = FALSE;
  for (int i = 0; d->roles != NULL && d->roles[i] != NULL; i++)
    if (enlace_vocabulary_needs_authorization (vocabulary, d->roles[i])
        && !g_strv_contains ((const char *const *) l->roles, d->roles[i]))
      newly_needs = TRUE;
  if (newly_needs && g_strcmp0 (l->status, "active") == 0)
    enlace_mods_add (mods, LDAP_MOD_REPLACE, "enlaceStatus", "pending");

  /* Nobody retired it while we looked. */
  if (!enlace_directory_modify (dir, l->dn, enlace_mods_get (mods), "(!(enlaceStatus=retired))",
                                error))
    return enlace_entry_explain (dir, l->country, error);
  return TRUE;
}

/**
 * enlace_registry_retire:
 * @reason: why (required)
 * @successor: (nullable): the ID of the liaison who takes over
 * @date: (nullable): YYYY-MM-DD; today when %NULL
 *
 * Retires a liaison (baja): it is kept, with the date, the account, the
 * reason and its successor, and drops out of default lookups. The
 * successor gets a link back. Both entries change in one transaction.
 */
gboolean
enlace_registry_retire (EnlaceDirectory *dir, const char *id, const char *reason,
                        const char *successor, const char *date, GError **error)
{
  return enlace_entry_retire (dir, &enlace_entry_liaison, id, reason, successor, date, error);
}
