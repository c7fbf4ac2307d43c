/* enlace-import.c — import liaisons from CSV.
 *
 * The file (RFC 4180, UTF-8, with or without BOM) has the header
 *   country,given_name,surname,title,institution,role,network,email,phone,
 *   fax,mobile,language
 * in any order (other columns, such as the id and status of an export, are
 * ignored); role, network and language cells hold several values separated
 * by ';'; institution is an institution's ID or exact name.
 *
 * Every row is checked before anything is written; with any bad row, the
 * error lists every bad row and nothing is written. A row whose country
 * and email an existing liaison has is skipped, so importing a file again
 * adds nothing. New rows are written in transactions (RFC 5805) of
 * batch_size rows: a server that dies mid-import keeps whole batches, and
 * a rerun adds the rest.
 *
 * Two passes over the file keep memory to the file's size: the first checks
 * every row and keeps only each row's key; the second checks each row again
 * (the result cannot change) and writes a batch at a time. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "enlace-autocleanups.h"
#include "enlace-csv.h"
#include "enlace-error.h"
#include "enlace-import.h"
#include "enlace-registry-private.h"
#include "enlace-validate.h"

/* Stop listing bad rows after this many; the count is still given. */
#define MAX_REPORTED 200
/* Adds in flight at once: slapd drops a connection with more pending
 * requests than olcConnMaxPendingAuth (1000 by default). */
#define IN_FLIGHT 256

enum {
  COL_COUNTRY, COL_GIVEN_NAME, COL_SURNAME, COL_TITLE, COL_INSTITUTION, COL_ROLE, COL_NETWORK,
  COL_EMAIL, COL_PHONE, COL_FAX, COL_MOBILE, COL_LANGUAGE, N_COLS
};

static const char *const column_names[N_COLS] = {
  "country", "given_name", "surname", "title", "institution", "role", "network",
  "email", "phone", "fax", "mobile", "language",
};

typedef struct {
  GHashTable *by_key;   /* "CC\nmail" (mail lower-cased) -> ID: rows already present */
  GHashTable *by_mail;  /* mail of a current liaison -> ID */
  GHashTable *highest;  /* country -> highest liaison number (GUINT_TO_POINTER) */
} Existing;

static char *
key_of (const char *country, const char *mail)
{
  g_autofree char *lower = g_ascii_strdown (mail, -1);
  return g_strconcat (country, "\n", lower, NULL);
}

static gboolean
index_liaison (EnlaceDirectory *dir, LDAPMessage *entry, gpointer user_data, GError **error)
{
  Existing *ex = user_data;
  LDAP *ld = enlace_directory_get_ldap (dir);
  g_autoptr(EnlaceBervalArray) c = ldap_get_values_len (ld, entry, "c");
  g_autoptr(EnlaceBervalArray) mail = ldap_get_values_len (ld, entry, "mail");
  g_autoptr(EnlaceBervalArray) id = ldap_get_values_len (ld, entry, "enlaceId");
  g_autoptr(EnlaceBervalArray) status = ldap_get_values_len (ld, entry, "enlaceStatus");
  if (c == NULL || c[0] == NULL || id == NULL || id[0] == NULL)
    return TRUE;
  g_autofree char *cc = g_ascii_strup (c[0]->bv_val, c[0]->bv_len);
  g_autofree char *ident = g_strndup (id[0]->bv_val, id[0]->bv_len);
  if (g_str_has_prefix (ident, cc) && g_str_has_prefix (ident + strlen (cc), "-L-"))
    {
      guint n = (guint) g_ascii_strtoull (ident + strlen (cc) + 3, NULL, 10);
      if (n > GPOINTER_TO_UINT (g_hash_table_lookup (ex->highest, cc)))
        g_hash_table_insert (ex->highest, g_strdup (cc), GUINT_TO_POINTER (n));
    }
  for (int i = 0; mail != NULL && mail[i] != NULL; i++)
    {
      g_autofree char *m = g_ascii_strdown (mail[i]->bv_val, mail[i]->bv_len);
      g_hash_table_insert (ex->by_key, key_of (cc, m), g_strdup (ident));
      gboolean retired = status && status[0] && status[0]->bv_len == 7
                         && g_ascii_strncasecmp (status[0]->bv_val, "retired", 7) == 0;
      if (!retired)
        g_hash_table_insert (ex->by_mail, g_steal_pointer (&m), g_strdup (ident));
    }
  return TRUE;
}

static char *
cell (EnlaceCsvRecord *record, int index, const char **nul_column)
{
  if (index < 0 || (guint) index >= record->fields->len)
    return NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (record->fields->pdata[index], &len);
  if (len == 0)
    return NULL;
  if (memchr (data, '\0', len) != NULL)
    {
      *nul_column = "";
      return NULL;
    }
  return g_strndup (data, len);
}

static char **
cell_list (const char *text)
{
  return text ? enlace_split_list (text, ";") : NULL;
}

typedef struct {
  guint line;
  EnlaceLiaisonDraft *draft;
} Row;

static void
row_clear (Row *row)
{
  enlace_liaison_draft_free (row->draft);
}

/* Maps header names to column positions; every column the format names
 * must be there. */
static gboolean
read_header (EnlaceCsvRecord *header, int *positions, GError **error)
{
  for (int c = 0; c < N_COLS; c++)
    positions[c] = -1;
  for (guint i = 0; i < header->fields->len; i++)
    {
      gsize len = 0;
      const char *data = g_bytes_get_data (header->fields->pdata[i], &len);
      g_autofree char *name = g_strstrip (g_ascii_strdown (data ? data : "", len));
      for (int c = 0; c < N_COLS; c++)
        if (g_str_equal (name, column_names[c]))
          positions[c] = (int) i;
    }
  g_autoptr(GString) missing = g_string_new (NULL);
  for (int c = 0; c < N_COLS; c++)
    if (positions[c] < 0)
      g_string_append_printf (missing, "%s%s", missing->len ? ", " : "", column_names[c]);
  if (missing->len > 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("line %u: the header lacks the column(s) %s (the header is: country,"
                   "given_name,surname,title,institution,role,network,email,phone,fax,mobile,"
                   "language)"), header->line, missing->str);
      return FALSE;
    }
  return TRUE;
}

/* Checks one row; on success fills @row, on failure appends the reason. */
static gboolean
check_row (EnlaceDirectory *dir, EnlaceVocabulary *vocabulary, Existing *ex, GHashTable *in_file,
           EnlaceCsvRecord *record, const int *pos, Row *row, EnlaceImportStats *stats,
           const EnlaceImportOptions *options, GString *errors, guint *n_bad, int *code)
{
  const char *nul = NULL;
  char *values[N_COLS];
  for (int c = 0; c < N_COLS; c++)
    values[c] = cell (record, pos[c], &nul);
  g_auto(GStrv) roles = cell_list (values[COL_ROLE]);
  g_auto(GStrv) networks = cell_list (values[COL_NETWORK]);
  g_auto(GStrv) languages = cell_list (values[COL_LANGUAGE]);
  g_autoptr(GError) error = NULL;
  gboolean ok = FALSE;
  EnlaceLiaisonSpec spec = {
    .country = values[COL_COUNTRY], .given_name = values[COL_GIVEN_NAME],
    .surname = values[COL_SURNAME], .title = values[COL_TITLE],
    .institution = values[COL_INSTITUTION], .email = values[COL_EMAIL],
    .phone = values[COL_PHONE], .fax = values[COL_FAX], .mobile = values[COL_MOBILE],
    .roles = (const char *const *) roles, .networks = (const char *const *) networks,
    .languages = (const char *const *) languages,
  };

  if (nul != NULL)
    g_set_error (&error, ENLACE_ERROR, ENLACE_ERROR_INVALID, _("a cell holds a NUL byte"));
  else if (record->fields->len == 1 && values[0] == NULL)
    ok = TRUE; /* a line with nothing on it: not a row */
  else if (spec.country == NULL)
    g_set_error (&error, ENLACE_ERROR, ENLACE_ERROR_INVALID, _("country is empty; it is required"));
  else if ((row->draft = enlace_liaison_draft_new (dir, vocabulary, &spec,
                                                   ENLACE_PHONE_KEEP_AS_WRITTEN, &error))
               != NULL
           && enlace_liaison_draft_check_complete (row->draft, &error))
    {
      const char *country = enlace_liaison_draft_get_country (row->draft);
      const char *email = enlace_liaison_draft_get_email (row->draft);
      g_autofree char *key = key_of (country, email);
      g_autofree char *lower = g_ascii_strdown (email, -1);
      const char *twin = g_hash_table_lookup (in_file, key);
      const char *holder = g_hash_table_lookup (ex->by_mail, lower);
      if (twin != NULL)
        g_set_error (&error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                     _("repeats line %s (same country and email)"), twin);
      else if (g_hash_table_contains (ex->by_key, key))
        {
          stats->existing++;
          g_clear_pointer (&row->draft, enlace_liaison_draft_free);
          ok = TRUE;
        }
      else if (holder != NULL)
        g_set_error (&error, ENLACE_ERROR, ENLACE_ERROR_CONFLICT,
                     _("email '%s' is already used by %s"), email, holder);
      else
        {
          g_hash_table_insert (in_file, g_steal_pointer (&key),
                               g_strdup_printf ("%u", record->line));
          const char *warning = enlace_liaison_draft_get_warning (row->draft);
          if (warning != NULL)
            {
              stats->warnings++;
              if (options->warning != NULL)
                options->warning (record->line, warning, options->user_data);
            }
          ok = TRUE;
        }
    }
  for (int c = 0; c < N_COLS; c++)
    g_free (values[c]);
  if (!ok)
    {
      g_clear_pointer (&row->draft, enlace_liaison_draft_free);
      *code = error->code;
      if (++*n_bad <= MAX_REPORTED)
        g_string_append_printf (errors, "\nline %u: %s", record->line, error->message);
    }
  row->line = record->line;
  return ok;
}

/* Writes @rows in one transaction. Inside a transaction slapd answers each
 * add at once and applies them all at the commit, so adds are sent without
 * waiting, up to IN_FLIGHT ahead of the answers read. */
static gboolean
write_batch (EnlaceDirectory *dir, GArray *rows, GHashTable *highest, const char *who,
             const char *designated, GError **error)
{
  g_autofree int *msgids = g_new0 (int, rows->len);
  g_autoptr(GError) first_error = NULL;
  guint failed_line = 0, sent = 0, done = 0;

  if (!enlace_directory_txn_begin (dir, error))
    return FALSE;
  for (guint i = 0; i < rows->len && first_error == NULL; i++, sent++)
    {
      for (; sent - done >= IN_FLIGHT && first_error == NULL; done++)
        if (!enlace_directory_finish (dir, msgids[done], _("adding a liaison"), &first_error))
          failed_line = g_array_index (rows, Row, done).line;
      if (first_error != NULL)
        break;
      Row *row = &g_array_index (rows, Row, i);
      const char *country = enlace_liaison_draft_get_country (row->draft);
      guint number = GPOINTER_TO_UINT (g_hash_table_lookup (highest, country)) + 1;
      g_hash_table_insert (highest, g_strdup (country), GUINT_TO_POINTER (number));
      g_autofree char *id = enlace_registry_format_id (country, number);
      g_autofree char *dn = NULL;
      g_autoptr(EnlaceMods) mods = enlace_registry_entry (dir, row->draft, id, who, designated, &dn);
      if (!enlace_directory_add_start (dir, dn, enlace_mods_get (mods), &msgids[i], &first_error))
        failed_line = row->line;
    }
  for (guint i = done; i < sent; i++)
    {
      g_autoptr(GError) add_error = NULL;
      if (msgids[i] != 0 && !enlace_directory_finish (dir, msgids[i], _("adding a liaison"), &add_error)
          && first_error == NULL)
        {
          first_error = g_steal_pointer (&add_error);
          failed_line = g_array_index (rows, Row, i).line;
        }
    }
  if (first_error != NULL)
    {
      enlace_directory_txn_end (dir, FALSE, NULL);
      g_set_error (error, ENLACE_ERROR, first_error->code, _("line %u: %s"), failed_line,
                   first_error->message);
      return FALSE;
    }
  return enlace_directory_txn_end (dir, TRUE, error);
}

/* What writing a batch needs. */
typedef struct {
  EnlaceDirectory *dir;
  GHashTable *highest; /* country -> highest liaison number used */
  const EnlaceImportOptions *options;
  EnlaceImportStats *stats;
} Writer;

static gboolean
flush_batch (Writer *p, GArray *batch, guint *written, guint total, const char *who,
             const char *designated, const char *path, GError **error)
{
  if (batch->len == 0)
    return TRUE;
  g_autoptr(GError) batch_error = NULL;
  if (!write_batch (p->dir, batch, p->highest, who, designated, &batch_error))
    {
      g_set_error (error, ENLACE_ERROR, batch_error->code,
                   _("%s: batch %u (lines %u-%u) was not written: %s; the %u rows before it "
                     "are; run the import again to add the rest"), path, p->stats->batches + 1,
                   g_array_index (batch, Row, 0).line, g_array_index (batch, Row, batch->len - 1).line,
                   batch_error->message, *written);
      return FALSE;
    }
  *written += batch->len;
  p->stats->batches++;
  g_array_set_size (batch, 0);
  if (p->options->progress != NULL)
    p->options->progress (*written, total, p->options->user_data);
  return TRUE;
}

/**
 * enlace_import_csv:
 * @path: the CSV file
 * @stats: (out caller-allocates): what the import found and did
 *
 * Imports the liaisons of @path (see the top of this file for the format).
 * With any bad row, fails with %ENLACE_ERROR_INVALID (or
 * %ENLACE_ERROR_CONFLICT when the only faults are emails other liaisons
 * hold) listing every bad row, having written nothing. A failure while
 * writing names the batch: the batches before it are written, and running
 * the import again adds the rest.
 */
gboolean
enlace_import_csv (EnlaceDirectory *dir, const char *path, const EnlaceImportOptions *options,
                   EnlaceImportStats *stats, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) read_error = NULL;
  guint batch_size = options->batch_size ? options->batch_size : ENLACE_IMPORT_DEFAULT_BATCH;

  memset (stats, 0, sizeof *stats);
  if (!g_file_get_contents (path, &data, &len, &read_error))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, "%s", read_error->message);
      return FALSE;
    }
  g_autoptr(GError) parse_error = NULL;
  int pos[N_COLS];
  {
    g_autoptr(EnlaceCsvReader) reader = enlace_csv_reader_new (data, len);
    g_autoptr(EnlaceCsvRecord) header = enlace_csv_reader_next (reader, &parse_error);
    if (header == NULL)
      {
        g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, "%s: %s", path,
                     parse_error ? parse_error->message : _("the file is empty (it needs a header line)"));
        return FALSE;
      }
    if (!read_header (header, pos, &parse_error))
      {
        g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, "%s: %s", path, parse_error->message);
        return FALSE;
      }
  }

  g_autoptr(EnlaceVocabulary) vocabulary = enlace_vocabulary_load (dir, error);
  if (vocabulary == NULL)
    return FALSE;
  Existing ex = {
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free),
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free),
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
  };
  g_autoptr(GHashTable) by_key = ex.by_key, by_mail = ex.by_mail, highest = ex.highest;
  const char *attrs[] = { "c", "mail", "enlaceId", "enlaceStatus", NULL };
  if (!enlace_directory_search (dir, enlace_directory_get_base (dir), LDAP_SCOPE_SUBTREE,
                                "(objectClass=enlaceLiaison)", attrs, index_liaison, &ex, error))
    return FALSE;

  /* Pass 1: check every row. */
  g_autoptr(GString) errors = g_string_new (NULL);
  guint n_bad = 0, n_conflicts = 0, n_new = 0;
  {
    g_autoptr(EnlaceCsvReader) reader = enlace_csv_reader_new (data, len);
    g_autoptr(GHashTable) in_file = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    enlace_csv_record_free (enlace_csv_reader_next (reader, NULL));
    for (;;)
      {
        g_autoptr(EnlaceCsvRecord) record = enlace_csv_reader_next (reader, &parse_error);
        if (record == NULL)
          break;
        Row row = { 0 };
        int code = 0;
        if (check_row (dir, vocabulary, &ex, in_file, record, pos, &row, stats, options, errors,
                       &n_bad, &code))
          {
            if (row.draft != NULL || record->fields->len > 1)
              stats->rows++;
            if (row.draft != NULL)
              n_new++;
            row_clear (&row);
          }
        else
          {
            stats->rows++;
            if (code == ENLACE_ERROR_CONFLICT)
              n_conflicts++;
          }
      }
    if (parse_error != NULL)
      {
        g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, "%s: %s", path, parse_error->message);
        return FALSE;
      }
  }
  if (n_bad > 0)
    {
      g_set_error (error, ENLACE_ERROR,
                   n_conflicts == n_bad ? ENLACE_ERROR_CONFLICT : ENLACE_ERROR_INVALID,
                   ngettext ("%s: %u bad row; nothing was written:%s%s",
                             "%s: %u bad rows; nothing was written:%s%s", n_bad),
                   path, n_bad, errors->str, n_bad > MAX_REPORTED ? "\n..." : "");
      return FALSE;
    }
  stats->added = n_new;
  if (options->dry_run || n_new == 0)
    return TRUE;

  /* Pass 2: the same rows, checked again (silently), written a batch at a time. */
  const char *who = enlace_directory_get_bound_dn (dir, error);
  if (who == NULL)
    return FALSE;
  g_autofree char *today = enlace_today ();
  g_autofree char *designated = enlace_date_to_generalized ("date", today, error);
  if (designated == NULL)
    return FALSE;
  EnlaceImportOptions quiet = *options;
  quiet.warning = NULL;
  EnlaceImportStats ignored = { 0 };
  Writer writer = { dir, ex.highest, &quiet, stats };
  g_autoptr(EnlaceCsvReader) reader = enlace_csv_reader_new (data, len);
  g_autoptr(GHashTable) in_file = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GArray) batch = g_array_new (FALSE, TRUE, sizeof (Row));
  g_array_set_clear_func (batch, (GDestroyNotify) row_clear);
  guint written = 0;
  enlace_csv_record_free (enlace_csv_reader_next (reader, NULL));
  for (;;)
    {
      g_autoptr(EnlaceCsvRecord) record = enlace_csv_reader_next (reader, NULL);
      if (record == NULL)
        break;
      Row row = { 0 };
      int code = 0;
      guint bad = 0;
      if (check_row (dir, vocabulary, &ex, in_file, record, pos, &row, &ignored, &quiet, errors,
                     &bad, &code) && row.draft != NULL)
        g_array_append_val (batch, row);
      if (batch->len == batch_size
          && !flush_batch (&writer, batch, &written, n_new, who, designated, path, error))
        {
          stats->added = written;
          return FALSE;
        }
    }
  if (!flush_batch (&writer, batch, &written, n_new, who, designated, path, error))
    {
      stats->added = written;
      return FALSE;
    }
  return TRUE;
}
