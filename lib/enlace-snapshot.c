/* enlace-snapshot.c — what a snapshot holds: one table per kind of entry
 * mapping XML names to LDAP attributes. Export, import and diff all read
 * these tables, so a field added here travels everywhere at once; the XSD
 * (schema/enlace-snapshot.xsd) lists the same fields in the same order. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "enlace-directory.h"
#include "enlace-snapshot.h"
#include "enlace-validate.h"

#define N(a) G_N_ELEMENTS (a)

static const EnlaceField term_fields[] = {
  { "id", "enlaceTermId", ENLACE_FIELD_TEXT, ENLACE_FIELD_XML_ATTR | ENLACE_FIELD_RDN },
  { "label", "enlaceLabel", ENLACE_FIELD_LABEL, ENLACE_FIELD_MULTI },
  { "description", "description", ENLACE_FIELD_TEXT, 0 },
};

static const EnlaceField role_fields[] = {
  { "id", "enlaceTermId", ENLACE_FIELD_TEXT, ENLACE_FIELD_XML_ATTR | ENLACE_FIELD_RDN },
  { "needs-authorization", "enlaceNeedsAuthorization", ENLACE_FIELD_BOOL,
    ENLACE_FIELD_XML_ATTR },
  { "label", "enlaceLabel", ENLACE_FIELD_LABEL, ENLACE_FIELD_MULTI },
  { "description", "description", ENLACE_FIELD_TEXT, 0 },
};

static const EnlaceField country_fields[] = {
  { "code", "c", ENLACE_FIELD_TEXT, ENLACE_FIELD_XML_ATTR | ENLACE_FIELD_RDN },
  { "label", "enlaceLabel", ENLACE_FIELD_LABEL, ENLACE_FIELD_MULTI },
  { "calling-code", "enlaceCallingCode", ENLACE_FIELD_TEXT, 0 },
  { "body", "enlaceBody", ENLACE_FIELD_TEXT, ENLACE_FIELD_MULTI },
  { "mail", "mail", ENLACE_FIELD_TEXT, ENLACE_FIELD_MULTI },
};

static const EnlaceField network_fields[] = {
  { "id", "enlaceTermId", ENLACE_FIELD_TEXT, ENLACE_FIELD_XML_ATTR | ENLACE_FIELD_RDN },
  { "label", "enlaceLabel", ENLACE_FIELD_LABEL, ENLACE_FIELD_MULTI },
  { "description", "description", ENLACE_FIELD_TEXT, 0 },
  { "body", "enlaceBody", ENLACE_FIELD_TEXT, ENLACE_FIELD_MULTI },
  { "member", "member", ENLACE_FIELD_REF, ENLACE_FIELD_MULTI },
};

static const EnlaceField institution_fields[] = {
  { "id", "enlaceId", ENLACE_FIELD_TEXT, ENLACE_FIELD_XML_ATTR | ENLACE_FIELD_RDN },
  { "country", "c", ENLACE_FIELD_TEXT, ENLACE_FIELD_XML_ATTR },
  { "status", "enlaceStatus", ENLACE_FIELD_TEXT, ENLACE_FIELD_XML_ATTR },
  { "name", "o", ENLACE_FIELD_TEXT, 0 },
  { "display-name", "displayName", ENLACE_FIELD_TEXT, 0 },
  { "label", "enlaceLabel", ENLACE_FIELD_LABEL, ENLACE_FIELD_MULTI },
  { "type", "enlaceInstitutionType", ENLACE_FIELD_TEXT, 0 },
  { "competence", "enlaceCompetence", ENLACE_FIELD_TEXT, ENLACE_FIELD_MULTI },
  { "network", "enlaceNetwork", ENLACE_FIELD_TEXT, ENLACE_FIELD_MULTI },
  { "language", "enlaceLanguage", ENLACE_FIELD_TEXT, ENLACE_FIELD_MULTI },
  { "mail", "mail", ENLACE_FIELD_TEXT, ENLACE_FIELD_MULTI },
  { "phone", "telephoneNumber", ENLACE_FIELD_TEXT, ENLACE_FIELD_MULTI },
  { "phone-as-written", "enlacePhoneAsWritten", ENLACE_FIELD_TEXT, ENLACE_FIELD_MULTI },
  { "url", "labeledURI", ENLACE_FIELD_TEXT, ENLACE_FIELD_MULTI },
  { "notes", "enlaceNotes", ENLACE_FIELD_TEXT, ENLACE_FIELD_RESTRICTED },
  { "designated", "enlaceDesignationDate", ENLACE_FIELD_DATE, 0 },
  { "designated-by", "enlaceDesignatedBy", ENLACE_FIELD_TEXT, 0 },
  { "retired", "enlaceRetirementDate", ENLACE_FIELD_DATE, 0 },
  { "retired-by", "enlaceRetiredBy", ENLACE_FIELD_TEXT, 0 },
  { "retirement-reason", "enlaceRetirementReason", ENLACE_FIELD_TEXT, 0 },
  { "successor", "enlaceSuccessor", ENLACE_FIELD_REF, 0 },
  { "predecessor", "enlacePredecessor", ENLACE_FIELD_REF, 0 },
  { "last-confirmed", "enlaceLastConfirmed", ENLACE_FIELD_DATE, 0 },
};

static const EnlaceField liaison_fields[] = {
  { "id", "enlaceId", ENLACE_FIELD_TEXT, ENLACE_FIELD_XML_ATTR | ENLACE_FIELD_RDN },
  { "country", "c", ENLACE_FIELD_TEXT, ENLACE_FIELD_XML_ATTR },
  { "status", "enlaceStatus", ENLACE_FIELD_TEXT, ENLACE_FIELD_XML_ATTR },
  { "given-name", "givenName", ENLACE_FIELD_TEXT, 0 },
  { "surname", "sn", ENLACE_FIELD_TEXT, 0 },
  { "name", "cn", ENLACE_FIELD_TEXT, 0 },
  { "display-name", "displayName", ENLACE_FIELD_TEXT, 0 },
  { "title", "title", ENLACE_FIELD_TEXT, 0 },
  { "institution", "enlaceInstitution", ENLACE_FIELD_REF, 0 },
  { "institution-name", "o", ENLACE_FIELD_TEXT, 0 },
  { "role", "enlaceRole", ENLACE_FIELD_TEXT, ENLACE_FIELD_MULTI },
  { "network", "enlaceNetwork", ENLACE_FIELD_TEXT, ENLACE_FIELD_MULTI },
  { "language", "enlaceLanguage", ENLACE_FIELD_TEXT, ENLACE_FIELD_MULTI },
  { "mail", "mail", ENLACE_FIELD_TEXT, ENLACE_FIELD_MULTI },
  { "phone", "telephoneNumber", ENLACE_FIELD_TEXT, ENLACE_FIELD_MULTI },
  { "phone-as-written", "enlacePhoneAsWritten", ENLACE_FIELD_TEXT, ENLACE_FIELD_MULTI },
  { "fax", "facsimileTelephoneNumber", ENLACE_FIELD_TEXT, ENLACE_FIELD_MULTI },
  { "mobile", "enlaceMobile", ENLACE_FIELD_TEXT, ENLACE_FIELD_MULTI | ENLACE_FIELD_RESTRICTED },
  { "notes", "enlaceNotes", ENLACE_FIELD_TEXT, ENLACE_FIELD_RESTRICTED },
  { "designated", "enlaceDesignationDate", ENLACE_FIELD_DATE, 0 },
  { "designated-by", "enlaceDesignatedBy", ENLACE_FIELD_TEXT, 0 },
  { "authorized", "enlaceAuthorizationDate", ENLACE_FIELD_DATE, 0 },
  { "authorized-by", "enlaceAuthorizedBy", ENLACE_FIELD_TEXT, 0 },
  { "retired", "enlaceRetirementDate", ENLACE_FIELD_DATE, 0 },
  { "retired-by", "enlaceRetiredBy", ENLACE_FIELD_TEXT, 0 },
  { "retirement-reason", "enlaceRetirementReason", ENLACE_FIELD_TEXT, 0 },
  { "successor", "enlaceSuccessor", ENLACE_FIELD_REF, 0 },
  { "predecessor", "enlacePredecessor", ENLACE_FIELD_REF, 0 },
  { "last-confirmed", "enlaceLastConfirmed", ENLACE_FIELD_DATE, 0 },
};

static const EnlaceSnapshotKind bodies = {
  "bodies", "term", "enlaceTerm", "ou=bodies,ou=vocabulary", term_fields, N (term_fields), N_("body")
};
static const EnlaceSnapshotKind roles = {
  "roles", "term", "enlaceTerm", "ou=roles,ou=vocabulary", role_fields, N (role_fields), N_("role")
};
static const EnlaceSnapshotKind institution_types = {
  "institution-types", "term", "enlaceTerm", "ou=institution-types,ou=vocabulary", term_fields,
  N (term_fields), N_("institution type")
};
static const EnlaceSnapshotKind competences = {
  "competences", "term", "enlaceTerm", "ou=competences,ou=vocabulary", term_fields,
  N (term_fields), N_("competence")
};
static const EnlaceSnapshotKind countries = {
  "countries", "country", "enlaceCountry", "", country_fields, N (country_fields), N_("country")
};
static const EnlaceSnapshotKind networks = {
  "networks", "network", "enlaceNetworkGroup", "ou=networks,ou=vocabulary", network_fields,
  N (network_fields), N_("network")
};
static const EnlaceSnapshotKind institutions = {
  "institutions", "institution", "enlaceInstitution", NULL, institution_fields,
  N (institution_fields), N_("institution")
};
static const EnlaceSnapshotKind liaisons = {
  "liaisons", "liaison", "enlaceLiaison", NULL, liaison_fields, N (liaison_fields), N_("liaison")
};

const EnlaceSnapshotKind *const enlace_snapshot_kinds[] = {
  &bodies, &roles, &institution_types, &competences, &countries, &networks, &institutions,
  &liaisons, NULL,
};

const EnlaceSnapshotKind *
enlace_snapshot_kind_by_section (const char *section)
{
  for (guint i = 0; enlace_snapshot_kinds[i] != NULL; i++)
    if (g_strcmp0 (enlace_snapshot_kinds[i]->section, section) == 0)
      return enlace_snapshot_kinds[i];
  return NULL;
}

const EnlaceField *
enlace_snapshot_kind_field (const EnlaceSnapshotKind *kind, const char *name, guint *index)
{
  for (guint i = 0; i < kind->n_fields; i++)
    if (strcmp (kind->fields[i].name, name) == 0)
      {
        if (index != NULL)
          *index = i;
        return &kind->fields[i];
      }
  return NULL;
}

EnlaceRecord *
enlace_record_new (const EnlaceSnapshotKind *kind)
{
  EnlaceRecord *record = g_new0 (EnlaceRecord, 1);
  record->kind = kind;
  record->values = g_new0 (char **, kind->n_fields);
  return record;
}

void
enlace_record_free (EnlaceRecord *record)
{
  if (record == NULL)
    return;
  for (guint i = 0; i < record->kind->n_fields; i++)
    g_strfreev (record->values[i]);
  g_free (record->values);
  g_free (record);
}

/**
 * enlace_record_get:
 *
 * Returns: (transfer none) (nullable): the first value of field @name.
 */
const char *
enlace_record_get (const EnlaceRecord *record, const char *name)
{
  guint i;
  if (enlace_snapshot_kind_field (record->kind, name, &i) == NULL || record->values[i] == NULL)
    return NULL;
  return record->values[i][0];
}

/**
 * enlace_record_values_equal:
 *
 * Returns: whether two fields' values are the same, in the same order (an
 * absent field is equal to an empty one).
 */
gboolean
enlace_record_values_equal (char **a, char **b)
{
  guint na = a != NULL ? g_strv_length (a) : 0;
  guint nb = b != NULL ? g_strv_length (b) : 0;
  if (na != nb)
    return FALSE;
  for (guint i = 0; i < na; i++)
    if (strcmp (a[i], b[i]) != 0)
      return FALSE;
  return TRUE;
}

const char *
enlace_record_id (const EnlaceRecord *record)
{
  for (guint i = 0; i < record->kind->n_fields; i++)
    if (record->kind->fields[i].flags & ENLACE_FIELD_RDN)
      return record->values[i] != NULL ? record->values[i][0] : NULL;
  return NULL;
}

/* The value of a DN's first RDN without parsing the whole DN, when it has
 * nothing escaped; libldap's parser otherwise. */
static void
append_ref (GString *out, const char *dn, gsize len)
{
  const char *eq = memchr (dn, '=', len);
  if (eq != NULL)
    {
      const char *start = eq + 1;
      const char *end = start;
      while (end < dn + len && *end != ',' && *end != '\\' && *end != '+' && *end != '"')
        end++;
      if (end == dn + len || *end == ',')
        {
          g_string_append_len (out, start, end - start);
          return;
        }
    }
  g_autofree char *copy = g_strndup (dn, len);
  g_autofree char *value = enlace_dn_first_value (copy);
  if (value != NULL)
    g_string_append (out, value);
}

/**
 * enlace_field_append_value:
 *
 * Appends the snapshot form of one LDAP value of @field to @out: a date
 * as YYYY-MM-DD, a DN as its entry's ID, TRUE as true; a label's text
 * (its language is the slot's: enlace_snapshot_read_slots()).
 */
void
enlace_field_append_value (const EnlaceField *field, const struct berval *bv, GString *out)
{
  switch (field->type)
    {
    case ENLACE_FIELD_DATE:
      if (bv->bv_len < 8)
        g_string_append_len (out, bv->bv_val, bv->bv_len);
      else
        {
          /* YYYYMMDD... to YYYY-MM-DD */
          g_string_append_len (out, bv->bv_val, 4);
          g_string_append_c (out, '-');
          g_string_append_len (out, bv->bv_val + 4, 2);
          g_string_append_c (out, '-');
          g_string_append_len (out, bv->bv_val + 6, 2);
        }
      break;
    case ENLACE_FIELD_REF:
      append_ref (out, bv->bv_val, bv->bv_len);
      break;
    case ENLACE_FIELD_BOOL:
      g_string_append (out, bv->bv_len == 4 && g_ascii_strncasecmp (bv->bv_val, "TRUE", 4) == 0
                                ? "true"
                                : "false");
      break;
    case ENLACE_FIELD_LABEL:
    case ENLACE_FIELD_TEXT:
    default:
      g_string_append_len (out, bv->bv_val, bv->bv_len);
      break;
    }
}

/* The language tag among an attribute description's options ("lang-es",
 * "binary;lang-en"), in lower case, or "". */
static char *
label_lang (const char *options, gsize len)
{
  g_autofree char *opts = g_strndup (options, len);
  g_auto(GStrv) parts = g_strsplit (opts, ";", -1);
  for (char **o = parts; *o != NULL; o++)
    if (g_ascii_strncasecmp (*o, "lang-", 5) == 0)
      return g_ascii_strdown (*o + 5, -1);
  return g_strdup ("");
}

/* The index of the field attribute type @name (@len bytes, no options)
 * belongs to, or -1. The server sends attributes in the same order entry
 * after entry, so the field found at the same @position last time (in
 * @hints) is tried first, by an exact comparison. */
static int
kind_attribute (const EnlaceSnapshotKind *kind, const char *name, gsize len,
                                guint position, guint *hints, guint n_hints)
{
  if (hints != NULL && position < n_hints && hints[position] < kind->n_fields)
    {
      const char *a = kind->fields[hints[position]].attribute;
      if (strncmp (a, name, len) == 0 && a[len] == '\0')
        return (int) hints[position];
    }
  for (guint i = 0; i < kind->n_fields; i++)
    {
      const char *a = kind->fields[i].attribute;
      if (g_ascii_strncasecmp (a, name, len) == 0 && a[len] == '\0')
        {
          if (hints != NULL && position < n_hints)
            hints[position] = i;
          return (int) i;
        }
    }
  return -1;
}

/**
 * enlace_snapshot_read_slots:
 * @include_restricted: whether restricted fields are read
 * @hints: (nullable): @n_hints field indexes, G_MAXUINT at first, kept from
 *   one entry of a search to the next: they save matching attribute names
 * @slots: (out caller-allocates): room for @max_slots
 *
 * Reads a search result entry in one pass: every attribute of @kind's
 * table, as libldap returns it (no copy), in the server's order. Free the
 * slots with enlace_snapshot_slots_clear().
 *
 * Returns: how many slots were filled.
 */
guint
enlace_snapshot_read_slots (const EnlaceSnapshotKind *kind, LDAP *ld, LDAPMessage *entry,
                            gboolean include_restricted, guint *hints, guint n_hints,
                            EnlaceSlot *slots, guint max_slots)
{
  BerElement *ber = NULL;
  struct berval dn = { 0, NULL };
  if (ldap_get_dn_ber (ld, entry, &ber, &dn) != LDAP_SUCCESS)
    return 0;
  guint n_slots = 0;
  for (guint position = 0;; position++)
    {
      struct berval attr = { 0, NULL };
      struct berval *vals = NULL;
      if (ldap_get_attribute_ber (ld, entry, ber, &attr, &vals) != LDAP_SUCCESS
          || attr.bv_val == NULL)
        break;
      const char *semi = memchr (attr.bv_val, ';', attr.bv_len);
      gsize base_len = semi != NULL ? (gsize) (semi - attr.bv_val) : attr.bv_len;
      int f = kind_attribute (kind, attr.bv_val, base_len, position, hints, n_hints);
      const EnlaceField *field = f >= 0 ? &kind->fields[f] : NULL;
      /* Options other than a language tag belong to no field. */
      if (field == NULL || vals == NULL || vals[0].bv_val == NULL || n_slots == max_slots
          || (semi != NULL && field->type != ENLACE_FIELD_LABEL)
          || ((field->flags & ENLACE_FIELD_RESTRICTED) && !include_restricted))
        {
          ber_memfree (vals);
          continue;
        }
      slots[n_slots].field = (guint) f;
      slots[n_slots].vals = vals;
      slots[n_slots].lang
          = field->type == ENLACE_FIELD_LABEL
                ? label_lang (semi != NULL ? semi + 1 : "",
                              semi != NULL ? attr.bv_len - base_len - 1 : 0)
                : NULL;
      n_slots++;
    }
  ber_free (ber, 0);
  return n_slots;
}

void
enlace_snapshot_slots_clear (EnlaceSlot *slots, guint n_slots)
{
  for (guint s = 0; s < n_slots; s++)
    {
      ber_memfree (slots[s].vals);
      g_free (slots[s].lang);
    }
}

/**
 * enlace_record_new_from_entry:
 *
 * Reads a search result entry into a record of @kind: every attribute the
 * kind's table names, restricted ones too, values in the server's order.
 * A single-valued field keeps the first value only.
 */
EnlaceRecord *
enlace_record_new_from_entry (const EnlaceSnapshotKind *kind, LDAP *ld, LDAPMessage *entry)
{
  EnlaceRecord *record = enlace_record_new (kind);
  EnlaceSlot slots[ENLACE_MAX_SLOTS];
  guint n_slots = enlace_snapshot_read_slots (kind, ld, entry, TRUE, NULL, 0, slots,
                                              G_N_ELEMENTS (slots));
  g_autoptr(GString) value = g_string_new (NULL);
  for (guint s = 0; s < n_slots; s++)
    {
      guint i = slots[s].field;
      const EnlaceField *field = &kind->fields[i];
      guint n = 0;
      while (slots[s].vals[n].bv_val != NULL)
        n++;
      if (!(field->flags & ENLACE_FIELD_MULTI))
        n = record->values[i] != NULL ? 0 : 1;
      guint old = record->values[i] != NULL ? g_strv_length (record->values[i]) : 0;
      if (n == 0)
        continue;
      record->values[i] = g_renew (char *, record->values[i], old + n + 1);
      for (guint v = 0; v < n; v++)
        {
          g_string_truncate (value, 0);
          if (slots[s].lang != NULL)
            g_string_append_printf (value, "%s:", slots[s].lang);
          enlace_field_append_value (field, &slots[s].vals[v], value);
          record->values[i][old + v] = g_strndup (value->str, value->len);
        }
      record->values[i][old + n] = NULL;
    }
  enlace_snapshot_slots_clear (slots, n_slots);
  return record;
}
