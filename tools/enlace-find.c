/* enlace find — look a counterpart up by country, role, network,
 * institution, name and status. */
#include "config.h"

#include "enlace-builtins.h"

/* Values are taken as bytes (FILENAME), not converted by GOption: the
 * library checks they are UTF-8 and names the field when they are not.
 * Update docs/enlace.1 and docs/completion/enlace when you change these. */
static char *opt_country;
static char *opt_role;
static char *opt_network;
static char *opt_institution;
static char *opt_name;
static char *opt_status;
static char *opt_format;

static GOptionEntry options[] = {
  { "country", 'c', 0, G_OPTION_ARG_FILENAME, &opt_country, N_("ISO 3166 code, e.g. GT"), "CC" },
  { "role", 'r', 0, G_OPTION_ARG_FILENAME, &opt_role, N_("role ID, e.g. smuggling-focal-point"), "ROLE" },
  { "network", 'N', 0, G_OPTION_ARG_FILENAME, &opt_network, N_("network ID, e.g. redtram"), "NETWORK" },
  { "institution", 'i', 0, G_OPTION_ARG_FILENAME, &opt_institution,
    N_("an institution's ID or exact name"), "ID" },
  { "name", 0, 0, G_OPTION_ARG_FILENAME, &opt_name, N_("part of the name"), "TEXT" },
  { "status", 's', 0, G_OPTION_ARG_FILENAME, &opt_status,
    N_("pending, active, retired, unverified or all (default: all but retired)"), "STATUS" },
  { "format", 'f', 0, G_OPTION_ARG_FILENAME, &opt_format,
    N_("table, tsv, json, csv, vcard or ldif (default: table on a terminal, tsv elsewhere)"),
    "FORMAT" },
  { NULL }
};

ENLACE_BUILTIN_PROTO (find)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  EnlaceFormat format;
  if (!enlace_option_context_parse (context, options, &argc, &argv, invocation, error)
      || !enlace_command_format (opt_format, &format, error))
    return FALSE;

  EnlaceLiaisonQuery query = { .country = opt_country, .role = opt_role, .network = opt_network,
                               .name = opt_name, .status = opt_status,
                               .institution = opt_institution };
  g_autoptr(GPtrArray) found = enlace_liaison_find (invocation->directory, &query, error);
  if (found == NULL)
    return FALSE;
  if (found->len == 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND, _("no liaison matches"));
      return FALSE;
    }
  g_autoptr(GString) out = g_string_new (NULL);
  enlace_format_liaisons (out, format, found);
  return enlace_command_write (out, error);
}
