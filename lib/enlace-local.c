/* enlace-local.c — a private slapd (Debian's binary, back-mdb, cn=config)
 * in one directory:
 *
 *   DIR/enlace-local.conf   what enlace-local remembers (base, port, what
 *                           it listens on, TLS files, whose replica it is)
 *   DIR/replica.password    a replica's password on its provider
 *   DIR/slapd.d/            the cn=config tree (enlace-local-config.c),
 *                           reconciled on every start (enlace-local-reconcile.c)
 *   DIR/data/               the directory (back-mdb)
 *   DIR/accounts/           the accounts, and their password policy
 *   DIR/campaigns/          the re-confirmation campaigns
 *   DIR/accesslog/          change history (slapo-accesslog)
 *   DIR/ldapi               the socket; DIR/slapd.pid, DIR/slapd.log
 *   DIR/lock                taken (flock) while a command sets the
 *                           instance up, rebuilds, starts or restores it
 *
 * The owner talks to it over ldapi:// with SASL EXTERNAL: their
 * uid/gid peer credentials are the rootdn, so no password exists to leak. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <ldap.h>

#include "enlace-data.h"
#include "enlace-directory.h"
#include "enlace-error.h"
#include "enlace-history.h"
#include "enlace-local.h"
#include "enlace-local-private.h"

/* sun_path in struct sockaddr_un holds 108 bytes with the NUL. */
#define MAX_SOCKET_PATH 107
/* How long slapd may take to answer after it starts, and to stop. */
#define START_TIMEOUT_MS 30000
#define STOP_TIMEOUT_MS 30000
#define POLL_MS 50

struct _EnlaceLocal {
  char *dir;
  char *socket_path;
  char *uri;
  char *base;
  guint port;
  EnlaceLocalServer server;
  EnlaceLocalServer remembered; /* as the instance file has it */
  gboolean server_changed;      /* set since it was read */
  char *notice; /* what the last start changed, for the user */
  gboolean prepared;
  int lock_fd; /* DIR/lock, while held; else -1 */
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
  enlace_local_server_load (&local->server, kf, local->dir);
  enlace_local_server_load (&local->remembered, kf, local->dir);
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
  if (!enlace_local_server_save (&local->server, kf, local->dir, error))
    return FALSE;
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
  local->lock_fd = -1;
  load_instance_file (local);
  return local;
}

void
enlace_local_free (EnlaceLocal *local)
{
  if (local == NULL)
    return;
  enlace_local_unlock (local);
  g_free (local->dir);
  g_free (local->socket_path);
  g_free (local->uri);
  g_free (local->base);
  enlace_local_server_clear (&local->server);
  enlace_local_server_clear (&local->remembered);
  g_free (local->notice);
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
 * enlace_local_set_listen:
 * @urls: (nullable) (array zero-terminated=1): ldap:// (StartTLS) and
 *   ldaps:// URLs slapd listens on besides its socket; %NULL or empty for
 *   none
 *
 * Changes what the instance listens on from its next start, which checks
 * the whole (a URL beyond this machine needs a certificate) and remembers
 * it.
 */
void
enlace_local_set_listen (EnlaceLocal *local, const char *const *urls)
{
  g_strfreev (local->server.listen);
  g_autoptr(GStrvBuilder) unique = g_strv_builder_new ();
  for (gsize i = 0; urls != NULL && urls[i] != NULL; i++)
    if (!g_strv_contains (urls, urls[i]) || g_strv_contains (urls + i + 1, urls[i]) == FALSE)
      g_strv_builder_add (unique, urls[i]);
  g_auto(GStrv) list = g_strv_builder_end (unique);
  local->server.listen = list[0] ? g_steal_pointer (&list) : NULL;
}

/**
 * enlace_local_get_listen:
 *
 * Returns: (transfer none) (nullable): the URLs slapd listens on besides
 * its socket and the loopback port.
 */
const char *const *
enlace_local_get_listen (EnlaceLocal *local)
{
  return (const char *const *) local->server.listen;
}

/**
 * enlace_local_set_tls:
 * @cert: (nullable): the server's certificate (PEM); %NULL keeps it
 * @key: (nullable): its private key (PEM); %NULL keeps it
 * @ca: (nullable): the CA's certificate: the chain, and what a replica
 *   checks its provider's certificate against; %NULL keeps it, ""
 *   forgets it
 *
 * Changes the instance's TLS files from its next start (see
 * enlace_local_set_listen()).
 */
void
enlace_local_set_tls (EnlaceLocal *local, const char *cert, const char *key, const char *ca)
{
  enlace_local_server_set_tls (&local->server, cert, key, ca);
}

/**
 * enlace_local_set_replica:
 * @provider: the provider's URL, ldaps:// or ldap:// (StartTLS)
 * @bind_dn: the replication account on the provider
 * @password_file: the file holding its password
 *
 * Makes a new instance a read-only replica of @provider (syncrepl), or
 * changes where an existing replica finds its provider. An instance made
 * as a provider stays one (%ENLACE_ERROR_CONFLICT): its changes would be
 * lost to the provider's.
 */
gboolean
enlace_local_set_replica (EnlaceLocal *local, const char *provider, const char *bind_dn,
                          const char *password_file, GError **error)
{
  if (enlace_local_is_set_up (local) && local->remembered.provider == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_CONFLICT,
                   _("%s holds a directory of its own (a provider): a replica is made in a "
                     "new instance directory"), local->dir);
      return FALSE;
    }
  g_autofree char *password = NULL;
  if (password_file != NULL)
    {
      password = enlace_read_password_file (password_file, "--replica-password-file", error);
      if (password == NULL)
        return FALSE;
    }
  g_free (local->server.provider);
  local->server.provider = g_strdup (provider);
  if (bind_dn != NULL)
    {
      g_free (local->server.replica_dn);
      local->server.replica_dn = g_strdup (bind_dn);
    }
  if (password != NULL)
    {
      g_free (local->server.replica_password);
      local->server.replica_password = g_steal_pointer (&password);
    }
  return TRUE;
}

/**
 * enlace_local_get_provider:
 *
 * Returns: (nullable): the provider's URL when the instance is a replica.
 */
const char *
enlace_local_get_provider (EnlaceLocal *local)
{
  return local->server.provider;
}

const EnlaceLocalServer *
enlace_local_get_server (EnlaceLocal *local)
{
  return &local->server;
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

gboolean
enlace_local_remove_tree (const char *path, GError **error)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
      const char *name;
      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          if (!enlace_local_remove_tree (child, error))
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

gboolean
enlace_local_make_dir (const char *path, GError **error)
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

/* The instance directory holds the databases, restricted fields and the
 * socket through which its owner is the rootdn: it must be the owner's
 * alone. One others could write to may hold a configuration someone else
 * changed, so it is refused, never silently repaired. */
static gboolean
check_private (EnlaceLocal *local, GError **error)
{
  GStatBuf st;
  /* Others who may write the parent could swap the directory itself
   * (unless the parent is sticky, as /tmp is). */
  g_autofree char *parent = g_path_get_dirname (local->dir);
  if (g_stat (parent, &st) == 0 && (st.st_mode & S_IWOTH) != 0 && (st.st_mode & S_ISVTX) == 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_PERMISSION,
                   _("%s is writable by other users (mode %04o): they could replace the "
                     "instance directory %s; choose another place, or 'chmod o-w %s'"),
                   parent, (guint) (st.st_mode & 07777), local->dir, parent);
      return FALSE;
    }
  if (g_lstat (local->dir, &st) != 0)
    return TRUE; /* made 0700 below */
  if (!S_ISDIR (st.st_mode))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, _("%s is not a directory"),
                   local->dir);
      return FALSE;
    }
  if (st.st_uid != getuid ())
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_PERMISSION,
                   _("%s belongs to another user (uid %u): an instance directory must be "
                     "your own"), local->dir, (guint) st.st_uid);
      return FALSE;
    }
  if ((st.st_mode & 077) != 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_PERMISSION,
                   _("%s is open to other users (mode %04o): it would let them reach the "
                     "directory's data and socket. Check that nobody else changed it, then "
                     "run 'chmod 700 %s'"), local->dir, (guint) (st.st_mode & 07777), local->dir);
      return FALSE;
    }
  return TRUE;
}

/**
 * enlace_local_lock:
 *
 * Takes DIR/lock (an flock, released by enlace_local_unlock(),
 * enlace_local_free() or the end of the process, also a crash) unless
 * @local holds it already. Whatever sets the instance up, rebuilds it,
 * restores it, backs up a stopped one, or starts it (until slapd answers)
 * holds it, so none of those can interleave with another: a start cannot
 * run slapd on databases a restore is swapping in. Creates DIR (0700) when
 * it is missing. Fails with %ENLACE_ERROR_CONFLICT while another process
 * holds it.
 */
gboolean
enlace_local_lock (EnlaceLocal *local, GError **error)
{
  if (local->lock_fd >= 0)
    return TRUE;
  if (!check_private (local, error) || !enlace_local_make_dir (local->dir, error))
    return FALSE;
  g_autofree char *path = path_in (local, "lock");
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      int errsv = errno;
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot open %s: %s"), path,
                   g_strerror (errsv));
      return FALSE;
    }
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int errsv = errno;
      close (fd);
      if (errsv == EWOULDBLOCK)
        g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_CONFLICT,
                     _("another enlace-local command is setting up, starting, restoring or "
                       "backing up the instance in %s; try again when it is done"),
                     local->dir);
      else
        g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot lock %s: %s"), path,
                     g_strerror (errsv));
      return FALSE;
    }
  local->lock_fd = fd;
  return TRUE;
}

/**
 * enlace_local_unlock:
 *
 * Releases DIR/lock, if @local holds it.
 */
void
enlace_local_unlock (EnlaceLocal *local)
{
  if (local->lock_fd < 0)
    return;
  close (local->lock_fd);
  local->lock_fd = -1;
}

char *
enlace_local_read_schema (GError **error)
{
  g_autofree char *schema_path = enlace_data_find ("schema/enlace.ldif", error);
  if (schema_path == NULL)
    return NULL;
  char *schema_ldif = NULL;
  g_autoptr(GError) read_error = NULL;
  if (!g_file_get_contents (schema_path, &schema_ldif, NULL, &read_error))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, "%s", read_error->message);
      return NULL;
    }
  return schema_ldif;
}

/**
 * enlace_local_set_up:
 * @base: (nullable): base DN for a new instance; %NULL for o=enlace
 *
 * Creates the instance the first time: the cn=config tree with the enlace
 * schema, access rules, indexes and overlays, and empty databases. Does
 * nothing when the instance exists (but a different @base is
 * %ENLACE_ERROR_CONFLICT), beyond finishing a rebuild a crash interrupted.
 * The tree is built aside and renamed into place, so a crash leaves no half
 * instance. A directory other users can reach is refused
 * (%ENLACE_ERROR_PERMISSION).
 */
gboolean
enlace_local_set_up (EnlaceLocal *local, const char *base, GError **error)
{
  if (!check_private (local, error))
    return FALSE;
  if (base != NULL && !enlace_local_is_set_up (local))
    {
      LDAPDN dn = NULL;
      if (ldap_str2dn (base, &dn, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS || dn == NULL)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("base '%s' is not a valid DN (RFC 4514)"), base);
          return FALSE;
        }
      ldap_dnfree (dn);
    }
  if (!enlace_local_lock (local, error) || !enlace_local_finish_swap (local, error))
    return FALSE;
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

  if (!enlace_local_server_check (&local->server, error))
    return FALSE;
  if (base != NULL)
    {
      g_free (local->base);
      local->base = g_strdup (base);
    }

  g_autofree char *schema_ldif = enlace_local_read_schema (error);
  if (schema_ldif == NULL)
    return FALSE;

  g_autofree char *slapd_d = path_in (local, "slapd.d");
  g_autofree char *staging = path_in (local, "slapd.d.new");
  g_autofree char *config_ldif_path = path_in (local, "config.ldif");

  if (!enlace_local_make_dir (local->dir, error) || !enlace_local_remove_tree (staging, error)
      || !enlace_local_make_dir (staging, error))
    return FALSE;
  for (int db = 1; db <= ENLACE_LOCAL_N_DBS; db++)
    {
      g_autofree char *db_dir = path_in (local, enlace_local_db_dirs[db]);
      if (!enlace_local_remove_tree (db_dir, error) || !enlace_local_make_dir (db_dir, error))
        return FALSE;
    }

  EnlaceLocalConfigSpec spec = { local->dir, local->dir, local->base, schema_ldif,
                                 &local->server };
  g_autoptr(GString) config_ldif = enlace_local_config_ldif (&spec);
  g_autoptr(GError) write_error = NULL;
  if (!g_file_set_contents_full (config_ldif_path, config_ldif->str, config_ldif->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &write_error))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, "%s", write_error->message);
      return FALSE;
    }

  g_autofree char *scratch = path_in (local, "prime.ldif");
  if (!enlace_local_slapadd_config (staging, config_ldif_path, error)
      || !enlace_local_prime (staging, local->base, schema_ldif, scratch, error)
      || (local->server.provider == NULL
          && !enlace_local_add_history_root (staging, scratch, error)))
    {
      enlace_local_remove_tree (staging, NULL);
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
  g_autofree char *urls_str = enlace_local_server_listen_urls (&local->server, local->uri,
                                                               local->port);
  const char *argv[] = { enlace_local_slapd (), "-F", slapd_d, "-h", urls_str, "-d", "0", NULL };
  return g_strdupv ((char **) argv);
}

/* Sets the instance up, or brings an existing one's configuration to this
 * release's; the notice says what that changed (NULL: nothing). */
static gboolean
settings_changed (EnlaceLocal *local, int port)
{
  return (port >= 0 && (guint) port != local->port)
         || !enlace_local_server_equal (&local->server, &local->remembered);
}

static gboolean
prepare_start (EnlaceLocal *local, int port, GError **error)
{
  gboolean changed = settings_changed (local, port);
  if (local->prepared && !changed)
    return TRUE;
  if (port > 65535)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("port %d is out of range (1-65535, or 0 for none)"), port);
      return FALSE;
    }
  /* Every refusal before anything is written: the settings, the
   * addresses. */
  if (!enlace_local_server_check (&local->server, error)
      || !enlace_local_server_check_ports (&local->server, port >= 0 ? (guint) port : local->port,
                                           error))
    return FALSE;
  if (port >= 0)
    local->port = (guint) port;
  if (!enlace_local_set_up (local, NULL, error))
    return FALSE;
  g_autofree char *schema_ldif = enlace_local_read_schema (error);
  g_clear_pointer (&local->notice, g_free);
  if (schema_ldif == NULL || !enlace_local_reconcile (local, schema_ldif, &local->notice, error))
    return FALSE;
  if (changed)
    {
      if (!save_instance_file (local, error))
        return FALSE;
      load_instance_file (local);
    }
  /* A socket left by a slapd that was killed would make bind() fail. */
  g_unlink (local->socket_path);
  local->prepared = TRUE;
  return TRUE;
}

/**
 * enlace_local_prepare:
 * @port: as for enlace_local_start()
 *
 * What enlace_local_start() and enlace_local_exec() do before they run
 * slapd: set the instance up, or bring its configuration to this
 * release's (see enlace_local_get_notice()). Runs once per @local.
 */
gboolean
enlace_local_prepare (EnlaceLocal *local, int port, GError **error)
{
  GPid running = enlace_local_get_pid (local);
  if (running != 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_CONFLICT,
                   _("slapd is already running for %s (pid %d)"), local->dir, (int) running);
      return FALSE;
    }
  return prepare_start (local, port, error);
}

/**
 * enlace_local_get_notice:
 *
 * Returns: (nullable): what the last start changed in the instance's
 * configuration, for the person who started it; %NULL for nothing.
 */
const char *
enlace_local_get_notice (EnlaceLocal *local)
{
  return local->notice;
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

/* A crash or a full disk may have left the history disagreeing with the
 * data: repaired and said at every start, never silently absent. */
static void
check_history_at_start (EnlaceLocal *local, EnlaceDirectory *dir)
{
  g_autoptr(EnlaceHistoryReport) report = NULL;
  g_autoptr(GError) check_error = NULL;
  g_autofree char *text = NULL;
  if (!enlace_history_check (dir, TRUE, &report, &check_error))
    text = g_strdup_printf (_("enlace-local: the change history could not be checked: %s\n"),
                            check_error->message);
  else
    {
      g_autofree char *found = enlace_history_report_describe (report, TRUE);
      if (found != NULL)
        text = g_strdup_printf ("enlace-local: %s", found);
    }
  if (text == NULL)
    return;
  char *notice = g_strconcat (local->notice ? local->notice : "", text, NULL);
  g_free (local->notice);
  local->notice = notice;
}

/**
 * enlace_local_check_history:
 * @repair: remove the records of changes the data does not hold, record
 *   the changes whose records were lost
 *
 * Checks the running instance's change history against its data, as its
 * owner (see enlace_history_check()). A replica's is only reported: it is
 * its provider's, repaired there and carried over.
 */
gboolean
enlace_local_check_history (EnlaceLocal *local, gboolean repair, EnlaceHistoryReport **report,
                            GError **error)
{
  if (local->server.provider != NULL && repair)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("%s is a replica of %s: its history is the provider's, checked and "
                     "repaired there ('enlace-local check --dry-run' reports on this copy)"),
                   local->dir, local->server.provider);
      return FALSE;
    }
  g_autoptr(EnlaceDirectory) dir = enlace_directory_connect (local->uri, local->base, NULL, NULL,
                                                             error);
  return dir != NULL && enlace_history_check (dir, repair, report, error);
}

/* How long a replica's start waits for its first entries. */
#define REPLICA_WAIT_MS 10000

/* A replica that cannot reach or trust its provider, or binds as the wrong
 * account, starts all the same, empty, and its clients' binds fail: say
 * so now, while whoever started it is there to read it. */
static void
check_replica_at_start (EnlaceLocal *local, EnlaceDirectory *dir)
{
  const char *const attrs[] = { "1.1", NULL };
  for (int waited = 0; waited < REPLICA_WAIT_MS; waited += POLL_MS * 4)
    {
      LDAPMessage *entry = enlace_directory_get_entry (dir, local->base, attrs, NULL);
      if (entry != NULL)
        {
          ldap_msgfree (entry);
          return;
        }
      g_usleep (POLL_MS * 4 * 1000);
    }
  char *notice = g_strdup_printf (
      _("%senlace-local: warning: after %d s this replica holds nothing from %s yet: check "
        "that the provider runs and listens there, that --tls-ca holds the CA that signed "
        "its certificate, and that --replica-dn is a replication account (enlace account "
        "add --kind replica) with that password. It keeps trying.\n"),
      local->notice ? local->notice : "", REPLICA_WAIT_MS / 1000, local->server.provider);
  g_free (local->notice);
  local->notice = notice;
}
static gboolean spawn_and_wait (EnlaceLocal *local, int port, GError **error);

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
      if (settings_changed (local, port))
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_CONFLICT,
                       _("slapd is already running (pid %d); stop it to change what it "
                         "listens on, its certificate or its provider"), (int) running);
          return FALSE;
        }
      if (already_running != NULL)
        *already_running = TRUE;
      return TRUE;
    }
  /* Held until slapd answers (its pidfile written by then): a restore or
   * another start meanwhile finds either the lock taken or slapd running. */
  gboolean ok = enlace_local_lock (local, error) && spawn_and_wait (local, port, error);
  enlace_local_unlock (local);
  return ok;
}

static gboolean
spawn_and_wait (EnlaceLocal *local, int port, GError **error)
{
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
        {
          /* A replica's history is its provider's, checked there. */
          if (local->server.provider == NULL)
            check_history_at_start (local, probe);
          else
            check_replica_at_start (local, probe);
          return TRUE;
        }
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
 * slapd's own pid. DIR/lock, taken to prepare the instance, ends at the
 * exec (close-on-exec): from then on slapd's pidfile guards the instance.
 * Returns only on failure.
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
