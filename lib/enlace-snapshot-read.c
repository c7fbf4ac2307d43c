/* enlace-snapshot-read.c — reading a snapshot: first validated whole
 * against the XSD, streaming, with every error's line; then read again one
 * entry at a time, so memory stays flat. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>

#include "enlace-data.h"
#include "enlace-error.h"
#include "enlace-snapshot.h"

/* Network access and entity expansion stay off: a snapshot is data. */
#define PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA)

/* How many validation errors to report before "and N more". */
#define MAX_ERRORS 20

struct _EnlaceSnapshotReader {
  xmlTextReaderPtr reader;
  const char *name; /* for messages */
  const EnlaceSnapshotKind *section;
  GHashTable *root; /* the root element's attributes */
  GString *errors;
  guint n_errors;
  GHashTable *seen; /* messages already reported: keyrefs repeat theirs */
  /* After skipping an entry the reader already stands on the next node. */
  gboolean advanced;
  int advanced_rc;
};

static xmlSchemaPtr
load_schema (GError **error)
{
  /* Parsed once per process; the diff reads two documents. */
  static xmlSchemaPtr schema;
  if (schema != NULL)
    return schema;
  g_autofree char *path = enlace_data_find ("schema/enlace-snapshot.xsd", error);
  if (path == NULL)
    return NULL;
  xmlSchemaParserCtxtPtr ctxt = xmlSchemaNewParserCtxt (path);
  schema = ctxt != NULL ? xmlSchemaParse (ctxt) : NULL;
  xmlSchemaFreeParserCtxt (ctxt);
  if (schema == NULL)
    g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot read the schema %s"), path);
  return schema;
}

static void
collect_error (void *user_data, xmlErrorPtr err)
{
  EnlaceSnapshotReader *r = user_data;
  if (err == NULL || err->level == XML_ERR_WARNING)
    return;
  /* libxml2 names elements as {namespace}name; the namespace is noise here. */
  g_autoptr(GString) s = g_string_new (err->message != NULL ? err->message : "?");
  g_string_replace (s, "{" ENLACE_SNAPSHOT_NS "}", "", 0);
  while (s->len > 0 && g_ascii_isspace (s->str[s->len - 1]))
    g_string_truncate (s, s->len - 1);
  char *line = g_strdup_printf ("%s:%d: %s", r->name, err->line, s->str);
  if (!g_hash_table_add (r->seen, line))
    return; /* a keyref error is raised once per key it is checked against */
  if (++r->n_errors <= MAX_ERRORS)
    g_string_append_printf (r->errors, "\n  %s", line);
}

static EnlaceSnapshotReader *
reader_wrap (xmlTextReaderPtr xr, const char *name, GError **error)
{
  if (xr == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, _("cannot read %s"), name);
      return NULL;
    }
  EnlaceSnapshotReader *r = g_new0 (EnlaceSnapshotReader, 1);
  r->reader = xr;
  r->name = name;
  r->root = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  r->errors = g_string_new (NULL);
  r->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  xmlTextReaderSetStructuredErrorHandler (xr, collect_error, r);
  return r;
}

void
enlace_snapshot_reader_free (EnlaceSnapshotReader *r)
{
  if (r == NULL)
    return;
  xmlFreeTextReader (r->reader);
  g_hash_table_unref (r->root);
  g_string_free (r->errors, TRUE);
  g_hash_table_unref (r->seen);
  g_free (r);
}

static gboolean
reader_failed (EnlaceSnapshotReader *r, GError **error)
{
  if (r->n_errors > MAX_ERRORS)
    {
      g_string_append (r->errors, "\n  ");
      g_string_append_printf (r->errors,
                            g_dngettext (GETTEXT_PACKAGE, "and %u more error",
                                         "and %u more errors", r->n_errors - MAX_ERRORS),
                              r->n_errors - MAX_ERRORS);
    }
  g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
               _("%s is not a valid enlace snapshot (schema/enlace-snapshot.xsd):%s"), r->name,
               r->errors->len > 0 ? r->errors->str : _(" unreadable"));
  return FALSE;
}

static xmlTextReaderPtr
open_reader (const char *path, const char *data, gsize len)
{
  if (path != NULL)
    return xmlReaderForFile (path, NULL, PARSE_OPTIONS);
  if (len > G_MAXINT)
    return NULL;
  return xmlReaderForMemory (data, (int) len, NULL, NULL, PARSE_OPTIONS);
}

/* Two streaming passes: libxml2's schema validation while reading hides
 * the parser's own errors (and their lines), so well-formedness is checked
 * on its own first. */
static gboolean
validate (const char *path, const char *data, gsize len, GError **error)
{
  const char *name = path != NULL ? path : "<memory>";
  if (path != NULL && g_access (path, R_OK) != 0)
    {
      int errsv = errno;
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, _("cannot read %s: %s"), path,
                   g_strerror (errsv));
      return FALSE;
    }
  xmlSchemaPtr schema = load_schema (error);
  if (schema == NULL)
    return FALSE;
  for (int pass = 0; pass < 2; pass++)
    {
      g_autoptr(EnlaceSnapshotReader) r = reader_wrap (open_reader (path, data, len), name, error);
      if (r == NULL)
        return FALSE;
      if (pass == 1 && xmlTextReaderSetSchema (r->reader, schema) != 0)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot validate %s"), name);
          return FALSE;
        }
      int rc;
      while ((rc = xmlTextReaderRead (r->reader)) == 1)
        if (xmlTextReaderNodeType (r->reader) == XML_READER_TYPE_DOCUMENT_TYPE)
          {
            /* Entities are the one way XML data can reach beyond itself. */
            g_string_append_printf (r->errors, _("\n  %s: a snapshot has no DOCTYPE"), name);
            r->n_errors++;
            break;
          }
      if (rc != 0 || r->n_errors > 0 || (pass == 1 && xmlTextReaderIsValid (r->reader) != 1))
        return reader_failed (r, error);
    }
  return TRUE;
}

/**
 * enlace_snapshot_validate:
 *
 * Checks @path against schema/enlace-snapshot.xsd. Fails with
 * %ENLACE_ERROR_INVALID listing the first errors, each with its line.
 */
gboolean
enlace_snapshot_validate (const char *path, GError **error)
{
  return validate (path, NULL, 0, error);
}

gboolean
enlace_snapshot_validate_memory (const char *data, gsize len, GError **error)
{
  return validate (NULL, data, len, error);
}

EnlaceSnapshotReader *
enlace_snapshot_reader_new (const char *path, GError **error)
{
  return reader_wrap (open_reader (path, NULL, 0), path, error);
}

EnlaceSnapshotReader *
enlace_snapshot_reader_new_memory (const char *data, gsize len, GError **error)
{
  return reader_wrap (open_reader (NULL, data, len), "<memory>", error);
}

/**
 * enlace_snapshot_reader_get:
 *
 * Returns: (transfer none) (nullable): an attribute of the root element
 * (version, generated, restricted, retired...), once the first record has
 * been read.
 */
const char *
enlace_snapshot_reader_get (EnlaceSnapshotReader *r, const char *attribute)
{
  return g_hash_table_lookup (r->root, attribute);
}

static char *
text_of (xmlNodePtr node)
{
  xmlChar *content = xmlNodeGetContent (node);
  char *out = g_strdup (content != NULL ? (const char *) content : "");
  xmlFree (content);
  return out;
}

static void
add_value (EnlaceRecord *record, guint i, char *value)
{
  guint n = record->values[i] != NULL ? g_strv_length (record->values[i]) : 0;
  record->values[i] = g_renew (char *, record->values[i], n + 2);
  record->values[i][n] = value;
  record->values[i][n + 1] = NULL;
}

/* The value as the directory wants it: surrounding blanks are layout
 * except in free text. */
static char *
tidy (const EnlaceField *field, char *value)
{
  if (field->type != ENLACE_FIELD_TEXT || (field->flags & ENLACE_FIELD_XML_ATTR))
    g_strstrip (value);
  return value;
}

static EnlaceRecord *
record_of_node (const EnlaceSnapshotKind *kind, xmlNodePtr node)
{
  EnlaceRecord *record = enlace_record_new (kind);
  record->line = (guint) xmlGetLineNo (node);
  for (guint i = 0; i < kind->n_fields; i++)
    {
      const EnlaceField *field = &kind->fields[i];
      if (!(field->flags & ENLACE_FIELD_XML_ATTR))
        continue;
      xmlChar *value = xmlGetNoNsProp (node, BAD_CAST field->name);
      if (value != NULL)
        add_value (record, i, tidy (field, g_strdup ((const char *) value)));
      xmlFree (value);
    }
  for (xmlNodePtr child = node->children; child != NULL; child = child->next)
    {
      if (child->type != XML_ELEMENT_NODE)
        continue;
      guint i;
      const EnlaceField *field
          = enlace_snapshot_kind_field (kind, (const char *) child->name, &i);
      if (field == NULL || (field->flags & ENLACE_FIELD_XML_ATTR))
        continue; /* the schema allows none; only an unvalidated read gets here */
      if (!(field->flags & ENLACE_FIELD_MULTI) && record->values[i] != NULL)
        continue;
      char *text = tidy (field, text_of (child));
      if (field->type == ENLACE_FIELD_LABEL)
        {
          xmlChar *lang = xmlGetNoNsProp (child, BAD_CAST "lang");
          g_autofree char *lower = g_ascii_strdown (lang != NULL ? (const char *) lang : "", -1);
          xmlFree (lang);
          g_strstrip (lower);
          char *label = g_strdup_printf ("%s:%s", lower, text);
          g_free (text);
          text = label;
        }
      add_value (record, i, text);
    }
  return record;
}

/**
 * enlace_snapshot_reader_next:
 *
 * Reads the next entry of any kind. The document is assumed valid
 * (enlace_snapshot_validate() first); what the schema would refuse is
 * skipped, never trusted.
 */
EnlaceRecord *
enlace_snapshot_reader_next (EnlaceSnapshotReader *r, GError **error)
{
  int rc;
  for (;;)
    {
      if (r->advanced)
        rc = r->advanced_rc;
      else
        rc = xmlTextReaderRead (r->reader);
      r->advanced = FALSE;
      if (rc != 1)
        break;
      if (xmlTextReaderNodeType (r->reader) == XML_READER_TYPE_DOCUMENT_TYPE)
        {
          rc = -1; /* never in a valid snapshot */
          break;
        }
      if (xmlTextReaderNodeType (r->reader) != XML_READER_TYPE_ELEMENT)
        continue;
      int depth = xmlTextReaderDepth (r->reader);
      const char *name = (const char *) xmlTextReaderConstLocalName (r->reader);
      if (depth == 0)
        {
          while (xmlTextReaderMoveToNextAttribute (r->reader) == 1)
            g_hash_table_replace (r->root,
                                  g_strdup ((const char *) xmlTextReaderConstLocalName (r->reader)),
                                  g_strdup ((const char *) xmlTextReaderConstValue (r->reader)));
          xmlTextReaderMoveToElement (r->reader);
        }
      else if (depth == 1)
        r->section = enlace_snapshot_kind_by_section (name);
      else if (depth == 2 && r->section != NULL
               && g_strcmp0 (name, r->section->element) == 0)
        {
          xmlNodePtr node = xmlTextReaderExpand (r->reader);
          if (node == NULL)
            break;
          EnlaceRecord *record = record_of_node (r->section, node);
          /* Past this entry; the reader frees what it has passed. */
          r->advanced_rc = xmlTextReaderNext (r->reader);
          r->advanced = TRUE;
          if (enlace_record_id (record) == NULL)
            {
              enlace_record_free (record);
              continue;
            }
          return record;
        }
    }
  if (rc != 0 || r->n_errors > 0)
    reader_failed (r, error);
  return NULL;
}
