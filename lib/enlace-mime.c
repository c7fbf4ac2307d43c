/* enlace-mime.c — read replies: just enough MIME (RFC 2045–2047) to find
 * a reply's subject, sender and first text part, whatever the client's
 * charset and transfer encoding. Nothing here is trusted: every value is
 * made valid UTF-8 before it leaves. */
#include "config.h"

#include <string.h>

#include "enlace-mail.h"

static char *
to_utf8 (const char *data, gssize len, const char *charset)
{
  if (len < 0)
    len = strlen (data);
  if (charset != NULL && g_ascii_strcasecmp (charset, "utf-8") != 0
      && g_ascii_strcasecmp (charset, "us-ascii") != 0)
    {
      char *out = g_convert (data, len, "UTF-8", charset, NULL, NULL, NULL);
      if (out != NULL)
        return out;
    }
  if (g_utf8_validate_len (data, len, NULL))
    return g_strndup (data, len);
  /* Undeclared or wrong: Latin-1 is what such mail nearly always is. */
  char *out = g_convert (data, len, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
  return out ? out : g_utf8_make_valid (data, len);
}

static int
hexval (char c)
{
  return g_ascii_isxdigit (c) ? g_ascii_xdigit_value (c) : -1;
}

/* Quoted-printable; @header for RFC 2047's Q, where _ is a space. */
static GByteArray *
qp_decode (const char *s, gsize len, gboolean header)
{
  GByteArray *out = g_byte_array_sized_new (len);
  for (gsize i = 0; i < len; i++)
    {
      guint8 c = s[i];
      if (c == '=' && i + 2 < len && hexval (s[i + 1]) >= 0 && hexval (s[i + 2]) >= 0)
        {
          c = hexval (s[i + 1]) * 16 + hexval (s[i + 2]);
          i += 2;
        }
      else if (c == '=' && !header)
        {
          /* A soft line break: = then optional blanks, then the line end. */
          gsize j = i + 1;
          while (j < len && (s[j] == ' ' || s[j] == '\t'))
            j++;
          if (j < len && s[j] == '\r')
            j++;
          if (j < len && s[j] == '\n')
            {
              i = j;
              continue;
            }
        }
      else if (c == '_' && header)
        c = ' ';
      g_byte_array_append (out, &c, 1);
    }
  return out;
}

static GByteArray *
b64_decode (const char *s, gsize len)
{
  g_autofree char *clean = g_malloc (len + 1);
  gsize n = 0;
  for (gsize i = 0; i < len; i++)
    if (g_ascii_isalnum (s[i]) || s[i] == '+' || s[i] == '/' || s[i] == '=')
      clean[n++] = s[i];
  clean[n] = '\0';
  gsize out_len = 0;
  guchar *out = g_base64_decode (clean, &out_len);
  GByteArray *a = g_byte_array_new_take (out, out_len);
  return a;
}

/**
 * enlace_mail_decode_header:
 *
 * Returns: (transfer full): @value with its RFC 2047 encoded words decoded,
 * as UTF-8; blanks between two encoded words are dropped, as the RFC says.
 */
char *
enlace_mail_decode_header (const char *value)
{
  GString *out = g_string_new (NULL);
  const char *p = value;
  gboolean after_word = FALSE;

  while (*p)
    {
      const char *start = strstr (p, "=?");
      const char *q1 = NULL, *q2 = NULL, *end = NULL;
      if (start != NULL && (q1 = strchr (start + 2, '?')) != NULL
          && (q2 = strchr (q1 + 1, '?')) != NULL && q2 == q1 + 2
          && (end = strstr (q2 + 1, "?=")) != NULL)
        {
          /* Text between two encoded words that is only blanks vanishes. */
          gboolean blank = TRUE;
          for (const char *b = p; b < start; b++)
            if (*b != ' ' && *b != '\t')
              blank = FALSE;
          if (!(after_word && blank))
            {
              g_autofree char *plain = to_utf8 (p, start - p, NULL);
              g_string_append (out, plain);
            }
          g_autofree char *charset = g_strndup (start + 2, q1 - start - 2);
          char *star = strchr (charset, '*');  /* RFC 2231 language */
          if (star != NULL)
            *star = '\0';
          char enc = g_ascii_toupper (q1[1]);
          g_autoptr(GByteArray) raw = enc == 'B' ? b64_decode (q2 + 1, end - q2 - 1)
                                                 : qp_decode (q2 + 1, end - q2 - 1, TRUE);
          g_autofree char *text = to_utf8 ((const char *) raw->data, raw->len, charset);
          g_string_append (out, text);
          p = end + 2;
          after_word = TRUE;
        }
      else
        {
          g_autofree char *plain = to_utf8 (p, -1, NULL);
          g_string_append (out, plain);
          break;
        }
    }
  return g_string_free (out, FALSE);
}

typedef struct {
  GPtrArray *names;   /* lower-cased */
  GPtrArray *values;  /* unfolded, raw */
} Headers;

static void
headers_clear (Headers *h)
{
  g_ptr_array_unref (h->names);
  g_ptr_array_unref (h->values);
}

/* Split @data into headers and body; *body points into @data. */
static void
parse_headers (const char *data, gsize len, Headers *h, const char **body, gsize *body_len)
{
  gsize i = 0;
  h->names = g_ptr_array_new_with_free_func (g_free);
  h->values = g_ptr_array_new_with_free_func (g_free);
  GString *cur = NULL;

  while (i < len)
    {
      gsize eol = i;
      while (eol < len && data[eol] != '\n')
        eol++;
      gsize line_end = eol;
      if (line_end > i && data[line_end - 1] == '\r')
        line_end--;
      if (line_end == i)
        {
          i = eol + 1;
          break;  /* the blank line */
        }
      if ((data[i] == ' ' || data[i] == '\t') && cur != NULL)
        g_string_append_len (cur, data + i, line_end - i);
      else
        {
          const char *colon = memchr (data + i, ':', line_end - i);
          if (colon != NULL)
            {
              g_ptr_array_add (h->names, g_ascii_strdown (data + i, colon - data - i));
              cur = g_string_new_len (colon + 1, data + line_end - colon - 1);
              g_ptr_array_add (h->values, cur);
            }
        }
      i = eol + 1;
    }
  for (guint k = 0; k < h->values->len; k++)
    {
      GString *s = h->values->pdata[k];
      h->values->pdata[k] = g_strstrip (g_string_free (s, FALSE));
    }
  *body = data + MIN (i, len);
  *body_len = len - MIN (i, len);
}

static const char *
header_get (Headers *h, const char *name)
{
  for (guint k = 0; k < h->names->len; k++)
    if (strcmp (h->names->pdata[k], name) == 0)
      return h->values->pdata[k];
  return NULL;
}

/* A parameter of a Content-Type value, unquoted. */
static char *
header_param (const char *value, const char *param)
{
  if (value == NULL)
    return NULL;
  g_auto(GStrv) parts = g_strsplit (value, ";", -1);
  for (char **p = parts + 1; *p && parts[0]; p++)
    {
      char *eq = strchr (*p, '=');
      if (eq == NULL)
        continue;
      *eq = '\0';
      if (g_ascii_strcasecmp (g_strstrip (*p), param) != 0)
        continue;
      char *v = g_strstrip (eq + 1);
      gsize n = strlen (v);
      if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
        return g_strndup (v + 1, n - 2);
      return g_strdup (v);
    }
  return NULL;
}

/* The first text/plain part, decoded; depth bounds hostile nesting. */
static char *
find_text (const char *data, gsize len, int depth)
{
  Headers h;
  const char *body;
  gsize body_len;
  char *result = NULL;

  if (depth > 8)
    return NULL;
  parse_headers (data, len, &h, &body, &body_len);
  const char *ctype = header_get (&h, "content-type");
  const char *cte = header_get (&h, "content-transfer-encoding");
  g_autofree char *type = g_ascii_strdown (ctype ? ctype : "text/plain", -1);
  char *semi = strchr (type, ';');
  if (semi)
    *semi = '\0';
  g_strstrip (type);

  if (g_str_has_prefix (type, "multipart/"))
    {
      g_autofree char *boundary = header_param (ctype, "boundary");
      g_autofree char *delim = boundary ? g_strconcat ("--", boundary, NULL) : NULL;
      const char *p = delim ? g_strstr_len (body, body_len, delim) : NULL;
      while (p != NULL && result == NULL)
        {
          const char *start = p + strlen (delim);
          if (start + 2 <= body + body_len && start[0] == '-' && start[1] == '-')
            break;  /* the closing delimiter */
          const char *nl = memchr (start, '\n', body + body_len - start);
          if (nl == NULL)
            break;
          start = nl + 1;
          const char *next = g_strstr_len (start, body + body_len - start, delim);
          const char *end = next ? next : body + body_len;
          result = find_text (start, end - start, depth + 1);
          p = next;
        }
    }
  else if (strcmp (type, "text/plain") == 0)
    {
      g_autofree char *charset = header_param (ctype, "charset");
      g_autoptr(GByteArray) raw = NULL;
      if (cte && g_ascii_strcasecmp (cte, "base64") == 0)
        raw = b64_decode (body, body_len);
      else if (cte && g_ascii_strcasecmp (cte, "quoted-printable") == 0)
        raw = qp_decode (body, body_len, FALSE);
      else
        raw = g_byte_array_append (g_byte_array_new (), (const guint8 *) body, body_len);
      result = to_utf8 ((const char *) raw->data, raw->len, charset);
    }
  headers_clear (&h);
  return result;
}

static char *
angle_address (const char *value)
{
  if (value == NULL)
    return NULL;
  const char *lt = strrchr (value, '<');
  const char *gt = lt ? strchr (lt, '>') : NULL;
  g_autofree char *raw = lt && gt ? g_strndup (lt + 1, gt - lt - 1) : g_strdup (value);
  return to_utf8 (g_strstrip (raw), -1, NULL);
}

/**
 * enlace_mail_reply_parse:
 *
 * Returns: (transfer full): what enlace needs of a message; never %NULL.
 */
EnlaceMailReply *
enlace_mail_reply_parse (const char *data, gsize len)
{
  Headers h;
  const char *body;
  gsize body_len;
  EnlaceMailReply *r = g_new0 (EnlaceMailReply, 1);

  parse_headers (data, len, &h, &body, &body_len);
  const char *subject = header_get (&h, "subject");
  r->subject = enlace_mail_decode_header (subject ? subject : "");
  r->from = angle_address (header_get (&h, "from"));
  r->message_id = angle_address (header_get (&h, "message-id"));
  r->in_reply_to = angle_address (header_get (&h, "in-reply-to"));
  headers_clear (&h);
  r->text = find_text (data, len, 0);
  if (r->text == NULL)
    r->text = g_strdup ("");
  return r;
}

void
enlace_mail_reply_free (EnlaceMailReply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->subject);
  g_free (reply->from);
  g_free (reply->message_id);
  g_free (reply->in_reply_to);
  g_free (reply->text);
  g_free (reply);
}

/* Where the quoted original starts in the clients people use. */
static gboolean
starts_original (const char *line)
{
  static const char *const markers[] = {
    "-----Original Message-----", "-----Mensaje original-----", "----- Original Message -----",
    "-------- Original Message --------", "-------- Mensaje original --------",
    "-------- Forwarded Message --------", NULL,
  };
  for (const char *const *m = markers; *m; m++)
    if (g_str_has_prefix (line, *m))
      return TRUE;
  return g_str_has_suffix (line, "wrote:") || g_str_has_suffix (line, "escribió:")
         || strcmp (line, "-- ") == 0 || strcmp (line, "--") == 0;
}

/**
 * enlace_mail_reply_new_text:
 *
 * Returns: (transfer full) (nullable): what the sender wrote beyond the
 * quoted original — lines not quoted with '>', above the original's
 * attribution line or signature — or %NULL if that is nothing.
 */
char *
enlace_mail_reply_new_text (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GString) out = g_string_new (NULL);
  for (char **l = lines; *l; l++)
    {
      g_strchomp (*l);
      if (starts_original (*l))
        break;
      const char *t = *l;
      while (*t == ' ' || *t == '\t')
        t++;
      if (*t == '>' || *t == '\0')
        continue;
      if (out->len)
        g_string_append_c (out, '\n');
      g_string_append (out, *l);
    }
  return out->len ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}
