/* enlace-mail.c — compose messages and move them over SMTP and IMAP. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "enlace-curl.h"
#include "enlace-error.h"
#include "enlace-mail.h"
#include "enlace-mail-tls-private.h"

/* ---- settings ---------------------------------------------------------- */

static char *
setting (GKeyFile *kf, const char *env, const char *key)
{
  const char *value = env ? g_getenv (env) : NULL;
  if (value != NULL && *value != '\0')
    return g_strdup (value);
  return g_key_file_get_string (kf, "mail", key, NULL);
}

static int
int_setting (GKeyFile *kf, const char *key, int fallback, int min, int max, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  if (!g_key_file_has_key (kf, "mail", key, NULL))
    return fallback;
  int v = g_key_file_get_integer (kf, "mail", key, &local_error);
  if (local_error != NULL || v < min || v > max)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("[mail] %s: must be a whole number from %d to %d"), key, min, max);
      return -1;
    }
  return v;
}

static gboolean
check_url (const char *what, const char *url, const char *const *schemes, GError **error)
{
  if (url == NULL)
    return TRUE;
  for (const char *const *s = schemes; *s != NULL; s++)
    if (g_str_has_prefix (url, *s))
      return TRUE;
  g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
               _("%s '%s': must start with %s"), what, url, schemes[0]);
  return FALSE;
}

/**
 * enlace_mail_config_new:
 *
 * Reads the mail settings. Nothing here requires mail to be configured:
 * enlace_mail_config_can_send() says whether it is.
 */
EnlaceMailConfig *
enlace_mail_config_new (EnlaceConfig *config, GError **error)
{
  static const char *const smtp_schemes[] = { "smtp://", "smtps://", NULL };
  static const char *const imap_schemes[] = { "imap://", "imaps://", NULL };
  GKeyFile *kf = enlace_config_get_keyfile (config);
  g_autoptr(EnlaceMailConfig) mc = g_new0 (EnlaceMailConfig, 1);
  g_autoptr(GError) local_error = NULL;

  mc->smtp_url = setting (kf, "ENLACE_SMTP_URL", "smtp-url");
  mc->imap_url = setting (kf, "ENLACE_IMAP_URL", "imap-url");
  mc->from = setting (kf, "ENLACE_MAIL_FROM", "from");
  mc->from_name = setting (kf, NULL, "from-name");
  mc->secretariat = setting (kf, NULL, "secretariat");
  mc->archive = setting (kf, NULL, "archive");
  mc->archive_mailbox = setting (kf, NULL, "archive-mailbox");
  mc->templates = setting (kf, "ENLACE_TEMPLATES", "templates");
  mc->cafile = setting (kf, "ENLACE_MAIL_CAFILE", "cafile");
  if (mc->from_name == NULL)
    mc->from_name = g_strdup (_("Technical Secretariat"));
  if (mc->secretariat == NULL)
    mc->secretariat = g_strdup (mc->from);
  if (mc->archive_mailbox == NULL)
    mc->archive_mailbox = g_strdup ("Archive");

  mc->notify = TRUE;
  if (g_key_file_has_key (kf, "mail", "notify", NULL))
    {
      mc->notify = g_key_file_get_boolean (kf, "mail", "notify", &local_error);
      if (local_error != NULL)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("[mail] notify: must be true or false"));
          return NULL;
        }
    }
  mc->notify_roles = g_key_file_get_string_list (kf, "mail", "notify-roles", NULL, NULL);
  if (mc->notify_roles == NULL)
    mc->notify_roles = g_strsplit ("cancilleria-coordinator", ",", -1);

  if ((mc->retries = int_setting (kf, "retries", 3, 0, 20, error)) < 0
      || (mc->retry_delay_ms = int_setting (kf, "retry-delay-ms", 1000, 0, 600000, error)) < 0
      || (mc->remind_after = int_setting (kf, "remind-after", 14, 1, 365, error)) < 0
      || (mc->escalate_after = int_setting (kf, "escalate-after", 30, 1, 365, error)) < 0)
    return NULL;
  mc->starttls = g_key_file_get_boolean (kf, "mail", "starttls", NULL);

  if (!check_url ("ENLACE_SMTP_URL / [mail] smtp-url", mc->smtp_url, smtp_schemes, error)
      || !check_url ("ENLACE_IMAP_URL / [mail] imap-url", mc->imap_url, imap_schemes, error))
    return NULL;

  g_autofree char *pwfile = setting (kf, "ENLACE_MAIL_PASSWORD_FILE", "password-file");
  if (pwfile != NULL
      && (mc->password = enlace_read_password_file (pwfile, _("mail password file"), error)) == NULL)
    return NULL;
  return g_steal_pointer (&mc);
}

void
enlace_mail_config_free (EnlaceMailConfig *mc)
{
  if (mc == NULL)
    return;
  g_free (mc->smtp_url);
  g_free (mc->imap_url);
  g_free (mc->from);
  g_free (mc->from_name);
  if (mc->password != NULL)
    memset (mc->password, 0, strlen (mc->password));
  g_free (mc->password);
  g_free (mc->secretariat);
  g_free (mc->archive);
  g_free (mc->archive_mailbox);
  g_free (mc->templates);
  g_free (mc->cafile);
  g_strfreev (mc->notify_roles);
  g_clear_pointer (&mc->templates_read, g_hash_table_unref);
  g_free (mc);
}

/**
 * enlace_mail_config_can_send:
 *
 * Returns: %TRUE if an SMTP server and a sender are configured; otherwise
 * %FALSE with an ENLACE_ERROR_INVALID error saying what to set.
 */
gboolean
enlace_mail_config_can_send (EnlaceMailConfig *mc, GError **error)
{
  if (mc->smtp_url == NULL || mc->from == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("mail is not configured: set ENLACE_SMTP_URL and ENLACE_MAIL_FROM, or "
                   "smtp-url= and from= in the [mail] group of the config file"));
      return FALSE;
    }
  return TRUE;
}

/* ---- composing --------------------------------------------------------- */

typedef struct {
  char *name;
  char *address;
} Mailbox;

struct _EnlaceMessage {
  Mailbox from;
  GArray *to;     /* Mailbox */
  GPtrArray *bcc; /* char*, envelope only */
  char *subject;
  char *text;
  char *html;
  GPtrArray *headers; /* name, value, name, value… */
  char *message_id;
};

static void
mailbox_clear (gpointer p)
{
  Mailbox *m = p;
  g_free (m->name);
  g_free (m->address);
}

char *
enlace_message_new_id (const char *from_address)
{
  const char *at = from_address ? strrchr (from_address, '@') : NULL;
  return g_strdup_printf ("<enlace.%08x%08x%08x@%s>", g_random_int (), g_random_int (),
                          g_random_int (), at ? at + 1 : "enlace.invalid");
}

EnlaceMessage *
enlace_message_new (const char *from_name, const char *from_address)
{
  EnlaceMessage *msg = g_new0 (EnlaceMessage, 1);
  msg->from.name = g_strdup (from_name);
  msg->from.address = g_strdup (from_address);
  msg->to = g_array_new (FALSE, TRUE, sizeof (Mailbox));
  g_array_set_clear_func (msg->to, mailbox_clear);
  msg->bcc = g_ptr_array_new_with_free_func (g_free);
  msg->headers = g_ptr_array_new_with_free_func (g_free);
  msg->message_id = enlace_message_new_id (from_address);
  return msg;
}

void
enlace_message_free (EnlaceMessage *msg)
{
  if (msg == NULL)
    return;
  mailbox_clear (&msg->from);
  g_array_unref (msg->to);
  g_ptr_array_unref (msg->bcc);
  g_ptr_array_unref (msg->headers);
  g_free (msg->subject);
  g_free (msg->text);
  g_free (msg->html);
  g_free (msg->message_id);
  g_free (msg);
}

void
enlace_message_add_to (EnlaceMessage *msg, const char *name, const char *address)
{
  Mailbox m = { g_strdup (name), g_strdup (address) };
  g_array_append_val (msg->to, m);
}

void
enlace_message_add_bcc (EnlaceMessage *msg, const char *address)
{
  g_ptr_array_add (msg->bcc, g_strdup (address));
}

void
enlace_message_set_subject (EnlaceMessage *msg, const char *subject)
{
  g_free (msg->subject);
  msg->subject = g_strdup (subject);
}

void
enlace_message_set_text (EnlaceMessage *msg, const char *text)
{
  g_free (msg->text);
  msg->text = g_strdup (text);
}

void
enlace_message_set_html (EnlaceMessage *msg, const char *html)
{
  g_free (msg->html);
  msg->html = g_strdup (html);
}

void
enlace_message_add_header (EnlaceMessage *msg, const char *name, const char *value)
{
  g_ptr_array_add (msg->headers, g_strdup (name));
  g_ptr_array_add (msg->headers, g_strdup (value));
}

void
enlace_message_set_id (EnlaceMessage *msg, const char *message_id)
{
  g_free (msg->message_id);
  msg->message_id = g_strdup (message_id);
}

const char *
enlace_message_get_id (EnlaceMessage *msg)
{
  return msg->message_id;
}

/* CR, LF or NUL in a header value would start a header of its own. */
static gboolean
check_header_value (const char *field, const char *value, GError **error)
{
  if (value == NULL)
    return TRUE;
  if (strpbrk (value, "\r\n") != NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("%s: a line break is not allowed in a mail header"), field);
      return FALSE;
    }
  if (!g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, _("%s: not valid UTF-8"), field);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_address (const char *field, const char *address, GError **error)
{
  if (address == NULL || *address == '\0' || strchr (address, '@') == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("%s: '%s' is not an email address"), field, address ? address : "");
      return FALSE;
    }
  for (const char *p = address; *p; p++)
    if ((guchar) *p <= ' ' || (guchar) *p >= 0x7f || strchr ("<>,;\"()\\[]", *p) != NULL)
      {
        g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                     _("%s: '%s' is not an email address (character '%c' not allowed)"), field,
                     address, g_ascii_isprint (*p) ? *p : '?');
        return FALSE;
      }
  return TRUE;
}

static gboolean
is_plain_ascii (const char *s)
{
  for (; *s; s++)
    if ((guchar) *s < 0x20 || (guchar) *s >= 0x7f)
      return FALSE;
  return TRUE;
}

/* Append RFC 2047 B-encoded words for @s, each at most 75 characters, cut
 * only between UTF-8 characters and, where it can, after a space: some
 * decoders (Python's, in address headers) keep the folding between two
 * encoded words, which must then not fall inside a word. */
static void
append_encoded_words (GPtrArray *tokens, const char *s)
{
  const char *p = s;
  while (*p)
    {
      const char *end = p, *after_space = NULL;
      while (*end)
        {
          const char *next = g_utf8_next_char (end);
          if (next - p > 45)  /* 45 bytes → 60 base64 characters */
            break;
          if (*end == ' ')
            after_space = next;
          end = next;
        }
      if (*end && after_space != NULL)
        end = after_space;
      g_autofree char *b64 = g_base64_encode ((const guchar *) p, end - p);
      g_ptr_array_add (tokens, g_strdup_printf ("=?UTF-8?B?%s?=", b64));
      p = end;
    }
}

/* Split a text value into the tokens of a header: ASCII words as they are,
 * each run of words with non-ASCII characters as encoded words. */
static GPtrArray *
text_tokens (const char *value)
{
  GPtrArray *tokens = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) words = g_strsplit (value, " ", -1);
  g_autoptr(GString) run = NULL;

  for (char **w = words; ; w++)
    {
      gboolean plain = *w != NULL && is_plain_ascii (*w) && strstr (*w, "=?") == NULL;
      if ((*w == NULL || plain) && run != NULL)
        {
          append_encoded_words (tokens, run->str);
          g_string_free (g_steal_pointer (&run), TRUE);
        }
      if (*w == NULL)
        break;
      if (plain)
        {
          if (**w != '\0')
            g_ptr_array_add (tokens, g_strdup (*w));
        }
      else if (run == NULL)
        run = g_string_new (*w);
      else
        g_string_append_printf (run, " %s", *w);
    }
  return tokens;
}

/* One header, folded at 78 characters where it can be. */
static void
append_header (GString *out, const char *name, GPtrArray *tokens)
{
  gsize line = strlen (name) + 1;
  g_string_append_printf (out, "%s:", name);
  for (guint i = 0; i < tokens->len; i++)
    {
      const char *t = tokens->pdata[i];
      if (i > 0 && line + 1 + strlen (t) > 78)
        {
          g_string_append (out, "\r\n");
          line = 0;
        }
      g_string_append_printf (out, " %s", t);
      line += 1 + strlen (t);
    }
  g_string_append (out, "\r\n");
}

static void
append_text_header (GString *out, const char *name, const char *value)
{
  g_autoptr(GPtrArray) tokens = text_tokens (value);
  append_header (out, name, tokens);
}

static char *
quoted_string (const char *s)
{
  GString *q = g_string_new ("\"");
  for (const char *p = s; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (q, '\\');
      g_string_append_c (q, *p);
    }
  g_string_append_c (q, '"');
  return g_string_free (q, FALSE);
}

/* A display name as a phrase: runs of ASCII words as quoted strings, runs
 * of words with other characters as encoded words, so that no decoder has
 * to join two encoded words across a space. */
static void
mailbox_tokens (GPtrArray *tokens, const Mailbox *m, gboolean comma)
{
  g_autofree char *addr = g_strdup_printf ("<%s>%s", m->address, comma ? "," : "");
  if (m->name != NULL && *m->name != '\0')
    {
      g_auto(GStrv) words = g_strsplit (m->name, " ", -1);
      g_autoptr(GString) run = NULL;
      gboolean run_ascii = FALSE;
      for (char **w = words; ; w++)
        {
          gboolean ascii = *w != NULL && is_plain_ascii (*w) && strstr (*w, "=?") == NULL;
          if (run != NULL && (*w == NULL || ascii != run_ascii))
            {
              if (run_ascii)
                g_ptr_array_add (tokens, quoted_string (run->str));
              else
                append_encoded_words (tokens, run->str);
              g_string_free (g_steal_pointer (&run), TRUE);
            }
          if (*w == NULL)
            break;
          if (run == NULL)
            {
              run = g_string_new (*w);
              run_ascii = ascii;
            }
          else
            g_string_append_printf (run, " %s", *w);
        }
    }
  g_ptr_array_add (tokens, g_steal_pointer (&addr));
}

/* Quoted-printable (RFC 2045), lines of at most 76 characters. The text is
 * readable in the raw message, and replies quote it decoded. */
static void
append_quoted_printable (GString *out, const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  for (char **l = lines; *l != NULL; l++)
    {
      gsize len = strlen (*l), col = 0;
      if (len > 0 && (*l)[len - 1] == '\r')
        len--;
      if (l[1] == NULL && len == 0)
        break;  /* the text ended with a newline */
      for (gsize i = 0; i < len; i++)
        {
          guchar c = (*l)[i];
          char enc[4];
          gboolean last = i + 1 == len;
          if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last))
            enc[0] = c, enc[1] = '\0';
          else
            g_snprintf (enc, sizeof enc, "=%02X", c);
          if (col + strlen (enc) > 75)
            {
              g_string_append (out, "=\r\n");
              col = 0;
            }
          g_string_append (out, enc);
          col += strlen (enc);
        }
      g_string_append (out, "\r\n");
    }
}

static void
append_rfc5322_date (GString *out)
{
  static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
  static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  /* g_date_time_new_now_local() checks /etc/localtime on every call. */
  static GTimeZone *local_tz;
  if (g_once_init_enter (&local_tz))
    g_once_init_leave (&local_tz, g_time_zone_new_local ());
  g_autoptr(GDateTime) now = g_date_time_new_now (local_tz);
  gint64 off = g_date_time_get_utc_offset (now) / G_TIME_SPAN_MINUTE;
  g_string_append_printf (out, "Date: %s, %02d %s %04d %02d:%02d:%02d %c%02d%02d\r\n",
                          days[g_date_time_get_day_of_week (now) - 1],
                          g_date_time_get_day_of_month (now),
                          months[g_date_time_get_month (now) - 1], g_date_time_get_year (now),
                          g_date_time_get_hour (now), g_date_time_get_minute (now),
                          g_date_time_get_second (now), off < 0 ? '-' : '+',
                          (int) (ABS (off) / 60), (int) (ABS (off) % 60));
}

static void
append_part (GString *out, const char *subtype, const char *body)
{
  g_string_append_printf (out, "Content-Type: text/%s; charset=UTF-8\r\n"
                               "Content-Transfer-Encoding: quoted-printable\r\n\r\n", subtype);
  append_quoted_printable (out, body);
}

/**
 * enlace_message_render:
 *
 * Returns: (transfer full): the message as RFC 5322 text with CRLF line
 * ends, or %NULL with ENLACE_ERROR_INVALID naming the bad field.
 */
GBytes *
enlace_message_render (EnlaceMessage *msg, GError **error)
{
  g_autoptr(GString) out = g_string_sized_new (2048);
  g_autoptr(GPtrArray) to = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) from = g_ptr_array_new_with_free_func (g_free);

  if (!check_address ("From", msg->from.address, error)
      || !check_header_value ("From", msg->from.name, error)
      || !check_header_value ("Subject", msg->subject, error)
      || !check_header_value ("Message-ID", msg->message_id, error))
    return NULL;
  if (msg->to->len == 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, _("To: no recipient"));
      return NULL;
    }
  for (guint i = 0; i < msg->to->len; i++)
    {
      Mailbox *m = &g_array_index (msg->to, Mailbox, i);
      if (!check_address ("To", m->address, error) || !check_header_value ("To", m->name, error))
        return NULL;
      mailbox_tokens (to, m, i + 1 < msg->to->len);
    }
  for (guint i = 0; i < msg->bcc->len; i++)
    if (!check_address ("Bcc", msg->bcc->pdata[i], error))
      return NULL;
  for (guint i = 0; i < msg->headers->len; i += 2)
    if (!check_header_value (msg->headers->pdata[i], msg->headers->pdata[i + 1], error))
      return NULL;
  if (msg->text == NULL || !g_utf8_validate (msg->text, -1, NULL))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("message body: missing or not valid UTF-8"));
      return NULL;
    }

  append_rfc5322_date (out);
  mailbox_tokens (from, &msg->from, FALSE);
  append_header (out, "From", from);
  append_header (out, "To", to);
  append_text_header (out, "Subject", msg->subject ? msg->subject : "");
  g_string_append_printf (out, "Message-ID: %s\r\nMIME-Version: 1.0\r\n", msg->message_id);
  for (guint i = 0; i < msg->headers->len; i += 2)
    append_text_header (out, msg->headers->pdata[i], msg->headers->pdata[i + 1]);

  if (msg->html == NULL)
    append_part (out, "plain", msg->text);
  else
    {
      g_autofree char *boundary = g_strdup_printf ("=_enlace_%08x%08x", g_random_int (),
                                                   g_random_int ());
      g_string_append_printf (out, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n"
                                   "--%s\r\n", boundary, boundary);
      append_part (out, "plain", msg->text);
      g_string_append_printf (out, "--%s\r\n", boundary);
      append_part (out, "html", msg->html);
      g_string_append_printf (out, "--%s--\r\n", boundary);
    }
  return g_string_free_to_bytes (g_steal_pointer (&out));
}

/* ---- SMTP -------------------------------------------------------------- */

struct _EnlaceMailer {
  const EnlaceCurl *curl;
  CURL *handle;
  EnlaceMailConfig *mc;
  char errbuf[CURL_ERROR_SIZE];
};

typedef struct {
  const char *data;
  gsize len, pos;
} Upload;

static size_t
read_upload (char *buffer, size_t size, size_t nitems, void *userdata)
{
  Upload *u = userdata;
  size_t n = MIN (size * nitems, u->len - u->pos);
  memcpy (buffer, u->data + u->pos, n);
  u->pos += n;
  return n;
}

static size_t
discard_bytes (char *ptr, size_t size, size_t nmemb, void *userdata)
{
  return size * nmemb;
}

/* The options every handle takes; TLS as @url's host requires it. */
static gboolean
common_options (const EnlaceCurl *c, CURL *h, EnlaceMailConfig *mc, const char *url, char *errbuf,
                GError **error)
{
  c->easy_setopt (h, CURLOPT_NOSIGNAL, 1L);
  c->easy_setopt (h, CURLOPT_CONNECTTIMEOUT, 15L);
  c->easy_setopt (h, CURLOPT_ERRORBUFFER, errbuf);
  if (mc->password != NULL)
    c->easy_setopt (h, CURLOPT_PASSWORD, mc->password);
  return enlace_mail_tls_setup (c, h, mc, url, error);
}

EnlaceMailer *
enlace_mailer_new (EnlaceMailConfig *mc, GError **error)
{
  const EnlaceCurl *c;
  if (!enlace_mail_config_can_send (mc, error) || (c = enlace_curl_get (error)) == NULL)
    return NULL;
  g_autoptr(EnlaceMailer) mailer = g_new0 (EnlaceMailer, 1);
  mailer->curl = c;
  mailer->mc = mc;
  mailer->handle = c->easy_init ();
  if (!common_options (c, mailer->handle, mc, mc->smtp_url, mailer->errbuf, error))
    return NULL;
  c->easy_setopt (mailer->handle, CURLOPT_URL, mc->smtp_url);
  c->easy_setopt (mailer->handle, CURLOPT_UPLOAD, 1L);
  c->easy_setopt (mailer->handle, CURLOPT_READFUNCTION, read_upload);
  c->easy_setopt (mailer->handle, CURLOPT_WRITEFUNCTION, discard_bytes);
  c->easy_setopt (mailer->handle, CURLOPT_TIMEOUT, 120L);
  return g_steal_pointer (&mailer);
}

void
enlace_mailer_free (EnlaceMailer *mailer)
{
  if (mailer == NULL)
    return;
  mailer->curl->easy_cleanup (mailer->handle);
  g_free (mailer);
}

/* One SMTP transaction: @body to the recipients set on the handle, or
 * with @body %NULL the command set with CURLOPT_CUSTOMREQUEST. Temporary
 * failures are retried with backoff, on a new connection. */
static gboolean
smtp_perform (EnlaceMailer *mailer, GBytes *body, GError **error)
{
  const EnlaceCurl *c = mailer->curl;
  for (int attempt = 0; ; attempt++)
    {
      gsize len = 0;
      Upload up = { body ? g_bytes_get_data (body, &len) : NULL, 0, 0 };
      up.len = len;
      long code = 0;
      mailer->errbuf[0] = '\0';
      if (body != NULL)
        {
          c->easy_setopt (mailer->handle, CURLOPT_READDATA, &up);
          c->easy_setopt (mailer->handle, CURLOPT_INFILESIZE_LARGE, (curl_off_t) len);
        }
      CURLcode rc = c->easy_perform (mailer->handle);
      if (rc == CURLE_OK)
        return TRUE;
      c->easy_getinfo (mailer->handle, CURLINFO_RESPONSE_CODE, &code);
      const char *why = mailer->errbuf[0] ? mailer->errbuf : c->easy_strerror (rc);
      if (enlace_mail_tls_failed (rc))
        {
          /* The same certificate, or the same missing STARTTLS, next time. */
          enlace_mail_set_tls_error (error, c, mailer->mc, mailer->mc->smtp_url, rc, why);
          return FALSE;
        }
      if (rc == CURLE_LOGIN_DENIED)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_PERMISSION,
                       _("mail server %s refused the login: %s"), mailer->mc->smtp_url, why);
          return FALSE;
        }
      if (code >= 500 && code < 600)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_REJECTED,
                       _("refused by the mail server (%ld): %s"), code, why);
          return FALSE;
        }
      if (attempt >= mailer->mc->retries)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_UNREACHABLE,
                       _("mail server %s: %s (gave up after %d attempts)"),
                       mailer->mc->smtp_url, why, attempt + 1);
          return FALSE;
        }
      /* 4xx or a dropped connection: wait, then try again on a new one. */
      g_usleep ((gulong) mailer->mc->retry_delay_ms * 1000 << attempt);
    }
}

/**
 * enlace_mailer_connect:
 *
 * Opens the mailer's connection and checks it: the server answers, its
 * certificate passes (see enlace-mail-tls.c), the login is taken, and a
 * NOOP is answered. enlace_mailer_send() goes on over the same
 * connection. For a caller that must know the server will take mail
 * before it records anything.
 *
 * Returns: %TRUE when the server is ready; otherwise %FALSE with
 * ENLACE_ERROR_UNREACHABLE (a refused certificate too) or
 * ENLACE_ERROR_PERMISSION (login refused).
 */
gboolean
enlace_mailer_connect (EnlaceMailer *mailer, GError **error)
{
  const EnlaceCurl *c = mailer->curl;
  c->easy_setopt (mailer->handle, CURLOPT_UPLOAD, 0L);
  c->easy_setopt (mailer->handle, CURLOPT_CUSTOMREQUEST, "NOOP");
  gboolean ok = smtp_perform (mailer, NULL, error);
  c->easy_setopt (mailer->handle, CURLOPT_CUSTOMREQUEST, NULL);
  c->easy_setopt (mailer->handle, CURLOPT_UPLOAD, 1L);
  return ok;
}

/**
 * enlace_mailer_send:
 *
 * Sends @msg to its To and Bcc addresses over the mailer's connection,
 * retrying temporary failures with backoff.
 *
 * Returns: %TRUE once the server accepted the message; otherwise %FALSE
 * with ENLACE_ERROR_REJECTED (the server refused it for good: 5xx),
 * ENLACE_ERROR_PERMISSION (login refused), ENLACE_ERROR_UNREACHABLE
 * (still failing after every retry, or TLS refused: not retried) or
 * ENLACE_ERROR_INVALID.
 */
gboolean
enlace_mailer_send (EnlaceMailer *mailer, EnlaceMessage *msg, GError **error)
{
  const EnlaceCurl *c = mailer->curl;
  g_autoptr(GBytes) body = enlace_message_render (msg, error);
  struct curl_slist *rcpt = NULL;
  g_autofree char *mail_from = NULL;

  if (body == NULL)
    return FALSE;
  mail_from = g_strdup_printf ("<%s>", mailer->mc->from);
  for (guint i = 0; i < msg->to->len; i++)
    {
      g_autofree char *r = g_strdup_printf ("<%s>", g_array_index (msg->to, Mailbox, i).address);
      rcpt = c->slist_append (rcpt, r);
    }
  for (guint i = 0; i < msg->bcc->len; i++)
    {
      g_autofree char *r = g_strdup_printf ("<%s>", (char *) msg->bcc->pdata[i]);
      rcpt = c->slist_append (rcpt, r);
    }
  c->easy_setopt (mailer->handle, CURLOPT_MAIL_FROM, mail_from);
  c->easy_setopt (mailer->handle, CURLOPT_MAIL_RCPT, rcpt);
  gboolean ok = smtp_perform (mailer, body, error);
  c->easy_setopt (mailer->handle, CURLOPT_MAIL_RCPT, NULL);
  c->slist_free_all (rcpt);
  return ok;
}

/* ---- IMAP -------------------------------------------------------------- */

struct _EnlaceImap {
  const EnlaceCurl *curl;
  CURL *handle;
  EnlaceMailConfig *mc;
  char *url;  /* the mailbox's URL, without a trailing slash */
  char errbuf[CURL_ERROR_SIZE];
};

static size_t
collect_bytes (char *ptr, size_t size, size_t nmemb, void *userdata)
{
  g_byte_array_append (userdata, (const guint8 *) ptr, size * nmemb);
  return size * nmemb;
}

/**
 * enlace_imap_new:
 * @mailbox_url: (nullable): imap://user@host:port/MAILBOX; %NULL for the
 *   configured account's INBOX
 */
EnlaceImap *
enlace_imap_new (EnlaceMailConfig *mc, const char *mailbox_url, GError **error)
{
  static const char *const schemes[] = { "imap://", "imaps://", NULL };
  const EnlaceCurl *c;
  g_autofree char *url = NULL;

  if (mailbox_url != NULL)
    url = g_strdup (mailbox_url);
  else if (mc->imap_url != NULL)
    url = g_strdup_printf ("%s/INBOX", mc->imap_url);
  else
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("no IMAP mailbox: give --imap URL, or set ENLACE_IMAP_URL or imap-url= in "
                   "the [mail] group of the config file"));
      return NULL;
    }
  if (!check_url ("IMAP URL", url, schemes, error) || (c = enlace_curl_get (error)) == NULL)
    return NULL;
  while (g_str_has_suffix (url, "/"))
    url[strlen (url) - 1] = '\0';

  g_autoptr(EnlaceImap) imap = g_new0 (EnlaceImap, 1);
  imap->curl = c;
  imap->mc = mc;
  imap->url = g_steal_pointer (&url);
  imap->handle = c->easy_init ();
  if (!common_options (c, imap->handle, mc, imap->url, imap->errbuf, error))
    return NULL;
  c->easy_setopt (imap->handle, CURLOPT_TIMEOUT, 300L);
  c->easy_setopt (imap->handle, CURLOPT_WRITEFUNCTION, collect_bytes);
  return g_steal_pointer (&imap);
}

void
enlace_imap_free (EnlaceImap *imap)
{
  if (imap == NULL)
    return;
  imap->curl->easy_cleanup (imap->handle);
  g_free (imap->url);
  g_free (imap);
}

/* One request on the mailbox: a URL suffix, or a command. */
static GByteArray *
imap_request (EnlaceImap *imap, const char *suffix, const char *command, GError **error)
{
  const EnlaceCurl *c = imap->curl;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autofree char *url = g_strconcat (imap->url, suffix ? suffix : "", NULL);

  imap->errbuf[0] = '\0';
  c->easy_setopt (imap->handle, CURLOPT_URL, url);
  c->easy_setopt (imap->handle, CURLOPT_CUSTOMREQUEST, command);
  c->easy_setopt (imap->handle, CURLOPT_WRITEDATA, out);
  CURLcode rc = c->easy_perform (imap->handle);
  if (rc != CURLE_OK)
    {
      const char *why = imap->errbuf[0] ? imap->errbuf : c->easy_strerror (rc);
      if (enlace_mail_tls_failed (rc))
        {
          enlace_mail_set_tls_error (error, c, imap->mc, imap->url, rc, why);
          return NULL;
        }
      g_set_error (error, ENLACE_ERROR,
                   rc == CURLE_LOGIN_DENIED ? ENLACE_ERROR_PERMISSION : ENLACE_ERROR_UNREACHABLE,
                   _("IMAP %s: %s"), imap->url, why);
      return NULL;
    }
  return g_steal_pointer (&out);
}

/**
 * enlace_imap_search:
 * @criteria: an IMAP SEARCH key, built by enlace itself
 *
 * Returns: (transfer full): the UIDs that match, in ascending order.
 */
GArray *
enlace_imap_search (EnlaceImap *imap, const char *criteria, GError **error)
{
  g_autofree char *command = g_strdup_printf ("UID SEARCH %s", criteria);
  g_autoptr(GByteArray) out = imap_request (imap, NULL, command, error);
  if (out == NULL)
    return NULL;
  g_byte_array_append (out, (const guint8 *) "", 1);
  GArray *uids = g_array_new (FALSE, FALSE, sizeof (guint));
  g_auto(GStrv) lines = g_strsplit ((const char *) out->data, "\n", -1);
  for (char **l = lines; *l != NULL; l++)
    if (g_str_has_prefix (*l, "* SEARCH"))
      {
        g_auto(GStrv) nums = g_strsplit (*l + strlen ("* SEARCH"), " ", -1);
        for (char **n = nums; *n != NULL; n++)
          {
            guint64 uid;
            g_strstrip (*n);
            if (**n != '\0' && g_ascii_string_to_unsigned (*n, 10, 1, G_MAXUINT32, &uid, NULL))
              {
                guint u = uid;
                g_array_append_val (uids, u);
              }
          }
      }
  return uids;
}

/**
 * enlace_imap_fetch:
 *
 * Returns: (transfer full): the whole message with that UID.
 */
GBytes *
enlace_imap_fetch (EnlaceImap *imap, guint uid, GError **error)
{
  g_autofree char *suffix = g_strdup_printf ("/;UID=%u", uid);
  GByteArray *out = imap_request (imap, suffix, NULL, error);
  return out ? g_byte_array_free_to_bytes (out) : NULL;
}

gboolean
enlace_imap_add_flags (EnlaceImap *imap, guint uid, const char *flags, GError **error)
{
  g_autofree char *command = g_strdup_printf ("UID STORE %u +FLAGS (%s)", uid, flags);
  g_autoptr(GByteArray) out = imap_request (imap, NULL, command, error);
  return out != NULL;
}

/**
 * enlace_imap_has_message_id:
 * @found: (out): whether a message with that Message-ID is in the mailbox
 */
gboolean
enlace_imap_has_message_id (EnlaceImap *imap, const char *message_id, gboolean *found,
                            GError **error)
{
  for (const char *p = message_id; *p; p++)
    if (*p == '"' || *p == '\\' || (guchar) *p < 0x21 || (guchar) *p > 0x7e)
      {
        g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                     _("Message-ID %s: not searchable"), message_id);
        return FALSE;
      }
  g_autofree char *criteria = g_strdup_printf ("HEADER Message-ID \"%s\"", message_id);
  g_autoptr(GArray) uids = enlace_imap_search (imap, criteria, error);
  if (uids == NULL)
    return FALSE;
  *found = uids->len > 0;
  return TRUE;
}
