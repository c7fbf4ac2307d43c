/* enlace-local-reconcile.c — bring an existing instance's cn=config to
 * what this release ships, on every start, without losing a thing.
 *
 * The configuration this release would write is loaded (slapadd -n0) into
 * a scratch directory and dumped (slapcat -n0) beside a dump of the
 * instance's own; with the bookkeeping attributes set aside, equal dumps
 * mean nothing to do. Otherwise the instance is rebuilt aside in
 * DIR/rebuild: every database dumped with slapcat (entryUUIDs, CSNs and
 * timestamps kept), moved where this release keeps it (the accounts to a
 * database of their own), the history cleared of passwords, and loaded
 * with slapadd under the new configuration. Only when all of that
 * succeeded does DIR/rebuild/READY appear; then the new directories
 * replace the old ones one by one. A crash before READY leaves the old
 * instance as it was (the half build is thrown away); a crash after it is
 * finished by the next start (enlace_local_finish_swap).
 *
 * enlace_local_restore() uses the same rebuild and swap, with a backup's
 * LDIF files (enlace-local-backup.c) in place of the instance's dumps. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <ldap.h>

#include "enlace-data.h"
#include "enlace-directory.h"
#include "enlace-error.h"
#include "enlace-ldif.h"
#include "enlace-local-private.h"
#include "enlace-seed-private.h"

/* What slapd keeps about the configuration entries themselves. */
static const char *const bookkeeping[] = {
  "entryUUID", "entryCSN", "creatorsName", "createTimestamp", "modifiersName",
  "modifyTimestamp", "structuralObjectClass", "contextCSN", NULL,
};

/* What a start changes with no database reloaded: what slapd listens
 * with and where a replica finds its provider. */
static const char *const server_settings[] = {
  "olcTLSCertificateFile", "olcTLSCertificateKeyFile", "olcTLSCACertificateFile",
  "olcSecurity", "olcSyncrepl", "olcUpdateRef", NULL,
};

/* Attributes whose values are passwords, or hashes of them: never kept
 * in the history (reqMod "attr:= value", reqOld "attr: value"). */
static const char *const secrets[] = { "userPassword", "pwdHistory", "authPassword", NULL };

/* The directories a rebuild replaces, and where the new one is staged. */
static const struct {
  const char *name;
  const char *staged;
} swapped[] = {
  { "slapd.d", "slapd.d" },
  { "data", "db/data" },
  { "accesslog", "db/accesslog" },
  { "campaigns", "db/campaigns" },
  { "accounts", "db/accounts" },
};

static gboolean
in_list (const char *const *list, const char *attr, gsize len)
{
  for (gsize i = 0; list[i] != NULL; i++)
    if (strlen (list[i]) == len && g_ascii_strncasecmp (list[i], attr, len) == 0)
      return TRUE;
  return FALSE;
}

const char *
enlace_local_slapd (void)
{
  const char *env = g_getenv ("ENLACE_SLAPD");
  return env && *env ? env : ENLACE_SLAPD;
}

/* A slapadd or slapcat dies with the enlace-local that runs it: one left
 * writing a rebuild that the next start clears would race it. */
static void
die_with_parent (gpointer user_data)
{
  pid_t parent = GPOINTER_TO_INT (user_data);
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != parent)
    _exit (127); /* the parent died before prctl() */
}

/**
 * enlace_local_run_tool:
 * @what: what the tool does, for the error
 *
 * Runs one of slapd's offline tools (slapadd, slapcat: slapd under
 * another name, -T selects it) and fails with its own words.
 */
gboolean
enlace_local_run_tool (const char *what, const char *const *argv, GError **error)
{
  g_autofree char *err_out = NULL;
  int status = 0;
  g_autoptr(GError) spawn_error = NULL;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, die_with_parent,
                     GINT_TO_POINTER (getpid ()), NULL, &err_out, &status, &spawn_error))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED,
                   _("cannot run %s: %s (is the slapd package installed?)"), argv[0],
                   spawn_error->message);
      return FALSE;
    }
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("%s failed:\n%s"), what,
                   g_strchomp (err_out));
      return FALSE;
    }
  return TRUE;
}

/**
 * enlace_local_slapadd_config:
 *
 * Loads a cn=config LDIF into a new configuration directory @slapd_d.
 */
gboolean
enlace_local_slapadd_config (const char *slapd_d, const char *ldif_path, GError **error)
{
  const char *argv[] = { enlace_local_slapd (), "-T", "add", "-n", "0", "-F", slapd_d,
                         "-l", ldif_path, NULL };
  return enlace_local_make_dir (slapd_d, error)
         && enlace_local_run_tool (_("slapadd of the configuration"), argv, error);
}

/**
 * enlace_local_dump:
 * @except: (nullable): subtrees to leave out
 *
 * slapcat of the entries of @subtree (and not of @except) from the
 * database holding @suffix alone, unwrapped, into the file @out. Safe while
 * slapd runs (back-mdb reads in a transaction of its own).
 */
gboolean
enlace_local_dump (const char *slapd_d, const char *suffix, const char *subtree,
                   const char *const *except, const char *out, GError **error)
{
  g_autoptr(GString) filter = g_string_new ("(&");
  g_autofree char *in = enlace_filter_printf ("(entryDN:dnSubtreeMatch:=%s)", subtree);
  g_string_append (filter, in);
  for (gsize i = 0; except != NULL && except[i] != NULL; i++)
    {
      g_autofree char *out_of = enlace_filter_printf ("(!(entryDN:dnSubtreeMatch:=%s))",
                                                      except[i]);
      g_string_append (filter, out_of);
    }
  g_string_append_c (filter, ')');
  /* -g: this database alone, not the ones glued under it. */
  const char *argv[] = { enlace_local_slapd (), "-T", "cat", "-g", "-F", slapd_d, "-b", suffix,
                         "-a", filter->str, "-o", "ldif-wrap=no", "-l", out, NULL };
  g_autofree char *what = g_strdup_printf (_("slapcat of %s"), subtree);
  return enlace_local_run_tool (what, argv, error);
}

/* A reqMod or reqOld value names its attribute before the first colon. */
static gboolean
is_secret_change (const struct berval *v)
{
  const char *colon = memchr (v->bv_val, ':', v->bv_len);
  return colon != NULL && in_list (secrets, v->bv_val, colon - v->bv_val);
}

typedef enum {
  KEEP_ALL = 0,
  DROP_BOOKKEEPING = 1 << 0, /* what slapd keeps about an entry itself */
  DROP_SECRETS = 1 << 1,     /* passwords in the history's reqMod and reqOld */
  DROP_SERVER = 1 << 2,      /* the server settings */
} Dropping;

/* Appends one LDIF record: @dn and the values of @mods, less what @drop
 * says. Returns how many secret values it left out. */
static guint
append_record (GString *text, const char *dn, LDAPMod **mods, Dropping drop)
{
  guint dropped = 0;
  enlace_ldif_append_str (text, "dn", dn);
  for (int i = 0; mods[i] != NULL; i++)
    {
      const char *type = mods[i]->mod_type;
      if ((drop & DROP_BOOKKEEPING) && in_list (bookkeeping, type, strlen (type)))
        continue;
      if ((drop & DROP_SERVER) && in_list (server_settings, type, strlen (type)))
        continue;
      gboolean logged = (drop & DROP_SECRETS) && (g_ascii_strcasecmp (type, "reqMod") == 0
                                                  || g_ascii_strcasecmp (type, "reqOld") == 0);
      for (int j = 0; mods[i]->mod_bvalues[j] != NULL; j++)
        {
          struct berval *v = mods[i]->mod_bvalues[j];
          if (logged && is_secret_change (v))
            dropped++;
          else
            enlace_ldif_append (text, type, v->bv_val, v->bv_len);
        }
    }
  g_string_append_c (text, '\n');
  return dropped;
}

static gboolean
write_text (FILE *out, GString *text, GError **error)
{
  if (fwrite (text->str, 1, text->len, out) != text->len)
    {
      int errsv = errno;
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot write: %s"),
                   g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

/* A dump of a cn=config with the bookkeeping left out (and @drop): what to
 * compare. */
static char *
config_text (const char *slapd_d, const char *scratch, Dropping drop, GError **error)
{
  const char *argv[] = { enlace_local_slapd (), "-T", "cat", "-n", "0", "-F", slapd_d,
                         "-o", "ldif-wrap=no", "-l", scratch, NULL };
  if (!enlace_local_run_tool (_("slapcat of the configuration"), argv, error))
    return NULL;
  g_autoptr(EnlaceLdifReader) reader = enlace_ldif_reader_open (scratch, error);
  if (reader == NULL)
    return NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  const char *dn = NULL;
  LDAPMod **mods = NULL;
  g_autoptr(GError) local_error = NULL;
  while (enlace_ldif_reader_next (reader, &dn, &mods, NULL, &local_error))
    append_record (text, dn, mods, DROP_BOOKKEEPING | drop);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

typedef struct {
  guint entries;
  guint scrubbed; /* password values taken out of the history */
  GHashTable *dns; /* normalised DNs read, when asked for */
} CopyStats;

/* Copies the entries of the LDIF at @in to @out, leaving out password
 * values of the history's reqMod and reqOld. */
static gboolean
copy_entries (const char *in, FILE *out, gboolean history, CopyStats *stats, GError **error)
{
  g_autoptr(EnlaceLdifReader) reader = enlace_ldif_reader_open (in, error);
  if (reader == NULL)
    return FALSE;
  const char *dn = NULL;
  LDAPMod **mods = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  while (enlace_ldif_reader_next (reader, &dn, &mods, NULL, &local_error))
    {
      g_string_truncate (text, 0);
      stats->scrubbed += append_record (text, dn, mods, history ? DROP_SECRETS : KEEP_ALL);
      if (!write_text (out, text, error))
        return FALSE;
      stats->entries++;
      if (stats->dns != NULL)
        g_hash_table_add (stats->dns, enlace_dn_normalize (dn));
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

static FILE *
open_out (const char *path, GError **error)
{
  FILE *f = g_fopen (path, "we");
  if (f == NULL)
    {
      int errsv = errno;
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot create %s: %s"), path,
                   g_strerror (errsv));
    }
  return f;
}

static gboolean
close_out (FILE *f, const char *path, GError **error)
{
  if (fclose (f) != 0)
    {
      int errsv = errno;
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot write %s: %s"), path,
                   g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

/* The seed entries under ou=accounts the accounts lack (a new account
 * kind's container, the password policy), for an instance that has
 * accounts at all. */
static gboolean
append_account_seeds (FILE *out, const char *base, GHashTable *have, guint *added,
                      GError **error)
{
  g_autofree char *accounts = g_strdup_printf ("ou=accounts,%s", base);
  g_autofree char *accounts_key = enlace_dn_normalize (accounts);
  if (!g_hash_table_contains (have, accounts_key))
    return TRUE;
  g_autofree char *seed = enlace_data_find ("seeds/base.ldif", error);
  if (seed == NULL)
    return FALSE;
  g_autoptr(EnlaceLdifReader) reader = enlace_ldif_reader_open (seed, error);
  if (reader == NULL)
    return FALSE;
  const char *seed_dn = NULL;
  LDAPMod **mods = NULL;
  g_autoptr(GError) local_error = NULL;
  while (enlace_ldif_reader_next (reader, &seed_dn, &mods, NULL, &local_error))
    {
      g_autofree char *dn = enlace_seed_rebase (seed_dn, base);
      g_autofree char *key = dn ? enlace_dn_normalize (dn) : NULL;
      if (key == NULL || g_hash_table_contains (have, key)
          || !g_str_has_suffix (key, accounts_key))
        continue;
      g_autoptr(GString) text = g_string_new (NULL);
      append_record (text, dn, mods, KEEP_ALL);
      if (!write_text (out, text, error))
        return FALSE;
      (*added)++;
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

static gboolean
load (const char *staged_config, const char *suffix, const char *ldif, GError **error)
{
  /* -q: the input is slapcat's own output; -w would write a contextCSN. */
  const char *argv[] = { enlace_local_slapd (), "-T", "add", "-q", "-F", staged_config, "-b",
                         suffix, "-l", ldif, NULL };
  g_autofree char *what = g_strdup_printf (_("slapadd of %s"), suffix);
  return enlace_local_run_tool (what, argv, error);
}

static gboolean
is_empty_file (const char *path)
{
  GStatBuf st;
  return g_stat (path, &st) != 0 || st.st_size == 0;
}

/* Dumps the instance's databases (or takes them from the backup in
 * @from_backup), moves them where this release keeps them and loads them
 * under the new configuration in @work/db. */
static gboolean
rebuild (EnlaceLocal *local, const char *work, const char *schema_ldif, const char *from_backup,
         EnlaceLocalLoadStats *stats_by_db, GError **error)
{
  const char *dir = enlace_local_get_dir (local);
  const char *base = enlace_local_get_base (local);
  g_autofree char *old_config = g_build_filename (dir, "slapd.d", NULL);
  g_autofree char *db_dir = g_build_filename (work, "db", NULL);
  g_autofree char *staged_config = g_build_filename (work, "staged.d", NULL);
  g_autofree char *staged_ldif = g_build_filename (work, "staged.ldif", NULL);

  EnlaceLocalConfigSpec spec = { dir, db_dir, base, schema_ldif,
                                 enlace_local_get_server (local) };
  g_autoptr(GString) config = enlace_local_config_ldif (&spec);
  g_autoptr(GError) write_error = NULL;
  /* 0600: a replica's configuration holds its replication password. */
  if (!g_file_set_contents_full (staged_ldif, config->str, config->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &write_error))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, "%s", write_error->message);
      return FALSE;
    }
  for (int db = 1; db <= ENLACE_LOCAL_N_DBS; db++)
    {
      g_autofree char *target = g_build_filename (db_dir, enlace_local_db_dirs[db], NULL);
      if (!enlace_local_make_dir (target, error))
        return FALSE;
    }
  g_autofree char *scratch = g_build_filename (work, "prime.ldif", NULL);
  if (!enlace_local_slapadd_config (staged_config, staged_ldif, error)
      || !enlace_local_prime (staged_config, base, schema_ldif, scratch, error))
    return FALSE;

  g_autofree char *accounts = enlace_local_suffix (ENLACE_LOCAL_DB_ACCOUNTS, base);
  g_autofree char *campaigns = enlace_local_suffix (ENLACE_LOCAL_DB_CAMPAIGNS, base);
  const char *glued[] = { accounts, campaigns, NULL };

  for (EnlaceLocalDb db = ENLACE_LOCAL_DB_HISTORY; db <= ENLACE_LOCAL_DB_DIRECTORY; db++)
    {
      g_autofree char *suffix = enlace_local_suffix (db, base);
      g_autofree char *raw = from_backup != NULL
                                 ? enlace_local_backup_file (from_backup, db)
                                 : g_strdup_printf ("%s/%s.dump", work, enlace_local_db_dirs[db]);
      g_autofree char *ldif = g_strdup_printf ("%s/%s.ldif", work, enlace_local_db_dirs[db]);
      if (from_backup == NULL
          && !enlace_local_dump (old_config, suffix, suffix,
                                 db == ENLACE_LOCAL_DB_DIRECTORY ? glued : NULL, raw, error))
        return FALSE;

      CopyStats stats = { 0 };
      guint seeded = 0;
      g_autoptr(GHashTable) dns = NULL;
      if (db == ENLACE_LOCAL_DB_ACCOUNTS)
        stats.dns = dns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      FILE *out = open_out (ldif, error);
      if (out == NULL)
        return FALSE;
      gboolean ok = copy_entries (raw, out, db == ENLACE_LOCAL_DB_HISTORY, &stats, error)
                    && (dns == NULL || append_account_seeds (out, base, dns, &seeded, error));
      if (!close_out (out, ldif, ok ? error : NULL) || !ok)
        return FALSE;
      if (from_backup == NULL)
        g_unlink (raw);
      if (!is_empty_file (ldif) && !load (staged_config, suffix, ldif, error))
        return FALSE;
      stats_by_db[db] = (EnlaceLocalLoadStats) { stats.entries, seeded, stats.scrubbed };
      g_unlink (ldif);
    }
  return TRUE;
}

static gboolean
move (const char *from, const char *to, GError **error)
{
  if (g_rename (from, to) != 0)
    {
      int errsv = errno;
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot rename %s to %s: %s"),
                   from, to, g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

/**
 * enlace_local_finish_swap:
 *
 * Puts a completed rebuild (DIR/rebuild/READY) in place of the old
 * directories, finishing what a crash interrupted; throws away a rebuild
 * that never completed. Safe to run again at any point.
 */
gboolean
enlace_local_finish_swap (EnlaceLocal *local, GError **error)
{
  const char *dir = enlace_local_get_dir (local);
  g_autofree char *work = g_build_filename (dir, "rebuild", NULL);
  g_autofree char *ready = g_build_filename (work, "READY", NULL);
  g_autofree char *old = g_build_filename (work, "old", NULL);
  if (!g_file_test (work, G_FILE_TEST_EXISTS))
    return TRUE;
  if (!g_file_test (ready, G_FILE_TEST_EXISTS))
    return enlace_local_remove_tree (work, error);
  if (!enlace_local_make_dir (old, error))
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (swapped); i++)
    {
      g_autofree char *staged = g_build_filename (work, swapped[i].staged, NULL);
      g_autofree char *live = g_build_filename (dir, swapped[i].name, NULL);
      g_autofree char *kept = g_build_filename (old, swapped[i].name, NULL);
      if (!g_file_test (staged, G_FILE_TEST_EXISTS))
        continue; /* moved in already */
      if (g_file_test (live, G_FILE_TEST_EXISTS) && !move (live, kept, error))
        return FALSE;
      if (!move (staged, live, error))
        return FALSE;
    }
  g_autofree char *config_new = g_build_filename (work, "config.ldif", NULL);
  g_autofree char *config = g_build_filename (dir, "config.ldif", NULL);
  if (g_file_test (config_new, G_FILE_TEST_EXISTS) && !move (config_new, config, error))
    return FALSE;
  return enlace_local_remove_tree (work, error);
}

/* Makes DIR/rebuild afresh, with this release's cn=config for the
 * instance's own paths in DIR/rebuild/slapd.d (and its LDIF beside it):
 * what a completed rebuild puts in place of DIR/slapd.d. */
static gboolean
begin_rebuild (EnlaceLocal *local, const char *schema_ldif, GError **error)
{
  const char *dir = enlace_local_get_dir (local);
  g_autofree char *work = g_build_filename (dir, "rebuild", NULL);
  g_autofree char *new_config = g_build_filename (work, "slapd.d", NULL);
  g_autofree char *config_ldif = g_build_filename (work, "config.ldif", NULL);

  if (!enlace_local_remove_tree (work, error) || !enlace_local_make_dir (work, error))
    return FALSE;
  /* slapadd checks that every database's directory exists; a database
   * this release adds gets its (empty) directory now. */
  for (int db = 1; db <= ENLACE_LOCAL_N_DBS; db++)
    {
      g_autofree char *db_dir = g_build_filename (dir, enlace_local_db_dirs[db], NULL);
      if (!enlace_local_make_dir (db_dir, error))
        return FALSE;
    }
  EnlaceLocalConfigSpec spec = { dir, dir, enlace_local_get_base (local), schema_ldif,
                                 enlace_local_get_server (local) };
  g_autoptr(GString) config = enlace_local_config_ldif (&spec);
  g_autoptr(GError) write_error = NULL;
  if (!g_file_set_contents_full (config_ldif, config->str, config->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &write_error))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, "%s", write_error->message);
      enlace_local_remove_tree (work, NULL);
      return FALSE;
    }
  if (!enlace_local_slapadd_config (new_config, config_ldif, error))
    {
      enlace_local_remove_tree (work, NULL);
      return FALSE;
    }
  return TRUE;
}

/* Loads every database aside in DIR/rebuild (see rebuild()), marks the
 * rebuild complete (READY) and swaps it in. Before READY, a failure or a
 * crash leaves the instance as it was. */
static gboolean
rebuild_and_swap (EnlaceLocal *local, const char *schema_ldif, const char *from_backup,
                  EnlaceLocalLoadStats *stats, GError **error)
{
  const char *dir = enlace_local_get_dir (local);
  g_autofree char *work = g_build_filename (dir, "rebuild", NULL);
  g_autofree char *ready = g_build_filename (work, "READY", NULL);
  g_autofree char *staged = g_build_filename (work, "staged.d", NULL);
  g_autoptr(GError) ready_error = NULL;
  if (!rebuild (local, work, schema_ldif, from_backup, stats, error)
      || !enlace_local_remove_tree (staged, error))
    {
      enlace_local_remove_tree (work, NULL);
      return FALSE;
    }
  if (!g_file_set_contents_full (ready, "", 0,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &ready_error))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, "%s", ready_error->message);
      enlace_local_remove_tree (work, NULL);
      return FALSE;
    }
  return enlace_local_finish_swap (local, error);
}

/**
 * enlace_local_reconcile:
 * @report: (out) (transfer full): what changed, or %NULL when the
 *   instance already had this release's configuration
 *
 * Makes the stopped instance's cn=config what this release ships, keeping
 * every entry of every database (see the comment at the top).
 */
gboolean
enlace_local_reconcile (EnlaceLocal *local, const char *schema_ldif, char **report,
                        GError **error)
{
  const char *dir = enlace_local_get_dir (local);
  g_autofree char *work = g_build_filename (dir, "rebuild", NULL);
  g_autofree char *new_config = g_build_filename (work, "slapd.d", NULL);
  g_autofree char *live_config = g_build_filename (dir, "slapd.d", NULL);
  g_autofree char *scratch = g_build_filename (work, "scratch.ldif", NULL);
  *report = NULL;

  if (!begin_rebuild (local, schema_ldif, error))
    return FALSE;
  g_autofree char *wanted = NULL;
  g_autofree char *have = NULL;
  if ((wanted = config_text (new_config, scratch, KEEP_ALL, error)) == NULL
      || (have = config_text (live_config, scratch, KEEP_ALL, error)) == NULL)
    {
      enlace_local_remove_tree (work, NULL);
      return FALSE;
    }
  if (g_str_equal (wanted, have))
    return enlace_local_remove_tree (work, error);

  g_autofree char *wanted_shape = config_text (new_config, scratch, DROP_SERVER, error);
  g_autofree char *have_shape = wanted_shape ? config_text (live_config, scratch, DROP_SERVER,
                                                            error) : NULL;
  if (have_shape == NULL)
    {
      enlace_local_remove_tree (work, NULL);
      return FALSE;
    }
  if (g_str_equal (wanted_shape, have_shape))
    {
      /* Only the server settings differ: the new configuration (which
       * points at the live databases) takes the old one's place. */
      g_autofree char *ready = g_build_filename (work, "READY", NULL);
      g_autoptr(GError) ready_error = NULL;
      g_unlink (scratch);
      if (!g_file_set_contents_full (ready, "", 0,
                                     G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                     0600, &ready_error))
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, "%s", ready_error->message);
          enlace_local_remove_tree (work, NULL);
          return FALSE;
        }
      if (!enlace_local_finish_swap (local, error))
        return FALSE;
      *report = g_strdup_printf (_("enlace-local: applied the new listen, TLS or replica "
                                   "settings of %s\n"), dir);
      return TRUE;
    }

  EnlaceLocalLoadStats stats[ENLACE_LOCAL_N_DBS + 1] = { { 0 } };
  if (!rebuild_and_swap (local, schema_ldif, NULL, stats, error))
    return FALSE;
  g_autoptr(GString) what = g_string_new (NULL);
  g_string_append_printf (what, _("enlace-local: brought the configuration of %s up to this "
                                  "release's (schema, access rules, limits, modules, overlays, "
                                  "indexes); every database was reloaded:\n"), dir);
  for (EnlaceLocalDb db = ENLACE_LOCAL_DB_HISTORY; db <= ENLACE_LOCAL_DB_DIRECTORY; db++)
    {
      g_autofree char *suffix = enlace_local_suffix (db, enlace_local_get_base (local));
      g_string_append_printf (what, _("  %s: %u entries kept"), suffix, stats[db].entries);
      if (stats[db].seeded > 0)
        g_string_append_printf (what, _(", %u added from seeds/base.ldif"), stats[db].seeded);
      if (stats[db].scrubbed > 0)
        g_string_append_printf (what, _(", %u passwords taken out"), stats[db].scrubbed);
      g_string_append_c (what, '\n');
    }
  *report = g_string_free (g_steal_pointer (&what), FALSE);
  return TRUE;
}

/**
 * enlace_local_rebuild_from_backup:
 * @from_backup: a backup's directory, its files checked already
 * @stats: (out caller-allocates): what each database received, by
 *   #EnlaceLocalDb
 *
 * Loads the stopped instance's databases from the LDIF files of a backup
 * into databases built aside, under this release's configuration, and
 * swaps them in with the same journal as a reconcile: a failure or a
 * crash before they are complete leaves the instance as it was, and a
 * crash during the swap is finished by the next start.
 */
gboolean
enlace_local_rebuild_from_backup (EnlaceLocal *local, const char *schema_ldif,
                                  const char *from_backup, EnlaceLocalLoadStats *stats,
                                  GError **error)
{
  return begin_rebuild (local, schema_ldif, error)
         && rebuild_and_swap (local, schema_ldif, from_backup, stats, error);
}
