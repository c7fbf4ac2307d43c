/* enlace-directory.c — connect, bind, and search an enlace directory. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <stdarg.h>
#include <string.h>

#include <ldap_schema.h>
#include <pthread.h>
#include <signal.h>

#include "enlace-autocleanups.h"
#include "enlace-directory.h"
#include "enlace-error.h"
#include "enlace-tls-private.h"

/* Entries per page of a paged search (RFC 2696). */
#define PAGE_SIZE 1000
/* Seconds to wait for a TCP connection; a dead server must not hang a tool. */
#define NETWORK_TIMEOUT 10

struct _EnlaceDirectory {
  LDAP *ld;
  char *uri;
  char *base;
  char *bound_dn; /* from whoami, asked once */
  struct berval *txn; /* the open transaction's ID (RFC 5805), or NULL */
};

/* A simple bind that asks for the password policy's word on it (RFC draft
 * behera-ldap-password-policy, slapo-ppolicy): a locked account fails like
 * a wrong password, and only this control tells the two apart. */
static int
simple_bind (LDAP *ld, const char *dn, const char *password, gboolean *locked)
{
  struct berval cred = { password ? strlen (password) : 0, (char *) password };
  g_autoptr(EnlaceLdapControl) request = NULL;
  if (ldap_create_passwordpolicy_control (ld, &request) != LDAP_SUCCESS)
    return ldap_sasl_bind_s (ld, dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
  LDAPControl *controls[] = { request, NULL };
  int msgid = 0;
  int rc = ldap_sasl_bind (ld, dn, LDAP_SASL_SIMPLE, &cred, controls, NULL, &msgid);
  if (rc != LDAP_SUCCESS)
    return rc;
  struct timeval timeout = { NETWORK_TIMEOUT, 0 };
  LDAPMessage *res = NULL;
  if (ldap_result (ld, msgid, LDAP_MSG_ALL, &timeout, &res) <= 0)
    {
      ldap_get_option (ld, LDAP_OPT_RESULT_CODE, &rc);
      return rc != LDAP_SUCCESS ? rc : LDAP_TIMEOUT;
    }
  g_autoptr(EnlaceLdapControls) response = NULL;
  int result = LDAP_OTHER;
  rc = ldap_parse_result (ld, res, &result, NULL, NULL, NULL, &response, 1);
  if (rc != LDAP_SUCCESS)
    return rc;
  LDAPControl *pp = ldap_control_find (LDAP_CONTROL_PASSWORDPOLICYRESPONSE, response, NULL);
  LDAPPasswordPolicyError pp_error = PP_noError;
  if (pp != NULL && ldap_parse_passwordpolicy_control (ld, pp, NULL, NULL, &pp_error)
                        == LDAP_SUCCESS)
    *locked = pp_error == PP_accountLocked;
  return result;
}

/* Whether @uri stays on this machine: ldapi://, or TCP to a host
 * enlace_host_is_local() accepts (127.0.0.1, ::1 or localhost, written
 * so; no host at all is libldap's default, localhost). */
gboolean
enlace_uri_is_local (const char *uri)
{
  LDAPURLDesc *desc = NULL;
  if (ldap_url_parse (uri, &desc) != LDAP_URL_SUCCESS)
    return FALSE;
  gboolean local = g_ascii_strcasecmp (desc->lud_scheme, "ldapi") == 0
                   || (g_ascii_strcasecmp (desc->lud_scheme, "ldap") == 0
                       && (desc->lud_host == NULL || *desc->lud_host == '\0'
                           || enlace_host_is_local (desc->lud_host)));
  ldap_free_urldesc (desc);
  return local;
}

/**
 * enlace_uri_list_split:
 * @uris: one LDAP URL or several, separated by spaces or commas (as
 *   libldap takes them)
 *
 * Returns: (transfer full): the URLs, in order; empty when there are none.
 */
char **
enlace_uri_list_split (const char *uris)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) parts = g_regex_split_simple ("[\\s,]+", uris ? uris : "", 0, 0);
  for (char **p = parts; *p != NULL; p++)
    if (**p != '\0')
      g_strv_builder_add (builder, *p);
  return g_strv_builder_end (builder);
}

/* How one server's connection failed: unreachable ones are passed over
 * for the next; every other failure stops. */
typedef enum {
  TRY_OK,
  TRY_UNREACHABLE,
  TRY_FAILED,
} TryResult;

/* The server's (or libldap's) words on the last failure; never NULL. */
static char *
diagnostic_of (LDAP *ld)
{
  char *msg = NULL;
  ldap_get_option (ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &msg);
  char *out = g_strdup (msg ? msg : "");
  ldap_memfree (msg);
  return out;
}

/* TLS for @uri, checked: the certificate against @cafile (or the system's
 * store: libldap's TLS_CACERT) and the host name, whatever ldap.conf,
 * ~/.ldaprc or LDAPTLS_REQCERT say. */
static gboolean
require_tls (LDAP *ld, const char *uri, const char *cafile, GError **error)
{
  int demand = LDAP_OPT_X_TLS_DEMAND;
  int rc = ldap_set_option (ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand);
  if (rc == LDAP_SUCCESS && cafile != NULL)
    {
      if (!g_file_test (cafile, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("cafile %s: no such file (it holds the certificate of the CA that "
                         "signed the directory's certificate)"), cafile);
          return FALSE;
        }
      rc = ldap_set_option (ld, LDAP_OPT_X_TLS_CACERTFILE, cafile);
    }
  int is_server = 0;
  if (rc == LDAP_SUCCESS)
    rc = ldap_set_option (ld, LDAP_OPT_X_TLS_NEWCTX, &is_server);
  if (rc != LDAP_SUCCESS)
    {
      enlace_set_ldap_error (error, rc, NULL, _("cannot set up TLS for %s"), uri);
      return FALSE;
    }
  return TRUE;
}

static void
set_tls_error (GError **error, const char *uri, const char *cafile, const char *why)
{
  g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_UNREACHABLE,
               _("refused the directory at %s: %s (certificates are checked against %s; "
                 "[directory] cafile, ENLACE_CAFILE or --cafile name another)"),
               uri, why ? why : _("the TLS handshake failed"),
               cafile ? cafile : _("the system's certificate store"));
}

static TryResult
try_connect (const char *uri, const char *bind_dn, const char *password, const char *cafile,
             LDAP **out, GError **error)
{
  g_autoptr(EnlaceLdap) ld = NULL;
  int version = LDAP_VERSION3;
  struct timeval timeout = { NETWORK_TIMEOUT, 0 };
  int rc;

  LDAPURLDesc *desc = NULL;
  if (ldap_url_parse (uri, &desc) != LDAP_URL_SUCCESS)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("uri '%s' is not an LDAP URL (ldap://, ldaps:// or ldapi://)"), uri);
      return TRY_FAILED;
    }
  gboolean ldaps = g_ascii_strcasecmp (desc->lud_scheme, "ldaps") == 0;
  ldap_free_urldesc (desc);
  gboolean local = enlace_uri_is_local (uri);

  rc = ldap_initialize (&ld, uri);
  if (rc != LDAP_SUCCESS)
    {
      enlace_set_ldap_error (error, rc, NULL, _("cannot use uri '%s'"), uri);
      return TRY_FAILED;
    }
  ldap_set_option (ld, LDAP_OPT_PROTOCOL_VERSION, &version);
  ldap_set_option (ld, LDAP_OPT_NETWORK_TIMEOUT, &timeout);
  ldap_set_option (ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
  /* A server that takes the connection and then says nothing (stopped,
   * overloaded, a tarpit) must not hold the command, nor the fail-over to
   * the next server: libldap bounds the TLS handshake by the network
   * timeout only for an asynchronous connect, and StartTLS and the bind
   * by the API timeout, which is lifted again once connected (a search
   * of a large directory may take longer). */
  ldap_set_option (ld, LDAP_OPT_CONNECT_ASYNC, LDAP_OPT_ON);
  ldap_set_option (ld, LDAP_OPT_TIMEOUT, &timeout);
  if ((ldaps || !local) && !require_tls (ld, uri, cafile, error))
    return TRY_FAILED;

  if (ldaps || !local)
    {
      /* The handshake now, so a refused certificate is told apart from a
       * server that is down. Beyond this machine, never in clear text:
       * StartTLS or nothing. */
      rc = ldaps ? ldap_connect (ld) : ldap_start_tls_s (ld, NULL, NULL);
      if (rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR || rc == LDAP_TIMEOUT)
        {
          gboolean reached = FALSE;
          g_autofree char *why = enlace_tls_diagnose (uri, cafile, &reached);
          if (!reached)
            {
              enlace_set_ldap_error (error, rc, NULL, _("cannot reach the directory at %s"), uri);
              return TRY_UNREACHABLE;
            }
          set_tls_error (error, uri, cafile, why);
          return TRY_FAILED;
        }
      if (rc != LDAP_SUCCESS)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_UNREACHABLE,
                       _("the directory at %s does not offer StartTLS (%s): enlace sends "
                         "nothing in clear text beyond this machine; use ldaps://, or "
                         "give the server a certificate"), uri, ldap_err2string (rc));
          return TRY_FAILED;
        }
    }

  gboolean locked = FALSE;
  if (bind_dn != NULL)
    rc = simple_bind (ld, bind_dn, password, &locked);
  else if (g_str_has_prefix (uri, "ldapi:"))
    {
      /* An empty initial response (no authzid) completes EXTERNAL in one
       * round trip; with none at all the server asks for it. */
      struct berval empty = { 0, (char *) "" };
      rc = ldap_sasl_bind_s (ld, NULL, "EXTERNAL", &empty, NULL, NULL, NULL);
    }
  else
    {
      /* Anonymous: a root DSE read proves the server is there. */
      LDAPMessage *res = NULL;
      char *no_attrs[] = { LDAP_NO_ATTRS, NULL };
      rc = ldap_search_ext_s (ld, "", LDAP_SCOPE_BASE, "(objectClass=*)", no_attrs, 0, NULL,
                              NULL, &timeout, 1, &res);
      ldap_msgfree (res);
    }

  if (rc != LDAP_SUCCESS)
    {
      if (rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR || rc == LDAP_TIMEOUT)
        {
          enlace_set_ldap_error (error, rc, NULL,
                                 _("cannot reach the directory at %s (is it running? "
                                   "'enlace-local status' tells for the local one)"),
                                 uri);
          return TRY_UNREACHABLE;
        }
      if (rc == LDAP_CONFIDENTIALITY_REQUIRED)
        g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_PERMISSION,
                     _("cannot bind to %s as %s: the server takes passwords only over TLS "
                       "(use ldaps://) or its socket (ldapi://)"), uri,
                     bind_dn ? bind_dn : "");
      else if (locked)
        g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_PERMISSION,
                     _("cannot bind to %s as %s: the account is locked after repeated failed "
                       "binds; the Secretariat unlocks it (enlace account unlock)"), uri,
                     bind_dn);
      else
        enlace_set_ldap_error (error, rc, NULL, _("cannot bind to %s as %s"), uri,
                               bind_dn ? bind_dn : "the local owner (SASL EXTERNAL)");
      return TRY_FAILED;
    }
  struct timeval no_limit = { -1, 0 };
  ldap_set_option (ld, LDAP_OPT_TIMEOUT, &no_limit);
  *out = g_steal_pointer (&ld);
  return TRY_OK;
}

/* A write sent to a read-only replica comes back as a referral to its
 * provider (its olcUpdateRef). This asks with a change that can never be
 * made (to an entry that cannot exist), so nothing is written anywhere:
 * Returns: (transfer full) (nullable): the provider's URL, or %NULL when
 * @ld's server takes writes itself. */
static char *
replica_provider (LDAP *ld, const char *base)
{
  g_autofree char *probe = g_strdup_printf ("cn=enlace-write-probe,%s", base);
  char *values[] = { (char *) "probe", NULL };
  LDAPMod mod = { LDAP_MOD_DELETE, (char *) "description", { values } };
  LDAPMod *mods[] = { &mod, NULL };
  int msgid = 0;
  if (ldap_modify_ext (ld, probe, mods, NULL, NULL, &msgid) != LDAP_SUCCESS)
    return NULL;
  struct timeval timeout = { NETWORK_TIMEOUT, 0 };
  LDAPMessage *res = NULL;
  if (ldap_result (ld, msgid, LDAP_MSG_ALL, &timeout, &res) <= 0)
    return NULL;
  int result = LDAP_OTHER;
  char **refs = NULL;
  char *provider = NULL;
  if (ldap_parse_result (ld, res, &result, NULL, NULL, &refs, NULL, 1) == LDAP_SUCCESS
      && result == LDAP_REFERRAL && refs != NULL && refs[0] != NULL)
    {
      /* The referral names the probed DN; only the server matters. */
      LDAPURLDesc *desc = NULL;
      if (ldap_url_parse (refs[0], &desc) == LDAP_URL_SUCCESS)
        {
          LDAPURLDesc server = { 0 };
          server.lud_scheme = desc->lud_scheme;
          server.lud_host = desc->lud_host;
          server.lud_port = desc->lud_port;
          server.lud_scope = LDAP_SCOPE_DEFAULT;
          char *text = ldap_url_desc2str (&server);
          provider = g_strdup (text);
          ldap_memfree (text);
          ldap_free_urldesc (desc);
        }
    }
  ber_memvfree ((void **) refs);
  return provider;
}

/**
 * enlace_directory_connect_full:
 * @uris: one LDAP URL (ldap://, ldaps://, ldapi://) or several, separated
 *   by spaces or commas: the first that answers is used
 * @base: the directory's base DN
 * @bind_dn: (nullable): DN for a simple bind; with %NULL, an ldapi://
 *   connection binds with SASL EXTERNAL (the local owner) and any other is
 *   anonymous
 * @password: (nullable): the password for @bind_dn
 * @cafile: (nullable): the CA certificates that sign the servers'
 *   certificates; %NULL for the system's store
 * @flags: %ENLACE_CONNECT_WRITE when the connection will write: a
 *   read-only replica then hands over to its provider
 *
 * Connects and binds, so an unreachable server or a wrong password shows
 * here and not in the first search. A server that does not answer is
 * passed over for the next, silently; any other failure stops. Every URL
 * but ldapi:// and loopback (see enlace_uri_is_local()) is spoken to over
 * TLS, ldaps:// or StartTLS, with the certificate and the host name
 * checked; never in clear text.
 *
 * Returns: (transfer full): the connection, or %NULL with
 * %ENLACE_ERROR_UNREACHABLE (TLS failures too) or %ENLACE_ERROR_PERMISSION.
 */
EnlaceDirectory *
enlace_directory_connect_full (const char *uris, const char *base, const char *bind_dn,
                               const char *password, const char *cafile,
                               EnlaceConnectFlags flags, GError **error)
{
  g_auto(GStrv) list = enlace_uri_list_split (uris);
  if (list[0] == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, _("no directory URI given"));
      return NULL;
    }
  g_autoptr(EnlaceLdap) ld = NULL;
  const char *used = NULL;
  g_autoptr(GError) last_error = NULL;
  for (char **uri = list; *uri != NULL && ld == NULL; uri++)
    {
      g_clear_error (&last_error);
      LDAP *got = NULL;
      TryResult r = try_connect (*uri, bind_dn, password, cafile, &got, &last_error);
      if (r == TRY_FAILED)
        {
          g_propagate_error (error, g_steal_pointer (&last_error));
          return NULL;
        }
      if (r == TRY_OK)
        {
          ld = got;
          used = *uri;
        }
    }
  if (ld == NULL)
    {
      if (list[1] == NULL)
        g_propagate_error (error, g_steal_pointer (&last_error));
      else
        {
          g_autofree char *all = g_strjoinv (", ", list);
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_UNREACHABLE,
                       _("cannot reach any server of the directory (%s): %s"), all,
                       last_error->message);
        }
      return NULL;
    }

  g_autofree char *provider = NULL;
  if ((flags & ENLACE_CONNECT_WRITE) && (provider = replica_provider (ld, base)) != NULL)
    {
      /* The referral is the server's word, not the user's: it is followed
       * only where the user's password would go anyway, over verified TLS
       * (try_connect() sees to that beyond this machine), or to a server
       * the user configured. Never to this machine's own sockets or ports
       * on a replica's say-so. */
      gboolean configured = g_strv_contains ((const char *const *) list, provider);
      if (!configured && enlace_uri_is_local (provider))
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_UNREACHABLE,
                       _("cannot write: %s is a read-only replica and refers changes to %s, "
                         "which is not one of the configured servers and would be spoken to "
                         "without TLS; add the provider's ldaps:// URL to [directory] uri. "
                         "Nothing was changed."), used, provider);
          return NULL;
        }
      if (bind_dn == NULL && g_str_has_prefix (used, "ldapi:"))
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_PERMISSION,
                       _("cannot write: %s is a read-only replica of %s, and its owner (SASL "
                         "EXTERNAL over the socket) is nobody there; bind as an account "
                         "(--bind-dn) or make the change on the provider. Nothing was "
                         "changed."), used, provider);
          return NULL;
        }
      g_clear_pointer (&ld, enlace_ldap_unbind);
      LDAP *got = NULL;
      g_autoptr(GError) provider_error = NULL;
      if (try_connect (provider, bind_dn, password, cafile, &got, &provider_error) != TRY_OK)
        {
          g_set_error (error, ENLACE_ERROR,
                       provider_error->code == ENLACE_ERROR_PERMISSION
                           ? ENLACE_ERROR_PERMISSION : ENLACE_ERROR_UNREACHABLE,
                       _("cannot write: %s is a read-only replica, and its provider %s, which "
                         "takes the changes, failed: %s. Nothing was changed."),
                       used, provider, provider_error->message);
          return NULL;
        }
      ld = got;
      used = provider;
    }

  EnlaceDirectory *dir = g_new0 (EnlaceDirectory, 1);
  dir->ld = g_steal_pointer (&ld);
  dir->uri = g_strdup (used);
  dir->base = g_strdup (base);
  return dir;
}

/**
 * enlace_directory_connect:
 *
 * enlace_directory_connect_full() for reading, with the system's CA store.
 */
EnlaceDirectory *
enlace_directory_connect (const char *uri, const char *base, const char *bind_dn,
                          const char *password, GError **error)
{
  return enlace_directory_connect_full (uri, base, bind_dn, password, NULL,
                                        ENLACE_CONNECT_READ, error);
}

/**
 * enlace_directory_open:
 * @config: a resolved configuration (see enlace_config_resolve())
 * @flags: as for enlace_directory_connect_full()
 *
 * Returns: (transfer full): a bound connection to the configured directory.
 */
EnlaceDirectory *
enlace_directory_open (EnlaceConfig *config, EnlaceConnectFlags flags, GError **error)
{
  g_autofree char *password = NULL;
  const char *bind_dn = enlace_config_get (config, ENLACE_SETTING_BIND_DN);

  if (bind_dn != NULL)
    {
      password = enlace_config_read_password (config, error);
      if (password == NULL)
        return NULL;
    }
  return enlace_directory_connect_full (enlace_config_get (config, ENLACE_SETTING_URI),
                                        enlace_config_get (config, ENLACE_SETTING_BASE), bind_dn,
                                        password, enlace_config_get (config, ENLACE_SETTING_CAFILE),
                                        flags, error);
}

void
enlace_directory_free (EnlaceDirectory *dir)
{
  if (dir == NULL)
    return;
  if (dir->ld != NULL)
    ldap_unbind_ext_s (dir->ld, NULL, NULL);
  g_free (dir->uri);
  g_free (dir->base);
  g_free (dir->bound_dn);
  if (dir->txn != NULL)
    ber_bvfree (dir->txn);
  g_free (dir);
}

LDAP *
enlace_directory_get_ldap (EnlaceDirectory *dir)
{
  return dir->ld;
}

const char *
enlace_directory_get_uri (EnlaceDirectory *dir)
{
  return dir->uri;
}

const char *
enlace_directory_get_base (EnlaceDirectory *dir)
{
  return dir->base;
}

/**
 * enlace_directory_whoami:
 *
 * Returns: (transfer full): the authorization identity the server sees
 * (RFC 4532), "" when anonymous.
 */
char *
enlace_directory_whoami (EnlaceDirectory *dir, GError **error)
{
  struct berval *authzid = NULL;
  int rc = ldap_whoami_s (dir->ld, &authzid, NULL, NULL);
  if (rc != LDAP_SUCCESS)
    {
      enlace_set_ldap_error (error, rc, NULL, _("asking %s who we are"), dir->uri);
      return NULL;
    }
  char *out = g_strndup (authzid ? authzid->bv_val : "", authzid ? authzid->bv_len : 0);
  if (authzid != NULL)
    ber_bvfree (authzid);
  return out;
}

/**
 * enlace_directory_get_bound_dn:
 *
 * Returns: (transfer none): the DN the server says we act as ("" when
 * anonymous), asked once per connection; %NULL with an error.
 */
const char *
enlace_directory_get_bound_dn (EnlaceDirectory *dir, GError **error)
{
  if (dir->bound_dn == NULL)
    {
      g_autofree char *who = enlace_directory_whoami (dir, error);
      if (who == NULL)
        return NULL;
      dir->bound_dn = g_strdup (g_str_has_prefix (who, "dn:") ? who + 3 : "");
    }
  return dir->bound_dn;
}

/**
 * enlace_entry_read:
 * @func: called for every attribute, with its values
 *
 * Reads an entry in one pass over its encoding (ldap_get_attribute_ber),
 * where ldap_get_values_len() would scan it again for every attribute asked.
 *
 * Returns: (transfer full): the entry's DN.
 */
char *
enlace_entry_read (LDAP *ld, LDAPMessage *entry, EnlaceAttributeFunc func, gpointer user_data)
{
  BerElement *ber = NULL;
  struct berval dn = { 0, NULL };
  if (ldap_get_dn_ber (ld, entry, &ber, &dn) != LDAP_SUCCESS)
    return NULL;
  char *out = g_strndup (dn.bv_val, dn.bv_len);
  for (;;)
    {
      struct berval attr = { 0, NULL };
      struct berval *values = NULL;
      if (ldap_get_attribute_ber (ld, entry, ber, &attr, &values) != LDAP_SUCCESS
          || attr.bv_val == NULL)
        break;
      if (values != NULL)
        {
          g_autofree char *name = g_strndup (attr.bv_val, attr.bv_len);
          func (name, values, user_data);
          ber_memfree (values);
        }
    }
  ber_free (ber, 0);
  return out;
}

/**
 * enlace_dn_child:
 * @attr: the RDN's attribute type
 * @value: its value, any bytes
 * @parent: the parent's DN
 *
 * Builds "@attr=@value,@parent" with the value escaped per RFC 4514 by
 * libldap's ldap_dn2str(); the one way enlace makes a DN from data.
 *
 * Returns: (transfer full): the DN.
 */
char *
enlace_dn_child (const char *attr, const char *value, const char *parent)
{
  LDAPAVA ava = { 0 };
  LDAPAVA *rdn[2] = { &ava, NULL };
  LDAPRDN dn[2] = { rdn, NULL };
  char *str = NULL;

  ava.la_attr.bv_val = (char *) attr;
  ava.la_attr.bv_len = strlen (attr);
  ava.la_value.bv_val = (char *) value;
  ava.la_value.bv_len = strlen (value);
  ava.la_flags = LDAP_AVA_STRING;
  if (ldap_dn2str (dn, &str, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS)
    g_error ("out of memory building a DN");
  char *out = g_strconcat (str, ",", parent, NULL);
  ldap_memfree (str);
  return out;
}

/**
 * enlace_dn_first_value:
 *
 * Returns: (transfer full) (nullable): the value of the first RDN of @dn,
 * unescaped ("GT-L-0001" from "enlaceId=GT-L-0001,c=GT,o=enlace").
 */
char *
enlace_dn_first_value (const char *dn)
{
  LDAPDN parsed = NULL;
  char *out = NULL;
  if (dn == NULL || ldap_str2dn (dn, &parsed, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS)
    return NULL;
  if (parsed != NULL && parsed[0] != NULL && parsed[0][0] != NULL)
    out = g_strndup (parsed[0][0]->la_value.bv_val, parsed[0][0]->la_value.bv_len);
  ldap_dnfree (parsed);
  return out;
}

/**
 * enlace_dn_normalize:
 *
 * Returns: (transfer full) (nullable): @dn as libldap normalises it, in
 * lower case: the form two DNs of the enlace tree compare equal in (its
 * attribute types all match case-insensitively), and the one slapd's
 * access rules match against.
 */
char *
enlace_dn_normalize (const char *dn)
{
  char *normal = NULL;
  if (dn == NULL)
    return NULL;
  if (ldap_dn_normalize (dn, LDAP_DN_FORMAT_LDAPV3, &normal, LDAP_DN_FORMAT_LDAPV3)
      != LDAP_SUCCESS)
    return g_ascii_strdown (dn, -1);
  char *lower = g_ascii_strdown (normal, -1);
  ldap_memfree (normal);
  return lower;
}

/* Server controls for a write: the transaction's, and an assertion. */
static gboolean
write_controls (EnlaceDirectory *dir, const char *assertion, LDAPControl **controls,
                GError **error)
{
  int n = 0;
  if (dir->txn != NULL)
    {
      int rc = ldap_control_create (LDAP_CONTROL_TXN_SPEC, 1, dir->txn, 1, &controls[n]);
      if (rc != LDAP_SUCCESS)
        return enlace_set_ldap_error (error, rc, NULL, _("making the transaction control"));
      n++;
    }
  if (assertion != NULL)
    {
      int rc = ldap_create_assertion_control (dir->ld, (char *) assertion, 1, &controls[n]);
      if (rc != LDAP_SUCCESS)
        return enlace_set_ldap_error (error, rc, NULL, _("making the assertion %s"), assertion);
      n++;
    }
  controls[n] = NULL;
  return TRUE;
}

static void
free_controls (LDAPControl **controls)
{
  for (int i = 0; controls[i] != NULL; i++)
    ldap_control_free (controls[i]);
}

static gboolean
write_entry (EnlaceDirectory *dir, gboolean add, const char *dn, LDAPMod **mods,
             const char *assertion, GError **error)
{
  LDAPControl *controls[3] = { NULL, NULL, NULL };
  if (!write_controls (dir, assertion, controls, error))
    {
      free_controls (controls);
      return FALSE;
    }
  int rc = add ? ldap_add_ext_s (dir->ld, dn, mods, controls, NULL)
               : ldap_modify_ext_s (dir->ld, dn, mods, controls, NULL);
  free_controls (controls);
  if (rc == LDAP_SUCCESS)
    return TRUE;
  g_autofree char *diag = diagnostic_of (dir->ld);
  if (rc == LDAP_ASSERTION_FAILED)
    return enlace_set_ldap_error (error, rc, NULL, _("%s changed meanwhile"), dn);
  return enlace_set_ldap_error (error, rc, diag, _("%s %s"), add ? "adding" : "changing", dn);
}

/**
 * enlace_directory_add:
 *
 * Adds an entry (inside the open transaction, if any).
 */
gboolean
enlace_directory_add (EnlaceDirectory *dir, const char *dn, LDAPMod **mods, GError **error)
{
  return write_entry (dir, TRUE, dn, mods, NULL, error);
}

/**
 * enlace_directory_modify:
 * @assertion: (nullable): an RFC 4528 assertion the entry must match, so a
 *   change made meanwhile fails with %ENLACE_ERROR_CONFLICT instead of
 *   being overwritten
 *
 * Modifies an entry (inside the open transaction, if any).
 */
gboolean
enlace_directory_modify (EnlaceDirectory *dir, const char *dn, LDAPMod **mods,
                         const char *assertion, GError **error)
{
  return write_entry (dir, FALSE, dn, mods, assertion, error);
}

/**
 * enlace_directory_add_start:
 * @msgid: (out): the request's message ID, for enlace_directory_finish()
 *
 * Sends an add (inside the open transaction, if any) without waiting for
 * the answer, so many can be in flight at once.
 */
gboolean
enlace_directory_add_start (EnlaceDirectory *dir, const char *dn, LDAPMod **mods, int *msgid,
                            GError **error)
{
  return enlace_directory_modify_start (dir, TRUE, dn, mods, NULL, msgid, error);
}

/**
 * enlace_directory_modify_start:
 * @add: %TRUE to add the entry, %FALSE to modify it
 * @assertion: (nullable): as for enlace_directory_modify()
 * @msgid: (out): the request's message ID, for enlace_directory_finish()
 *
 * Sends a write (inside the open transaction, if any) without waiting for
 * the answer.
 */
gboolean
enlace_directory_modify_start (EnlaceDirectory *dir, gboolean add, const char *dn, LDAPMod **mods,
                               const char *assertion, int *msgid, GError **error)
{
  LDAPControl *controls[3] = { NULL, NULL, NULL };
  if (!write_controls (dir, assertion, controls, error))
    {
      free_controls (controls);
      return FALSE;
    }
  int rc = add ? ldap_add_ext (dir->ld, dn, mods, controls, NULL, msgid)
               : ldap_modify_ext (dir->ld, dn, mods, controls, NULL, msgid);
  free_controls (controls);
  if (rc != LDAP_SUCCESS)
    return enlace_set_ldap_error (error, rc, NULL, add ? _("adding %s") : _("changing %s"), dn);
  return TRUE;
}

/**
 * enlace_directory_finish:
 * @what: what the request did, for the message ("adding X")
 *
 * Waits for the answer to a request sent with enlace_directory_add_start().
 */
gboolean
enlace_directory_finish (EnlaceDirectory *dir, int msgid, const char *what, GError **error)
{
  g_autoptr(EnlaceLdapMessage) res = NULL;
  if (ldap_result (dir->ld, msgid, LDAP_MSG_ALL, NULL, &res) <= 0)
    {
      int err = LDAP_SERVER_DOWN;
      ldap_get_option (dir->ld, LDAP_OPT_RESULT_CODE, &err);
      return enlace_set_ldap_error (error, err, NULL, "%s", what);
    }
  int result = LDAP_SUCCESS;
  char *diag = NULL;
  int rc = ldap_parse_result (dir->ld, res, &result, NULL, &diag, NULL, NULL, 0);
  g_autoptr(EnlaceLdapString) diag_owned = diag;
  if (rc != LDAP_SUCCESS)
    return enlace_set_ldap_error (error, rc, NULL, "%s", what);
  if (result != LDAP_SUCCESS)
    return enlace_set_ldap_error (error, result, diag, "%s", what);
  return TRUE;
}

/**
 * enlace_directory_txn_begin:
 *
 * Starts an LDAP transaction (RFC 5805): the writes until
 * enlace_directory_txn_end() are applied all together or not at all.
 */
gboolean
enlace_directory_txn_begin (EnlaceDirectory *dir, GError **error)
{
  g_return_val_if_fail (dir->txn == NULL, FALSE);
  int rc = ldap_txn_start_s (dir->ld, NULL, NULL, &dir->txn);
  if (rc != LDAP_SUCCESS)
    {
      g_autofree char *diag = diagnostic_of (dir->ld);
      return enlace_set_ldap_error (error, rc, diag, _("starting a transaction on %s"), dir->uri);
    }
  return TRUE;
}

/**
 * enlace_directory_txn_end:
 * @commit: %TRUE to apply the transaction's writes, %FALSE to drop them
 *
 * Ends the open transaction. A commit that fails applied nothing.
 */
gboolean
enlace_directory_txn_end (EnlaceDirectory *dir, gboolean commit, GError **error)
{
  g_return_val_if_fail (dir->txn != NULL, FALSE);
  int failed_msgid = -1;
  /* slapd 2.5.13 crashes when a client's connection drops while its
   * transaction commits; so Ctrl-C (or a TERM) waits until the commit is
   * answered. Nothing can hold off SIGKILL: the campaign uses no
   * transactions for that reason. */
  /* slapd 2.5.13 also races with itself: the thread that queued an add or
   * modify into the transaction is still finishing it after the answer is
   * sent, and a commit that arrives at once can free what that thread is
   * about to touch (segfault in do_add, seen under load in make check).
   * Twenty milliseconds per batch of up to a thousand writes is cheap. */
  if (commit)
    g_usleep (20000);
  sigset_t block, saved;
  sigemptyset (&block);
  sigaddset (&block, SIGINT);
  sigaddset (&block, SIGTERM);
  sigaddset (&block, SIGHUP);
  sigaddset (&block, SIGQUIT);
  pthread_sigmask (SIG_BLOCK, &block, &saved);
  int rc = ldap_txn_end_s (dir->ld, commit, dir->txn, NULL, NULL, &failed_msgid);
  pthread_sigmask (SIG_SETMASK, &saved, NULL);
  ber_bvfree (dir->txn);
  dir->txn = NULL;
  if (rc != LDAP_SUCCESS && commit)
    {
      g_autofree char *diag = diagnostic_of (dir->ld);
      return enlace_set_ldap_error (error, rc, diag, _("committing a transaction on %s"), dir->uri);
    }
  return TRUE;
}

/**
 * enlace_directory_search:
 * @base: search base DN
 * @scope: LDAP_SCOPE_BASE, _ONELEVEL or _SUBTREE
 * @filter: an RFC 4515 filter; build it with enlace_filter_printf()
 * @attrs: (nullable): attributes to return; %NULL for all user attributes
 * @func: called for every entry as it arrives
 *
 * Searches with the paged-results control (RFC 2696), so memory stays flat
 * and a server size limit does not truncate the answer. A server that
 * limits the size of a page (slapd's size.pr) refuses the first one with
 * adminLimitExceeded: the page is halved until it fits. A missing @base is
 * %ENLACE_ERROR_NOT_FOUND.
 */
gboolean
enlace_directory_search (EnlaceDirectory *dir, const char *base, int scope, const char *filter,
                         const char *const *attrs, EnlaceEntryFunc func, gpointer user_data,
                         GError **error)
{
  struct berval cookie = { 0, NULL };
  gboolean more = TRUE;
  gboolean first = TRUE;
  int page_size = PAGE_SIZE;

  while (more)
    {
      g_autoptr(EnlaceLdapControl) page = NULL;
      LDAPControl *server_controls[2] = { NULL, NULL };
      int msgid = 0;
      int rc;

      rc = ldap_create_page_control (dir->ld, page_size, &cookie, 0, &page);
      ber_memfree (cookie.bv_val);
      cookie.bv_val = NULL;
      cookie.bv_len = 0;
      if (rc != LDAP_SUCCESS)
        return enlace_set_ldap_error (error, rc, NULL, _("searching %s"), base);
      server_controls[0] = page;

      rc = ldap_search_ext (dir->ld, base, scope, filter, (char **) attrs, 0, server_controls,
                            NULL, NULL, LDAP_NO_LIMIT, &msgid);
      if (rc != LDAP_SUCCESS)
        return enlace_set_ldap_error (error, rc, NULL, _("searching %s for %s"), base, filter);

      more = FALSE;
      for (;;)
        {
          g_autoptr(EnlaceLdapMessage) msg = NULL;
          rc = ldap_result (dir->ld, msgid, LDAP_MSG_ONE, NULL, &msg);
          if (rc <= 0)
            {
              int err = LDAP_SERVER_DOWN;
              ldap_get_option (dir->ld, LDAP_OPT_RESULT_CODE, &err);
              return enlace_set_ldap_error (error, err, NULL, _("searching %s"), base);
            }
          if (rc == LDAP_RES_SEARCH_ENTRY)
            {
              first = FALSE; /* entries came: a retry would repeat them */
              if (!func (dir, msg, user_data, error))
                {
                  ldap_abandon_ext (dir->ld, msgid, NULL, NULL);
                  return FALSE;
                }
              continue;
            }
          if (rc == LDAP_RES_SEARCH_REFERENCE)
            continue;

          /* LDAP_RES_SEARCH_RESULT: the end of this page. */
          int result = LDAP_SUCCESS;
          char *diag = NULL;
          LDAPControl **controls = NULL;
          rc = ldap_parse_result (dir->ld, msg, &result, NULL, &diag, NULL, &controls, 0);
          g_autoptr(EnlaceLdapString) diag_owned = diag;
          g_autoptr(EnlaceLdapControls) controls_owned = controls;
          if (rc != LDAP_SUCCESS)
            return enlace_set_ldap_error (error, rc, NULL, _("searching %s"), base);
          if (result == LDAP_ADMINLIMIT_EXCEEDED && first && page_size > 1)
            {
              page_size /= 2;
              more = TRUE;
              break;
            }
          first = FALSE;
          if (result != LDAP_SUCCESS)
            return enlace_set_ldap_error (error, result, diag, _("searching %s for %s"), base,
                                          filter);
          LDAPControl *response = ldap_control_find (LDAP_CONTROL_PAGEDRESULTS, controls, NULL);
          if (response != NULL)
            {
              ber_int_t estimate = 0;
              struct berval next = { 0, NULL };
              if (ldap_parse_pageresponse_control (dir->ld, response, &estimate, &next)
                      == LDAP_SUCCESS
                  && next.bv_len > 0)
                {
                  cookie = next;
                  more = TRUE;
                }
              else
                ber_memfree (next.bv_val);
            }
          break;
        }
    }
  return TRUE;
}

/**
 * enlace_directory_get_entry:
 * @dn: the entry's DN
 * @attrs: (nullable): attributes to return
 *
 * Returns: (transfer full): the search result chain holding the entry
 * (free with ldap_msgfree(); ldap_first_entry() gives the entry), or %NULL
 * with %ENLACE_ERROR_NOT_FOUND when there is no such entry.
 */
LDAPMessage *
enlace_directory_get_entry (EnlaceDirectory *dir, const char *dn, const char *const *attrs,
                            GError **error)
{
  g_autoptr(EnlaceLdapMessage) res = NULL;
  int rc = ldap_search_ext_s (dir->ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)", (char **) attrs,
                              0, NULL, NULL, NULL, 1, &res);
  if (rc == LDAP_SUCCESS && ldap_first_entry (dir->ld, res) != NULL)
    return g_steal_pointer (&res);
  if (rc == LDAP_SUCCESS)
    rc = LDAP_NO_SUCH_OBJECT;
  g_autofree char *diag = diagnostic_of (dir->ld);
  enlace_set_ldap_error (error, rc, rc == LDAP_NO_SUCH_OBJECT ? NULL : diag, _("reading %s"), dn);
  return NULL;
}

/**
 * enlace_directory_schema_version:
 *
 * Reads the server's subschema and finds the enlaceDirectory object class,
 * whose description carries "enlace schema version N".
 *
 * Returns: N, or 0 when the server has no enlace schema; -1 with an error
 * when the subschema cannot be read.
 */
int
enlace_directory_schema_version (EnlaceDirectory *dir, GError **error)
{
  const char *subschema_attrs[] = { "subschemaSubentry", NULL };
  const char *oc_attrs[] = { "objectClasses", NULL };
  g_autoptr(EnlaceLdapMessage) dse = enlace_directory_get_entry (dir, "", subschema_attrs, error);
  if (dse == NULL)
    return -1;

  g_autoptr(EnlaceBervalArray) where = ldap_get_values_len (dir->ld, ldap_first_entry (dir->ld, dse),
                                                            "subschemaSubentry");
  g_autofree char *subschema_dn = g_strndup (where && where[0] ? where[0]->bv_val : "cn=Subschema",
                                             where && where[0] ? where[0]->bv_len : 12);
  g_autoptr(EnlaceLdapMessage) res = enlace_directory_get_entry (dir, subschema_dn, oc_attrs, error);
  if (res == NULL)
    return -1;

  g_autoptr(EnlaceBervalArray) classes = ldap_get_values_len (dir->ld, ldap_first_entry (dir->ld, res),
                                                              "objectClasses");
  for (int i = 0; classes != NULL && classes[i] != NULL; i++)
    {
      int code = 0;
      const char *errp = NULL;
      g_autofree char *text = g_strndup (classes[i]->bv_val, classes[i]->bv_len);
      LDAPObjectClass *oc = ldap_str2objectclass (text, &code, &errp, LDAP_SCHEMA_ALLOW_ALL);
      if (oc == NULL)
        continue;
      int version = 0;
      gboolean ours = FALSE;
      for (int n = 0; oc->oc_names != NULL && oc->oc_names[n] != NULL; n++)
        if (g_ascii_strcasecmp (oc->oc_names[n], "enlaceDirectory") == 0)
          ours = TRUE;
      if (ours && oc->oc_desc != NULL)
        {
          const char *v = strstr (oc->oc_desc, "schema version ");
          if (v != NULL)
            version = (int) g_ascii_strtoll (v + strlen ("schema version "), NULL, 10);
        }
      ldap_objectclass_free (oc);
      if (ours)
        return version;
    }
  return 0;
}

/**
 * enlace_filter_escape:
 * @value: a value to put inside a search filter
 *
 * Escapes per RFC 4515 with libldap's ldap_bv2escaped_filter_value().
 *
 * Returns: (transfer full): the escaped value.
 */
char *
enlace_filter_escape (const char *value)
{
  struct berval in = { strlen (value), (char *) value };
  struct berval out = { 0, NULL };
  if (ldap_bv2escaped_filter_value (&in, &out) != 0)
    g_error ("out of memory escaping a filter value");
  /* An empty value comes back as no buffer at all. */
  char *escaped = out.bv_val ? g_strndup (out.bv_val, out.bv_len) : g_strdup ("");
  ber_memfree (out.bv_val);
  return escaped;
}

/**
 * enlace_filter_printf:
 * @format: a filter with %s where values go (only %s is allowed)
 *
 * Builds a filter, escaping every %s argument with enlace_filter_escape();
 * the one way enlace pastes values into filters.
 *
 * Returns: (transfer full): the filter.
 */
char *
enlace_filter_printf (const char *format, ...)
{
  GString *out = g_string_new (NULL);
  va_list args;
  va_start (args, format);
  for (const char *p = format; *p != '\0'; p++)
    {
      if (p[0] == '%' && p[1] == 's')
        {
          g_autofree char *escaped = enlace_filter_escape (va_arg (args, const char *));
          g_string_append (out, escaped);
          p++;
        }
      else
        {
          if (p[0] == '%')
            g_critical ("enlace_filter_printf: only %%s is supported in '%s'", format);
          g_string_append_c (out, *p);
        }
    }
  va_end (args);
  return g_string_free (out, FALSE);
}
