/* enlace-csv.h — read RFC 4180 CSV, a record at a time. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint line;        /* the line the record starts on, from 1 */
  GPtrArray *fields; /* GBytes *: a field may hold any byte, NUL included */
} EnlaceCsvRecord;

void enlace_csv_record_free (EnlaceCsvRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceCsvRecord, enlace_csv_record_free)

typedef struct _EnlaceCsvReader EnlaceCsvReader;

EnlaceCsvReader *enlace_csv_reader_new (const char *data, gsize len);
void enlace_csv_reader_free (EnlaceCsvReader *reader);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceCsvReader, enlace_csv_reader_free)
EnlaceCsvRecord *enlace_csv_reader_next (EnlaceCsvReader *reader, GError **error);

G_END_DECLS
