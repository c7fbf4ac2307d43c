/* enlace-csv.h — read RFC 4180 CSV. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint line;     /* the line the record starts on, from 1 */
  GPtrArray *fields; /* GBytes *: a field may hold any byte, NUL included */
} EnlaceCsvRecord;

GPtrArray *enlace_csv_parse (const char *data, gsize len, GError **error);

G_END_DECLS
