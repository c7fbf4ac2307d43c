/* enlace-export.c — the directory as a snapshot document, streamed.
 *
 * Entries are read with the paged-results control and written by
 * libxml2's xmlTextWriter as they arrive, so memory stays flat whatever
 * the size of the directory. Output is deterministic: sections in a fixed
 * order, entries in the order the server keeps them (which an import
 * reproduces), fields in the order of the tables, a fixed indentation, and
 * the generation time taken from ENLACE_NOW when it is set. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>
#include <libxml/xmlwriter.h>

#include "enlace-error.h"
#include "enlace-snapshot.h"
#include "enlace-validate.h"

typedef struct {
  int fd;
  int errsv; /* the first write error */
} Sink;

static int
sink_write (void *context, const char *buffer, int len)
{
  Sink *sink = context;
  int done = 0;
  while (done < len)
    {
      ssize_t n = write (sink->fd, buffer + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          if (sink->errsv == 0)
            sink->errsv = errno;
          return -1;
        }
      done += n;
    }
  return len;
}

static int
sink_close (void *context)
{
  return 0;
}

typedef struct {
  xmlTextWriterPtr writer;
  const EnlaceSnapshotKind *kind;
  const EnlaceExportOptions *options;
  guint done;
} Export;

static gboolean
writer_failed (GError **error)
{
  g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot write the snapshot"));
  return FALSE;
}

/* XML 1.0 cannot carry most C0 control characters, even escaped. */
static gboolean
xml_safe (const char *value)
{
  for (const unsigned char *p = (const unsigned char *) value; *p != '\0'; p++)
    if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
      return FALSE;
  return TRUE;
}

static gboolean
check_value (const EnlaceRecord *record, const EnlaceField *field, const char *value,
             GError **error)
{
  if (g_utf8_validate (value, -1, NULL) && xml_safe (value))
    return TRUE;
  const char *id = enlace_record_id (record);
  g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
               _("%s %s: field %s holds a control character or invalid UTF-8, which XML cannot "
                 "carry; correct the entry and export again"),
               record->kind->element, id != NULL ? id : "?", field->name);
  return FALSE;
}

static gboolean
write_record (xmlTextWriterPtr w, const EnlaceRecord *record, gboolean restricted,
              GError **error)
{
  const EnlaceSnapshotKind *kind = record->kind;
  if (xmlTextWriterStartElement (w, BAD_CAST kind->element) < 0)
    return writer_failed (error);
  for (guint i = 0; i < kind->n_fields; i++)
    {
      const EnlaceField *field = &kind->fields[i];
      if (!(field->flags & ENLACE_FIELD_XML_ATTR) || record->values[i] == NULL)
        continue;
      if (!check_value (record, field, record->values[i][0], error))
        return FALSE;
      if (xmlTextWriterWriteAttribute (w, BAD_CAST field->name, BAD_CAST record->values[i][0]) < 0)
        return writer_failed (error);
    }
  for (guint i = 0; i < kind->n_fields; i++)
    {
      const EnlaceField *field = &kind->fields[i];
      if ((field->flags & ENLACE_FIELD_XML_ATTR) || record->values[i] == NULL
          || ((field->flags & ENLACE_FIELD_RESTRICTED) && !restricted))
        continue;
      for (char **v = record->values[i]; *v != NULL; v++)
        {
          if (!check_value (record, field, *v, error))
            return FALSE;
          if (field->type == ENLACE_FIELD_LABEL)
            {
              const char *colon = strchr (*v, ':');
              g_autofree char *lang = g_strndup (*v, colon - *v);
              if (xmlTextWriterStartElement (w, BAD_CAST field->name) < 0
                  || (*lang != '\0'
                      && xmlTextWriterWriteAttribute (w, BAD_CAST "lang", BAD_CAST lang) < 0)
                  || xmlTextWriterWriteString (w, BAD_CAST (colon + 1)) < 0
                  || xmlTextWriterEndElement (w) < 0)
                return writer_failed (error);
            }
          else if (xmlTextWriterWriteElement (w, BAD_CAST field->name, BAD_CAST * v) < 0)
            return writer_failed (error);
        }
    }
  if (xmlTextWriterEndElement (w) < 0)
    return writer_failed (error);
  return TRUE;
}

static gboolean
export_entry (EnlaceDirectory *dir, LDAPMessage *entry, gpointer user_data, GError **error)
{
  Export *ex = user_data;
  g_autoptr(EnlaceRecord) record
      = enlace_record_new_from_entry (ex->kind, enlace_directory_get_ldap (dir), entry);
  if (enlace_record_id (record) == NULL)
    return TRUE; /* not a well-formed entry of this kind: nothing to say about it */
  if (!write_record (ex->writer, record, ex->options->include_restricted, error))
    return FALSE;
  ex->done++;
  if (ex->options->progress != NULL && ex->done % 1000 == 0)
    ex->options->progress (ex->done, ex->options->progress_data);
  return TRUE;
}

static void
append_any_of (GString *filter, const char *attr, const char *const *values)
{
  if (values == NULL || values[0] == NULL)
    return;
  g_string_append (filter, "(|");
  for (const char *const *v = values; *v != NULL; v++)
    {
      g_autofree char *one = enlace_filter_printf ("(%s=%s)", attr, *v);
      g_string_append (filter, one);
    }
  g_string_append (filter, ")");
}

static gboolean
export_kind (EnlaceDirectory *dir, Export *ex, GError **error)
{
  const EnlaceSnapshotKind *kind = ex->kind;
  const char *base = enlace_directory_get_base (dir);
  g_autoptr(GPtrArray) attrs = g_ptr_array_new ();
  for (guint i = 0; i < kind->n_fields; i++)
    if (ex->options->include_restricted || !(kind->fields[i].flags & ENLACE_FIELD_RESTRICTED))
      g_ptr_array_add (attrs, (gpointer) kind->fields[i].attribute);
  g_ptr_array_add (attrs, NULL);

  g_autofree char *search_base = NULL;
  int scope = LDAP_SCOPE_ONELEVEL;
  g_autoptr(GString) filter = g_string_new (NULL);
  g_string_append_printf (filter, "(&(objectClass=%s)", kind->object_class);
  if (kind->container == NULL)
    {
      /* Liaisons and institutions, wherever they live, as selected. */
      search_base = g_strdup (base);
      scope = LDAP_SCOPE_SUBTREE;
      append_any_of (filter, "c", ex->options->countries);
      append_any_of (filter, "enlaceNetwork", ex->options->networks);
      if (!ex->options->include_retired)
        g_string_append (filter, "(!(enlaceStatus=retired))");
    }
  else if (*kind->container == '\0')
    search_base = g_strdup (base);
  else
    search_base = g_strconcat (kind->container, ",", base, NULL);
  g_string_append (filter, ")");

  if (xmlTextWriterStartElement (ex->writer, BAD_CAST kind->section) < 0)
    return writer_failed (error);
  g_autoptr(GError) local_error = NULL;
  if (!enlace_directory_search (dir, search_base, scope, filter->str,
                                (const char *const *) attrs->pdata, export_entry, ex,
                                &local_error)
      && !g_error_matches (local_error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (xmlTextWriterEndElement (ex->writer) < 0)
    return writer_failed (error);
  return TRUE;
}

static char *
generated_now (void)
{
  const char *now = g_getenv ("ENLACE_NOW");
  if (now != NULL && *now != '\0')
    {
      g_autofree char *today = enlace_today ();
      return g_strconcat (today, "T00:00:00Z", NULL);
    }
  g_autoptr(GDateTime) dt = g_date_time_new_now_utc ();
  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

static gboolean
export_to (EnlaceDirectory *dir, const EnlaceExportOptions *options, xmlTextWriterPtr w,
           guint *done, GError **error)
{
  g_autofree char *generated = generated_now ();
  xmlTextWriterSetIndent (w, 1);
  xmlTextWriterSetIndentString (w, BAD_CAST "  ");
  if (xmlTextWriterStartDocument (w, "1.0", "UTF-8", NULL) < 0
      || xmlTextWriterStartElementNS (w, NULL, BAD_CAST "directory",
                                      BAD_CAST ENLACE_SNAPSHOT_NS) < 0
      || xmlTextWriterWriteAttribute (w, BAD_CAST "version", BAD_CAST ENLACE_SNAPSHOT_VERSION) < 0
      || xmlTextWriterWriteAttribute (w, BAD_CAST "generated", BAD_CAST generated) < 0
      || xmlTextWriterWriteAttribute (w, BAD_CAST "restricted",
                                      BAD_CAST (options->include_restricted ? "true" : "false"))
             < 0
      || xmlTextWriterWriteAttribute (w, BAD_CAST "retired",
                                      BAD_CAST (options->include_retired ? "true" : "false"))
             < 0)
    return writer_failed (error);
  if (options->countries != NULL && options->countries[0] != NULL)
    {
      g_autofree char *list = g_strjoinv (" ", (char **) options->countries);
      if (xmlTextWriterWriteAttribute (w, BAD_CAST "countries", BAD_CAST list) < 0)
        return writer_failed (error);
    }
  if (options->networks != NULL && options->networks[0] != NULL)
    {
      g_autofree char *list = g_strjoinv (" ", (char **) options->networks);
      if (xmlTextWriterWriteAttribute (w, BAD_CAST "networks", BAD_CAST list) < 0)
        return writer_failed (error);
    }
  Export ex = { .writer = w, .options = options };
  for (guint k = 0; enlace_snapshot_kinds[k] != NULL; k++)
    {
      ex.kind = enlace_snapshot_kinds[k];
      if (!export_kind (dir, &ex, error))
        return FALSE;
    }
  if (xmlTextWriterEndElement (w) < 0 || xmlTextWriterEndDocument (w) < 0
      || xmlTextWriterFlush (w) < 0)
    return writer_failed (error);
  *done = ex.done;
  return TRUE;
}

/**
 * enlace_snapshot_export:
 * @path: (nullable): the file to write, or %NULL (or "-") for standard
 *   output. A file is written beside itself and renamed into place, so a
 *   failed export leaves any earlier file as it was.
 *
 * Writes the directory, as @options select, as a snapshot document.
 */
gboolean
enlace_snapshot_export (EnlaceDirectory *dir, const EnlaceExportOptions *options,
                        const char *path, GError **error)
{
  gboolean to_stdout = path == NULL || strcmp (path, "-") == 0;
  g_autofree char *tmp = NULL;
  Sink sink = { .fd = STDOUT_FILENO };
  if (!to_stdout)
    {
      tmp = g_strconcat (path, ".XXXXXX", NULL);
      sink.fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0644);
      if (sink.fd < 0)
        {
          int errsv = errno;
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot create %s: %s"), path,
                       g_strerror (errsv));
          return FALSE;
        }
    }
  xmlOutputBufferPtr out = xmlOutputBufferCreateIO (sink_write, sink_close, &sink, NULL);
  xmlTextWriterPtr w = out != NULL ? xmlNewTextWriter (out) : NULL;
  guint done = 0;
  gboolean ok = w != NULL && export_to (dir, options, w, &done, error);
  if (w == NULL)
    {
      if (out != NULL)
        xmlOutputBufferClose (out);
      writer_failed (error);
    }
  else
    xmlFreeTextWriter (w); /* closes the buffer */
  if (sink.errsv != 0)
    {
      /* The writer's own error says less than the system's. */
      g_clear_error (error);
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot write %s: %s"),
                   to_stdout ? _("the output") : path, g_strerror (sink.errsv));
      ok = FALSE;
    }
  if (options->progress != NULL)
    options->progress (done, options->progress_data);
  if (to_stdout)
    return ok;
  int errsv = 0;
  if (ok && fsync (sink.fd) != 0)
    errsv = errno;
  if (close (sink.fd) != 0 && ok && errsv == 0)
    errsv = errno;
  if (ok && errsv != 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot write %s: %s"), path,
                   g_strerror (errsv));
      ok = FALSE;
    }
  if (!ok)
    {
      g_unlink (tmp);
      return FALSE;
    }
  if (g_rename (tmp, path) != 0)
    {
      errsv = errno;
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot write %s: %s"), path,
                   g_strerror (errsv));
      g_unlink (tmp);
      return FALSE;
    }
  return TRUE;
}
