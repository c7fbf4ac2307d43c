/* enlace-local-server.c — what an instance serves beyond its socket: the
 * addresses it listens on, its TLS certificate, and whose replica it is.
 *
 * All of it is remembered in DIR/enlace-local.conf, as the port is, and
 * written into cn=config (enlace-local-config.c) on every start, so a
 * changed certificate or address takes effect at the next start without
 * touching the databases (enlace-local-reconcile.c tells such a change
 * from one that needs them reloaded).
 *
 * The rule for clear text is the client's (enlace_uri_is_local()): only
 * ldapi:// and 127.0.0.1, ::1, localhost stay on this machine. An instance
 * that listens anywhere else is "exposed": it needs a certificate, and
 * slapd then takes simple binds only over TLS or the socket (olcSecurity
 * is global: the loopback port loses them too). */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <string.h>

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <ldap.h>

#include "enlace-config.h"
#include "enlace-directory.h"
#include "enlace-error.h"
#include "enlace-ldif.h"
#include "enlace-local-private.h"

/* What slapd's syncrepl parser would take apart: the replication password
 * sits in a quoted value of olcSyncrepl. */
#define UNQUOTABLE "\"\\"

void
enlace_local_server_clear (EnlaceLocalServer *server)
{
  g_clear_pointer (&server->listen, g_strfreev);
  g_clear_pointer (&server->tls_cert, g_free);
  g_clear_pointer (&server->tls_key, g_free);
  g_clear_pointer (&server->tls_ca, g_free);
  g_clear_pointer (&server->provider, g_free);
  g_clear_pointer (&server->replica_dn, g_free);
  g_clear_pointer (&server->replica_password, g_free);
}

/**
 * enlace_local_server_equal:
 *
 * Returns: whether @a and @b serve alike.
 */
gboolean
enlace_local_server_equal (const EnlaceLocalServer *a, const EnlaceLocalServer *b)
{
  guint na = a->listen ? g_strv_length (a->listen) : 0;
  guint nb = b->listen ? g_strv_length (b->listen) : 0;
  if (na != nb)
    return FALSE;
  for (guint i = 0; i < na; i++)
    if (!g_str_equal (a->listen[i], b->listen[i]))
      return FALSE;
  return g_strcmp0 (a->tls_cert, b->tls_cert) == 0 && g_strcmp0 (a->tls_key, b->tls_key) == 0
         && g_strcmp0 (a->tls_ca, b->tls_ca) == 0 && g_strcmp0 (a->provider, b->provider) == 0
         && g_strcmp0 (a->replica_dn, b->replica_dn) == 0
         && g_strcmp0 (a->replica_password, b->replica_password) == 0;
}

/* The host of an ldap:// or ldaps:// URL is this machine's alone. */
static gboolean
url_is_loopback (const char *url)
{
  g_autofree char *as_ldap = NULL;
  if (g_ascii_strncasecmp (url, "ldaps://", 8) == 0)
    as_ldap = g_strconcat ("ldap://", url + 8, NULL);
  return enlace_uri_is_local (as_ldap ? as_ldap : url)
         && g_ascii_strncasecmp (url, "ldapi:", 6) != 0
         /* ldap:/// is every interface to slapd, not localhost. */
         && !g_str_has_prefix (url + (as_ldap ? 8 : 7), "/")
         && !g_str_has_prefix (url + (as_ldap ? 8 : 7), ":");
}

/**
 * enlace_local_server_is_exposed:
 *
 * Returns: whether the instance listens beyond this machine.
 */
gboolean
enlace_local_server_is_exposed (const EnlaceLocalServer *server)
{
  for (char **url = server->listen; url != NULL && *url != NULL; url++)
    if (!url_is_loopback (*url))
      return TRUE;
  return FALSE;
}

static gboolean
has_tls (const EnlaceLocalServer *server)
{
  return server->tls_cert != NULL && server->tls_key != NULL;
}

/* A file slapd will read at start: say now, in words, if it cannot. */
static gboolean
check_readable (const char *option, const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) read_error = NULL;
  if (!g_file_get_contents (path, &contents, NULL, &read_error))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, _("%s %s: %s"), option, path,
                   read_error->message);
      return FALSE;
    }
  if (strstr (contents, "-----BEGIN ") == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("%s %s: not a PEM file (no '-----BEGIN' line)"), option, path);
      return FALSE;
    }
  return TRUE;
}

/* slapd, given a key that is not the certificate's, exits at start with
 * nothing in its log: GnuTLS says which now. */
static gboolean
check_key_pair (const char *cert, const char *key, GError **error)
{
  gnutls_certificate_credentials_t cred = NULL;
  if (gnutls_certificate_allocate_credentials (&cred) < 0)
    return TRUE; /* slapd will say */
  int rc = gnutls_certificate_set_x509_key_file (cred, cert, key, GNUTLS_X509_FMT_PEM);
  gnutls_certificate_free_credentials (cred);
  if (rc < 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("--tls-cert %s and --tls-key %s: %s"), cert, key, gnutls_strerror (rc));
      return FALSE;
    }
  return TRUE;
}

/* Whether @host:@port can be listened on now ("" or NULL: every address). */
static gboolean
check_port (const char *url, const char *host, int port, GError **error)
{
  struct addrinfo hints = { 0 };
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  hints.ai_socktype = SOCK_STREAM;
  g_autofree char *service = g_strdup_printf ("%d", port);
  struct addrinfo *found = NULL;
  if (getaddrinfo (host && *host ? host : NULL, service, &hints, &found) != 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("%s: no address of this machine has that name"), url);
      return FALSE;
    }
  int errsv = 0;
  for (struct addrinfo *a = found; a != NULL && errsv == 0; a = a->ai_next)
    {
      int fd = socket (a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0)
        continue;
      int one = 1;
      setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      if (bind (fd, a->ai_addr, a->ai_addrlen) != 0)
        errsv = errno;
      close (fd);
    }
  freeaddrinfo (found);
  if (errsv != 0)
    {
      g_set_error (error, ENLACE_ERROR, errsv == EADDRINUSE ? ENLACE_ERROR_CONFLICT
                                                             : ENLACE_ERROR_FAILED,
                   _("cannot listen on %s: %s"), url, g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

/**
 * enlace_local_server_check_ports:
 * @port: the loopback port, 0 for none
 *
 * Checks, before slapd is started, that every address it is to listen on
 * is free (slapd itself would exit with an empty log).
 */
gboolean
enlace_local_server_check_ports (const EnlaceLocalServer *server, guint port, GError **error)
{
  if (port != 0)
    {
      g_autofree char *url = g_strdup_printf ("ldap://127.0.0.1:%u/", port);
      if (!check_port (url, "127.0.0.1", (int) port, error))
        return FALSE;
    }
  for (char **url = server->listen; url != NULL && *url != NULL; url++)
    {
      LDAPURLDesc *desc = NULL;
      if (ldap_url_parse (*url, &desc) != LDAP_URL_SUCCESS)
        continue; /* enlace_local_server_check() says so */
      gboolean ok = check_port (*url, desc->lud_host, desc->lud_port, error);
      ldap_free_urldesc (desc);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

/**
 * enlace_local_server_check:
 *
 * Checks that @server makes sense as a whole: every listen URL is ldap://
 * or ldaps:// to a host and port, ldaps:// and listening beyond this
 * machine come with a certificate and its key, the TLS files can be read,
 * and a replica names its provider with a URL enlace would use.
 */
gboolean
enlace_local_server_check (const EnlaceLocalServer *server, GError **error)
{
  for (char **url = server->listen; url != NULL && *url != NULL; url++)
    {
      LDAPURLDesc *desc = NULL;
      /* slapd -h takes the URLs as one space-separated list. */
      if (strpbrk (*url, " \t\n") != NULL || ldap_url_parse (*url, &desc) != LDAP_URL_SUCCESS)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("--listen %s: not an LDAP URL (ldap://HOST:PORT or ldaps://HOST:PORT)"),
                       *url);
          return FALSE;
        }
      gboolean ldaps = g_ascii_strcasecmp (desc->lud_scheme, "ldaps") == 0;
      gboolean ldap = g_ascii_strcasecmp (desc->lud_scheme, "ldap") == 0;
      gboolean bare = (desc->lud_dn == NULL || *desc->lud_dn == '\0') && desc->lud_attrs == NULL
                      && desc->lud_filter == NULL && desc->lud_exts == NULL;
      ldap_free_urldesc (desc);
      if (!ldaps && !ldap)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("--listen %s: only ldap:// (StartTLS) and ldaps:// are listened on "
                         "beyond the socket, which is always there"), *url);
          return FALSE;
        }
      if (!bare)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("--listen %s: give only the scheme, host and port"), *url);
          return FALSE;
        }
      if (ldaps && !has_tls (server))
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("--listen %s: ldaps:// needs --tls-cert and --tls-key"), *url);
          return FALSE;
        }
      if (!url_is_loopback (*url) && !has_tls (server))
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("--listen %s: listening beyond this machine needs --tls-cert and "
                         "--tls-key; passwords and data never cross a network in clear text"),
                       *url);
          return FALSE;
        }
    }
  if ((server->tls_cert == NULL) != (server->tls_key == NULL))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("--tls-cert and --tls-key go together"));
      return FALSE;
    }
  /* The CA file's path goes into the quoted tls_cacert of olcSyncrepl. */
  if (server->tls_ca != NULL && strpbrk (server->tls_ca, UNQUOTABLE) != NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("--tls-ca %s: a path with '\"' or '\\' cannot be handed to slapd"),
                   server->tls_ca);
      return FALSE;
    }
  if ((server->tls_cert && !check_readable ("--tls-cert", server->tls_cert, error))
      || (server->tls_key && !check_readable ("--tls-key", server->tls_key, error))
      || (server->tls_ca && !check_readable ("--tls-ca", server->tls_ca, error))
      || (server->tls_cert && !check_key_pair (server->tls_cert, server->tls_key, error)))
    return FALSE;

  if (server->provider != NULL)
    {
      LDAPURLDesc *desc = NULL;
      if (ldap_url_parse (server->provider, &desc) != LDAP_URL_SUCCESS)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("--replica-of %s: not an LDAP URL"), server->provider);
          return FALSE;
        }
      gboolean ldapi = g_ascii_strcasecmp (desc->lud_scheme, "ldapi") == 0;
      ldap_free_urldesc (desc);
      if (ldapi)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("--replica-of %s: a provider is reached over ldap:// (StartTLS) or "
                         "ldaps://"), server->provider);
          return FALSE;
        }
      if (server->replica_dn == NULL || server->replica_password == NULL)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("--replica-of needs --replica-dn and --replica-password-file: the "
                         "replication account on the provider (enlace account add --kind "
                         "replica NAME)"));
          return FALSE;
        }
      if (strpbrk (server->replica_password, UNQUOTABLE) != NULL)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("--replica-password-file: the replication password may not hold "
                         "'\"' or '\\' (slapd's syncrepl setting cannot quote them)"));
          return FALSE;
        }
      LDAPDN dn = NULL;
      if (ldap_str2dn (server->replica_dn, &dn, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS
          || dn == NULL || strpbrk (server->replica_dn, UNQUOTABLE) != NULL)
        {
          if (dn != NULL)
            ldap_dnfree (dn);
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("--replica-dn '%s': not a DN enlace can hand to syncrepl (RFC 4514, "
                         "no '\"' or '\\')"), server->replica_dn);
          return FALSE;
        }
      ldap_dnfree (dn);
      if (strpbrk (server->provider, UNQUOTABLE " \t\n") != NULL)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("--replica-of %s: one URL, with no spaces or quotes"),
                       server->provider);
          return FALSE;
        }
    }
  return TRUE;
}

static char *
absolute (const char *path)
{
  return path ? g_canonicalize_filename (path, NULL) : NULL;
}

/**
 * enlace_local_server_set_tls:
 * @cert: (nullable): the server's certificate (PEM), with its chain;
 *   %NULL keeps the remembered one
 * @key: (nullable): its private key (PEM); %NULL keeps the remembered one
 * @ca: (nullable): the CA certificates, for the chain and for a replica's
 *   check of its provider; %NULL keeps the remembered one, "" forgets it
 *
 * Sets the TLS files, remembered as absolute paths: slapd reads them
 * anew at every start, so a renewed certificate needs only a restart.
 */
void
enlace_local_server_set_tls (EnlaceLocalServer *server, const char *cert, const char *key,
                             const char *ca)
{
  if (cert != NULL)
    {
      g_free (server->tls_cert);
      server->tls_cert = absolute (cert);
    }
  if (key != NULL)
    {
      g_free (server->tls_key);
      server->tls_key = absolute (key);
    }
  if (ca != NULL)
    {
      g_free (server->tls_ca);
      server->tls_ca = *ca != '\0' ? absolute (ca) : NULL;
    }
}

void
enlace_local_server_load (EnlaceLocalServer *server, GKeyFile *kf, const char *dir)
{
  enlace_local_server_clear (server);
  server->listen = g_key_file_get_string_list (kf, "server", "listen", NULL, NULL);
  server->tls_cert = g_key_file_get_string (kf, "server", "tls-cert", NULL);
  server->tls_key = g_key_file_get_string (kf, "server", "tls-key", NULL);
  server->tls_ca = g_key_file_get_string (kf, "server", "tls-ca", NULL);
  server->provider = g_key_file_get_string (kf, "replica", "provider", NULL);
  server->replica_dn = g_key_file_get_string (kf, "replica", "bind-dn", NULL);
  if (server->provider != NULL)
    {
      g_autofree char *path = g_build_filename (dir, "replica.password", NULL);
      server->replica_password = enlace_read_password_file (path, "replica.password", NULL);
    }
}

static void
set_or_remove (GKeyFile *kf, const char *group, const char *key, const char *value)
{
  if (value != NULL)
    g_key_file_set_string (kf, group, key, value);
}

/**
 * enlace_local_server_save:
 *
 * Writes @server into @kf, and the replication password to
 * DIR/replica.password (0600), never into the key file.
 */
gboolean
enlace_local_server_save (const EnlaceLocalServer *server, GKeyFile *kf, const char *dir,
                          GError **error)
{
  if (server->listen != NULL && server->listen[0] != NULL)
    g_key_file_set_string_list (kf, "server", "listen", (const char *const *) server->listen,
                                g_strv_length (server->listen));
  set_or_remove (kf, "server", "tls-cert", server->tls_cert);
  set_or_remove (kf, "server", "tls-key", server->tls_key);
  set_or_remove (kf, "server", "tls-ca", server->tls_ca);
  set_or_remove (kf, "replica", "provider", server->provider);
  set_or_remove (kf, "replica", "bind-dn", server->replica_dn);
  if (server->provider == NULL || server->replica_password == NULL)
    return TRUE;
  g_autofree char *path = g_build_filename (dir, "replica.password", NULL);
  g_autoptr(GError) write_error = NULL;
  if (!g_file_set_contents_full (path, server->replica_password, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &write_error))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, "%s", write_error->message);
      return FALSE;
    }
  return TRUE;
}

/**
 * enlace_local_server_listen_urls:
 * @socket_uri: the instance's ldapi:// URL
 * @port: the remembered loopback port, 0 for none
 *
 * Returns: (transfer full): slapd's -h argument.
 */
char *
enlace_local_server_listen_urls (const EnlaceLocalServer *server, const char *socket_uri,
                                 guint port)
{
  GString *urls = g_string_new (socket_uri);
  if (port != 0)
    g_string_append_printf (urls, " ldap://127.0.0.1:%u/", port);
  for (char **url = server->listen; url != NULL && *url != NULL; url++)
    g_string_append_printf (urls, " %s", *url);
  return g_string_free (urls, FALSE);
}

/**
 * enlace_local_server_append_global:
 *
 * Appends what @server puts in the cn=config entry: the TLS files and, for
 * an exposed instance, the rule that simple binds need TLS (or the socket:
 * ldapi has SSF 71; TLS 128 and more; TCP in the clear 0).
 */
void
enlace_local_server_append_global (const EnlaceLocalServer *server, GString *ldif)
{
  if (server == NULL)
    return;
  if (server->tls_cert != NULL)
    enlace_ldif_append_str (ldif, "olcTLSCertificateFile", server->tls_cert);
  if (server->tls_key != NULL)
    enlace_ldif_append_str (ldif, "olcTLSCertificateKeyFile", server->tls_key);
  if (server->tls_ca != NULL)
    enlace_ldif_append_str (ldif, "olcTLSCACertificateFile", server->tls_ca);
  if (enlace_local_server_is_exposed (server))
    g_string_append (ldif, "olcSecurity: simple_bind=64\n");
}

/**
 * enlace_local_server_syncrepl:
 * @rid: the replica ID, unique within the instance
 * @searchbase: what to carry
 *
 * Returns: (transfer full): an olcSyncrepl value that carries @searchbase
 * from the provider, over verified TLS, as the replication account.
 */
char *
enlace_local_server_syncrepl (const EnlaceLocalServer *server, int rid, const char *searchbase)
{
  GString *value = g_string_new (NULL);
  g_string_append_printf (value, "rid=%03d provider=%s", rid, server->provider);
  g_string_append_printf (value, " bindmethod=simple binddn=\"%s\" credentials=\"%s\"",
                          server->replica_dn, server->replica_password);
  g_string_append_printf (value, " searchbase=\"%s\"", searchbase);
  /* Changes come as they are made; a lost provider is asked again every
   * 5 s for a minute, then every 30 s, for ever. */
  g_string_append (value, " type=refreshAndPersist retry=\"5 12 30 +\" timeout=10"
                          " network-timeout=10 keepalive=240:10:30"
                          " schemachecking=off attrs=\"*,+\" tls_reqcert=demand");
  if (g_ascii_strncasecmp (server->provider, "ldap://", 7) == 0)
    g_string_append (value, " starttls=critical");
  if (server->tls_ca != NULL)
    g_string_append_printf (value, " tls_cacert=\"%s\"", server->tls_ca);
  return g_string_free (value, FALSE);
}

/* --- A private CA for trials and tests (GnuTLS's certtool) --- */

static gboolean
run_certtool (const char *const *argv, GError **error)
{
  g_autofree char *err_out = NULL;
  int status = 0;
  g_autoptr(GError) spawn_error = NULL;
  if (!g_spawn_sync (NULL, (char **) argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                     &err_out, &status, &spawn_error))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED,
                   _("cannot run certtool: %s (it comes in Debian's gnutls-bin package)"),
                   spawn_error->message);
      return FALSE;
    }
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("certtool failed:\n%s"),
                   g_strchomp (err_out));
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_private (const char *path, const char *text, GError **error)
{
  g_autoptr(GError) write_error = NULL;
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 &write_error))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, "%s", write_error->message);
      return FALSE;
    }
  return TRUE;
}

/* certtool's template values are quoted strings. */
static gboolean
template_safe (const char *value)
{
  return *value != '\0' && strpbrk (value, "\"\\\n\r") == NULL;
}

/**
 * enlace_local_test_ca:
 * @dir: where the CA lives: ca.pem, ca.key; made 0700 the first time
 * @name: the certificate's file name: @dir/@name.pem and @dir/@name.key
 * @hosts: the host names and addresses it is for (the first is its CN)
 * @expired: issue a certificate that expired long ago, to try that
 *   clients refuse it
 * @created_ca: (out) (optional): whether the CA was made now
 *
 * Makes a private CA in @dir the first time, then a server certificate
 * signed by it. For trials and tests: a network's directory wants a
 * certificate from a CA its users already trust.
 */
gboolean
enlace_local_test_ca (const char *dir, const char *name, const char *const *hosts,
                      gboolean expired, gboolean *created_ca, GError **error)
{
  if (created_ca != NULL)
    *created_ca = FALSE;
  if (hosts == NULL || hosts[0] == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("--host: name at least one host name or address the certificate is for"));
      return FALSE;
    }
  gboolean plain = *name != '\0' && name[0] != '.' && name[0] != '-'
                   && g_ascii_strcasecmp (name, "ca") != 0;
  for (const char *c = name; plain && *c != '\0'; c++)
    plain = g_ascii_isalnum (*c) || strchr ("._-", *c) != NULL;
  if (!plain)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("--name %s: a plain file name (letters, digits, '.', '_', '-') other "
                     "than 'ca'"), name);
      return FALSE;
    }
  for (const char *const *h = hosts; *h != NULL; h++)
    if (!template_safe (*h) || strpbrk (*h, " \t/") != NULL)
      {
        g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                     _("--host '%s': not a host name or an address"), *h);
        return FALSE;
      }
  if (!enlace_local_make_dir (dir, error))
    return FALSE;

  g_autofree char *ca_pem = g_build_filename (dir, "ca.pem", NULL);
  g_autofree char *ca_key = g_build_filename (dir, "ca.key", NULL);
  g_autofree char *pem = g_strdup_printf ("%s/%s.pem", dir, name);
  g_autofree char *key = g_strdup_printf ("%s/%s.key", dir, name);
  g_autofree char *tmpl = g_build_filename (dir, "certtool.tmpl", NULL);

  /* Never over what is there: a running server's key, or a CA (a copy
   * of the network's ca.pem, without its key, is not one to sign with). */
  if (g_file_test (pem, G_FILE_TEST_EXISTS) || g_file_test (key, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_CONFLICT,
                   _("%s already holds a certificate or key named %s: choose another --name, "
                     "or remove them first"), dir, name);
      return FALSE;
    }
  if (g_file_test (ca_pem, G_FILE_TEST_EXISTS) != g_file_test (ca_key, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_CONFLICT,
                   _("%s holds a CA's certificate or key without the other: it is not a CA "
                     "test-ca made; use another directory"), dir);
      return FALSE;
    }
  if (!g_file_test (ca_pem, G_FILE_TEST_EXISTS))
    {
      const char *genkey[] = { "certtool", "--generate-privkey", "--key-type=ecdsa",
                               "--outfile", ca_key, NULL };
      const char *sign[] = { "certtool", "--generate-self-signed", "--load-privkey", ca_key,
                             "--template", tmpl, "--outfile", ca_pem, NULL };
      if (!write_private (tmpl, "cn = \"enlace test CA (not for production)\"\nca\n"
                                "cert_signing_key\ncrl_signing_key\nexpiration_days = 3650\n",
                          error)
          || !run_certtool (genkey, error) || !run_certtool (sign, error))
        {
          g_unlink (tmpl);
          return FALSE;
        }
      g_chmod (ca_key, 0600);
      if (created_ca != NULL)
        *created_ca = TRUE;
    }

  g_autoptr(GString) t = g_string_new (NULL);
  g_string_append_printf (t, "cn = \"%s\"\n", hosts[0]);
  for (const char *const *h = hosts; *h != NULL; h++)
    g_string_append_printf (t, "%s = \"%s\"\n",
                            g_hostname_is_ip_address (*h) ? "ip_address" : "dns_name", *h);
  g_string_append (t, "tls_www_server\ntls_www_client\nsigning_key\nencryption_key\n");
  if (expired)
    g_string_append (t, "activation_date = \"2020-01-01 00:00:00 UTC\"\n"
                        "expiration_date = \"2020-12-31 00:00:00 UTC\"\n");
  else
    g_string_append (t, "expiration_days = 825\n");

  const char *genkey[] = { "certtool", "--generate-privkey", "--key-type=ecdsa", "--outfile",
                           key, NULL };
  const char *sign[] = { "certtool", "--generate-certificate", "--load-privkey", key,
                         "--load-ca-certificate", ca_pem, "--load-ca-privkey", ca_key,
                         "--template", tmpl, "--outfile", pem, NULL };
  gboolean ok = write_private (tmpl, t->str, error) && run_certtool (genkey, error)
                && run_certtool (sign, error);
  g_unlink (tmpl);
  if (ok)
    g_chmod (key, 0600);
  return ok;
}
