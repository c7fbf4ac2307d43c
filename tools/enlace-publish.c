/* enlace publish — the printable directory and web page, from a snapshot
 * or, without one, from a public snapshot of the directory made on the
 * spot. */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "enlace-xml-builtins.h"

static char *opt_output;
static char *opt_lang;

static GOptionEntry options[] = {
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output, N_("the HTML file to write"), "FILE" },
  { "lang", 'l', 0, G_OPTION_ARG_STRING, &opt_lang, N_("es (default) or en"), "LANG" },
  { NULL }
};

ENLACE_BUILTIN_PROTO (publish)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("[SNAPSHOT.xml]"));
  if (!enlace_option_context_parse (context, options, &argc, &argv, invocation, error))
    return FALSE;
  if (opt_output == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("output: -o FILE is required (try 'enlace publish --help')"));
      return FALSE;
    }
  if (argc > 2)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("give at most one snapshot file (try 'enlace publish --help')"));
      return FALSE;
    }
  const char *lang = opt_lang != NULL ? opt_lang : "es";
  if (argc == 2)
    return enlace_snapshot_publish (argv[1], lang, opt_output, error);

  /* From the directory: a public snapshot, current entries only. */
  EnlaceDirectory *dir = enlace_command_directory (invocation, error);
  if (dir == NULL)
    return FALSE;
  g_autofree char *tmpdir = g_dir_make_tmp ("enlace-publish-XXXXXX", NULL);
  if (tmpdir == NULL)
    {
      int errsv = errno;
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot make a temporary directory: %s"),
                   g_strerror (errsv));
      return FALSE;
    }
  g_autofree char *snapshot = g_build_filename (tmpdir, "snapshot.xml", NULL);
  EnlaceExportOptions export_options = { 0 };
  gboolean ok = enlace_snapshot_export (dir, &export_options, snapshot, error)
                && enlace_snapshot_publish (snapshot, lang, opt_output, error);
  g_unlink (snapshot);
  g_rmdir (tmpdir);
  return ok;
}
