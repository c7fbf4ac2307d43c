/* enlace report coverage — where the networks have someone, and where not. */
#include "config.h"

#include "enlace-xml-builtins.h"

static char *opt_format;

static GOptionEntry coverage_options[] = {
  { "format", 'f', 0, G_OPTION_ARG_STRING, &opt_format, N_("table (default), json or html"),
    "FORMAT" },
  { NULL }
};

static gboolean
coverage (int argc, char **argv, EnlaceInvocation *invocation, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  if (!enlace_option_context_parse (context, coverage_options, &argc, &argv, invocation, error))
    return FALSE;
  EnlaceCoverageFormat format = ENLACE_COVERAGE_TABLE;
  if (opt_format == NULL || g_str_equal (opt_format, "table"))
    format = ENLACE_COVERAGE_TABLE;
  else if (g_str_equal (opt_format, "json"))
    format = ENLACE_COVERAGE_JSON;
  else if (g_str_equal (opt_format, "html"))
    format = ENLACE_COVERAGE_HTML;
  else
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("format: '%s' is not one of table, json, html"), opt_format);
      return FALSE;
    }
  g_autoptr(EnlaceCoverage) report = enlace_coverage_read (invocation->directory, error);
  if (report == NULL)
    return FALSE;
  g_autoptr(GString) out = g_string_new (NULL);
  return enlace_coverage_format (report, format, out, error) && enlace_command_write (out, error);
}

static const EnlaceCommand reports[] = {
  { "coverage", ENLACE_COMMAND_FLAGS_NONE, coverage,
    N_("Country by role and country by referral competence: active, pending, unverified, "
       "days since confirmed; gaps marked") },
  { NULL }
};

ENLACE_BUILTIN_PROTO (report)
{
  return enlace_command_run_group (reports, argc, argv, invocation, error);
}
