/* enlace-local-backup.c — a backup of an instance, and its restore.
 *
 * A backup is a directory of one slapcat (LDIF) per database, named after
 * the database's own directory (data.ldif, accounts.ldif, campaigns.ldif,
 * accesslog.ldif), and a manifest: the instance's base, the release and
 * the date, and each file's entry count and SHA-256. It is written into a
 * hidden directory beside its destination and renamed into place once
 * every file is complete and synced, so a backup that failed, or was
 * killed, never stands under the name asked for.
 *
 * slapcat reads back-mdb in a read transaction of its own, so a running
 * instance is backed up as it serves, database by database. The history
 * is dumped last: a change made meanwhile is then in the data and the
 * history both, or only in the history, as a record of a change the data
 * lacks, which the restored instance's first start removes (enlace
 * history check).
 *
 * A restore checks the whole backup first (manifest, checksums, every
 * record parsed), then loads it with the machinery that brings an instance
 * up to date (enlace-local-reconcile.c): databases built aside with
 * slapadd, under this release's configuration, swapped in once complete,
 * with a journal a crash cannot leave half applied. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "enlace-directory.h"
#include "enlace-error.h"
#include "enlace-ldif.h"
#include "enlace-local-private.h"

/* The manifest's format; a restore refuses any other. */
#define BACKUP_FORMAT 1
#define MANIFEST "manifest"

/* The order the databases are dumped in: the history last (see the top). */
static const EnlaceLocalDb dump_order[] = {
  ENLACE_LOCAL_DB_DIRECTORY,
  ENLACE_LOCAL_DB_ACCOUNTS,
  ENLACE_LOCAL_DB_CAMPAIGNS,
  ENLACE_LOCAL_DB_HISTORY,
};

/**
 * enlace_local_backup_file:
 *
 * Returns: (transfer full): the path of database @db's LDIF in the
 * backup in @backup_dir.
 */
char *
enlace_local_backup_file (const char *backup_dir, EnlaceLocalDb db)
{
  g_autofree char *name = g_strconcat (enlace_local_db_dirs[db], ".ldif", NULL);
  return g_build_filename (backup_dir, name, NULL);
}

static gboolean
sync_path (const char *path, GError **error)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0 || fsync (fd) != 0)
    {
      int errsv = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot write %s: %s"), path,
                   g_strerror (errsv));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* The SHA-256 of the file at @path, in hex. */
static char *
file_sha256 (const char *path, GError **error)
{
  FILE *f = g_fopen (path, "rbe");
  if (f == NULL)
    {
      int errsv = errno;
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot open %s: %s"), path,
                   g_strerror (errsv));
      return NULL;
    }
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guchar buf[65536];
  gsize n;
  while ((n = fread (buf, 1, sizeof buf, f)) > 0)
    g_checksum_update (sum, buf, n);
  gboolean failed = ferror (f);
  int errsv = errno;
  fclose (f);
  if (failed)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot read %s: %s"), path,
                   g_strerror (errsv));
      return NULL;
    }
  return g_strdup (g_checksum_get_string (sum));
}

/* How many entries the LDIF at @path holds; fails on a malformed record. */
static gboolean
count_entries (const char *path, guint *count, GError **error)
{
  g_autoptr(EnlaceLdifReader) reader = enlace_ldif_reader_open (path, error);
  if (reader == NULL)
    return FALSE;
  const char *dn = NULL;
  LDAPMod **mods = NULL;
  g_autoptr(GError) local_error = NULL;
  *count = 0;
  while (enlace_ldif_reader_next (reader, &dn, &mods, NULL, &local_error))
    (*count)++;
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* A backup goes into a new directory, or an empty one: never over another. */
static gboolean
check_destination (const char *dest, GError **error)
{
  GStatBuf st;
  if (g_lstat (dest, &st) != 0)
    return TRUE;
  if (!S_ISDIR (st.st_mode))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_CONFLICT,
                   _("%s exists and is not a directory; a backup goes into a new directory"),
                   dest);
      return FALSE;
    }
  g_autoptr(GError) open_error = NULL;
  g_autoptr(GDir) d = g_dir_open (dest, 0, &open_error);
  if (d == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, "%s", open_error->message);
      return FALSE;
    }
  if (g_dir_read_name (d) != NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_CONFLICT,
                   _("%s is not empty; a backup goes into a new (or empty) directory, never "
                     "over another"), dest);
      return FALSE;
    }
  return TRUE;
}

/* Dumps database @db into @file (0600) and describes it in @manifest. */
static gboolean
back_up_db (const char *slapd_d, const char *base, EnlaceLocalDb db, const char *file,
            GKeyFile *manifest, GString *report, GError **error)
{
  /* The file exists, private, before slapcat opens it (it keeps the mode):
   * it holds password hashes. */
  int fd = g_open (file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int errsv = errno;
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot create %s: %s"), file,
                   g_strerror (errsv));
      return FALSE;
    }
  close (fd);
  g_autofree char *suffix = enlace_local_suffix (db, base);
  /* The accounts and campaigns are databases of their own (-g leaves
   * them out), but were in the directory's in an earlier release's
   * instance: left out by name too, as a rebuild does, so a backup of
   * either holds each entry once, in the file of the database this
   * release keeps it in. */
  g_autofree char *accounts = enlace_local_suffix (ENLACE_LOCAL_DB_ACCOUNTS, base);
  g_autofree char *campaigns = enlace_local_suffix (ENLACE_LOCAL_DB_CAMPAIGNS, base);
  const char *glued[] = { accounts, campaigns, NULL };
  guint entries = 0;
  g_autofree char *sha256 = NULL;
  if (!enlace_local_dump (slapd_d, suffix, suffix, db == ENLACE_LOCAL_DB_DIRECTORY ? glued : NULL,
                          file, error)
      || !sync_path (file, error) || !count_entries (file, &entries, error)
      || (sha256 = file_sha256 (file, error)) == NULL)
    return FALSE;

  const char *group = enlace_local_db_dirs[db];
  g_autofree char *name = g_path_get_basename (file);
  g_key_file_set_string (manifest, group, "suffix", suffix);
  g_key_file_set_string (manifest, group, "file", name);
  g_key_file_set_integer (manifest, group, "entries", (int) entries);
  g_key_file_set_string (manifest, group, "sha256", sha256);
  g_string_append_printf (report, ngettext ("  %s: %u entry", "  %s: %u entries", entries),
                          suffix, entries);
  g_string_append_c (report, '\n');
  return TRUE;
}

/* Writes every file of the backup into @partial. */
static gboolean
write_backup (EnlaceLocal *local, const char *partial, gboolean running, GString *report,
              GError **error)
{
  const char *dir = enlace_local_get_dir (local);
  const char *base = enlace_local_get_base (local);
  g_autofree char *slapd_d = g_build_filename (dir, "slapd.d", NULL);
  g_autoptr(GKeyFile) manifest = g_key_file_new ();
  g_key_file_set_comment (manifest, NULL, NULL,
                          " An enlace-local backup: one slapcat (LDIF) per database. It holds"
                          " password hashes: keep it private.\n"
                          " Restore it with: enlace-local restore --dir DIR THIS-DIRECTORY",
                          NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  g_key_file_set_integer (manifest, "backup", "format", BACKUP_FORMAT);
  g_key_file_set_string (manifest, "backup", "base", base);
  g_key_file_set_string (manifest, "backup", "enlace-version", PACKAGE_VERSION);
  g_key_file_set_string (manifest, "backup", "date", date);
  g_key_file_set_string (manifest, "backup", "instance", dir);
  g_key_file_set_boolean (manifest, "backup", "taken-while-running", running);

  for (gsize i = 0; i < G_N_ELEMENTS (dump_order); i++)
    {
      g_autofree char *file = enlace_local_backup_file (partial, dump_order[i]);
      if (!back_up_db (slapd_d, base, dump_order[i], file, manifest, report, error))
        return FALSE;
    }

  /* Last, so a directory without one was never a whole backup. */
  g_autofree char *path = g_build_filename (partial, MANIFEST, NULL);
  gsize len = 0;
  g_autofree char *text = g_key_file_to_data (manifest, &len, NULL);
  g_autoptr(GError) write_error = NULL;
  if (!g_file_set_contents_full (path, text, len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &write_error))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, "%s", write_error->message);
      return FALSE;
    }
  return sync_path (partial, error);
}

/**
 * enlace_local_backup:
 * @dest: the backup's directory: it must not exist, or be empty
 * @report: (out) (transfer full): what was written, for the user
 *
 * Writes a slapcat of every database of the instance, and a manifest,
 * into @dest (mode 0700, files 0600), whether slapd runs or not (see the
 * comment at the top). The backup is built beside @dest and renamed into
 * place when complete: a failure leaves nothing under @dest.
 *
 * Errors: %ENLACE_ERROR_UNREACHABLE when there is no instance;
 * %ENLACE_ERROR_CONFLICT when @dest exists and is not an empty directory,
 * or another enlace-local command holds a stopped instance; slapcat's own
 * words (%ENLACE_ERROR_FAILED) when it fails.
 */
gboolean
enlace_local_backup (EnlaceLocal *local, const char *dest, char **report, GError **error)
{
  const char *dir = enlace_local_get_dir (local);
  *report = NULL;
  if (!enlace_local_is_set_up (local))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_UNREACHABLE,
                   _("no instance in %s: there is nothing to back up"), dir);
      return FALSE;
    }
  g_autofree char *target = g_canonicalize_filename (dest, NULL);
  if (!check_destination (target, error))
    return FALSE;

  /* A stopped instance is held, so no start or restore changes it while
   * it is read; a rebuild a crash left half swapped in is finished first. */
  gboolean running = enlace_local_get_pid (local) != 0;
  if (!running
      && (!enlace_local_lock (local, error) || !enlace_local_finish_swap (local, error)))
    return FALSE;

  g_autofree char *parent = g_path_get_dirname (target);
  g_autofree char *name = g_path_get_basename (target);
  if (!enlace_local_make_dir (parent, error))
    return FALSE;
  g_autofree char *partial = g_strdup_printf ("%s/.%s.partial-XXXXXX", parent, name);
  if (g_mkdtemp_full (partial, 0700) == NULL)
    {
      int errsv = errno;
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot create %s: %s"), partial,
                   g_strerror (errsv));
      return FALSE;
    }

  g_autoptr(GString) what = g_string_new (NULL);
  g_string_append_printf (what, _("enlace-local: backed up %s (base %s) into %s:\n"), dir,
                          enlace_local_get_base (local), target);
  if (!write_backup (local, partial, running, what, error))
    {
      enlace_local_remove_tree (partial, NULL);
      return FALSE;
    }
  /* rename(2) replaces an empty directory, never one with files. */
  if (g_rename (partial, target) != 0)
    {
      int errsv = errno;
      enlace_local_remove_tree (partial, NULL);
      if (errsv == ENOTEMPTY || errsv == EEXIST)
        g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_CONFLICT,
                     _("%s is not empty; a backup goes into a new (or empty) directory, never "
                       "over another"), target);
      else
        g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot rename %s to %s: %s"),
                     partial, target, g_strerror (errsv));
      return FALSE;
    }
  if (!sync_path (parent, error))
    return FALSE;
  *report = g_string_free (g_steal_pointer (&what), FALSE);
  return TRUE;
}

/* The manifest of the backup in @source, its format and base checked. */
static GKeyFile *
read_manifest (const char *source, GError **error)
{
  g_autofree char *path = g_build_filename (source, MANIFEST, NULL);
  g_autoptr(GKeyFile) manifest = g_key_file_new ();
  g_autoptr(GError) read_error = NULL;
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("%s is not an enlace-local backup: it has no manifest"), source);
      return NULL;
    }
  if (!g_key_file_load_from_file (manifest, path, G_KEY_FILE_NONE, &read_error))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("the backup in %s is damaged: its manifest cannot be read: %s"), source,
                   read_error->message);
      return NULL;
    }
  int format = g_key_file_get_integer (manifest, "backup", "format", NULL);
  if (format != BACKUP_FORMAT)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("the backup in %s has format %d; this enlace-local reads format %d "
                     "(a newer release may have written it)"),
                   source, format, BACKUP_FORMAT);
      return NULL;
    }
  g_autofree char *base = g_key_file_get_string (manifest, "backup", "base", NULL);
  g_autofree char *normal = base != NULL ? enlace_dn_normalize (base) : NULL;
  if (normal == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("the backup in %s is damaged: its manifest names no valid base"), source);
      return NULL;
    }
  return g_steal_pointer (&manifest);
}

/* Every file of the backup is the one its manifest describes, and whole:
 * checked before anything of the instance is touched. */
static gboolean
check_files (const char *source, GKeyFile *manifest, GError **error)
{
  for (int db = 1; db <= ENLACE_LOCAL_N_DBS; db++)
    {
      const char *group = enlace_local_db_dirs[db];
      g_autofree char *file = enlace_local_backup_file (source, db);
      g_autofree char *name = g_path_get_basename (file);
      g_autofree char *want_sha256 = g_key_file_get_string (manifest, group, "sha256", NULL);
      g_autoptr(GError) count_error = NULL;
      int want_entries = g_key_file_get_integer (manifest, group, "entries", &count_error);
      if (want_sha256 == NULL || count_error != NULL || want_entries < 0)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("the backup in %s is damaged: its manifest does not describe %s"),
                       source, name);
          return FALSE;
        }
      if (!g_file_test (file, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("the backup in %s is damaged: %s is missing"), source, name);
          return FALSE;
        }
      g_autofree char *sha256 = file_sha256 (file, error);
      if (sha256 == NULL)
        return FALSE;
      if (g_ascii_strcasecmp (sha256, want_sha256) != 0)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("the backup in %s is damaged: %s is not the file its manifest "
                         "describes (its SHA-256 differs): it was cut short or changed"),
                       source, name);
          return FALSE;
        }
      guint entries = 0;
      if (!count_entries (file, &entries, error))
        {
          g_prefix_error (error, _("the backup in %s is damaged: "), source);
          return FALSE;
        }
      if (entries != (guint) want_entries)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("the backup in %s is damaged: %s holds %u entries, its manifest "
                         "says %d"),
                       source, name, entries, want_entries);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
refuse_running (EnlaceLocal *local, GError **error)
{
  GPid pid = enlace_local_get_pid (local);
  if (pid == 0)
    return TRUE;
  const char *dir = enlace_local_get_dir (local);
  g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_CONFLICT,
               _("slapd is running for %s (pid %d): a restore replaces every database, so "
                 "stop it first ('enlace-local stop --dir %s')"),
               dir, (int) pid, dir);
  return FALSE;
}

/**
 * enlace_local_restore:
 * @source: a backup's directory, as enlace_local_backup() writes it
 * @report: (out) (transfer full): what was restored, for the user
 *
 * Replaces every database of the stopped instance with the backup's: the
 * backup is checked whole first, then loaded into databases built aside
 * and swapped in (see the comment at the top). An instance directory
 * that holds no instance gets one first, with the backup's base.
 *
 * Errors: %ENLACE_ERROR_CONFLICT while slapd runs (or another enlace-local
 * command holds the instance); %ENLACE_ERROR_INVALID when @source is no
 * backup, is damaged, or is of a directory with another base than the
 * instance's; slapadd's own words (%ENLACE_ERROR_FAILED) when the load
 * fails, which leaves the instance as it was.
 */
gboolean
enlace_local_restore (EnlaceLocal *local, const char *source, char **report, GError **error)
{
  const char *dir = enlace_local_get_dir (local);
  *report = NULL;
  if (!refuse_running (local, error))
    return FALSE;
  g_autofree char *from = g_canonicalize_filename (source, NULL);
  g_autoptr(GKeyFile) manifest = read_manifest (from, error);
  if (manifest == NULL)
    return FALSE;
  g_autofree char *base = g_key_file_get_string (manifest, "backup", "base", NULL);
  gboolean set_up = enlace_local_is_set_up (local);
  if (set_up)
    {
      g_autofree char *theirs = enlace_dn_normalize (base);
      g_autofree char *ours = enlace_dn_normalize (enlace_local_get_base (local));
      if (g_strcmp0 (theirs, ours) != 0)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("the backup in %s is of a directory with base %s, and %s holds one "
                         "with base %s; restore it into another instance directory (--dir)"),
                       from, base, dir, enlace_local_get_base (local));
          return FALSE;
        }
    }
  if (!check_files (from, manifest, error))
    return FALSE;

  /* Takes the instance's lock (and finishes a swap a crash interrupted);
   * slapd may have been started meanwhile, so it is asked again. */
  if (!enlace_local_set_up (local, set_up ? NULL : base, error) || !refuse_running (local, error))
    return FALSE;
  g_autofree char *schema_ldif = enlace_local_read_schema (error);
  if (schema_ldif == NULL)
    return FALSE;
  EnlaceLocalLoadStats stats[ENLACE_LOCAL_N_DBS + 1] = { { 0 } };
  if (!enlace_local_rebuild_from_backup (local, schema_ldif, from, stats, error))
    {
      g_autofree char *ready = g_build_filename (dir, "rebuild", "READY", NULL);
      if (g_file_test (ready, G_FILE_TEST_EXISTS))
        g_prefix_error (error, _("the restored databases are ready in %s/rebuild, but could not "
                                 "be put in place; 'enlace-local start' finishes that: "), dir);
      else if (set_up)
        g_prefix_error (error, _("restoring %s failed; the instance in %s is as it was: "), from,
                        dir);
      else
        g_prefix_error (error, _("restoring %s failed; %s holds an empty instance: "), from, dir);
      return FALSE;
    }

  g_autoptr(GString) what = g_string_new (NULL);
  g_autofree char *date = g_key_file_get_string (manifest, "backup", "date", NULL);
  g_string_append_printf (what, _("enlace-local: restored %s from %s (taken %s):\n"), dir, from,
                          date != NULL ? date : "?");
  for (gsize i = 0; i < G_N_ELEMENTS (dump_order); i++)
    {
      EnlaceLocalDb db = dump_order[i];
      g_autofree char *suffix = enlace_local_suffix (db, enlace_local_get_base (local));
      g_string_append_printf (what,
                              ngettext ("  %s: %u entry", "  %s: %u entries", stats[db].entries),
                              suffix, stats[db].entries);
      if (stats[db].seeded > 0)
        g_string_append_printf (what, _(", %u added from seeds/base.ldif"), stats[db].seeded);
      if (stats[db].scrubbed > 0)
        g_string_append_printf (what, _(", %u passwords taken out"), stats[db].scrubbed);
      g_string_append_c (what, '\n');
    }
  *report = g_string_free (g_steal_pointer (&what), FALSE);
  return TRUE;
}
