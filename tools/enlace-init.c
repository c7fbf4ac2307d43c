/* enlace init — load the base tree and the vocabularies (and, on request,
 * the demo data) into a directory. */
#include "config.h"

#include <stdio.h>

#include "enlace-builtins.h"

/* Update docs/enlace.1 and the completion when you change these options. */
static gboolean opt_demo;
static gboolean opt_dry_run;

static GOptionEntry options[] = {
  { "demo", 0, 0, G_OPTION_ARG_NONE, &opt_demo,
    N_("also load the demo data set (invented people and institutions)"), NULL },
  { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &opt_dry_run, N_("say what would change, change nothing"),
    NULL },
  { NULL }
};

static void
say_entry (const char *dn, gboolean added, gpointer user_data)
{
  if (opt_dry_run)
    printf (added ? _("would add %s\n") : _("would update %s\n"), dn);
  else
    printf (added ? _("added %s\n") : _("updated %s\n"), dn);
}

static gboolean
load (EnlaceInvocation *invocation, const char *relpath, const char *what, gboolean *changed,
      GError **error)
{
  EnlaceSeedStats stats = { 0 };
  g_autofree char *path = enlace_data_find (relpath, error);
  if (path == NULL
      || !enlace_seed_apply (invocation->directory, path, opt_dry_run, &stats,
                             invocation->verbose ? say_entry : NULL, NULL, error))
    return FALSE;

  if (stats.added + stats.updated == 0)
    printf (_("%s: nothing to do (%u entries already current)\n"), what, stats.unchanged);
  else
    printf (opt_dry_run ? _("%s: would add %u, update %u; %u already current\n")
                        : _("%s: added %u, updated %u; %u already current\n"),
            what, stats.added, stats.updated, stats.unchanged);
  *changed |= stats.added + stats.updated > 0;
  return TRUE;
}

ENLACE_BUILTIN_PROTO (init)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  if (!enlace_option_context_parse (context, options, &argc, &argv, invocation, error))
    return FALSE;

  EnlaceDirectory *dir = invocation->directory;
  int version = enlace_directory_schema_version (dir, error);
  if (version < 0)
    return FALSE;
  if (version == 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED,
                   _("the server at %s has no enlace schema: load schema/enlace.ldif into its "
                     "cn=config (enlace-local does this for its own instance)"),
                   enlace_directory_get_uri (dir));
      return FALSE;
    }

  gboolean changed = FALSE;
  if (!load (invocation, "seeds/base.ldif", _("base tree and vocabularies"), &changed, error))
    return FALSE;
  if (opt_demo && !load (invocation, "seeds/demo.ldif", _("demo data"), &changed, error))
    return FALSE;
  if (!changed)
    printf (_("Nothing to do: %s already holds everything enlace init loads.\n"),
            enlace_directory_get_uri (dir));
  return TRUE;
}
