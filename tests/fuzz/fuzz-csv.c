/* fuzz-csv.c — libFuzzer harness for the CSV import path short of the
 * directory: the RFC 4180 reader (BOM, quotes, NULs, line counting) and
 * the checks every cell goes through (UTF-8 and length, email, country,
 * language and term syntax, lists, phone normalisation). `make fuzz`
 * builds and runs it. */
#include "config.h"

#include <stdint.h>

#include "enlace-csv.h"
#include "enlace-validate.h"

static void
check_cell (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_free (enlace_validate_text ("name", text, 200, &error));
  g_clear_error (&error);
  g_free (enlace_validate_email ("email", text, &error));
  g_clear_error (&error);
  g_free (enlace_validate_country_code ("country", text, &error));
  g_clear_error (&error);
  g_free (enlace_validate_id ("institution", text, &error));
  g_clear_error (&error);
  g_free (enlace_phone_normalize ("phone", text, "502", &error));
  g_clear_error (&error);
  g_auto(GStrv) list = enlace_split_list (text, ";");
  for (char **v = list; v != NULL && *v != NULL; v++)
    {
      g_free (enlace_validate_term ("role", *v, &error));
      g_clear_error (&error);
      g_free (enlace_validate_language ("language", *v, &error));
      g_clear_error (&error);
    }
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(EnlaceCsvReader) reader = enlace_csv_reader_new ((const char *) data, size);
  for (guint n = 0; n < 10000; n++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(EnlaceCsvRecord) record = enlace_csv_reader_next (reader, &error);
      if (record == NULL)
        break;
      for (guint i = 0; i < record->fields->len; i++)
        {
          gsize len = 0;
          const char *cell = g_bytes_get_data (record->fields->pdata[i], &len);
          if (memchr (cell != NULL ? cell : "", '\0', len) != NULL)
            continue; /* the import refuses a NUL before any check */
          g_autofree char *text = g_strndup (cell, len);
          check_cell (text);
        }
    }
  return 0;
}
