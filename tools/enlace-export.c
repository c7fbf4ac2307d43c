/* enlace export — the directory as an XML snapshot, streamed. */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "enlace-xml-builtins.h"

/* Update docs/enlace.1 and docs/completion/enlace when these change. */
static char *opt_output;
static char **opt_countries;
static char **opt_networks;
static gboolean opt_restricted;
static gboolean opt_retired;

static GOptionEntry options[] = {
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output,
    N_("write to FILE (default: standard output)"), "FILE" },
  { "country", 'c', 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_countries,
    N_("only this country's liaisons and institutions (repeatable)"), "CC" },
  { "network", 'N', 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_networks,
    N_("only liaisons and institutions in this network (repeatable)"), "NETWORK" },
  { "include-restricted", 0, 0, G_OPTION_ARG_NONE, &opt_restricted,
    N_("include restricted personal fields (mobile numbers, notes)"), NULL },
  { "include-retired", 0, 0, G_OPTION_ARG_NONE, &opt_retired,
    N_("include retired liaisons and institutions"), NULL },
  { NULL }
};

/* Every value checked and normalised, each maybe "a,b". */
static char **
checked (char **values, char *(*check) (const char *, const char *, GError **),
         const char *field, GError **error)
{
  g_auto(GStrv) all = enlace_command_list (values);
  if (all == NULL)
    return NULL;
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  for (char **v = all; *v != NULL; v++)
    {
      g_autofree char *one = check (field, *v, error);
      if (one == NULL)
        return NULL;
      g_strv_builder_add (b, one);
    }
  return g_strv_builder_end (b);
}

ENLACE_BUILTIN_PROTO (export)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  if (!enlace_option_context_parse (context, options, &argc, &argv, invocation, error))
    return FALSE;
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) countries = checked (opt_countries, enlace_validate_country_code, "country",
                                     &local_error);
  g_auto(GStrv) networks = local_error == NULL
                               ? checked (opt_networks, enlace_validate_term, "network",
                                          &local_error)
                               : NULL;
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* A bar for a person at a terminal, unless the XML itself goes there. */
  gboolean show = isatty (STDERR_FILENO)
                  && !(opt_output == NULL && isatty (STDOUT_FILENO));
  EnlaceExportOptions export_options = {
    .countries = (const char *const *) countries,
    .networks = (const char *const *) networks,
    .include_restricted = opt_restricted,
    .include_retired = opt_retired,
    .progress = show ? enlace_xml_progress : NULL,
    .progress_data = (gpointer) _("entries exported:"),
  };
  gboolean ok = enlace_snapshot_export (invocation->directory, &export_options, opt_output, error);
  if (show)
    fputc ('\n', stderr);
  return ok;
}
