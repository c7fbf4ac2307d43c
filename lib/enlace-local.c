/* enlace-local.c — a private slapd (Debian's binary, back-mdb, cn=config)
 * in one directory:
 *
 *   DIR/enlace-local.conf   what enlace-local remembers (base, port)
 *   DIR/slapd.d/            the cn=config tree, made once by slapadd -n0
 *   DIR/data/               the directory (back-mdb)
 *   DIR/accesslog/          change history (slapo-accesslog)
 *   DIR/ldapi               the socket; DIR/slapd.pid, DIR/slapd.log
 *
 * The owner talks to it over ldapi:// with SASL EXTERNAL: their
 * uid/gid peer credentials are the rootdn, so no password exists to leak. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <ldap.h>

#include "enlace-data.h"
#include "enlace-directory.h"
#include "enlace-error.h"
#include "enlace-ldif.h"
#include "enlace-local.h"

/* sun_path in struct sockaddr_un holds 108 bytes with the NUL. */
#define MAX_SOCKET_PATH 107
/* How long slapd may take to answer after it starts, and to stop. */
#define START_TIMEOUT_MS 30000
#define STOP_TIMEOUT_MS 30000
#define POLL_MS 50
/* back-mdb's map is virtual; 10 MiB (the default) overflows near 5k entries. */
#define DB_MAX_SIZE "4294967296"
#define LOG_MAX_SIZE "2147483648"

struct _EnlaceLocal {
  char *dir;
  char *socket_path;
  char *uri;
  char *base;
  guint port;
};

static char *
path_in (EnlaceLocal *local, const char *name)
{
  return g_build_filename (local->dir, name, NULL);
}

static void
load_instance_file (EnlaceLocal *local)
{
  g_autofree char *path = path_in (local, "enlace-local.conf");
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL))
    return;
  g_autofree char *base = g_key_file_get_string (kf, "instance", "base", NULL);
  if (base != NULL)
    {
      g_free (local->base);
      local->base = g_steal_pointer (&base);
    }
  local->port = (guint) g_key_file_get_integer (kf, "instance", "port", NULL);
}

static gboolean
save_instance_file (EnlaceLocal *local, GError **error)
{
  g_autofree char *path = path_in (local, "enlace-local.conf");
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_key_file_set_comment (kf, NULL, NULL,
                          " Written by enlace-local; the cn=config tree in slapd.d/ is the"
                          " server's own configuration.",
                          NULL);
  g_key_file_set_string (kf, "instance", "base", local->base);
  g_key_file_set_integer (kf, "instance", "port", (int) local->port);
  g_autoptr(GError) local_error = NULL;
  if (!g_key_file_save_to_file (kf, path, &local_error))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("%s"), local_error->message);
      return FALSE;
    }
  return TRUE;
}

/**
 * enlace_local_new:
 * @dir: (nullable): the instance directory; %NULL for
 *   $XDG_STATE_HOME/enlace (~/.local/state/enlace)
 *
 * Describes the instance in @dir; creates nothing.
 *
 * Returns: (transfer full): the instance, or %NULL with
 * %ENLACE_ERROR_INVALID when @dir is too long for a UNIX socket path.
 */
EnlaceLocal *
enlace_local_new (const char *dir, GError **error)
{
  g_autofree char *chosen = dir ? g_strdup (dir)
                                : g_build_filename (g_get_user_state_dir (), "enlace", NULL);
  g_autofree char *absolute = g_canonicalize_filename (chosen, NULL);
  g_autofree char *socket_path = g_build_filename (absolute, "ldapi", NULL);

  if (strlen (socket_path) > MAX_SOCKET_PATH)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("dir %s is too long: its socket path would be %zu bytes and a UNIX "
                   "socket path is limited to %d; choose a shorter --dir"),
                   absolute, strlen (socket_path), MAX_SOCKET_PATH);
      return NULL;
    }

  EnlaceLocal *local = g_new0 (EnlaceLocal, 1);
  local->dir = g_steal_pointer (&absolute);
  g_autofree char *escaped = g_uri_escape_string (socket_path, NULL, FALSE);
  local->uri = g_strconcat ("ldapi://", escaped, NULL);
  local->socket_path = g_steal_pointer (&socket_path);
  local->base = g_strdup (ENLACE_LOCAL_DEFAULT_BASE);
  load_instance_file (local);
  return local;
}

void
enlace_local_free (EnlaceLocal *local)
{
  if (local == NULL)
    return;
  g_free (local->dir);
  g_free (local->socket_path);
  g_free (local->uri);
  g_free (local->base);
  g_free (local);
}

const char *
enlace_local_get_dir (EnlaceLocal *local)
{
  return local->dir;
}

const char *
enlace_local_get_uri (EnlaceLocal *local)
{
  return local->uri;
}

const char *
enlace_local_get_base (EnlaceLocal *local)
{
  return local->base;
}

/**
 * enlace_local_get_port:
 *
 * Returns: the loopback TCP port slapd also listens on, 0 for none.
 */
guint
enlace_local_get_port (EnlaceLocal *local)
{
  return local->port;
}

/**
 * enlace_local_is_set_up:
 *
 * Returns: %TRUE when the directory holds a configured instance.
 */
gboolean
enlace_local_is_set_up (EnlaceLocal *local)
{
  g_autofree char *conf = path_in (local, "enlace-local.conf");
  g_autofree char *slapd_d = path_in (local, "slapd.d");
  return g_file_test (conf, G_FILE_TEST_IS_REGULAR) && g_file_test (slapd_d, G_FILE_TEST_IS_DIR);
}

static const char *
slapd_binary (void)
{
  const char *env = g_getenv ("ENLACE_SLAPD");
  return env && *env ? env : ENLACE_SLAPD;
}

/* A pid is ours only while it runs (not a zombie) and its command line names
 * our slapd.d: a stale pidfile must never make us signal a stranger. */
static gboolean
pid_is_our_slapd (EnlaceLocal *local, GPid pid)
{
  g_autofree char *stat_path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *cmdline_path = g_strdup_printf ("/proc/%d/cmdline", (int) pid);
  g_autofree char *stat = NULL;
  g_autofree char *cmdline = NULL;
  gsize len = 0;

  if (!g_file_get_contents (stat_path, &stat, NULL, NULL))
    return FALSE;
  const char *close_paren = strrchr (stat, ')');
  if (close_paren == NULL || close_paren[1] == '\0' || close_paren[2] == 'Z'
      || close_paren[2] == 'X')
    return FALSE;
  if (!g_file_get_contents (cmdline_path, &cmdline, &len, NULL))
    return FALSE;

  g_autofree char *slapd_d = path_in (local, "slapd.d");
  for (gsize i = 0; i < len; i += strlen (cmdline + i) + 1)
    if (g_strcmp0 (cmdline + i, slapd_d) == 0)
      return TRUE;
  return FALSE;
}

/**
 * enlace_local_get_pid:
 *
 * Returns: the pid of the instance's running slapd, or 0.
 */
GPid
enlace_local_get_pid (EnlaceLocal *local)
{
  g_autofree char *pidfile = path_in (local, "slapd.pid");
  g_autofree char *contents = NULL;
  if (!g_file_get_contents (pidfile, &contents, NULL, NULL))
    return 0;
  gint64 pid = g_ascii_strtoll (contents, NULL, 10);
  if (pid <= 1 || pid > G_MAXINT)
    return 0;
  return pid_is_our_slapd (local, (GPid) pid) ? (GPid) pid : 0;
}

static void
append_attr (GString *ldif, const char *attr, const char *value)
{
  enlace_ldif_append_str (ldif, attr, value);
}

static void
append_schema_include (GString *ldif, const char *name)
{
  g_autofree char *path = g_build_filename (ENLACE_LDAP_SCHEMADIR, name, NULL);
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_string_append_printf (ldif, "include: %s\n\n", uri ? uri : path);
}

/* An slapo-unique URI, escaped by libldap (a base may hold spaces). */
static char *
unique_uri (const char *base, const char *attr, const char *filter)
{
  char *attrs[] = { (char *) attr, NULL };
  LDAPURLDesc desc = { 0 };
  desc.lud_scheme = (char *) "ldap";
  desc.lud_dn = (char *) base;
  desc.lud_attrs = attrs;
  desc.lud_scope = LDAP_SCOPE_SUBTREE;
  desc.lud_filter = (char *) filter;
  char *uri = ldap_url_desc2str (&desc);
  char *out = g_strdup (uri);
  ldap_memfree (uri);
  return out;
}

/* The access rules, enforced by slapd itself:
 *   Secretariat (cn=*,ou=secretariat,ou=accounts): write everything;
 *   campaigns (ou=campaigns, a database of its own): the Secretariat only;
 *   a Cancilleria (cn=*,c=XX,ou=accounts): write XX's liaisons and
 *     institutions, and add entries under c=XX;
 *   any other bound account (staff): read, but not the restricted fields;
 *   anonymous: nothing (the frontend lets it read the root DSE and schema).
 * slapd matches the regexes against normalised (lower-case) DNs. */
static void
append_acls (GString *ldif, const char *base)
{
  g_autofree char *lower = g_ascii_strdown (base, -1);
  g_autofree char *re = g_regex_escape_string (lower, -1);
  g_autofree char *secretariat = g_strdup_printf ("dn.children=\"ou=secretariat,ou=accounts,%s\"",
                                                  lower);
  g_autofree char *cancilleria = g_strdup_printf ("dn.children,expand=\"c=$1,ou=accounts,%s\"",
                                                  lower);
  char *rules[] = {
    g_strdup_printf ("to attrs=userPassword by %s write by self write by anonymous auth "
                     "by * none", secretariat),
    g_strdup_printf ("to dn.subtree=\"ou=accounts,%s\" by %s write by self read by * none",
                     lower, secretariat),
    g_strdup_printf ("to dn.regex=\"^enlaceId=[^,]+,c=([a-z]+),%s$\" "
                     "attrs=enlaceMobile,enlaceNotes by %s write by %s write by * none",
                     re, secretariat, cancilleria),
    g_strdup_printf ("to dn.regex=\"^enlaceId=[^,]+,c=([a-z]+),%s$\" by %s write by %s write "
                     "by users read by * none", re, secretariat, cancilleria),
    g_strdup_printf ("to dn.regex=\"^c=([a-z]+),%s$\" attrs=children by %s write by %s write "
                     "by users read by * none", re, secretariat, cancilleria),
    g_strdup_printf ("to * by %s write by users read by * none", secretariat),
  };
  for (gsize i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      g_autofree char *value = g_strdup_printf ("{%zu}%s", i, rules[i]);
      append_attr (ldif, "olcAccess", value);
      g_free (rules[i]);
    }
}

/* The cn=config tree, as LDIF for slapadd -n0. Values go through the LDIF
 * writer so odd paths are base64-encoded, not pasted. */
static GString *
build_config_ldif (EnlaceLocal *local, const char *schema_ldif)
{
  g_autofree char *rootdn = g_strdup_printf (
      "gidNumber=%u+uidNumber=%u,cn=peercred,cn=external,cn=auth", (guint) getgid (),
      (guint) getuid ());
  g_autofree char *pidfile = path_in (local, "slapd.pid");
  g_autofree char *argsfile = path_in (local, "slapd.args");
  g_autofree char *data = path_in (local, "data");
  g_autofree char *accesslog = path_in (local, "accesslog");
  g_autofree char *campaigns = path_in (local, "campaigns");
  g_autofree char *unique_id = unique_uri (local->base, "enlaceId", NULL);
  /* A retired liaison's mailbox may pass to the successor. */
  g_autofree char *unique_mail = unique_uri (
      local->base, "mail", "(&(objectClass=enlaceLiaison)(!(enlaceStatus=retired)))");
  GString *ldif = g_string_new ("# cn=config for an enlace-local instance; "
                                "made once by enlace-local start.\n");

  g_string_append (ldif, "dn: cn=config\nobjectClass: olcGlobal\ncn: config\n");
  append_attr (ldif, "olcPidFile", pidfile);
  append_attr (ldif, "olcArgsFile", argsfile);
  append_attr (ldif, "olcLogLevel", "none");
  g_string_append (ldif, "\n");

  g_string_append (ldif, "dn: cn=module{0},cn=config\nobjectClass: olcModuleList\n"
                         "cn: module{0}\n");
  append_attr (ldif, "olcModulePath", ENLACE_SLAPD_MODULEDIR);
  g_string_append (ldif, "olcModuleLoad: back_mdb\nolcModuleLoad: accesslog\n"
                         "olcModuleLoad: unique\n\n");

  g_string_append (ldif, "dn: cn=schema,cn=config\nobjectClass: olcSchemaConfig\n"
                         "cn: schema\n\n");
  append_schema_include (ldif, "core.ldif");
  append_schema_include (ldif, "cosine.ldif");
  append_schema_include (ldif, "inetorgperson.ldif");
  g_string_append (ldif, schema_ldif);
  g_string_append (ldif, "\n");

  /* Anonymous users see the root DSE and the schema, nothing else;
   * per-country write rights are added on top of this by the registry. */
  g_string_append (ldif, "dn: olcDatabase={-1}frontend,cn=config\n"
                         "objectClass: olcDatabaseConfig\nobjectClass: olcFrontendConfig\n"
                         "olcDatabase: {-1}frontend\n"
                         "olcAccess: {0}to dn.base=\"\" by * read\n"
                         "olcAccess: {1}to dn.base=\"cn=Subschema\" by * read\n"
                         "olcAccess: {2}to * by users read by * none\n\n");

  g_string_append (ldif, "dn: olcDatabase={0}config,cn=config\nobjectClass: olcDatabaseConfig\n"
                         "olcDatabase: {0}config\n");
  append_attr (ldif, "olcRootDN", rootdn);
  g_string_append (ldif, "\n");

  g_string_append (ldif, "dn: olcDatabase={1}mdb,cn=config\nobjectClass: olcDatabaseConfig\n"
                         "objectClass: olcMdbConfig\nolcDatabase: {1}mdb\n"
                         "olcSuffix: cn=accesslog\n");
  append_attr (ldif, "olcDbDirectory", accesslog);
  append_attr (ldif, "olcRootDN", rootdn);
  /* The change history holds old values, restricted ones too. */
  g_autofree char *log_access = g_strdup_printf (
      "{0}to * by dn.children=\"ou=secretariat,ou=accounts,%s\" read by * none", local->base);
  append_attr (ldif, "olcAccess", log_access);
  /* slapo-accesslog writes each operation in a transaction of its own, so
   * a synced log costs one fdatasync per change: 80% of an import's time.
   * The directory itself stays synced on every commit; the log is flushed
   * every minute, so a power cut (not a crash of slapd) can lose at most
   * the last minute of history, never data. Only reqDN is looked up
   * (enlace history); objectClass and reqResult keys would be the same few
   * values on every entry, an ever-growing list for nothing. */
  g_string_append (ldif, "olcDbMaxSize: " LOG_MAX_SIZE "\n"
                         "olcDbNoSync: TRUE\n"
                         "olcDbCheckpoint: 0 1\n"
                         "olcDbIndex: reqDN eq\n"
                         "olcDbIndex: reqStart eq\n\n");

  /* The campaign's mail state (ou=campaigns) has a database of its own,
   * glued under the directory. Sending records two writes a message; synced,
   * they would cost two fdatasyncs each and bound the campaign to a few
   * hundred messages a second. Like the history, it is flushed every minute:
   * a crash of enlace or slapd loses nothing, a power cut the last minute.
   * And no LDAP transactions there: slapd 2.5.13 crashes when a client
   * dies while its transaction commits. */
  g_autofree char *campaigns_suffix = g_strdup_printf ("ou=campaigns,%s", local->base);
  g_autofree char *campaigns_access = g_strdup_printf (
      "{0}to * by dn.children=\"ou=secretariat,ou=accounts,%s\" write by * none", local->base);
  g_string_append (ldif, "dn: olcDatabase={2}mdb,cn=config\nobjectClass: olcDatabaseConfig\n"
                         "objectClass: olcMdbConfig\nolcDatabase: {2}mdb\n");
  append_attr (ldif, "olcSuffix", campaigns_suffix);
  append_attr (ldif, "olcDbDirectory", campaigns);
  append_attr (ldif, "olcRootDN", rootdn);
  append_attr (ldif, "olcAccess", campaigns_access);
  g_string_append (ldif, "olcSubordinate: TRUE\n"
                         "olcDbMaxSize: " LOG_MAX_SIZE "\n"
                         "olcDbNoSync: TRUE\n"
                         "olcDbCheckpoint: 0 1\n"
                         "olcDbIndex: objectClass eq\n"
                         "olcDbIndex: cn,c eq\n"
                         "olcDbIndex: enlaceCampaignState,enlaceTokenHash eq\n\n");

  g_string_append (ldif, "dn: olcDatabase={3}mdb,cn=config\nobjectClass: olcDatabaseConfig\n"
                         "objectClass: olcMdbConfig\nolcDatabase: {3}mdb\n");
  append_attr (ldif, "olcSuffix", local->base);
  append_attr (ldif, "olcDbDirectory", data);
  append_attr (ldif, "olcRootDN", rootdn);
  append_acls (ldif, local->base);
  g_string_append (ldif, "olcDbMaxSize: " DB_MAX_SIZE "\n"
                         "olcDbIndex: objectClass eq\n"
                         "olcDbIndex: entryUUID,entryCSN eq\n"
                         "olcDbIndex: enlaceId,enlaceTermId,c,enlaceStatus eq\n"
                         "olcDbIndex: enlaceRole,enlaceNetwork,enlaceCompetence eq\n"
                         "olcDbIndex: enlaceInstitutionType,enlaceInstitution,member eq\n"
                         /* Substrings only where lookups use them (address-book
                          * clients): every write pays for each substring key. */
                         "olcDbIndex: cn,sn,givenName,mail eq,sub\n"
                         "olcDbIndex: displayName,o eq\n\n");

  g_string_append (ldif, "dn: olcOverlay={0}accesslog,olcDatabase={3}mdb,cn=config\n"
                         "objectClass: olcOverlayConfig\nobjectClass: olcAccessLogConfig\n"
                         "olcOverlay: {0}accesslog\nolcAccessLogDB: cn=accesslog\n"
                         "olcAccessLogOps: writes\nolcAccessLogOld: (objectClass=*)\n"
                         "olcAccessLogSuccess: TRUE\n\n");

  g_string_append (ldif, "dn: olcOverlay={1}unique,olcDatabase={3}mdb,cn=config\n"
                         "objectClass: olcOverlayConfig\nobjectClass: olcUniqueConfig\n"
                         "olcOverlay: {1}unique\n");
  append_attr (ldif, "olcUniqueURI", unique_id);
  append_attr (ldif, "olcUniqueURI", unique_mail);
  return ldif;
}

static gboolean
remove_tree (const char *path, GError **error)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
      const char *name;
      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          if (!remove_tree (child, error))
            return FALSE;
        }
    }
  if (g_remove (path) != 0 && errno != ENOENT)
    {
      int errsv = errno;
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot remove %s: %s"), path,
                   g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

static gboolean
make_dir (const char *path, GError **error)
{
  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      int errsv = errno;
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot create %s: %s"), path,
                   g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

/**
 * enlace_local_set_up:
 * @base: (nullable): base DN for a new instance; %NULL for o=enlace
 *
 * Creates the instance the first time: the cn=config tree with the enlace
 * schema, indexes and overlays, and empty databases. Does nothing when the
 * instance exists (but a different @base is %ENLACE_ERROR_CONFLICT). The
 * tree is built aside and renamed into place, so a crash leaves no half
 * instance.
 */
gboolean
enlace_local_set_up (EnlaceLocal *local, const char *base, GError **error)
{
  if (enlace_local_is_set_up (local))
    {
      if (base != NULL && g_ascii_strcasecmp (base, local->base) != 0)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_CONFLICT,
                       _("%s already holds a directory with base %s, not %s"), local->dir,
                       local->base, base);
          return FALSE;
        }
      return TRUE;
    }

  if (base != NULL)
    {
      LDAPDN dn = NULL;
      if (ldap_str2dn (base, &dn, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS || dn == NULL)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("base '%s' is not a valid DN (RFC 4514)"), base);
          return FALSE;
        }
      ldap_dnfree (dn);
      g_free (local->base);
      local->base = g_strdup (base);
    }

  g_autofree char *schema_path = enlace_data_find ("schema/enlace.ldif", error);
  if (schema_path == NULL)
    return FALSE;
  g_autofree char *schema_ldif = NULL;
  g_autoptr(GError) read_error = NULL;
  if (!g_file_get_contents (schema_path, &schema_ldif, NULL, &read_error))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("%s"), read_error->message);
      return FALSE;
    }

  g_autofree char *slapd_d = path_in (local, "slapd.d");
  g_autofree char *staging = path_in (local, "slapd.d.new");
  g_autofree char *data = path_in (local, "data");
  g_autofree char *accesslog = path_in (local, "accesslog");
  g_autofree char *campaigns = path_in (local, "campaigns");
  g_autofree char *config_ldif_path = path_in (local, "config.ldif");

  if (!make_dir (local->dir, error) || !remove_tree (staging, error)
      || !remove_tree (data, error) || !remove_tree (accesslog, error)
      || !remove_tree (campaigns, error) || !make_dir (staging, error)
      || !make_dir (data, error) || !make_dir (accesslog, error) || !make_dir (campaigns, error))
    return FALSE;

  g_autoptr(GString) config_ldif = build_config_ldif (local, schema_ldif);
  g_autoptr(GError) write_error = NULL;
  if (!g_file_set_contents_full (config_ldif_path, config_ldif->str, config_ldif->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &write_error))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("%s"), write_error->message);
      return FALSE;
    }

  /* slapadd is slapd itself under another name; -T a selects it. */
  const char *argv[] = { slapd_binary (), "-T", "add", "-n", "0", "-F", staging, "-l",
                         config_ldif_path, NULL };
  g_autofree char *err_out = NULL;
  int status = 0;
  g_autoptr(GError) spawn_error = NULL;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                     &err_out, &status, &spawn_error))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot run %s: %s (is the slapd "
                   "package installed?)"), argv[0], spawn_error->message);
      return FALSE;
    }
  if (!g_spawn_check_wait_status (status, NULL))
    {
      remove_tree (staging, NULL);
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED,
                   _("slapadd could not build the configuration from %s:\n%s"), config_ldif_path,
                   err_out);
      return FALSE;
    }
  if (g_rename (staging, slapd_d) != 0)
    {
      int errsv = errno;
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot rename %s: %s"), staging,
                   g_strerror (errsv));
      return FALSE;
    }
  return save_instance_file (local, error);
}

static char **
slapd_argv (EnlaceLocal *local)
{
  g_autofree char *slapd_d = path_in (local, "slapd.d");
  GString *urls = g_string_new (local->uri);
  if (local->port != 0)
    g_string_append_printf (urls, " ldap://127.0.0.1:%u/", local->port);
  g_autofree char *urls_str = g_string_free (urls, FALSE);
  const char *argv[] = { slapd_binary (), "-F", slapd_d, "-h", urls_str, "-d", "0", NULL };
  return g_strdupv ((char **) argv);
}

static gboolean
prepare_start (EnlaceLocal *local, int port, GError **error)
{
  if (!enlace_local_set_up (local, NULL, error))
    return FALSE;
  if (port >= 0 && (guint) port != local->port)
    {
      if (port > 65535)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("port %d is out of range (1-65535, or 0 for none)"), port);
          return FALSE;
        }
      local->port = (guint) port;
      if (!save_instance_file (local, error))
        return FALSE;
    }
  /* A socket left by a slapd that was killed would make bind() fail. */
  g_unlink (local->socket_path);
  return TRUE;
}

static char *
log_tail (EnlaceLocal *local)
{
  g_autofree char *log_path = path_in (local, "slapd.log");
  g_autofree char *contents = NULL;
  if (!g_file_get_contents (log_path, &contents, NULL, NULL))
    return g_strdup ("");
  g_auto(GStrv) lines = g_strsplit (g_strchomp (contents), "\n", -1);
  guint n = g_strv_length (lines);
  return g_strjoinv ("\n", lines + (n > 10 ? n - 10 : 0));
}

static void
detach_child (gpointer user_data)
{
  /* Its own session: the terminal's ^C and hangup are not slapd's. */
  setsid ();
}

/**
 * enlace_local_start:
 * @port: also listen on 127.0.0.1:@port; 0 for the socket only; -1 to
 *   keep the port remembered from the last start
 * @already_running: (out) (optional): set when slapd was running already
 *
 * Sets the instance up if needed and starts its slapd in the background,
 * logging to DIR/slapd.log. Returns once the server answers.
 */
gboolean
enlace_local_start (EnlaceLocal *local, int port, gboolean *already_running, GError **error)
{
  if (already_running != NULL)
    *already_running = FALSE;
  GPid running = enlace_local_get_pid (local);
  if (running != 0)
    {
      if (port >= 0 && (guint) port != local->port)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_CONFLICT,
                       _("slapd is already running (pid %d) with port %u; stop it to change "
                       "the port"), (int) running, local->port);
          return FALSE;
        }
      if (already_running != NULL)
        *already_running = TRUE;
      return TRUE;
    }
  if (!prepare_start (local, port, error))
    return FALSE;

  g_autofree char *log_path = path_in (local, "slapd.log");
  int log_fd = g_open (log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (log_fd < 0)
    {
      int errsv = errno;
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot open %s: %s"), log_path,
                   g_strerror (errsv));
      return FALSE;
    }
  g_auto(GStrv) argv = slapd_argv (local);
  GPid pid = 0;
  g_autoptr(GError) spawn_error = NULL;
  gboolean spawned = g_spawn_async_with_pipes_and_fds (
      local->dir, (const char *const *) argv, NULL,
      G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL, detach_child, NULL, -1, log_fd,
      log_fd, NULL, NULL, 0, &pid, NULL, NULL, NULL, &spawn_error);
  close (log_fd);
  if (!spawned)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED,
                   _("cannot run %s: %s (is the slapd package installed?)"), argv[0],
                   spawn_error->message);
      return FALSE;
    }

  for (int waited = 0; waited < START_TIMEOUT_MS; waited += POLL_MS)
    {
      int status = 0;
      if (waitpid (pid, &status, WNOHANG) == pid)
        {
          g_autofree char *tail = log_tail (local);
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED,
                       _("slapd exited at start (see %s):\n%s"), log_path, tail);
          return FALSE;
        }
      g_autoptr(EnlaceDirectory) probe = enlace_directory_connect (local->uri, local->base, NULL,
                                                                   NULL, NULL);
      if (probe != NULL)
        return TRUE;
      g_usleep (POLL_MS * 1000);
    }

  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
  g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED,
               _("slapd did not answer on %s within %d s (see %s)"), local->uri,
               START_TIMEOUT_MS / 1000, log_path);
  return FALSE;
}

/**
 * enlace_local_exec:
 * @port: as for enlace_local_start()
 *
 * Sets the instance up if needed and replaces the calling process with
 * slapd in the foreground (-d 0), so a supervisor or a test harness holds
 * slapd's own pid. Returns only on failure.
 */
gboolean
enlace_local_exec (EnlaceLocal *local, int port, GError **error)
{
  GPid running = enlace_local_get_pid (local);
  if (running != 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_CONFLICT,
                   _("slapd is already running for %s (pid %d)"), local->dir, (int) running);
      return FALSE;
    }
  if (!prepare_start (local, port, error))
    return FALSE;
  g_auto(GStrv) argv = slapd_argv (local);
  execv (argv[0], argv);
  int errsv = errno;
  g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot run %s: %s"), argv[0],
               g_strerror (errsv));
  return FALSE;
}

/**
 * enlace_local_stop:
 * @was_running: (out) (optional): whether there was a slapd to stop
 *
 * Stops the instance's slapd by the pid in its pidfile (SIGTERM, then
 * SIGKILL after 30 s) and waits until it is gone.
 */
gboolean
enlace_local_stop (EnlaceLocal *local, gboolean *was_running, GError **error)
{
  GPid pid = enlace_local_get_pid (local);
  g_autofree char *pidfile = path_in (local, "slapd.pid");

  if (was_running != NULL)
    *was_running = pid != 0;
  if (pid == 0)
    {
      g_unlink (pidfile);
      return TRUE;
    }

  int sig = SIGTERM;
  for (int waited = 0; pid_is_our_slapd (local, pid); waited += POLL_MS)
    {
      if (waited == 0 || (waited >= STOP_TIMEOUT_MS && sig == SIGTERM))
        {
          if (waited > 0)
            sig = SIGKILL;
          if (kill (pid, sig) != 0 && errno != ESRCH)
            {
              int errsv = errno;
              g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_PERMISSION,
                           _("cannot stop slapd (pid %d): %s"), (int) pid, g_strerror (errsv));
              return FALSE;
            }
        }
      if (waited >= STOP_TIMEOUT_MS + 5000)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED,
                       _("slapd (pid %d) did not stop"), (int) pid);
          return FALSE;
        }
      g_usleep (POLL_MS * 1000);
    }
  g_unlink (pidfile);
  return TRUE;
}

/**
 * enlace_local_env:
 *
 * Returns: (transfer full): the shell lines that point enlace (and
 * OpenLDAP's own tools, through a comment) at this instance.
 */
char *
enlace_local_env (EnlaceLocal *local)
{
  g_autofree char *uri = g_shell_quote (local->uri);
  g_autofree char *base = g_shell_quote (local->base);
  GString *out = g_string_new (NULL);
  g_string_append_printf (out, "export ENLACE_URI=%s\n", uri);
  g_string_append_printf (out, "export ENLACE_BASE=%s\n", base);
  g_string_append (out, "unset ENLACE_BIND_DN ENLACE_PASSWORD_FILE\n");
  if (local->port != 0)
    g_string_append_printf (out, "# TCP: ldap://127.0.0.1:%u/\n", local->port);
  g_string_append (out, "# OpenLDAP's tools: ldapsearch -H \"$ENLACE_URI\" -Y EXTERNAL "
                        "-b \"$ENLACE_BASE\"\n");
  return g_string_free (out, FALSE);
}
