/* enlace-csv.c — an RFC 4180 reader: records end in CRLF (or LF), fields
 * are separated by commas, a field in double quotes may hold commas, line
 * breaks and doubled quotes. A UTF-8 byte order mark at the start is
 * dropped. Fields are kept as bytes: checking them is the caller's job.
 * Records are read one at a time, so a large file costs its own size in
 * memory and no more. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "enlace-csv.h"
#include "enlace-error.h"

struct _EnlaceCsvReader {
  const char *data; /* borrowed */
  gsize len;
  gsize i;
  guint line;
  GByteArray *field;
};

void
enlace_csv_record_free (EnlaceCsvRecord *r)
{
  if (r == NULL)
    return;
  g_ptr_array_unref (r->fields);
  g_free (r);
}

/**
 * enlace_csv_reader_new:
 * @data: the file's bytes, which must outlive the reader
 */
EnlaceCsvReader *
enlace_csv_reader_new (const char *data, gsize len)
{
  EnlaceCsvReader *r = g_new0 (EnlaceCsvReader, 1);
  r->data = data;
  r->len = len;
  r->line = 1;
  r->field = g_byte_array_new ();
  if (len >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    r->i = 3;
  return r;
}

void
enlace_csv_reader_free (EnlaceCsvReader *r)
{
  if (r == NULL)
    return;
  g_byte_array_unref (r->field);
  g_free (r);
}

/**
 * enlace_csv_reader_next:
 *
 * Returns: (transfer full) (nullable): the next record (blank lines are
 * skipped); %NULL at the end, or with %ENLACE_ERROR_INVALID naming the
 * line of a malformed quote.
 */
EnlaceCsvRecord *
enlace_csv_reader_next (EnlaceCsvReader *r, GError **error)
{
  const char *data = r->data;
  gsize len = r->len;

  /* Blank lines between records are not records. */
  while (r->i < len && (data[r->i] == '\n' || (data[r->i] == '\r' && r->i + 1 < len && data[r->i + 1] == '\n')))
    {
      r->i += data[r->i] == '\r' ? 2 : 1;
      r->line++;
    }
  if (r->i >= len)
    return NULL;

  g_autoptr(EnlaceCsvRecord) record = g_new0 (EnlaceCsvRecord, 1);
  record->line = r->line;
  record->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (;;)
    {
      g_byte_array_set_size (r->field, 0);
      if (r->i < len && data[r->i] == '"')
        {
          guint quote_line = r->line;
          r->i++;
          for (;;)
            {
              if (r->i >= len)
                {
                  g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                               _("line %u: a quoted field is never closed"), quote_line);
                  return NULL;
                }
              if (data[r->i] == '"' && r->i + 1 < len && data[r->i + 1] == '"')
                {
                  g_byte_array_append (r->field, (const guint8 *) "\"", 1);
                  r->i += 2;
                  continue;
                }
              if (data[r->i] == '"')
                {
                  r->i++;
                  break;
                }
              if (data[r->i] == '\n')
                r->line++;
              g_byte_array_append (r->field, (const guint8 *) &data[r->i], 1);
              r->i++;
            }
          if (r->i < len && data[r->i] != ',' && data[r->i] != '\n' && data[r->i] != '\r')
            {
              g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                           _("line %u: text after a closing quote (write a quote inside a quoted "
                             "field as \"\")"), r->line);
              return NULL;
            }
        }
      else
        {
          gsize start = r->i;
          while (r->i < len && data[r->i] != ',' && data[r->i] != '\n'
                 && !(data[r->i] == '\r' && r->i + 1 < len && data[r->i + 1] == '\n'))
            r->i++;
          g_byte_array_append (r->field, (const guint8 *) data + start, r->i - start);
        }
      g_ptr_array_add (record->fields, g_bytes_new (r->field->data, r->field->len));

      if (r->i >= len)
        break;
      if (data[r->i] == ',')
        {
          r->i++;
          if (r->i >= len)
            {
              g_ptr_array_add (record->fields, g_bytes_new (NULL, 0));
              break;
            }
          continue;
        }
      /* End of record: CRLF or LF. */
      r->i += data[r->i] == '\r' ? 2 : 1;
      r->line++;
      break;
    }
  return g_steal_pointer (&record);
}
