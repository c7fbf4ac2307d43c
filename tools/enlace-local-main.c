/* enlace-local — run a private slapd for enlace, without root. */
#include "config.h"

#include "enlace-local-builtins.h"

#define LOCAL (ENLACE_COMMAND_NO_DIRECTORY | ENLACE_COMMAND_LOCAL)
#define LOCAL_ARGS (LOCAL | ENLACE_COMMAND_ARGUMENTS)

static const EnlaceCommand commands[] = {
  { "start", LOCAL, enlace_builtin_local_start,
    N_("Create (the first time) and start the local directory server") },
  { "stop", LOCAL, enlace_builtin_local_stop, N_("Stop the local directory server") },
  { "status", LOCAL, enlace_builtin_local_status,
    N_("Say whether the local directory server runs, and where") },
  { "check", LOCAL, enlace_builtin_local_check,
    N_("Check the change history against the data, and repair it") },
  { "env", LOCAL, enlace_builtin_local_env,
    N_("Print the shell lines that point enlace at the local server") },
  { "test-ca", ENLACE_COMMAND_NO_DIRECTORY | ENLACE_COMMAND_ARGUMENTS,
    enlace_builtin_local_test_ca,
    N_("Make a private CA and a server certificate, for trials and tests") },
  { "backup", LOCAL_ARGS, enlace_builtin_local_backup,
    N_("Write a backup of every database (LDIF) into a new directory") },
  { "restore", LOCAL_ARGS, enlace_builtin_local_restore,
    N_("Replace every database of the stopped server with a backup's") },
  { NULL }
};

int
main (int argc, char **argv)
{
  return enlace_command_main ("enlace-local",
                              N_("Run a private OpenLDAP server (slapd) holding an enlace "
                                 "directory, in a directory of your own; no root needed."),
                              commands, argc, argv);
}
