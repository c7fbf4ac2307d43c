/* enlace register — a Cancillería registers one of its country's liaisons. */
#include "config.h"

#include <stdio.h>

#include "enlace-builtins.h"

/* Values are taken as bytes (FILENAME), not converted by GOption: the
 * library checks they are UTF-8 and names the field when they are not.
 * Update docs/enlace.1 and docs/completion/enlace when you change these. */
static char *opt_country;
static char *opt_given_name;
static char *opt_surname;
static char *opt_title;
static char *opt_institution;
static char **opt_roles;
static char **opt_networks;
static char *opt_email;
static char *opt_phone;
static char *opt_mobile;
static char **opt_languages;
static char *opt_notes;

static GOptionEntry options[] = {
  { "country", 'c', 0, G_OPTION_ARG_FILENAME, &opt_country, N_("ISO 3166 code, e.g. GT"), "CC" },
  { "given-name", 0, 0, G_OPTION_ARG_FILENAME, &opt_given_name, N_("given name(s)"), "NAME" },
  { "surname", 0, 0, G_OPTION_ARG_FILENAME, &opt_surname, N_("surname(s)"), "NAME" },
  { "title", 't', 0, G_OPTION_ARG_FILENAME, &opt_title, N_("position held"), "TITLE" },
  { "institution", 'i', 0, G_OPTION_ARG_FILENAME, &opt_institution,
    N_("the institution's ID (GT-I-0001) or exact name"), "ID" },
  { "role", 'r', 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_roles, N_("role ID(s), comma-separated"),
    "ROLE[,ROLE...]" },
  { "network", 'N', 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_networks, N_("network ID(s)"),
    "NETWORK" },
  { "email", 'e', 0, G_OPTION_ARG_FILENAME, &opt_email, N_("work email address"), "EMAIL" },
  { "phone", 'p', 0, G_OPTION_ARG_FILENAME, &opt_phone,
    N_("work phone; national numbers get the country's code"), "PHONE" },
  { "mobile", 'm', 0, G_OPTION_ARG_FILENAME, &opt_mobile, N_("mobile (restricted)"), "PHONE" },
  { "language", 'l', 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_languages,
    N_("languages for correspondence, e.g. es,en"), "LANG[,LANG...]" },
  { "notes", 0, 0, G_OPTION_ARG_FILENAME, &opt_notes, N_("notes (restricted)"), "TEXT" },
  { NULL }
};

ENLACE_BUILTIN_PROTO (register)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  if (!enlace_option_context_parse (context, options, &argc, &argv, invocation, error))
    return FALSE;

  g_auto(GStrv) roles = enlace_command_list (opt_roles);
  g_auto(GStrv) networks = enlace_command_list (opt_networks);
  g_auto(GStrv) languages = enlace_command_list (opt_languages);
  if (opt_country == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("country is required to register a liaison (--country)"));
      return FALSE;
    }
  EnlaceLiaisonSpec spec = {
    .country = opt_country, .given_name = opt_given_name, .surname = opt_surname,
    .title = opt_title, .institution = opt_institution, .email = opt_email,
    .phone = opt_phone, .mobile = opt_mobile, .notes = opt_notes,
    .roles = (const char *const *) roles, .networks = (const char *const *) networks,
    .languages = (const char *const *) languages,
  };
  g_autofree char *id = enlace_registry_register (invocation->directory, &spec, error);
  if (id == NULL)
    return FALSE;
  printf ("%s\n", id);
  fflush (stdout);
  enlace_command_notify (invocation, ENLACE_NOTICE_REGISTERED, id);
  return TRUE;
}
