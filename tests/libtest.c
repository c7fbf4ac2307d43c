/* libtest.c — a real slapd for C tests. slapd is started through
 * `enlace-local start --foreground`, which execs it, so the pid we hold is
 * slapd's own; PR_SET_PDEATHSIG kills it if the test process dies without
 * running its teardown. */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "libtest.h"

#define START_TIMEOUT_MS 30000

/**
 * enlace_test_tmpdir:
 *
 * Returns: a new directory under /tmp, short enough for socket paths.
 */
char *
enlace_test_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("enlace.XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

void
enlace_test_rm_rf (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = g_file_enumerate_children (
      file, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
      G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;
  while (children != NULL
         && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        enlace_test_rm_rf (child);
      else
        g_unlink (child);
      g_object_unref (info);
    }
  g_rmdir (path);
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/**
 * enlace_test_server_start:
 *
 * Starts a private enlace instance (schema, indexes, overlays) in a new
 * temporary directory and waits until it answers. Fails the test when it
 * cannot: a missing slapd is a failure, never a skip.
 */
EnlaceTestServer *
enlace_test_server_start (void)
{
  EnlaceTestServer *server = g_new0 (EnlaceTestServer, 1);
  server->dir = enlace_test_tmpdir ();
  g_autofree char *instance = g_build_filename (server->dir, "i", NULL);
  g_autofree char *log = g_build_filename (server->dir, "slapd.log", NULL);
  const char *builddir = g_getenv ("top_builddir");
  g_autofree char *tool = g_build_filename (builddir ? builddir : ".", "tools", "enlace-local",
                                            NULL);
  const char *argv[] = { tool, "start", "--foreground", "--dir", instance, NULL };
  g_autoptr(GError) error = NULL;

  g_autoptr(EnlaceLocal) local = enlace_local_new (instance, &error);
  g_assert_no_error (error);
  server->uri = g_strdup (enlace_local_get_uri (local));
  server->base = g_strdup (enlace_local_get_base (local));

  int log_fd = open (log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  g_assert_cmpint (log_fd, >=, 0);
  g_spawn_async_with_pipes_and_fds (NULL, argv, NULL,
                                    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL,
                                    die_with_parent, NULL, -1, log_fd, log_fd, NULL, NULL, 0,
                                    &server->pid, NULL, NULL, NULL, &error);
  close (log_fd);
  g_assert_no_error (error);

  for (int waited = 0; waited < START_TIMEOUT_MS; waited += 50)
    {
      int status = 0;
      if (waitpid (server->pid, &status, WNOHANG) == server->pid)
        {
          g_autofree char *contents = NULL;
          g_file_get_contents (log, &contents, NULL, NULL);
          g_error ("slapd exited before answering on %s:\n%s", server->uri, contents);
        }
      g_autoptr(EnlaceDirectory) probe = enlace_directory_connect (server->uri, server->base,
                                                                   NULL, NULL, NULL);
      if (probe != NULL)
        return server;
      g_usleep (50 * 1000);
    }
  g_error ("slapd did not answer on %s within %d s", server->uri, START_TIMEOUT_MS / 1000);
}

/**
 * enlace_test_server_connect:
 *
 * Returns: (transfer full): a connection bound as the instance's owner.
 */
EnlaceDirectory *
enlace_test_server_connect (EnlaceTestServer *server)
{
  g_autoptr(GError) error = NULL;
  EnlaceDirectory *dir = enlace_directory_connect (server->uri, server->base, NULL, NULL, &error);
  g_assert_no_error (error);
  return dir;
}

/**
 * enlace_test_server_stop:
 *
 * Stops slapd by its pid, waits for it, and removes its directory.
 */
void
enlace_test_server_stop (EnlaceTestServer *server)
{
  if (server == NULL)
    return;
  if (server->pid > 0)
    {
      kill (server->pid, SIGTERM);
      waitpid (server->pid, NULL, 0);
    }
  enlace_test_rm_rf (server->dir);
  g_free (server->dir);
  g_free (server->uri);
  g_free (server->base);
  g_free (server);
}
