/* enlace update — change a liaison's fields. */
#include "config.h"

#include <stdio.h>

#include "enlace-builtins.h"

/* Values are taken as bytes (FILENAME), not converted by GOption: the
 * library checks they are UTF-8 and names the field when they are not.
 * Update docs/enlace.1 and docs/completion/enlace when you change these. */
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
  { "given-name", 0, 0, G_OPTION_ARG_FILENAME, &opt_given_name, N_("new given name(s)"), "NAME" },
  { "surname", 0, 0, G_OPTION_ARG_FILENAME, &opt_surname, N_("new surname(s)"), "NAME" },
  { "title", 't', 0, G_OPTION_ARG_FILENAME, &opt_title, N_("new position"), "TITLE" },
  { "institution", 'i', 0, G_OPTION_ARG_FILENAME, &opt_institution, N_("new institution"), "ID" },
  { "role", 'r', 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_roles, N_("the roles, replacing all"),
    "ROLE[,ROLE...]" },
  { "network", 'N', 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_networks,
    N_("the networks, replacing all"), "NETWORK" },
  { "email", 'e', 0, G_OPTION_ARG_FILENAME, &opt_email, N_("new email"), "EMAIL" },
  { "phone", 'p', 0, G_OPTION_ARG_FILENAME, &opt_phone, N_("new phone"), "PHONE" },
  { "mobile", 'm', 0, G_OPTION_ARG_FILENAME, &opt_mobile, N_("new mobile (restricted)"), "PHONE" },
  { "language", 'l', 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_languages,
    N_("the languages, replacing all"), "LANG[,LANG...]" },
  { "notes", 0, 0, G_OPTION_ARG_FILENAME, &opt_notes, N_("new notes (restricted)"), "TEXT" },
  { NULL }
};

ENLACE_BUILTIN_PROTO (update)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("ID"));
  if (!enlace_option_context_parse (context, options, &argc, &argv, invocation, error))
    return FALSE;
  const char *id = enlace_command_take_id (argc, argv, invocation, error);
  if (id == NULL)
    return FALSE;

  g_auto(GStrv) roles = enlace_command_list (opt_roles);
  g_auto(GStrv) networks = enlace_command_list (opt_networks);
  g_auto(GStrv) languages = enlace_command_list (opt_languages);
  EnlaceLiaisonSpec changes = {
    .given_name = opt_given_name, .surname = opt_surname, .title = opt_title,
    .institution = opt_institution, .email = opt_email, .phone = opt_phone,
    .mobile = opt_mobile, .notes = opt_notes, .roles = (const char *const *) roles,
    .networks = (const char *const *) networks, .languages = (const char *const *) languages,
  };
  if (!enlace_registry_update (invocation->directory, id, &changes, error))
    return FALSE;
  fprintf (stderr, _("%s updated\n"), id);
  /* Notes and languages are not what a counterpart needs to hear about. */
  if (opt_given_name || opt_surname || opt_title || opt_institution || opt_roles || opt_networks
      || opt_email || opt_phone || opt_mobile)
    enlace_command_notify (invocation, ENLACE_NOTICE_UPDATED, id);
  return TRUE;
}
