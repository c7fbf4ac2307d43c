/* enlace-local-builtins.h — the entry points of enlace-local's subcommands. */
#pragma once

#include "enlace-command.h"

ENLACE_BUILTIN_PROTO (local_start);
ENLACE_BUILTIN_PROTO (local_stop);
ENLACE_BUILTIN_PROTO (local_status);
ENLACE_BUILTIN_PROTO (local_env);
ENLACE_BUILTIN_PROTO (local_check);
ENLACE_BUILTIN_PROTO (local_test_ca);
ENLACE_BUILTIN_PROTO (local_backup);
ENLACE_BUILTIN_PROTO (local_restore);
