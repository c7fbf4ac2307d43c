/* enlace-validate.h — the rules for every value a person types. Each
 * function names the field and the rule in its error (ENLACE_ERROR_INVALID)
 * and returns the value normalised. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Length limits, in characters. */
#define ENLACE_MAX_NAME 128
#define ENLACE_MAX_TITLE 256
#define ENLACE_MAX_TEXT 1024

char *enlace_validate_text (const char *field, const char *value, guint max_chars,
                            GError **error);
char *enlace_validate_email (const char *field, const char *value, GError **error);
char *enlace_validate_country_code (const char *field, const char *value, GError **error);
char *enlace_validate_id (const char *field, const char *value, GError **error);
char *enlace_validate_term (const char *field, const char *value, GError **error);
char *enlace_validate_language (const char *field, const char *value, GError **error);
char *enlace_phone_normalize (const char *field, const char *value, const char *calling_code,
                              GError **error);

char *enlace_date_to_generalized (const char *field, const char *date, GError **error);
char *enlace_date_from_generalized (const char *generalized);
char *enlace_today (void);

char **enlace_split_list (const char *value, const char *separators);

G_END_DECLS
