/* enlace-data.c — locate installed data files.
 *
 * ENLACE_DATA_PATH (a colon-separated list of directories) is searched
 * before the installed $(pkgdatadir), so the test suite and an uninstalled
 * build run against the tree's own schema and seeds. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "enlace-data.h"
#include "enlace-error.h"

/**
 * enlace_data_find:
 * @relpath: a path below the data directory, e.g. "seeds/base.ldif"
 * @error: return location
 *
 * Returns: (transfer full): the path of the first existing file, or %NULL
 * with %ENLACE_ERROR_FAILED naming every place looked in.
 */
char *
enlace_data_find (const char *relpath, GError **error)
{
  g_autoptr(GPtrArray) dirs = g_ptr_array_new_with_free_func (g_free);
  const char *env = g_getenv ("ENLACE_DATA_PATH");

  if (env != NULL && *env != '\0')
    {
      g_auto(GStrv) parts = g_strsplit (env, G_SEARCHPATH_SEPARATOR_S, -1);
      for (char **p = parts; *p != NULL; p++)
        if (**p != '\0')
          g_ptr_array_add (dirs, g_strdup (*p));
    }
  g_ptr_array_add (dirs, g_strdup (ENLACE_PKGDATADIR));

  for (guint i = 0; i < dirs->len; i++)
    {
      g_autofree char *path = g_build_filename (dirs->pdata[i], relpath, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }

  g_ptr_array_add (dirs, NULL);
  g_autofree char *looked = g_strjoinv (", ", (char **) dirs->pdata);
  g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED,
               _("data file %s not found (looked in %s; is enlace installed?)"), relpath, looked);
  return NULL;
}
