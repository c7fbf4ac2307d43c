/* enlace-snapshot.h — the directory as an XML document (schema/enlace-snapshot.xsd):
 * export, import, diff and the printable directory made from it.
 *
 * Part of libenlace-xml, the half of the library that needs libxml2 and
 * libxslt; the enlace-xml helper program links it, so the lookups of the
 * enlace program never load them. */
#pragma once

#include <glib.h>
#include <ldap.h>

#include "enlace-directory.h"

G_BEGIN_DECLS

/* The namespace carries the format's version; a new version is a new
 * namespace, so an old reader refuses a new document instead of
 * misreading it. */
#define ENLACE_SNAPSHOT_NS "urn:enlace:directory:1"
#define ENLACE_SNAPSHOT_VERSION "1"

typedef enum {
  ENLACE_FIELD_TEXT,  /* the value as it is */
  ENLACE_FIELD_DATE,  /* GeneralizedTime in LDAP, YYYY-MM-DD in XML */
  ENLACE_FIELD_REF,   /* a DN in LDAP, its entry's ID (or country code) in XML */
  ENLACE_FIELD_LABEL, /* enlaceLabel;lang-xx in LDAP, <label xml:lang="xx"> in XML */
  ENLACE_FIELD_BOOL,  /* TRUE/FALSE in LDAP, true/false in XML */
} EnlaceFieldType;

typedef enum {
  ENLACE_FIELD_MULTI = 1 << 0,      /* repeatable */
  ENLACE_FIELD_RESTRICTED = 1 << 1, /* personal: only with --include-restricted */
  ENLACE_FIELD_XML_ATTR = 1 << 2,   /* an XML attribute, not a child element */
  ENLACE_FIELD_RDN = 1 << 3,        /* the entry's RDN value: its ID */
} EnlaceFieldFlags;

typedef struct {
  const char *name;      /* XML element or attribute */
  const char *attribute; /* LDAP attribute */
  EnlaceFieldType type;
  guint flags;
} EnlaceField;

typedef struct {
  const char *section;      /* "liaisons": the element that holds them */
  const char *element;      /* "liaison" */
  const char *object_class; /* enlaceLiaison */
  const char *container;    /* parent below the base, e.g. "ou=roles,ou=vocabulary";
                             * NULL: below the entry's country (or ou=observers) */
  const EnlaceField *fields;
  guint n_fields;
  const char *noun;         /* "liaison", "role": for messages */
} EnlaceSnapshotKind;

/* Every kind, in document order. */
extern const EnlaceSnapshotKind *const enlace_snapshot_kinds[];
const EnlaceSnapshotKind *enlace_snapshot_kind_by_section (const char *section);
void enlace_field_append_value (const EnlaceField *field, const struct berval *bv, GString *out);
const EnlaceField *enlace_snapshot_kind_field (const EnlaceSnapshotKind *kind, const char *name,
                                               guint *index);

/* One entry, field by field in the kind's order: values[i] is a
 * NULL-terminated array (NULL when the field is absent). Labels are
 * "lang:text" ("":text without a language). */
typedef struct {
  const EnlaceSnapshotKind *kind;
  char ***values;
  guint line; /* in the document it came from; 0 from the directory */
} EnlaceRecord;

EnlaceRecord *enlace_record_new (const EnlaceSnapshotKind *kind);
void enlace_record_free (EnlaceRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceRecord, enlace_record_free)
const char *enlace_record_get (const EnlaceRecord *record, const char *name);
const char *enlace_record_id (const EnlaceRecord *record);
gboolean enlace_record_values_equal (char **a, char **b);
EnlaceRecord *enlace_record_new_from_entry (const EnlaceSnapshotKind *kind, LDAP *ld,
                                            LDAPMessage *entry);

/* One attribute of an entry as libldap returned it: its values (no copy)
 * and the field they belong to. More attributes than ENLACE_MAX_SLOTS in
 * one entry are not read. */
typedef struct {
  guint field;
  struct berval *vals;
  char *lang; /* a label's language; NULL for other fields */
} EnlaceSlot;

#define ENLACE_MAX_SLOTS 64

guint enlace_snapshot_read_slots (const EnlaceSnapshotKind *kind, LDAP *ld, LDAPMessage *entry,
                                  gboolean include_restricted, guint *hints, guint n_hints,
                                  EnlaceSlot *slots, guint max_slots);
void enlace_snapshot_slots_clear (EnlaceSlot *slots, guint n_slots);

/* Export. */
typedef void (*EnlaceSnapshotProgressFunc) (guint done, gpointer user_data);

typedef struct {
  const char *const *countries;  /* NULL: all */
  const char *const *networks;   /* NULL: all */
  gboolean include_restricted;
  gboolean include_retired;
  EnlaceSnapshotProgressFunc progress;
  gpointer progress_data;
} EnlaceExportOptions;

gboolean enlace_snapshot_export (EnlaceDirectory *dir, const EnlaceExportOptions *options,
                                 const char *path, GError **error);

/* Reading a snapshot: validated against the XSD first, then one record at
 * a time. */
typedef struct _EnlaceSnapshotReader EnlaceSnapshotReader;

gboolean enlace_snapshot_validate (const char *path, GError **error);
gboolean enlace_snapshot_validate_memory (const char *data, gsize len, GError **error);
EnlaceSnapshotReader *enlace_snapshot_reader_new (const char *path, GError **error);
EnlaceSnapshotReader *enlace_snapshot_reader_new_memory (const char *data, gsize len,
                                                         GError **error);
/* Returns: (transfer full): the next record, or NULL at the end (@error
 * unset) or on an error. */
EnlaceRecord *enlace_snapshot_reader_next (EnlaceSnapshotReader *reader, GError **error);
const char *enlace_snapshot_reader_get (EnlaceSnapshotReader *reader, const char *attribute);
void enlace_snapshot_reader_free (EnlaceSnapshotReader *reader);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceSnapshotReader, enlace_snapshot_reader_free)

/* Import. */
typedef struct {
  gboolean dry_run;
  EnlaceSnapshotProgressFunc progress;
  gpointer progress_data;
} EnlaceSnapshotImportOptions;

typedef struct {
  guint created;
  guint updated;
  guint unchanged;
} EnlaceSnapshotImportResult;

gboolean enlace_snapshot_import (EnlaceDirectory *dir, const char *path,
                                 const EnlaceSnapshotImportOptions *options,
                                 EnlaceSnapshotImportResult *result, GError **error);

/* Diff. */
typedef enum { ENLACE_DIFF_TEXT, ENLACE_DIFF_JSON } EnlaceDiffFormat;

gboolean enlace_snapshot_diff (const char *old_path, const char *new_path, EnlaceDiffFormat format,
                               GString *out, GError **error);

/* The printable directory and web page (schema/enlace-publish.xsl). */
gboolean enlace_snapshot_publish (const char *snapshot_path, const char *language,
                                  const char *output_path, GError **error);

G_END_DECLS
