/* enlace-mail-tls.c — TLS to the mail servers, by the directory's rule.
 *
 * Every SMTP and IMAP URL whose host is not this machine (see
 * enlace_host_is_local(): 127.0.0.1, ::1 or localhost, written so) is
 * spoken to over TLS: smtps:// and imaps:// from the first byte, smtp://
 * and imap:// with STARTTLS, and a server that does not offer STARTTLS is
 * refused, never written to in clear text. [mail] starttls=true asks
 * STARTTLS of a server on this machine too. Whenever TLS is used the
 * certificate and the host name are checked, whatever the environment
 * says, against [mail] cafile when it is set, else the system's store.
 *
 * libcurl says why a certificate was refused in its TLS library's words,
 * which differ from one build to the next; so, as for the directory, the
 * certificate is fetched once more, unchecked, on a connection that
 * carries no credentials, and enlace-tls.c says what is wrong with it in
 * the words it uses for the directory. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "enlace-error.h"
#include "enlace-mail-tls-private.h"
#include "enlace-tls-private.h"

/* Seconds for the diagnosing connection, as for the directory's. */
#define DIAGNOSE_TIMEOUT 10

/* @url's host as libcurl reads it (an IPv6 address without its brackets),
 * so that the host judged local is the host libcurl connects to. */
static char *
url_host (const EnlaceCurl *c, const char *url)
{
  CURLU *u = c->url ();
  char *part = NULL;
  char *host = NULL;
  if (u != NULL && c->url_set (u, CURLUPART_URL, url, 0) == CURLUE_OK
      && c->url_get (u, CURLUPART_HOST, &part, 0) == CURLUE_OK && part != NULL)
    {
      gsize len = strlen (part);
      host = part[0] == '[' && len > 1 && part[len - 1] == ']' ? g_strndup (part + 1, len - 2)
                                                                : g_strdup (part);
    }
  if (part != NULL)
    c->free (part);
  if (u != NULL)
    c->url_cleanup (u);
  return host;
}

static gboolean
is_implicit (const char *url)
{
  return g_str_has_prefix (url, "smtps://") || g_str_has_prefix (url, "imaps://");
}

/**
 * enlace_mail_tls_setup:
 * @url: the smtp://, smtps://, imap:// or imaps:// URL @handle will use
 *
 * Sets @handle's TLS options for @url by the rule above.
 *
 * Returns: %FALSE with %ENLACE_ERROR_INVALID when libcurl cannot read
 * @url or the CA file is not there.
 */
gboolean
enlace_mail_tls_setup (const EnlaceCurl *c, CURL *handle, EnlaceMailConfig *mc, const char *url,
                       GError **error)
{
  g_autofree char *host = url_host (c, url);
  if (host == NULL || *host == '\0')
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("mail server URL '%s': no host in it that libcurl can read"), url);
      return FALSE;
    }
  gboolean implicit = is_implicit (url);
  gboolean starttls = !implicit && (mc->starttls || !enlace_host_is_local (host));
  if (!implicit && !starttls)
    return TRUE;  /* this machine, in clear text: nothing leaves it */
  if (mc->cafile != NULL && !g_file_test (mc->cafile, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("[mail] cafile %s: no such file (it holds the certificate of the CA that "
                     "signed the mail server's certificate)"), mc->cafile);
      return FALSE;
    }
  if (starttls)
    c->easy_setopt (handle, CURLOPT_USE_SSL, (long) CURLUSESSL_ALL);
  c->easy_setopt (handle, CURLOPT_SSL_VERIFYPEER, 1L);
  c->easy_setopt (handle, CURLOPT_SSL_VERIFYHOST, 2L);
  if (mc->cafile != NULL)
    {
      /* That file alone, as libldap takes [directory] cafile: not the
       * system's directory of CAs besides. */
      c->easy_setopt (handle, CURLOPT_CAINFO, mc->cafile);
      c->easy_setopt (handle, CURLOPT_CAPATH, NULL);
    }
  return TRUE;
}

/**
 * enlace_mail_tls_failed:
 *
 * Returns: whether @rc is a failure of TLS itself (a certificate refused,
 * no STARTTLS, a failed handshake), which trying again will not mend.
 */
gboolean
enlace_mail_tls_failed (CURLcode rc)
{
  switch (rc)
    {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return TRUE;
    default:
      return FALSE;
    }
}

/* The certificate @url's server sends, unchecked, as PEM; %NULL when it
 * cannot be had. The connection carries no user name or password (they
 * are taken out of the URL, and none is set), so libcurl stops after the
 * greeting and STARTTLS, before any login, and closes it. */
static char *
fetch_certificate (const EnlaceCurl *c, const char *url, gboolean starttls)
{
  CURLU *u = c->url ();
  char *bare = NULL;
  char *pem = NULL;
  if (u == NULL || c->url_set (u, CURLUPART_URL, url, 0) != CURLUE_OK
      || c->url_set (u, CURLUPART_USER, NULL, 0) != CURLUE_OK
      || c->url_set (u, CURLUPART_PASSWORD, NULL, 0) != CURLUE_OK
      || c->url_set (u, CURLUPART_OPTIONS, NULL, 0) != CURLUE_OK
      || c->url_get (u, CURLUPART_URL, &bare, 0) != CURLUE_OK)
    {
      if (u != NULL)
        c->url_cleanup (u);
      return NULL;
    }
  c->url_cleanup (u);

  CURL *h = c->easy_init ();
  if (h == NULL)
    {
      c->free (bare);
      return NULL;
    }
  c->easy_setopt (h, CURLOPT_URL, bare);
  c->easy_setopt (h, CURLOPT_NOSIGNAL, 1L);
  c->easy_setopt (h, CURLOPT_CONNECTTIMEOUT, (long) DIAGNOSE_TIMEOUT);
  c->easy_setopt (h, CURLOPT_TIMEOUT, (long) DIAGNOSE_TIMEOUT);
  c->easy_setopt (h, CURLOPT_CONNECT_ONLY, 1L);
  c->easy_setopt (h, CURLOPT_CERTINFO, 1L);
  c->easy_setopt (h, CURLOPT_SSL_VERIFYPEER, 0L);
  c->easy_setopt (h, CURLOPT_SSL_VERIFYHOST, 0L);
  if (starttls)
    c->easy_setopt (h, CURLOPT_USE_SSL, (long) CURLUSESSL_ALL);
  struct curl_certinfo *info = NULL;
  if (c->easy_perform (h) == CURLE_OK
      && c->easy_getinfo (h, CURLINFO_CERTINFO, &info) == CURLE_OK && info != NULL
      && info->num_of_certs > 0)
    for (struct curl_slist *s = info->certinfo[0]; s != NULL && pem == NULL; s = s->next)
      if (g_str_has_prefix (s->data, "Cert:"))
        pem = g_strdup (s->data + strlen ("Cert:"));
  c->easy_cleanup (h);
  c->free (bare);
  return pem;
}

/**
 * enlace_mail_set_tls_error:
 * @url: the URL whose server was refused
 * @rc: the failure, one enlace_mail_tls_failed() accepts
 * @words: libcurl's words on it
 *
 * Sets @error (%ENLACE_ERROR_UNREACHABLE) to say which server was refused,
 * why in words, which CA file was used and how to name another.
 */
void
enlace_mail_set_tls_error (GError **error, const EnlaceCurl *c, EnlaceMailConfig *mc,
                           const char *url, CURLcode rc, const char *words)
{
  g_autofree char *host = url_host (c, url);
  gboolean implicit = is_implicit (url);
  if (rc == CURLE_USE_SSL_FAILED)
    {
      if (host != NULL && enlace_host_is_local (host))
        g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_UNREACHABLE,
                     _("the mail server at %s does not offer STARTTLS (%s), which [mail] "
                       "starttls=true requires"), url, words);
      else
        g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_UNREACHABLE,
                     _("the mail server at %s does not offer STARTTLS (%s): enlace sends "
                       "nothing in clear text beyond this machine; use %s, or give the server "
                       "a certificate"), url, words,
                     g_str_has_prefix (url, "imap") ? "imaps://" : "smtps://");
      return;
    }
  g_autofree char *why = NULL;
  if (host != NULL && rc != CURLE_SSL_CACERT_BADFILE)
    {
      g_autofree char *pem = fetch_certificate (c, url, !implicit);
      if (pem != NULL)
        why = enlace_tls_check_certificate (pem, strlen (pem), TRUE, host, mc->cafile);
    }
  if (why == NULL)
    why = g_strdup_printf (_("the TLS handshake failed (%s)"), words);
  g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_UNREACHABLE,
               _("refused the mail server at %s: %s (certificates are checked against %s; "
                 "[mail] cafile or ENLACE_MAIL_CAFILE name another)"),
               url, why, mc->cafile ? mc->cafile : _("the system's certificate store"));
}
