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
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libxml/xmlwriter.h>

#include "enlace-error.h"
#include "enlace-snapshot.h"
#include "enlace-validate.h"

/* libxml2 hands over 4 KB at a time; the file gets 256 KB writes. */
#define SINK_BUFFER (256 * 1024)

typedef struct {
  int fd;
  int errsv; /* the first write error */
  GByteArray *buffer;
} Sink;

static gboolean
sink_flush (Sink *sink)
{
  gsize done = 0;
  while (done < sink->buffer->len && sink->errsv == 0)
    {
      ssize_t n = write (sink->fd, sink->buffer->data + done, sink->buffer->len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        sink->errsv = errno;
      else
        done += n;
    }
  g_byte_array_set_size (sink->buffer, 0);
  return sink->errsv == 0;
}

static int
sink_write (void *context, const char *buffer, int len)
{
  Sink *sink = context;
  g_byte_array_append (sink->buffer, (const guint8 *) buffer, len);
  if (sink->buffer->len >= SINK_BUFFER && !sink_flush (sink))
    return -1;
  return len;
}

static int
sink_close (void *context)
{
  return sink_flush (context) ? 0 : -1;
}

typedef struct {
  xmlTextWriterPtr writer;
  const EnlaceSnapshotKind *kind;
  const EnlaceExportOptions *options;
  guint done;
  guint hints[64];   /* see enlace_snapshot_read_slots() */
  GString *value;    /* the value being written */
} Export;

static gboolean
writer_failed (GError **error)
{
  g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot write the snapshot"));
  return FALSE;
}

/* XML 1.0 cannot carry most C0 control characters, even escaped, nor
 * invalid UTF-8 (which only a value of another syntax than Directory
 * String can hold: slapd checks those). */
static gboolean
xml_safe (const char *value)
{
  gboolean ascii = TRUE;
  for (const unsigned char *p = (const unsigned char *) value; *p != '\0'; p++)
    {
      if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
        return FALSE;
      ascii &= *p < 0x80;
    }
  return ascii || g_utf8_validate (value, -1, NULL);
}

/* The layout: two spaces a level, one element a line. Written as one raw
 * run of blanks per element, which is all the writer's own indentation
 * does, at a fraction of its cost (it writes each level separately). */
#define INDENT_SECTION "\n  "
#define INDENT_ENTRY "\n    "
#define INDENT_FIELD "\n      "

/* Puts value @v of @slot, as the snapshot has it, in ex->value. */
static gboolean
convert (Export *ex, const char *id, const EnlaceSlot *slot, guint v, GError **error)
{
  const EnlaceField *field = &ex->kind->fields[slot->field];
  g_string_truncate (ex->value, 0);
  enlace_field_append_value (field, &slot->vals[v], ex->value);
  if (memchr (ex->value->str, '\0', ex->value->len) == NULL && xml_safe (ex->value->str))
    return TRUE;
  g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
               _("%s %s: field %s holds a control character or invalid UTF-8, which XML cannot "
                 "carry; correct the entry and export again"),
               _(ex->kind->noun), id != NULL ? id : "?", field->name);
  return FALSE;
}

static gboolean
write_entry (Export *ex, const EnlaceSlot *slots, guint n_slots, GError **error)
{
  const EnlaceSnapshotKind *kind = ex->kind;
  xmlTextWriterPtr w = ex->writer;
  g_autofree char *id = NULL;
  for (guint s = 0; s < n_slots && id == NULL; s++)
    if (kind->fields[slots[s].field].flags & ENLACE_FIELD_RDN)
      {
        if (!convert (ex, NULL, &slots[s], 0, error))
          return FALSE;
        id = g_strdup (ex->value->str);
      }
  if (id == NULL)
    return TRUE; /* not a well-formed entry of this kind: nothing to say about it */

  if (xmlTextWriterWriteRaw (w, BAD_CAST INDENT_ENTRY) < 0
      || xmlTextWriterStartElement (w, BAD_CAST kind->element) < 0)
    return writer_failed (error);
  for (guint f = 0; f < kind->n_fields; f++)
    {
      const EnlaceField *field = &kind->fields[f];
      if (!(field->flags & ENLACE_FIELD_XML_ATTR))
        continue;
      for (guint s = 0; s < n_slots; s++)
        if (slots[s].field == f)
          {
            if (!convert (ex, id, &slots[s], 0, error))
              return FALSE;
            if (xmlTextWriterWriteAttribute (w, BAD_CAST field->name, BAD_CAST ex->value->str) < 0)
              return writer_failed (error);
            break;
          }
    }
  for (guint f = 0; f < kind->n_fields; f++)
    {
      const EnlaceField *field = &kind->fields[f];
      if (field->flags & ENLACE_FIELD_XML_ATTR)
        continue;
      gboolean multi = field->flags & ENLACE_FIELD_MULTI;
      gboolean written = FALSE;
      for (guint s = 0; s < n_slots && (multi || !written); s++)
        {
          if (slots[s].field != f)
            continue;
          for (guint v = 0; slots[s].vals[v].bv_val != NULL && (multi || !written); v++)
            {
              if (!convert (ex, id, &slots[s], v, error))
                return FALSE;
              written = TRUE;
              const xmlChar *text = BAD_CAST ex->value->str;
              if (field->type == ENLACE_FIELD_LABEL)
                {
                  if (xmlTextWriterWriteRaw (w, BAD_CAST INDENT_FIELD) < 0
                      || xmlTextWriterStartElement (w, BAD_CAST field->name) < 0
                      || (*slots[s].lang != '\0'
                          && xmlTextWriterWriteAttribute (w, BAD_CAST "lang",
                                                          BAD_CAST slots[s].lang) < 0)
                      || xmlTextWriterWriteString (w, text) < 0
                      || xmlTextWriterEndElement (w) < 0)
                    return writer_failed (error);
                }
              else if (xmlTextWriterWriteRaw (w, BAD_CAST INDENT_FIELD) < 0
                       || xmlTextWriterWriteElement (w, BAD_CAST field->name, text) < 0)
                return writer_failed (error);
            }
        }
    }
  if (xmlTextWriterWriteRaw (w, BAD_CAST INDENT_ENTRY) < 0 || xmlTextWriterEndElement (w) < 0)
    return writer_failed (error);
  return TRUE;
}

/* Writes the entry straight from libldap's buffers, in the table's order:
 * this is the hot loop of an export. */
static gboolean
export_entry (EnlaceDirectory *dir, LDAPMessage *entry, gpointer user_data, GError **error)
{
  Export *ex = user_data;
  const EnlaceSnapshotKind *kind = ex->kind;
  EnlaceSlot slots[ENLACE_MAX_SLOTS];
  guint n_slots = enlace_snapshot_read_slots (kind, enlace_directory_get_ldap (dir), entry,
                                              ex->options->include_restricted, ex->hints,
                                              G_N_ELEMENTS (ex->hints), slots,
                                              G_N_ELEMENTS (slots));
  gboolean ok = write_entry (ex, slots, n_slots, error);
  enlace_snapshot_slots_clear (slots, n_slots);
  if (!ok)
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

  if (xmlTextWriterWriteRaw (ex->writer, BAD_CAST INDENT_SECTION) < 0
      || xmlTextWriterStartElement (ex->writer, BAD_CAST kind->section) < 0)
    return writer_failed (error);
  guint before = ex->done;
  g_autoptr(GError) local_error = NULL;
  if (!enlace_directory_search (dir, search_base, scope, filter->str,
                                (const char *const *) attrs->pdata, export_entry, ex,
                                &local_error)
      && !g_error_matches (local_error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if ((ex->done > before && xmlTextWriterWriteRaw (ex->writer, BAD_CAST INDENT_SECTION) < 0)
      || xmlTextWriterEndElement (ex->writer) < 0)
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
  g_autoptr(GString) value = g_string_sized_new (256);
  Export ex = { .writer = w, .options = options, .value = value };
  for (guint k = 0; enlace_snapshot_kinds[k] != NULL; k++)
    {
      ex.kind = enlace_snapshot_kinds[k];
      memset (ex.hints, 0xff, sizeof ex.hints);
      if (!export_kind (dir, &ex, error))
        return FALSE;
    }
  if (xmlTextWriterWriteRaw (w, BAD_CAST "\n") < 0 || xmlTextWriterEndElement (w) < 0
      || xmlTextWriterEndDocument (w) < 0
      || xmlTextWriterFlush (w) < 0)
    return writer_failed (error);
  *done = ex.done;
  return TRUE;
}

/* The signals that end a program run from a terminal or a service
 * manager. While a snapshot is written to its temporary file, they remove
 * that file and then end the process as they would have, so its exit
 * status still names the signal; the file named -o, if there was one, is
 * left as it was. This lives here, not in the tool, because only the
 * library knows the temporary file's name, and when it exists. A library
 * should not take a program's signals from it: only a signal whose
 * disposition is still the default (which would end the process anyway)
 * is taken over, for the length of the write, and given back after. A
 * program that ignores one (nohup) or handles it itself
 * (g_unix_signal_add) keeps it, and the cleanup is then its own. */
static const int cleanup_signals[] = { SIGINT, SIGTERM, SIGHUP };

static struct {
  gint busy; /* one export at a time takes the signals (threads) */
  gboolean taken[G_N_ELEMENTS (cleanup_signals)];
  struct sigaction old[G_N_ELEMENTS (cleanup_signals)];
  char *volatile path; /* the temporary file, valid while armed */
  volatile sig_atomic_t armed;
} cleanup;

/* Async-signal-safe calls only. */
static void
cleanup_on_signal (int sig)
{
  if (cleanup.armed)
    unlink (cleanup.path);
  signal (sig, SIG_DFL);
  sigset_t set;
  sigemptyset (&set);
  sigaddset (&set, sig);
  pthread_sigmask (SIG_UNBLOCK, &set, NULL);
  raise (sig);
}

static void
cleanup_signal_set (sigset_t *set)
{
  sigemptyset (set);
  for (guint i = 0; i < G_N_ELEMENTS (cleanup_signals); i++)
    sigaddset (set, cleanup_signals[i]);
}

/* With the signals blocked: removes @path on any of them from now on. */
static gboolean
cleanup_arm (char *path)
{
  if (!g_atomic_int_compare_and_exchange (&cleanup.busy, 0, 1))
    return FALSE; /* another thread's export has them: this one goes without */
  struct sigaction action = { .sa_handler = cleanup_on_signal };
  cleanup_signal_set (&action.sa_mask); /* one handler at a time */
  for (guint i = 0; i < G_N_ELEMENTS (cleanup_signals); i++)
    cleanup.taken[i] = sigaction (cleanup_signals[i], NULL, &cleanup.old[i]) == 0
                       && !(cleanup.old[i].sa_flags & SA_SIGINFO)
                       && cleanup.old[i].sa_handler == SIG_DFL
                       && sigaction (cleanup_signals[i], &action, NULL) == 0;
  cleanup.path = path;
  cleanup.armed = 1;
  return TRUE;
}

/* With the signals blocked: gives them back as they were. */
static void
cleanup_disarm (void)
{
  cleanup.armed = 0;
  cleanup.path = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (cleanup_signals); i++)
    if (cleanup.taken[i])
      sigaction (cleanup_signals[i], &cleanup.old[i], NULL);
  g_atomic_int_set (&cleanup.busy, 0);
}

/* Creates the temporary file @tmp for @path, armed. */
static int
create_temporary (const char *path, char *tmp, gboolean restricted, gboolean *armed,
                  GError **error)
{
  /* Restricted fields are for their owner alone: 0600, whatever the umask
   * (which can only take bits away: the fchmod() puts back a restrictive
   * umask's). A public snapshot is made to be handed out: 0644 as the
   * umask allows, like any file the user makes, never writable by others. */
  mode_t mode = restricted ? 0600 : 0644;
  sigset_t set, old;
  cleanup_signal_set (&set);
  /* Blocked from before the file exists until it is armed: no signal in
   * between can leave it behind. */
  pthread_sigmask (SIG_BLOCK, &set, &old);
  int fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, mode);
  int errsv = errno;
  if (fd >= 0 && restricted && fchmod (fd, mode) != 0)
    {
      errsv = errno;
      close (fd);
      g_unlink (tmp);
      fd = -1;
    }
  *armed = fd >= 0 && cleanup_arm (tmp);
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  if (fd < 0)
    g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot create %s: %s"), path,
                 g_strerror (errsv));
  return fd;
}

/* Puts @tmp in place of @path when @ok, removes it otherwise; with the
 * signals blocked, so a signal now leaves the old file or the whole new
 * one, never a part. Returns the errno of a failed rename, or 0. */
static int
finish_temporary (const char *tmp, const char *path, gboolean ok, gboolean armed)
{
  sigset_t set, old;
  cleanup_signal_set (&set);
  pthread_sigmask (SIG_BLOCK, &set, &old);
  int errsv = 0;
  if (ok && g_rename (tmp, path) != 0)
    errsv = errno;
  if (!ok || errsv != 0)
    g_unlink (tmp);
  if (armed)
    cleanup_disarm ();
  /* A signal that came meanwhile now acts as the program had it. */
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  return errsv;
}

/**
 * enlace_snapshot_export:
 * @path: (nullable): the file to write, or %NULL (or "-") for standard
 *   output. A file is written beside itself and renamed into place, so a
 *   failed export leaves any earlier file as it was. It is made 0600 with
 *   restricted fields (whatever the umask), 0644 less the umask without.
 *   SIGINT, SIGTERM and SIGHUP, where their action is the default, remove
 *   the temporary file before they end the process (see cleanup_signals).
 *
 * Writes the directory, as @options select, as a snapshot document.
 */
gboolean
enlace_snapshot_export (EnlaceDirectory *dir, const EnlaceExportOptions *options,
                        const char *path, GError **error)
{
  gboolean to_stdout = path == NULL || strcmp (path, "-") == 0;
  g_autofree char *tmp = NULL;
  gboolean armed = FALSE;
  g_autoptr(GByteArray) buffer = g_byte_array_sized_new (SINK_BUFFER + 8192);
  Sink sink = { .fd = STDOUT_FILENO, .buffer = buffer };
  if (!to_stdout)
    {
      tmp = g_strconcat (path, ".XXXXXX", NULL);
      sink.fd = create_temporary (path, tmp, options->include_restricted, &armed, error);
      if (sink.fd < 0)
        return FALSE;
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
  errsv = finish_temporary (tmp, path, ok, armed);
  if (errsv != 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot write %s: %s"), path,
                   g_strerror (errsv));
      return FALSE;
    }
  return ok;
}
