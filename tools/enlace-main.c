/* enlace — keep and query the directory of liaison officers. */
#include "config.h"

#include "enlace-builtins.h"

/* Commands that need libxml2 run in the enlace-xml helper. */
static gboolean
external (int argc, char **argv, EnlaceInvocation *invocation, GError **error)
{
  return enlace_command_exec_helper (invocation, argc, argv, error);
}

#define EXTERNAL (ENLACE_COMMAND_ARGUMENTS | ENLACE_COMMAND_NO_DIRECTORY)

static const EnlaceCommand commands[] = {
  { "register", ENLACE_COMMAND_WRITES, enlace_builtin_register,
    N_("Register a liaison of your country; prints the new ID") },
  { "authorize", ENLACE_COMMAND_ARGUMENTS | ENLACE_COMMAND_WRITES, enlace_builtin_authorize,
    N_("Authorise a pending designation (liaison prosecutors)") },
  { "update", ENLACE_COMMAND_ARGUMENTS | ENLACE_COMMAND_WRITES, enlace_builtin_update, N_("Change a liaison's fields") },
  { "retire", ENLACE_COMMAND_ARGUMENTS | ENLACE_COMMAND_WRITES, enlace_builtin_retire,
    N_("Retire a liaison (kept, with reason and successor)") },
  { "show", ENLACE_COMMAND_ARGUMENTS, enlace_builtin_show, N_("Show one liaison, every field") },
  { "history", ENLACE_COMMAND_ARGUMENTS, enlace_builtin_history,
    N_("Show who changed a liaison, what and when") },
  { "find", ENLACE_COMMAND_FLAGS_NONE, enlace_builtin_find,
    N_("Find liaisons by country, role, network, name or status") },
  { "institution", ENLACE_COMMAND_ARGUMENTS | ENLACE_COMMAND_NO_DIRECTORY,
    enlace_builtin_institution,
    N_("Add, update, show, find and retire institutions") },
  { "account", ENLACE_COMMAND_ARGUMENTS | ENLACE_COMMAND_NO_DIRECTORY, enlace_builtin_account,
    N_("Create and list the accounts that bind to the directory") },
  { "campaign", ENLACE_COMMAND_ARGUMENTS | ENLACE_COMMAND_NO_DIRECTORY, enlace_builtin_campaign,
    N_("Run the yearly re-confirmation campaign by email") },
  { "import", ENLACE_COMMAND_ARGUMENTS | ENLACE_COMMAND_WRITES, enlace_builtin_import,
    N_("Import liaisons from a CSV file, or a whole XML snapshot") },
  { "export", EXTERNAL, external,
    N_("Write the directory as an XML snapshot (schema/enlace-snapshot.xsd)") },
  { "diff", EXTERNAL, external, N_("Say what changed between two snapshots") },
  { "publish", EXTERNAL, external,
    N_("Make the printable directory, also a self-contained web page") },
  { "report", EXTERNAL, external, N_("Reports: coverage by country, role and competence") },
  { "init", ENLACE_COMMAND_WRITES, enlace_builtin_init,
    N_("Load the base tree and the vocabularies into the directory") },
  { "status", ENLACE_COMMAND_FLAGS_NONE, enlace_builtin_status,
    N_("Show which directory enlace talks to and what it holds") },
  { NULL }
};

int
main (int argc, char **argv)
{
  return enlace_command_main ("enlace",
                              N_("Keep and query the directory of liaison officers, focal "
                                 "points and referral institutions."),
                              commands, argc, argv);
}
