/* enlace show — one liaison, every field. */
#include "config.h"

#include "enlace-builtins.h"

/* Values are taken as bytes (FILENAME), not converted by GOption: the
 * library checks they are UTF-8 and names the field when they are not.
 * Update docs/enlace.1 and docs/completion/enlace when you change these. */
static char *opt_format;

static GOptionEntry options[] = {
  { "format", 'f', 0, G_OPTION_ARG_FILENAME, &opt_format,
    N_("table, tsv, json, csv, vcard or ldif"), "FORMAT" },
  { NULL }
};

ENLACE_BUILTIN_PROTO (show)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("ID"));
  EnlaceFormat format;
  if (!enlace_option_context_parse (context, options, &argc, &argv, invocation, error)
      || !enlace_command_format (opt_format, &format, error))
    return FALSE;
  const char *id = enlace_command_take_id (argc, argv, invocation, error);
  if (id == NULL)
    return FALSE;
  g_autoptr(EnlaceLiaison) liaison = enlace_liaison_get (invocation->directory, id, error);
  if (liaison == NULL)
    return FALSE;
  g_autoptr(GString) out = g_string_new (NULL);
  enlace_format_liaison_detail (out, format, liaison);
  return enlace_command_write (out, error);
}
