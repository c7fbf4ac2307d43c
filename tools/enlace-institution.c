/* enlace institution add|update|show|find|retire — the institutions, and
 * the protection categories each takes referrals for. One file for the
 * group, one function per subcommand. */
#include "config.h"

#include <stdio.h>

#include "enlace-builtins.h"

/* Values are bytes (FILENAME): the library checks they are UTF-8 and names
 * the field. Update docs/enlace.1 when you change these options. */
static char *opt_country;
static char *opt_name;
static char *opt_type;
static char **opt_competences;
static char **opt_networks;
static char *opt_email;
static char *opt_phone;
static char *opt_url;
static char **opt_languages;
static char *opt_notes;
static char *opt_competence;
static char *opt_network;
static char *opt_status;
static char *opt_format;
static char *opt_reason;
static char *opt_successor;
static char *opt_date;

#define FIELD_OPTIONS                                                                          \
  { "name", 0, 0, G_OPTION_ARG_FILENAME, &opt_name, N_("the institution's name"), "NAME" },     \
  { "type", 0, 0, G_OPTION_ARG_FILENAME, &opt_type, N_("institution type ID, e.g. shelter"),    \
    "TYPE" },                                                                                   \
  { "competence", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_competences,                          \
    N_("referral competence ID(s), e.g. unaccompanied-children"), "C[,C...]" },                 \
  { "network", 'N', 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_networks, N_("network ID(s)"),         \
    "NETWORK" },                                                                                \
  { "email", 'e', 0, G_OPTION_ARG_FILENAME, &opt_email, N_("contact email"), "EMAIL" },         \
  { "phone", 'p', 0, G_OPTION_ARG_FILENAME, &opt_phone, N_("contact phone"), "PHONE" },         \
  { "url", 0, 0, G_OPTION_ARG_FILENAME, &opt_url, N_("web address"), "URL" },                   \
  { "language", 'l', 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_languages,                            \
    N_("languages for correspondence"), "LANG[,LANG...]" },                                     \
  { "notes", 0, 0, G_OPTION_ARG_FILENAME, &opt_notes, N_("notes (restricted)"), "TEXT" }

static GOptionEntry add_options[] = {
  { "country", 'c', 0, G_OPTION_ARG_FILENAME, &opt_country, N_("ISO 3166 code, e.g. GT"), "CC" },
  FIELD_OPTIONS,
  { NULL }
};

static GOptionEntry update_options[] = { FIELD_OPTIONS, { NULL } };

static GOptionEntry find_options[] = {
  { "country", 'c', 0, G_OPTION_ARG_FILENAME, &opt_country, N_("ISO 3166 code, e.g. GT"), "CC" },
  { "type", 0, 0, G_OPTION_ARG_FILENAME, &opt_type, N_("institution type ID"), "TYPE" },
  { "competence", 0, 0, G_OPTION_ARG_FILENAME, &opt_competence,
    N_("takes referrals of this category, e.g. unaccompanied-children"), "C" },
  { "network", 'N', 0, G_OPTION_ARG_FILENAME, &opt_network, N_("network ID"), "NETWORK" },
  { "name", 0, 0, G_OPTION_ARG_FILENAME, &opt_name, N_("part of the name"), "TEXT" },
  { "status", 's', 0, G_OPTION_ARG_FILENAME, &opt_status,
    N_("pending, active, retired, unverified or all (default: all but retired)"), "STATUS" },
  { "format", 'f', 0, G_OPTION_ARG_FILENAME, &opt_format,
    N_("table, tsv, json, csv, vcard or ldif"), "FORMAT" },
  { NULL }
};

static GOptionEntry show_options[] = {
  { "format", 'f', 0, G_OPTION_ARG_FILENAME, &opt_format,
    N_("table, tsv, json, csv, vcard or ldif"), "FORMAT" },
  { NULL }
};

static GOptionEntry retire_options[] = {
  { "reason", 0, 0, G_OPTION_ARG_FILENAME, &opt_reason, N_("why (required)"), "TEXT" },
  { "successor", 0, 0, G_OPTION_ARG_FILENAME, &opt_successor,
    N_("ID of the institution that takes over"), "ID" },
  { "date", 0, 0, G_OPTION_ARG_FILENAME, &opt_date, N_("when (default: today)"), "YYYY-MM-DD" },
  { NULL }
};

static void
spec_from_options (EnlaceInstitutionSpec *spec, GStrv *competences, GStrv *networks,
                   GStrv *languages)
{
  *competences = enlace_command_list (opt_competences);
  *networks = enlace_command_list (opt_networks);
  *languages = enlace_command_list (opt_languages);
  *spec = (EnlaceInstitutionSpec){
    .country = opt_country, .name = opt_name, .type = opt_type, .email = opt_email,
    .phone = opt_phone, .url = opt_url, .notes = opt_notes,
    .competences = (const char *const *) *competences,
    .networks = (const char *const *) *networks, .languages = (const char *const *) *languages,
  };
}

static gboolean
institution_add (int argc, char **argv, EnlaceInvocation *invocation, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  if (!enlace_option_context_parse (context, add_options, &argc, &argv, invocation, error))
    return FALSE;
  EnlaceInstitutionSpec spec;
  g_auto(GStrv) competences = NULL, networks = NULL, languages = NULL;
  spec_from_options (&spec, &competences, &networks, &languages);
  if (opt_country == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("country is required to add an institution (--country)"));
      return FALSE;
    }
  g_autofree char *id = enlace_institution_add (invocation->directory, &spec, error);
  if (id == NULL)
    return FALSE;
  printf ("%s\n", id);
  fflush (stdout);
  enlace_command_notify (invocation, ENLACE_NOTICE_REGISTERED, id);
  return TRUE;
}

static gboolean
institution_update (int argc, char **argv, EnlaceInvocation *invocation, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("ID"));
  if (!enlace_option_context_parse (context, update_options, &argc, &argv, invocation, error))
    return FALSE;
  const char *id = enlace_command_take_id (argc, argv, invocation, error);
  if (id == NULL)
    return FALSE;
  EnlaceInstitutionSpec spec;
  g_auto(GStrv) competences = NULL, networks = NULL, languages = NULL;
  spec_from_options (&spec, &competences, &networks, &languages);
  if (!enlace_institution_update (invocation->directory, id, &spec, error))
    return FALSE;
  fprintf (stderr, _("%s updated\n"), id);
  enlace_command_notify (invocation, ENLACE_NOTICE_UPDATED, id);
  return TRUE;
}

static gboolean
institution_show (int argc, char **argv, EnlaceInvocation *invocation, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("ID"));
  EnlaceFormat format;
  if (!enlace_option_context_parse (context, show_options, &argc, &argv, invocation, error)
      || !enlace_command_format (opt_format, &format, error))
    return FALSE;
  const char *id = enlace_command_take_id (argc, argv, invocation, error);
  if (id == NULL)
    return FALSE;
  g_autoptr(EnlaceInstitution) inst = enlace_institution_get (invocation->directory, id, error);
  if (inst == NULL)
    return FALSE;
  g_autoptr(GString) out = g_string_new (NULL);
  enlace_format_institution_detail (out, format, inst);
  return enlace_command_write (out, error);
}

static gboolean
institution_find (int argc, char **argv, EnlaceInvocation *invocation, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  EnlaceFormat format;
  if (!enlace_option_context_parse (context, find_options, &argc, &argv, invocation, error)
      || !enlace_command_format (opt_format, &format, error))
    return FALSE;
  EnlaceInstitutionQuery query = { .country = opt_country, .type = opt_type,
                                   .competence = opt_competence, .network = opt_network,
                                   .name = opt_name, .status = opt_status };
  g_autoptr(GPtrArray) found = enlace_institution_find (invocation->directory, &query, error);
  if (found == NULL)
    return FALSE;
  if (found->len == 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND, _("no institution matches"));
      return FALSE;
    }
  g_autoptr(GString) out = g_string_new (NULL);
  enlace_format_institutions (out, format, found);
  return enlace_command_write (out, error);
}

static gboolean
institution_retire (int argc, char **argv, EnlaceInvocation *invocation, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("ID"));
  if (!enlace_option_context_parse (context, retire_options, &argc, &argv, invocation, error))
    return FALSE;
  const char *id = enlace_command_take_id (argc, argv, invocation, error);
  if (id == NULL)
    return FALSE;
  if (opt_reason == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, _("reason is required (--reason)"));
      return FALSE;
    }
  if (!enlace_institution_retire (invocation->directory, id, opt_reason, opt_successor, opt_date,
                                  error))
    return FALSE;
  fprintf (stderr, _("%s is retired\n"), id);
  enlace_command_notify (invocation, ENLACE_NOTICE_RETIRED, id);
  return TRUE;
}

static const EnlaceCommand subcommands[] = {
  { "add", ENLACE_COMMAND_WRITES, institution_add,
    N_("Add an institution of your country; prints its ID") },
  { "update", ENLACE_COMMAND_ARGUMENTS | ENLACE_COMMAND_WRITES, institution_update, N_("Change an institution's fields") },
  { "show", ENLACE_COMMAND_ARGUMENTS, institution_show, N_("Show one institution") },
  { "find", ENLACE_COMMAND_FLAGS_NONE, institution_find,
    N_("Find institutions by country, type, competence, network, name") },
  { "retire", ENLACE_COMMAND_ARGUMENTS | ENLACE_COMMAND_WRITES, institution_retire,
    N_("Retire an institution (kept, with reason and successor)") },
  { NULL }
};

ENLACE_BUILTIN_PROTO (institution)
{
  return enlace_command_run_group (subcommands, argc, argv, invocation, error);
}
