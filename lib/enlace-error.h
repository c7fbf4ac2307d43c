/* enlace-error.h — the enlace error domain.
 *
 * Every failure that can reach a user is a GError in ENLACE_ERROR. The codes
 * are the exit codes of the command-line tools, one to one.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ENLACE_ERROR (enlace_error_quark ())
GQuark enlace_error_quark (void);

/* Append-only: a value, once published, keeps its number. */
typedef enum {
  ENLACE_ERROR_NOT_FOUND = 1,   /* 1: nothing found */
  ENLACE_ERROR_INVALID = 2,     /* 2: bad usage or invalid input */
  ENLACE_ERROR_UNREACHABLE = 3, /* 3: directory unreachable */
  ENLACE_ERROR_PERMISSION = 4,  /* 4: permission denied */
  ENLACE_ERROR_CONFLICT = 5,    /* 5: already exists, or changed meanwhile */
  ENLACE_ERROR_FAILED = 6,      /* 6: any other failure (server or system) */
  ENLACE_ERROR_REJECTED = 7,    /* 7: a mail server refused a message for good (5xx) */
} EnlaceErrorCode;

int enlace_error_from_ldap_code (int ldap_rc);

gboolean enlace_set_ldap_error (GError **error, int ldap_rc, const char *diagnostic,
                                const char *format, ...) G_GNUC_PRINTF (4, 5);

int enlace_error_exit_code (const GError *error);

typedef void (*EnlaceWarningFunc) (const char *text, gpointer user_data);
void enlace_warning_set_handler (EnlaceWarningFunc func, gpointer user_data);
void enlace_warning (const char *format, ...) G_GNUC_PRINTF (1, 2);

G_END_DECLS
