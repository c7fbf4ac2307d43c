/* enlace-format.c — write liaisons in the formats people and programs read.
 *
 * JSON (stable, for scripts; documented in enlace(1)):
 *   find: {"liaisons": [LIAISON...], "count": N}    show: LIAISON
 *   LIAISON: {"id", "country", "status", "given_name", "surname", "name",
 *     "title", "institution": {"id", "name"}, "roles": [], "networks": [],
 *     "languages": [], "email", "phone", "phone_as_written": [], "mobile",
 *     "notes", "designated", "designated_by", "authorized", "authorized_by",
 *     "retired", "retired_by", "retirement_reason", "successor",
 *     "predecessor", "last_confirmed", "dn"}; absent values are null,
 *     dates YYYY-MM-DD.
 * CSV (RFC 4180, CRLF): id, status, then the columns enlace import reads,
 *   so an export can be imported again.
 * vCard 4.0 (RFC 6350): one card per liaison.
 *
 * Institutions: {"institutions": [INSTITUTION...], "count": N}, with "id",
 *   "country", "status", "name", "type", "competences", "networks",
 *   "languages", "email", "phone", "phone_as_written", "url", "notes",
 *   "designated", "retired", "retired_by", "retirement_reason",
 *   "successor", "predecessor", "last_confirmed", "dn"; CSV columns id,
 *   status, country, name, type, competence, network, email, phone, url,
 *   language; a vCard of KIND org.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "enlace-error.h"
#include "enlace-format.h"
#include "enlace-format-private.h"
#include "enlace-ldif.h"

static const struct {
  const char *name;
  EnlaceFormat format;
} format_names[] = {
  { "table", ENLACE_FORMAT_TABLE }, { "tsv", ENLACE_FORMAT_TSV },   { "json", ENLACE_FORMAT_JSON },
  { "csv", ENLACE_FORMAT_CSV },     { "vcard", ENLACE_FORMAT_VCARD }, { "ldif", ENLACE_FORMAT_LDIF },
};

/**
 * enlace_format_parse:
 *
 * Returns: %TRUE with @format set, or %FALSE with %ENLACE_ERROR_INVALID.
 */
gboolean
enlace_format_parse (const char *name, EnlaceFormat *format, GError **error)
{
  for (gsize i = 0; i < G_N_ELEMENTS (format_names); i++)
    if (name != NULL && g_ascii_strcasecmp (name, format_names[i].name) == 0)
      {
        *format = format_names[i].format;
        return TRUE;
      }
  g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
               _("format '%s' is not one of table, tsv, json, csv, vcard, ldif"), name ? name : "");
  return FALSE;
}

/* --- table ------------------------------------------------------------ */

static void
append_printable (GString *out, const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (g_unichar_iscntrl (c))
        g_string_append_printf (out, "\\x%02x", (guint) c);
      else
        g_string_append_unichar (out, c);
    }
}

/**
 * enlace_format_printable:
 * @text: UTF-8 text, from the directory or a person
 *
 * Text for a terminal line: control characters (which would break the
 * layout, or drive the terminal) become escapes such as \n and \x1b;
 * everything else, accents included, is kept.
 *
 * Returns: (transfer full): the printable text.
 */
char *
enlace_format_printable (const char *text)
{
  GString *out = g_string_new (NULL);
  if (text != NULL && g_utf8_validate (text, -1, NULL))
    append_printable (out, text);
  else if (text != NULL)
    {
      g_autofree char *valid = g_utf8_make_valid (text, -1);
      append_printable (out, valid);
    }
  return g_string_free (out, FALSE);
}

/* Table cells are one line each. */
void
enlace_format_append_cell (GString *out, const char *text, int width)
{
  g_autofree char *shown = enlace_format_printable (text);
  g_string_append (out, shown);
  for (long pad = width - (long) g_utf8_strlen (shown, -1); pad > 0; pad--)
    g_string_append_c (out, ' ');
}

/* Writes @rows (each a NULL-terminated array of @n cells) under @headers,
 * aligned for a terminal or tab-separated. */
void
enlace_format_format_table (GString *out, const char *const *headers, int n, GPtrArray *rows, gboolean aligned)
{
  g_autofree int *widths = g_new0 (int, n);
  for (int c = 0; c < n; c++)
    widths[c] = strlen (headers[c]);
  for (guint r = 0; aligned && r < rows->len; r++)
    for (int c = 0; c < n; c++)
      {
        const char *cell = ((char **) rows->pdata[r])[c];
        g_autofree char *shown = enlace_format_printable (cell);
        widths[c] = MAX (widths[c], (int) g_utf8_strlen (shown, -1));
      }
  for (int r = -1; r < (int) rows->len; r++)
    {
      const char *const *cells = r < 0 ? headers : rows->pdata[r];
      for (int c = 0; c < n; c++)
        {
          gboolean last = c == n - 1;
          enlace_format_append_cell (out, cells[c], aligned && !last ? widths[c] : 0);
          if (!last)
            g_string_append (out, aligned ? "  " : "\t");
        }
      g_string_append_c (out, '\n');
    }
}

static void
format_liaison_table (GString *out, GPtrArray *liaisons, gboolean aligned)
{
  static const char *const headers[] = { "ID", "NAME", "TITLE", "EMAIL", "PHONE", "ROLES", "STATUS" };
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  for (guint i = 0; i < liaisons->len; i++)
    {
      EnlaceLiaison *l = liaisons->pdata[i];
      char **cells = g_new0 (char *, G_N_ELEMENTS (headers) + 1);
      cells[0] = g_strdup (l->id);
      cells[1] = g_strdup (l->name);
      cells[2] = g_strdup (l->title);
      cells[3] = g_strdup (l->mail);
      cells[4] = g_strdup (l->phone ? l->phone : l->phones_as_written[0]);
      cells[5] = g_strjoinv (",", l->roles);
      cells[6] = g_strdup (l->status);
      g_ptr_array_add (rows, cells);
    }
  enlace_format_format_table (out, headers, G_N_ELEMENTS (headers), rows, aligned);
}

/* --- JSON -------------------------------------------------------------
 *
 * Written by hand, not with json-glib: that library brings gio and eight
 * more shared libraries into every process, and with cyrus-SASL's plugins
 * (which libldap loads at start) resolving symbols through all of them, a
 * lookup spent most of its time in the dynamic loader (bench/find.sh). An
 * RFC 8259 writer is this much code; Python's json module checks it in
 * tests/test-interop.sh and tests/test-unit.c. */


/**
 * enlace_format_json_string:
 *
 * Appends @value as a JSON string (RFC 8259): quotes, backslashes and
 * control characters escaped, U+2028 and U+2029 too (so the text is also
 * safe inside JavaScript); invalid UTF-8 is repaired first.
 */
void
enlace_format_json_string (GString *out, const char *value)
{
  g_autofree char *valid = g_utf8_validate (value, -1, NULL) ? NULL : g_utf8_make_valid (value, -1);
  const guchar *p = (const guchar *) (valid ? valid : value);
  const guchar *run = p;
  g_string_append_c (out, '"');
  /* Copy runs of bytes that need no escape in one go. */
  for (; *p; p++)
    {
      guchar c = *p;
      gboolean separator = c == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9);
      if (c >= 0x20 && c != '"' && c != '\\' && !separator)
        continue;
      g_string_append_len (out, (const char *) run, p - run);
      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          if (separator)
            {
              g_string_append_printf (out, "\\u%04x", p[2] == 0xa8 ? 0x2028u : 0x2029u);
              p += 2;
            }
          else
            g_string_append_printf (out, "\\u%04x", (guint) c);
        }
      run = p + 1;
    }
  g_string_append_len (out, (const char *) run, p - run);
  g_string_append_c (out, '"');
}

void
enlace_format_json_indent (JsonWriter *w)
{
  static const char line[] = "\n                                ";
  g_string_append_len (w->out, line, 1 + MIN (2 * w->depth, (int) sizeof line - 2));
}

/* Before a member or an element: the comma and the line. */
void
enlace_format_json_next (JsonWriter *w)
{
  if (!w->first)
    g_string_append_c (w->out, ',');
  w->first = FALSE;
  enlace_format_json_indent (w);
}

void
enlace_format_json_open (JsonWriter *w, char bracket)
{
  g_string_append_c (w->out, bracket);
  w->depth++;
  w->first = TRUE;
}

void
enlace_format_json_close (JsonWriter *w, char bracket)
{
  gboolean empty = w->first;
  w->depth--;
  w->first = FALSE;
  if (!empty)
    enlace_format_json_indent (w);
  g_string_append_c (w->out, bracket);
}

void
enlace_format_json_member (JsonWriter *w, const char *key)
{
  enlace_format_json_next (w);
  enlace_format_json_string (w->out, key);
  g_string_append_len (w->out, " : ", 3);
}

void
enlace_format_json_member_string (JsonWriter *w, const char *key, const char *value)
{
  enlace_format_json_member (w, key);
  if (value != NULL)
    enlace_format_json_string (w->out, value);
  else
    g_string_append_len (w->out, "null", 4);
}

void
enlace_format_json_strv (JsonWriter *w, const char *key, char **values)
{
  enlace_format_json_member (w, key);
  enlace_format_json_open (w, '[');
  for (int i = 0; values != NULL && values[i] != NULL; i++)
    {
      enlace_format_json_next (w);
      enlace_format_json_string (w->out, values[i]);
    }
  enlace_format_json_close (w, ']');
}

static void
json_liaison (JsonWriter *w, EnlaceLiaison *l)
{
  enlace_format_json_open (w, '{');
  enlace_format_json_member_string (w, "id", l->id);
  enlace_format_json_member_string (w, "country", l->country);
  enlace_format_json_member_string (w, "status", l->status);
  enlace_format_json_member_string (w, "given_name", l->given_name);
  enlace_format_json_member_string (w, "surname", l->surname);
  enlace_format_json_member_string (w, "name", l->name);
  enlace_format_json_member_string (w, "title", l->title);
  enlace_format_json_member (w, "institution");
  enlace_format_json_open (w, '{');
  enlace_format_json_member_string (w, "id", l->institution_id);
  enlace_format_json_member_string (w, "name", l->institution);
  enlace_format_json_close (w, '}');
  enlace_format_json_strv (w, "roles", l->roles);
  enlace_format_json_strv (w, "networks", l->networks);
  enlace_format_json_strv (w, "languages", l->languages);
  enlace_format_json_member_string (w, "email", l->mail);
  enlace_format_json_member_string (w, "phone", l->phone);
  enlace_format_json_strv (w, "phone_as_written", l->phones_as_written);
  enlace_format_json_member_string (w, "mobile", l->mobile);
  enlace_format_json_member_string (w, "notes", l->notes);
  enlace_format_json_member_string (w, "designated", l->designated);
  enlace_format_json_member_string (w, "designated_by", l->designated_by);
  enlace_format_json_member_string (w, "authorized", l->authorized);
  enlace_format_json_member_string (w, "authorized_by", l->authorized_by);
  enlace_format_json_member_string (w, "retired", l->retired);
  enlace_format_json_member_string (w, "retired_by", l->retired_by);
  enlace_format_json_member_string (w, "retirement_reason", l->retirement_reason);
  enlace_format_json_member_string (w, "successor", l->successor_id);
  enlace_format_json_member_string (w, "predecessor", l->predecessor_id);
  enlace_format_json_member_string (w, "last_confirmed", l->last_confirmed);
  enlace_format_json_member_string (w, "dn", l->dn);
  enlace_format_json_close (w, '}');
}

/* {"KEY": [each item], "count": N} */
void
enlace_format_json_list (GString *out, const char *key, GPtrArray *items, void (*item) (JsonWriter *, gpointer))
{
  JsonWriter w = { out, 0, TRUE };
  enlace_format_json_open (&w, '{');
  enlace_format_json_member (&w, key);
  enlace_format_json_open (&w, '[');
  for (guint i = 0; i < items->len; i++)
    {
      enlace_format_json_next (&w);
      item (&w, items->pdata[i]);
    }
  enlace_format_json_close (&w, ']');
  enlace_format_json_member (&w, "count");
  g_string_append_printf (out, "%u", items->len);
  enlace_format_json_close (&w, '}');
  g_string_append_c (out, '\n');
}

/* --- CSV -------------------------------------------------------------- */

void
enlace_format_csv_field (GString *out, const char *value, gboolean last)
{
  const char *v = value ? value : "";
  if (strpbrk (v, ",\"\r\n") != NULL || (*v && (v[0] == ' ' || v[strlen (v) - 1] == ' ')))
    {
      g_string_append_c (out, '"');
      for (const char *p = v; *p; p++)
        {
          if (*p == '"')
            g_string_append_c (out, '"');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, '"');
    }
  else
    g_string_append (out, v);
  g_string_append (out, last ? "\r\n" : ",");
}

static void
format_csv (GString *out, GPtrArray *liaisons)
{
  g_string_append (out, "id,status,country,given_name,surname,title,institution,role,network,"
                        "email,phone,fax,mobile,language\r\n");
  for (guint i = 0; i < liaisons->len; i++)
    {
      EnlaceLiaison *l = liaisons->pdata[i];
      g_autofree char *roles = g_strjoinv (";", l->roles);
      g_autofree char *networks = g_strjoinv (";", l->networks);
      g_autofree char *languages = g_strjoinv (";", l->languages);
      const char *fields[] = { l->id, l->status, l->country, l->given_name, l->surname, l->title,
                               l->institution_id, roles, networks, l->mail,
                               l->phone ? l->phone : l->phones_as_written[0], NULL, l->mobile,
                               languages };
      for (gsize f = 0; f < G_N_ELEMENTS (fields); f++)
        enlace_format_csv_field (out, fields[f], f + 1 == G_N_ELEMENTS (fields));
    }
}

/* --- vCard 4.0 -------------------------------------------------------- */

/* RFC 6350 3.4: escape backslash, comma, semicolon (in list or compound
 * values) and newline. */
void
enlace_format_vcard_escape (GString *line, const char *value)
{
  for (const char *p = value ? value : ""; *p; p++)
    switch (*p)
      {
      case '\\': g_string_append (line, "\\\\"); break;
      case ',': g_string_append (line, "\\,"); break;
      case ';': g_string_append (line, "\\;"); break;
      case '\n': g_string_append (line, "\\n"); break;
      case '\r': break;
      default: g_string_append_c (line, *p);
      }
}

/* RFC 6350 3.2: fold lines longer than 75 octets, never inside a UTF-8
 * sequence; a folded line goes on after CRLF and one space. */
void
enlace_format_vcard_line (GString *out, GString *line)
{
  gsize col = 0;
  for (const char *p = line->str; *p; )
    {
      const char *next = g_utf8_next_char (p);
      gsize n = next - p;
      if (col + n > 75)
        {
          g_string_append (out, "\r\n ");
          col = 1;
        }
      g_string_append_len (out, p, n);
      col += n;
      p = next;
    }
  g_string_append (out, "\r\n");
  g_string_truncate (line, 0);
}

void
enlace_format_vcard_prop (GString *out, GString *line, const char *name, const char *value)
{
  if (value == NULL || *value == '\0')
    return;
  g_string_append_printf (line, "%s:", name);
  enlace_format_vcard_escape (line, value);
  enlace_format_vcard_line (out, line);
}

static void
format_vcard (GString *out, EnlaceLiaison *l)
{
  g_autoptr(GString) line = g_string_new (NULL);
  g_string_append (out, "BEGIN:VCARD\r\nVERSION:4.0\r\n");
  enlace_format_vcard_prop (out, line, "FN", l->name);
  g_string_append (line, "N:");
  enlace_format_vcard_escape (line, l->surname);
  g_string_append_c (line, ';');
  enlace_format_vcard_escape (line, l->given_name);
  g_string_append (line, ";;;");
  enlace_format_vcard_line (out, line);
  enlace_format_vcard_prop (out, line, "TITLE", l->title);
  enlace_format_vcard_prop (out, line, "ORG", l->institution);
  enlace_format_vcard_prop (out, line, "EMAIL;TYPE=work", l->mail);
  if (l->phone != NULL)
    {
      g_autofree char *uri = g_strconcat ("tel:", l->phone, NULL);
      enlace_format_vcard_prop (out, line, "TEL;VALUE=uri;TYPE=\"work,voice\"", uri);
    }
  else if (l->phones_as_written[0] != NULL)
    enlace_format_vcard_prop (out, line, "TEL;VALUE=text;TYPE=work", l->phones_as_written[0]);
  for (int i = 0; l->languages[i] != NULL; i++)
    enlace_format_vcard_prop (out, line, i == 0 ? "LANG;PREF=1" : "LANG", l->languages[i]);
  if (l->roles[0] != NULL)
    {
      g_string_append (line, "ROLE:");
      for (int i = 0; l->roles[i] != NULL; i++)
        {
          if (i > 0)
            g_string_append (line, "\\, ");
          enlace_format_vcard_escape (line, l->roles[i]);
        }
      enlace_format_vcard_line (out, line);
    }
  if (l->networks[0] != NULL)
    {
      g_string_append (line, "CATEGORIES:");
      for (int i = 0; l->networks[i] != NULL; i++)
        {
          if (i > 0)
            g_string_append_c (line, ',');
          enlace_format_vcard_escape (line, l->networks[i]);
        }
      enlace_format_vcard_line (out, line);
    }
  if (l->status != NULL && g_strcmp0 (l->status, "active") != 0)
    {
      g_autofree char *note = g_strdup_printf ("enlace status: %s", l->status);
      enlace_format_vcard_prop (out, line, "NOTE", note);
    }
  g_autofree char *uid = g_strdup_printf ("urn:enlace:%s", l->id);
  enlace_format_vcard_prop (out, line, "UID", uid);
  enlace_format_vcard_prop (out, line, "X-ENLACE-STATUS", l->status);
  g_string_append (out, "END:VCARD\r\n");
}

/* --- LDIF ------------------------------------------------------------- */

void
enlace_format_ldif_strv (GString *out, const char *attr, char **values)
{
  for (int i = 0; values != NULL && values[i] != NULL; i++)
    enlace_ldif_append_str (out, attr, values[i]);
}

static void
format_ldif (GString *out, EnlaceLiaison *l)
{
  const struct { const char *attr; const char *value; } single[] = {
    { "enlaceId", l->id },          { "c", l->country },       { "enlaceStatus", l->status },
    { "cn", l->name },              { "givenName", l->given_name }, { "sn", l->surname },
    { "title", l->title },          { "o", l->institution },   { "mail", l->mail },
    { "telephoneNumber", l->phone }, { "enlaceMobile", l->mobile }, { "enlaceNotes", l->notes },
  };
  enlace_ldif_append_str (out, "dn", l->dn);
  enlace_ldif_append_str (out, "objectClass", "enlaceLiaison");
  for (gsize i = 0; i < G_N_ELEMENTS (single); i++)
    if (single[i].value != NULL)
      enlace_ldif_append_str (out, single[i].attr, single[i].value);
  enlace_format_ldif_strv (out, "enlaceRole", l->roles);
  enlace_format_ldif_strv (out, "enlaceNetwork", l->networks);
  enlace_format_ldif_strv (out, "enlaceLanguage", l->languages);
  g_string_append_c (out, '\n');
}

/**
 * enlace_format_liaisons:
 *
 * Appends @liaisons to @out in @format: the result of a search.
 */
void
enlace_format_liaisons (GString *out, EnlaceFormat format, GPtrArray *liaisons)
{
  switch (format)
    {
    case ENLACE_FORMAT_TABLE:
    case ENLACE_FORMAT_TSV:
      format_liaison_table (out, liaisons, format == ENLACE_FORMAT_TABLE);
      break;
    case ENLACE_FORMAT_JSON:
      enlace_format_json_list (out, "liaisons", liaisons, (void (*) (JsonWriter *, gpointer)) json_liaison);
      break;
    case ENLACE_FORMAT_CSV:
      format_csv (out, liaisons);
      break;
    case ENLACE_FORMAT_VCARD:
      for (guint i = 0; i < liaisons->len; i++)
        format_vcard (out, liaisons->pdata[i]);
      break;
    case ENLACE_FORMAT_LDIF:
      for (guint i = 0; i < liaisons->len; i++)
        format_ldif (out, liaisons->pdata[i]);
      break;
    }
}

void
enlace_format_detail_line (GString *out, const char *label, const char *value)
{
  if (value == NULL || *value == '\0')
    return;
  g_string_append_printf (out, "%-18s ", label);
  enlace_format_append_cell (out, value, 0);
  g_string_append_c (out, '\n');
}

/**
 * enlace_format_liaison_detail:
 *
 * Appends one liaison to @out: every field, one a line, for a table;
 * the object itself for JSON; otherwise as enlace_format_liaisons().
 */
void
enlace_format_liaison_detail (GString *out, EnlaceFormat format, EnlaceLiaison *l)
{
  if (format == ENLACE_FORMAT_JSON)
    {
      JsonWriter w = { out, 0, TRUE };
      json_liaison (&w, l);
      g_string_append_c (out, '\n');
      return;
    }
  if (format != ENLACE_FORMAT_TABLE && format != ENLACE_FORMAT_TSV)
    {
      g_autoptr(GPtrArray) one = g_ptr_array_new ();
      g_ptr_array_add (one, l);
      enlace_format_liaisons (out, format, one);
      return;
    }
  g_autofree char *roles = g_strjoinv (", ", l->roles);
  g_autofree char *networks = g_strjoinv (", ", l->networks);
  g_autofree char *languages = g_strjoinv (", ", l->languages);
  g_autofree char *as_written = g_strjoinv (", ", l->phones_as_written);
  g_autofree char *institution = l->institution_id
                                     ? g_strdup_printf ("%s (%s)", l->institution ? l->institution : "",
                                                        l->institution_id)
                                     : g_strdup (l->institution);
  const struct { const char *label; const char *value; } lines[] = {
    { "id:", l->id },                  { "status:", l->status },
    { "name:", l->name },              { "title:", l->title },
    { "institution:", institution },   { "country:", l->country },
    { "roles:", roles },               { "networks:", networks },
    { "email:", l->mail },             { "phone:", l->phone },
    { "phone as written:", as_written }, { "mobile:", l->mobile },
    { "languages:", languages },       { "notes:", l->notes },
    { "designated:", l->designated },  { "designated by:", l->designated_by },
    { "authorized:", l->authorized },  { "authorized by:", l->authorized_by },
    { "retired:", l->retired },        { "retired by:", l->retired_by },
    { "reason:", l->retirement_reason }, { "successor:", l->successor_id },
    { "predecessor:", l->predecessor_id }, { "last confirmed:", l->last_confirmed },
    { "dn:", l->dn },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (lines); i++)
    enlace_format_detail_line (out, lines[i].label, lines[i].value);
}

