/* enlace — keep and query the directory of liaison officers. */
#include "config.h"

#include "enlace-builtins.h"

static const EnlaceCommand commands[] = {
  { "find", ENLACE_COMMAND_FLAGS_NONE, enlace_builtin_find,
    N_("Find liaisons by country, role, network, name or status") },
  { "init", ENLACE_COMMAND_FLAGS_NONE, enlace_builtin_init,
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
