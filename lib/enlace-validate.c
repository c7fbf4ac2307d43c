/* enlace-validate.c — validation and normalisation of typed values. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <stdio.h>
#include <string.h>

#include "enlace-error.h"
#include "enlace-format.h"
#include "enlace-validate.h"

/* The names of the fields, as messages give them: marked here once for
 * translation, translated where a message is made (_(field)). */
static const char *const field_names[] G_GNUC_UNUSED = {
  N_("given name"), N_("surname"), N_("title"), N_("notes"), N_("email"), N_("phone"),
  N_("fax"), N_("mobile"), N_("role"), N_("network"), N_("language"), N_("country"), N_("ID"),
  N_("institution"), N_("reason"), N_("date"), N_("type"), N_("competence"), N_("name"),
  N_("description"), N_("url"),
};

static gboolean
invalid (GError **error, const char *field, const char *value, const char *rule)
{
  /* The value may be invalid UTF-8 or hold control characters: show it
   * with those escaped (accents kept), never raw, and cut short. */
  g_autofree char *shown = enlace_format_printable (value);
  if (g_utf8_strlen (shown, -1) > 60)
    strcpy (g_utf8_offset_to_pointer (shown, 57), "...");
  g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, _("%s '%s' %s"), _(field), shown, rule);
  return FALSE;
}

/**
 * enlace_validate_text:
 * @field: the field's name, for the message ("given name")
 * @max_chars: the most characters allowed
 *
 * A name or a line of text: valid UTF-8, no control characters (so no CR
 * or LF), no leading or trailing space, 1 to @max_chars characters.
 *
 * Returns: (transfer full): the value in Unicode NFC, or %NULL.
 */
char *
enlace_validate_text (const char *field, const char *value, guint max_chars, GError **error)
{
  if (value == NULL || *value == '\0')
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, _("%s is empty; it is required"),
                   _(field));
      return NULL;
    }
  if (!g_utf8_validate (value, -1, NULL))
    return invalid (error, field, value, _("is not valid UTF-8")), NULL;
  for (const char *p = value; *p; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return invalid (error, field, value,
                      _("holds a control character (line breaks and tabs are not allowed)")), NULL;
  if (g_unichar_isspace (g_utf8_get_char (value))
      || g_unichar_isspace (g_utf8_get_char (g_utf8_find_prev_char (value, value + strlen (value)))))
    return invalid (error, field, value, _("begins or ends with a space")), NULL;

  g_autofree char *nfc = g_utf8_normalize (value, -1, G_NORMALIZE_NFC);
  glong n = g_utf8_strlen (nfc, -1);
  if (n > (glong) max_chars)
    {
      g_autofree char *rule = g_strdup_printf ("is %ld characters long; the limit is %u", n,
                                               max_chars);
      return invalid (error, field, value, rule), NULL;
    }
  return g_steal_pointer (&nfc);
}

static gboolean
is_atext (char c)
{
  return g_ascii_isalnum (c) || strchr ("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

/**
 * enlace_validate_email:
 *
 * An address local@domain. The directory's mail attribute is IA5 (ASCII),
 * so the local part must be ASCII; an internationalised domain is allowed
 * and stored in its ASCII (IDNA) form.
 *
 * Returns: (transfer full): the address with its domain in lower-case
 * ASCII, or %NULL.
 */
char *
enlace_validate_email (const char *field, const char *value, GError **error)
{
  if (value == NULL || *value == '\0')
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, _("%s is empty; it is required"),
                   _(field));
      return NULL;
    }
  if (!g_utf8_validate (value, -1, NULL))
    return invalid (error, field, value, _("is not valid UTF-8")), NULL;
  const char *at = strrchr (value, '@');
  if (at == NULL || at == value || at[1] == '\0')
    return invalid (error, field, value, _("is not an address of the form name@domain")), NULL;

  g_autofree char *local = g_strndup (value, at - value);
  gsize llen = strlen (local);
  if (llen > 64)
    return invalid (error, field, value, _("has more than 64 characters before the @")), NULL;
  for (const char *p = local; *p; p++)
    {
      if ((guchar) *p >= 0x80)
        return invalid (error, field, value,
                        _("has non-ASCII characters before the @ (only the domain may have them)")),
               NULL;
      if (!is_atext (*p) && *p != '.')
        return invalid (error, field, value, _("has a character not allowed before the @")), NULL;
    }
  if (local[0] == '.' || local[llen - 1] == '.' || strstr (local, "..") != NULL)
    return invalid (error, field, value, _("has a misplaced dot before the @")), NULL;

  g_autofree char *ascii = g_hostname_to_ascii (at + 1);
  if (ascii == NULL || g_hostname_is_ip_address (ascii))
    return invalid (error, field, value, _("has a domain that is not a valid host name")), NULL;
  g_autofree char *domain = g_ascii_strdown (ascii, -1);
  g_auto(GStrv) labels = g_strsplit (domain, ".", -1);
  if (strlen (domain) > 253 || g_strv_length (labels) < 2)
    return invalid (error, field, value, _("needs a domain with at least two labels (example.org)")),
           NULL;
  for (char **l = labels; *l; l++)
    {
      gsize n = strlen (*l);
      gboolean ok = n >= 1 && n <= 63 && (*l)[0] != '-' && (*l)[n - 1] != '-';
      for (gsize i = 0; ok && i < n; i++)
        ok = g_ascii_isalnum ((*l)[i]) || (*l)[i] == '-';
      if (!ok)
        return invalid (error, field, value, _("has a domain that is not a valid host name")), NULL;
    }
  return g_strconcat (local, "@", domain, NULL);
}

/**
 * enlace_validate_country_code:
 *
 * Returns: (transfer full): the ISO 3166-1 alpha-2 code in upper case, or
 * %NULL. Membership is checked against the directory's vocabulary.
 */
char *
enlace_validate_country_code (const char *field, const char *value, GError **error)
{
  if (value == NULL || strlen (value) != 2 || !g_ascii_isalpha (value[0])
      || !g_ascii_isalpha (value[1]))
    return invalid (error, field, value ? value : "",
                    _("is not an ISO 3166-1 alpha-2 country code (GT, HN, MX...)")), NULL;
  return g_ascii_strup (value, -1);
}

/**
 * enlace_validate_id:
 *
 * A stable ID: a country code (or OBS), L for a liaison or I for an
 * institution, and a number, e.g. GT-L-0042.
 *
 * Returns: (transfer full): the ID in upper case, or %NULL.
 */
char *
enlace_validate_id (const char *field, const char *value, GError **error)
{
  static GRegex *pattern;
  if (g_once_init_enter (&pattern))
    g_once_init_leave (&pattern, g_regex_new ("^[A-Z]{2,3}-[LI]-[0-9]{4,9}$",
                                              G_REGEX_OPTIMIZE | G_REGEX_DOLLAR_ENDONLY,
                                              0, NULL));
  g_autofree char *up = g_ascii_strup (value ? value : "", -1);
  if (!g_utf8_validate (up, -1, NULL) || !g_regex_match (pattern, up, 0, NULL))
    return invalid (error, field, value ? value : "",
                    _("is not an enlace ID (like GT-L-0042 or GT-I-0007)")), NULL;
  return g_steal_pointer (&up);
}

/**
 * enlace_validate_term:
 *
 * The syntax of a vocabulary term ID (lower case, digits, hyphens). Whether
 * the term exists is the vocabulary's to say.
 *
 * Returns: (transfer full): the term ID in lower case, or %NULL.
 */
char *
enlace_validate_term (const char *field, const char *value, GError **error)
{
  gsize n = value ? strlen (value) : 0;
  gboolean ok = n >= 1 && n <= 64;
  for (gsize i = 0; ok && i < n; i++)
    ok = g_ascii_isalnum (value[i]) || value[i] == '-';
  if (!ok)
    return invalid (error, field, value ? value : "",
                    _("is not a term ID (letters, digits and hyphens, like smuggling-focal-point)")),
           NULL;
  return g_ascii_strdown (value, -1);
}

/**
 * enlace_validate_language:
 *
 * A BCP 47 language tag of the simple kind: es, en, fr, pt-BR.
 *
 * Returns: (transfer full): the tag, language in lower case, or %NULL.
 */
char *
enlace_validate_language (const char *field, const char *value, GError **error)
{
  static GRegex *pattern;
  if (g_once_init_enter (&pattern))
    g_once_init_leave (&pattern, g_regex_new ("^[a-zA-Z]{2,3}(-[a-zA-Z]{2}|-[0-9]{3})?$",
                                              G_REGEX_OPTIMIZE | G_REGEX_DOLLAR_ENDONLY, 0, NULL));
  if (value == NULL || !g_utf8_validate (value, -1, NULL) || !g_regex_match (pattern, value, 0, NULL))
    return invalid (error, field, value ? value : "", _("is not a language tag (es, en, pt-BR)")),
           NULL;
  const char *dash = strchr (value, '-');
  g_autofree char *lang = g_ascii_strdown (value, dash ? dash - value : -1);
  g_autofree char *region = dash ? g_ascii_strup (dash + 1, -1) : NULL;
  return region ? g_strconcat (lang, "-", region, NULL) : g_steal_pointer (&lang);
}

/**
 * enlace_phone_normalize:
 * @calling_code: the country's calling code ("502"), for numbers written
 *   in national form
 *
 * Normalises a phone number to E.164: "+" and 8 to 15 digits. Spaces, dots,
 * hyphens, slashes and parentheses are dropped; a leading 00 is "+"; a
 * number without either is national and gets @calling_code (a NANP number
 * written 1 XXX XXX XXXX keeps its own 1).
 *
 * Returns: (transfer full): the E.164 number, or %NULL when the text is
 * not a phone number (letters, an extension, too few or too many digits).
 */
char *
enlace_phone_normalize (const char *field, const char *value, const char *calling_code,
                        GError **error)
{
  g_autoptr(GString) digits = g_string_new (NULL);
  gboolean international = FALSE;

  if (value == NULL || !g_utf8_validate (value, -1, NULL))
    return invalid (error, field, value ? value : "", _("is not valid UTF-8")), NULL;
  for (const char *p = value; *p; p++)
    {
      if (g_ascii_isdigit (*p))
        g_string_append_c (digits, *p);
      else if (*p == '+' && digits->len == 0 && !international)
        international = TRUE;
      else if (!strchr (" .-/()", *p))
        return invalid (error, field, value,
                        _("is not a phone number (only digits, a leading +, spaces, dots, "
                        "hyphens, slashes and parentheses)")), NULL;
    }
  if (!international && g_str_has_prefix (digits->str, "00"))
    {
      g_string_erase (digits, 0, 2);
      international = TRUE;
    }
  if (!international)
    {
      if (calling_code == NULL)
        return invalid (error, field, value,
                        _("is in national form and the country's calling code is unknown")), NULL;
      if (g_str_equal (calling_code, "1") && digits->len == 11 && digits->str[0] == '1')
        g_string_erase (digits, 0, 1);
      g_string_prepend (digits, calling_code);
    }
  if (digits->len < 8 || digits->len > 15)
    return invalid (error, field, value,
                    _("does not have the 8 to 15 digits of an international number")), NULL;
  return g_strconcat ("+", digits->str, NULL);
}

/**
 * enlace_date_to_generalized:
 * @date: YYYY-MM-DD
 *
 * Returns: (transfer full): the date as LDAP GeneralizedTime at midnight
 * UTC ("20260115000000Z"), or %NULL when @date is not a real date.
 */
char *
enlace_date_to_generalized (const char *field, const char *date, GError **error)
{
  int y = 0, m = 0, d = 0;
  char end = 0;
  if (date == NULL || strlen (date) != 10 || sscanf (date, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3
      || date[4] != '-' || date[7] != '-' || !g_date_valid_dmy (d, m, y))
    return invalid (error, field, date ? date : "", _("is not a date of the form YYYY-MM-DD")), NULL;
  return g_strdup_printf ("%04d%02d%02d000000Z", y, m, d);
}

/**
 * enlace_date_from_generalized:
 *
 * Returns: (transfer full) (nullable): "YYYY-MM-DD" from a GeneralizedTime.
 */
char *
enlace_date_from_generalized (const char *generalized)
{
  if (generalized == NULL || strlen (generalized) < 8)
    return NULL;
  return g_strdup_printf ("%.4s-%.2s-%.2s", generalized, generalized + 4, generalized + 6);
}

/**
 * enlace_today:
 *
 * Returns: (transfer full): today's date in UTC, YYYY-MM-DD; ENLACE_NOW
 * (YYYY-MM-DD) fixes it, for tests.
 */
char *
enlace_today (void)
{
  const char *now = g_getenv ("ENLACE_NOW");
  if (now != NULL && *now != '\0')
    return g_strndup (now, 10);
  g_autoptr(GDateTime) dt = g_date_time_new_now_utc ();
  return g_date_time_format (dt, "%Y-%m-%d");
}

/**
 * enlace_split_list:
 * @separators: the characters that separate values, e.g. ",;"
 *
 * Splits "a, b;c" into its values, dropping spaces around them and empty
 * ones.
 *
 * Returns: (transfer full): the values.
 */
char **
enlace_split_list (const char *value, const char *separators)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new ();
  g_auto(GStrv) parts = g_strsplit_set (value ? value : "", separators, -1);
  for (char **p = parts; *p; p++)
    {
      char *v = g_strstrip (*p);
      if (*v != '\0')
        g_ptr_array_add (out, g_strdup (v));
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}
