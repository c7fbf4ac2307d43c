/* enlace-error.c — the error domain and the one place LDAP result codes are
 * translated into it. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <ldap.h>

#include "enlace-error.h"

G_DEFINE_QUARK (enlace-error-quark, enlace_error)

/**
 * enlace_error_from_ldap_code:
 * @ldap_rc: an LDAP result code or a libldap API error (negative)
 *
 * Returns: the #EnlaceErrorCode a user should see for @ldap_rc.
 */
int
enlace_error_from_ldap_code (int ldap_rc)
{
  switch (ldap_rc)
    {
    case LDAP_NO_SUCH_OBJECT:
      return ENLACE_ERROR_NOT_FOUND;
    case LDAP_SERVER_DOWN:
    case LDAP_CONNECT_ERROR:
    case LDAP_TIMEOUT:
    case LDAP_UNAVAILABLE:
    case LDAP_BUSY:
      return ENLACE_ERROR_UNREACHABLE;
    case LDAP_INSUFFICIENT_ACCESS:
    case LDAP_INVALID_CREDENTIALS:
    case LDAP_INAPPROPRIATE_AUTH:
    case LDAP_STRONG_AUTH_REQUIRED:
    case LDAP_CONFIDENTIALITY_REQUIRED:
    case LDAP_UNWILLING_TO_PERFORM:
      return ENLACE_ERROR_PERMISSION;
    case LDAP_ALREADY_EXISTS:
    case LDAP_CONSTRAINT_VIOLATION:
    case LDAP_TYPE_OR_VALUE_EXISTS:
    case LDAP_ASSERTION_FAILED:
    case LDAP_NOT_ALLOWED_ON_NONLEAF:
      return ENLACE_ERROR_CONFLICT;
    case LDAP_INVALID_SYNTAX:
    case LDAP_INVALID_DN_SYNTAX:
    case LDAP_OBJECT_CLASS_VIOLATION:
    case LDAP_UNDEFINED_TYPE:
    case LDAP_NAMING_VIOLATION:
    case LDAP_FILTER_ERROR:
    case LDAP_PARAM_ERROR:
      return ENLACE_ERROR_INVALID;
    default:
      return ENLACE_ERROR_FAILED;
    }
}

/**
 * enlace_set_ldap_error:
 * @error: return location
 * @ldap_rc: the result code
 * @diagnostic: (nullable): the server's diagnostic message, if any
 * @format: what was being done, e.g. "adding c=GT,o=enlace"
 *
 * Sets @error to "<what>: <server's words> (<diagnostic>)" in the code that
 * enlace_error_from_ldap_code() gives.
 *
 * Returns: %FALSE, so callers can `return enlace_set_ldap_error (...)`.
 */
gboolean
enlace_set_ldap_error (GError **error, int ldap_rc, const char *diagnostic,
                       const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *what = g_strdup_vprintf (format, args);
  va_end (args);

  if (diagnostic != NULL && *diagnostic != '\0')
    g_set_error (error, ENLACE_ERROR, enlace_error_from_ldap_code (ldap_rc),
                 _("%s: %s (%s)"), what, ldap_err2string (ldap_rc), diagnostic);
  else
    g_set_error (error, ENLACE_ERROR, enlace_error_from_ldap_code (ldap_rc),
                 _("%s: %s"), what, ldap_err2string (ldap_rc));
  return FALSE;
}

/**
 * enlace_error_exit_code:
 * @error: an error from libenlace or GLib
 *
 * Returns: the process exit code the tools use for @error.
 */
int
enlace_error_exit_code (const GError *error)
{
  if (error == NULL)
    return 0;
  if (error->domain == ENLACE_ERROR && error->code >= ENLACE_ERROR_NOT_FOUND
      && error->code <= ENLACE_ERROR_REJECTED)
    return error->code;
  if (error->domain == G_OPTION_ERROR)
    return ENLACE_ERROR_INVALID;
  return ENLACE_ERROR_FAILED;
}

static EnlaceWarningFunc warning_func;
static gpointer warning_data;

/**
 * enlace_warning_set_handler:
 * @func: (nullable): called with each warning's text; %NULL drops them
 *
 * The library never prints: a warning (a password file others can read, a
 * value kept as written) goes to @func, which a program shows its way.
 */
void
enlace_warning_set_handler (EnlaceWarningFunc func, gpointer user_data)
{
  warning_func = func;
  warning_data = user_data;
}

void
enlace_warning (const char *format, ...)
{
  if (warning_func == NULL)
    return;
  va_list args;
  va_start (args, format);
  g_autofree char *text = g_strdup_vprintf (format, args);
  va_end (args);
  warning_func (text, warning_data);
}
