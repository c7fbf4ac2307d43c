/* enlace-tls.c — which servers may be spoken to in clear text, and why a
 * server's certificate was refused.
 *
 * libldap refuses a certificate it cannot verify, and says only "Can't
 * contact LDAP server" (GnuTLS's reason is lost on the way). To tell the
 * user what is wrong, as curl does, enlace connects once more without
 * checking, reads the certificate the server sent and checks it with
 * GnuTLS (which libldap is built on, so already loaded): against the
 * same CA file, the host name and the dates. Nothing is sent on that
 * connection but the handshake; it is closed at once. The mail code
 * (enlace-mail-tls.c) fetches its servers' certificates through libcurl
 * and has them checked here, so both say the same thing in the same
 * words. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>
#include <arpa/inet.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <ldap.h>

#include "enlace-autocleanups.h"
#include "enlace-tls-private.h"

/* Network timeout of the diagnosing connection, in seconds. */
#define DIAGNOSE_TIMEOUT 5

static char *
format_time (time_t t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);
  return dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M UTC") : g_strdup ("?");
}

/* The server's certificate, unchecked: %FALSE when it cannot be reached
 * or sends none. */
static gboolean
fetch_certificate (const char *uri, gboolean starttls, struct berval *der)
{
  g_autoptr(EnlaceLdap) ld = NULL;
  if (ldap_initialize (&ld, uri) != LDAP_SUCCESS)
    return FALSE;
  int version = LDAP_VERSION3;
  struct timeval timeout = { DIAGNOSE_TIMEOUT, 0 };
  int never = LDAP_OPT_X_TLS_NEVER;
  int is_server = 0;
  ldap_set_option (ld, LDAP_OPT_PROTOCOL_VERSION, &version);
  ldap_set_option (ld, LDAP_OPT_NETWORK_TIMEOUT, &timeout);
  ldap_set_option (ld, LDAP_OPT_CONNECT_ASYNC, LDAP_OPT_ON);
  ldap_set_option (ld, LDAP_OPT_TIMEOUT, &timeout);
  ldap_set_option (ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &never);
  ldap_set_option (ld, LDAP_OPT_X_TLS_NEWCTX, &is_server);
  int rc = starttls ? ldap_start_tls_s (ld, NULL, NULL) : ldap_connect (ld);
  if (rc != LDAP_SUCCESS)
    return FALSE;
  /* The DER bytes, in a berval of ours; freed with ldap_memfree(). */
  return ldap_get_option (ld, LDAP_OPT_X_TLS_PEERCERT, der) == LDAP_OPT_SUCCESS
         && der->bv_val != NULL;
}

/* Whether @host, as written in a URL, is this machine: 127.0.0.1, ::1
 * or localhost, written so. Any other host, a name that resolves to a
 * loopback address or another address of 127/8 included, is the
 * network's: a DNS answer must never turn TLS off, and a trial on a
 * second loopback address then behaves as production will. */
gboolean
enlace_host_is_local (const char *host)
{
  return host != NULL
         && (g_str_equal (host, "127.0.0.1") || g_str_equal (host, "::1")
             || g_ascii_strcasecmp (host, "localhost") == 0);
}

/**
 * enlace_tls_check_certificate:
 * @data: a certificate, DER or (@pem) PEM
 * @host: the host the client asked for, as in its URL
 * @cafile: (nullable): the CA file the client checks against; %NULL for
 *   the system's store
 *
 * Checks the certificate a server sent as a client would, and says why it
 * fails: its dates, @host, its signer.
 *
 * Returns: (transfer full) (nullable): the reasons, in words; %NULL when
 * nothing was found wrong.
 */
char *
enlace_tls_check_certificate (const void *data, gsize len, gboolean pem, const char *host,
                              const char *cafile)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_x509_trust_list_t trust = NULL;
  gnutls_datum_t datum = { (unsigned char *) data, (unsigned int) len };
  GString *why = g_string_new (NULL);
  if (gnutls_x509_crt_init (&crt) < 0
      || gnutls_x509_crt_import (crt, &datum, pem ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER)
             < 0)
    {
      g_string_append (why, _("its certificate cannot be read"));
      goto out;
    }
  time_t now = time (NULL);
  time_t not_after = gnutls_x509_crt_get_expiration_time (crt);
  time_t not_before = gnutls_x509_crt_get_activation_time (crt);
  if (not_after != (time_t) -1 && not_after < now)
    {
      g_autofree char *when = format_time (not_after);
      g_string_append_printf (why, _("its certificate expired on %s"), when);
    }
  else if (not_before != (time_t) -1 && not_before > now)
    {
      g_autofree char *when = format_time (not_before);
      g_string_append_printf (why, _("its certificate is not valid before %s"), when);
    }

  if (!gnutls_x509_crt_check_hostname (crt, host))
    {
      char name[256] = "";
      size_t size = sizeof name;
      unsigned int critical = 0;
      int type = gnutls_x509_crt_get_subject_alt_name (crt, 0, name, &size, &critical);
      if (type < 0)
        {
          size = sizeof name;
          gnutls_x509_crt_get_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, name, &size);
        }
      if (type == GNUTLS_SAN_IPADDRESS && (size == 4 || size == 16))
        {
          char text[INET6_ADDRSTRLEN] = "";
          inet_ntop (size == 4 ? AF_INET : AF_INET6, name, text, sizeof text);
          g_strlcpy (name, text, sizeof name);
        }
      if (why->len > 0)
        g_string_append (why, "; ");
      g_string_append_printf (why, _("its certificate is for %s, not for %s, the host in the URL"),
                              *name ? name : "?", host);
    }

  unsigned int status = 0;
  gboolean loaded = gnutls_x509_trust_list_init (&trust, 0) >= 0
                    && (cafile != NULL
                            ? gnutls_x509_trust_list_add_trust_file (trust, cafile, NULL,
                                                                     GNUTLS_X509_FMT_PEM, 0, 0)
                            : gnutls_x509_trust_list_add_system_trust (trust, 0, 0))
                           >= 0;
  if (loaded && gnutls_x509_trust_list_verify_crt (trust, &crt, 1, 0, &status, NULL) >= 0
      && (status & (GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_SIGNER_NOT_CA)))
    {
      gnutls_datum_t issuer = { NULL, 0 };
      gnutls_x509_crt_get_issuer_dn2 (crt, &issuer);
      if (why->len > 0)
        g_string_append (why, "; ");
      g_string_append_printf (why, _("its certificate is signed by \"%s\", a CA %s does not hold"),
                              issuer.data ? (const char *) issuer.data : "?",
                              cafile ? cafile : _("the system's certificate store"));
      gnutls_free (issuer.data);
    }
  else if (loaded && (status & GNUTLS_CERT_SIGNATURE_FAILURE))
    {
      if (why->len > 0)
        g_string_append (why, "; ");
      g_string_append (why, _("its certificate's signature does not check"));
    }

out:
  if (trust != NULL)
    gnutls_x509_trust_list_deinit (trust, 1);
  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);
  if (why->len == 0)
    {
      g_string_free (why, TRUE);
      return NULL;
    }
  return g_string_free (why, FALSE);
}

/**
 * enlace_tls_diagnose:
 * @uri: an ldaps:// URL, or an ldap:// one (StartTLS)
 * @cafile: (nullable): the CA file the check used; %NULL for the system's
 * @reached: (out): whether the server answered the handshake at all
 *
 * Returns: (transfer full) (nullable): why the certificate @uri's server
 * sends fails the check, in words; %NULL when nothing was found wrong
 * with it (or @reached is %FALSE).
 */
char *
enlace_tls_diagnose (const char *uri, const char *cafile, gboolean *reached)
{
  *reached = FALSE;
  LDAPURLDesc *desc = NULL;
  if (ldap_url_parse (uri, &desc) != LDAP_URL_SUCCESS)
    return NULL;
  g_autofree char *host = g_strdup (desc->lud_host ? desc->lud_host : "localhost");
  gboolean starttls = g_ascii_strcasecmp (desc->lud_scheme, "ldap") == 0;
  ldap_free_urldesc (desc);

  struct berval der = { 0, NULL };
  if (!fetch_certificate (uri, starttls, &der))
    return NULL;
  *reached = TRUE;
  char *why = enlace_tls_check_certificate (der.bv_val, der.bv_len, FALSE, host, cafile);
  ldap_memfree (der.bv_val);
  return why;
}
