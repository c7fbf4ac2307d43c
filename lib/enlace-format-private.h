/* enlace-format-private.h — the writers enlace-format.c and
 * enlace-format-institution.c share. Internal to libenlace. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  GString *out;
  int depth;
  gboolean first; /* no member or element yet at this depth */
} JsonWriter;

void enlace_format_append_cell (GString *out, const char *text, int width);
void enlace_format_format_table (GString *out, const char *const *headers, int n, GPtrArray *rows,
                                 gboolean aligned);
void enlace_format_detail_line (GString *out, const char *label, const char *value);
void enlace_format_csv_field (GString *out, const char *value, gboolean last);
void enlace_format_vcard_escape (GString *line, const char *value);
void enlace_format_vcard_line (GString *out, GString *line);
void enlace_format_vcard_prop (GString *out, GString *line, const char *name, const char *value);
void enlace_format_ldif_strv (GString *out, const char *attr, char **values);
void enlace_format_json_indent (JsonWriter *w);
void enlace_format_json_next (JsonWriter *w);
void enlace_format_json_open (JsonWriter *w, char bracket);
void enlace_format_json_close (JsonWriter *w, char bracket);
void enlace_format_json_member (JsonWriter *w, const char *key);
void enlace_format_json_member_string (JsonWriter *w, const char *key, const char *value);
void enlace_format_json_strv (JsonWriter *w, const char *key, char **values);
void enlace_format_json_list (GString *out, const char *key, GPtrArray *items,
                              void (*item) (JsonWriter *, gpointer));

G_END_DECLS
