/* enlace-format.h — liaisons as a table, JSON, CSV, vCard or LDIF. */
#pragma once

#include <glib.h>

#include "enlace-institution.h"
#include "enlace-liaison.h"

G_BEGIN_DECLS

typedef enum {
  ENLACE_FORMAT_TABLE,
  ENLACE_FORMAT_TSV,   /* the table's columns, tab-separated: a table off a terminal */
  ENLACE_FORMAT_JSON,
  ENLACE_FORMAT_CSV,
  ENLACE_FORMAT_VCARD,
  ENLACE_FORMAT_LDIF,
} EnlaceFormat;

char *enlace_format_printable (const char *text);
void enlace_format_json_string (GString *out, const char *value);
gboolean enlace_format_parse (const char *name, EnlaceFormat *format, GError **error);
void enlace_format_liaisons (GString *out, EnlaceFormat format, GPtrArray *liaisons);
void enlace_format_liaison_detail (GString *out, EnlaceFormat format, EnlaceLiaison *liaison);
void enlace_format_institutions (GString *out, EnlaceFormat format, GPtrArray *institutions);
void enlace_format_institution_detail (GString *out, EnlaceFormat format,
                                       EnlaceInstitution *institution);

G_END_DECLS
