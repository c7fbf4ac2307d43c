/* enlace-csv.c — an RFC 4180 reader: records end in CRLF (or LF), fields
 * are separated by commas, a field in double quotes may hold commas, line
 * breaks and doubled quotes. A UTF-8 byte order mark at the start is
 * dropped. Fields are kept as bytes: checking them is the caller's job. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "enlace-csv.h"
#include "enlace-error.h"

static void
record_free (EnlaceCsvRecord *r)
{
  g_ptr_array_unref (r->fields);
  g_free (r);
}

static EnlaceCsvRecord *
record_new (guint line)
{
  EnlaceCsvRecord *r = g_new0 (EnlaceCsvRecord, 1);
  r->line = line;
  r->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  return r;
}

/**
 * enlace_csv_parse:
 * @data: the file's bytes
 *
 * Returns: (transfer full) (element-type EnlaceCsvRecord): every record,
 * blank lines skipped; or %NULL with %ENLACE_ERROR_INVALID naming the line
 * of a malformed quote.
 */
GPtrArray *
enlace_csv_parse (const char *data, gsize len, GError **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) record_free);
  g_autoptr(GByteArray) field = g_byte_array_new ();
  EnlaceCsvRecord *record = NULL;
  gsize i = 0;
  guint line = 1;

  if (len >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    i = 3;

  while (i < len)
    {
      if (record == NULL)
        {
          /* Blank lines between records are not records. */
          if (data[i] == '\n' || (data[i] == '\r' && i + 1 < len && data[i + 1] == '\n'))
            {
              i += data[i] == '\r' ? 2 : 1;
              line++;
              continue;
            }
          record = record_new (line);
          g_ptr_array_add (records, record);
        }

      g_byte_array_set_size (field, 0);
      if (data[i] == '"')
        {
          guint quote_line = line;
          i++;
          for (;;)
            {
              if (i >= len)
                {
                  g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                               _("line %u: a quoted field is never closed"), quote_line);
                  return NULL;
                }
              if (data[i] == '"' && i + 1 < len && data[i + 1] == '"')
                {
                  g_byte_array_append (field, (const guint8 *) "\"", 1);
                  i += 2;
                  continue;
                }
              if (data[i] == '"')
                {
                  i++;
                  break;
                }
              if (data[i] == '\n')
                line++;
              g_byte_array_append (field, (const guint8 *) &data[i], 1);
              i++;
            }
          if (i < len && data[i] != ',' && data[i] != '\n' && data[i] != '\r')
            {
              g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                           _("line %u: text after a closing quote (write a quote inside a quoted "
                           "field as \"\")"), line);
              return NULL;
            }
        }
      else
        {
          while (i < len && data[i] != ',' && data[i] != '\n'
                 && !(data[i] == '\r' && i + 1 < len && data[i + 1] == '\n'))
            {
              g_byte_array_append (field, (const guint8 *) &data[i], 1);
              i++;
            }
        }
      g_ptr_array_add (record->fields, g_bytes_new (field->data, field->len));

      if (i >= len)
        break;
      if (data[i] == ',')
        {
          i++;
          if (i >= len)
            g_ptr_array_add (record->fields, g_bytes_new (NULL, 0));
          continue;
        }
      /* End of record: CRLF or LF. */
      i += data[i] == '\r' ? 2 : 1;
      line++;
      record = NULL;
    }
  return g_steal_pointer (&records);
}
