/* enlace diff — what changed between two snapshots. */
#include "config.h"

#include "enlace-xml-builtins.h"

static char *opt_format;

static GOptionEntry options[] = {
  { "format", 'f', 0, G_OPTION_ARG_STRING, &opt_format, N_("text (default) or json"), "FORMAT" },
  { NULL }
};

ENLACE_BUILTIN_PROTO (diff)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("OLD.xml NEW.xml"));
  if (!enlace_option_context_parse (context, options, &argc, &argv, invocation, error))
    return FALSE;
  EnlaceDiffFormat format = ENLACE_DIFF_TEXT;
  if (opt_format != NULL && g_str_equal (opt_format, "json"))
    format = ENLACE_DIFF_JSON;
  else if (opt_format != NULL && !g_str_equal (opt_format, "text"))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("format: '%s' is not one of text, json"), opt_format);
      return FALSE;
    }
  if (argc != 3)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("give two snapshot files, the old and the new (try 'enlace diff --help')"));
      return FALSE;
    }
  g_autoptr(GString) out = g_string_new (NULL);
  if (!enlace_snapshot_diff (argv[1], argv[2], format, out, error))
    return FALSE;
  return enlace_command_write (out, error);
}
