/* enlace-builtins.h — the entry points of enlace's subcommands, one source
 * file each. */
#pragma once

#include "enlace-command.h"

ENLACE_BUILTIN_PROTO (account);
ENLACE_BUILTIN_PROTO (authorize);
ENLACE_BUILTIN_PROTO (campaign);
ENLACE_BUILTIN_PROTO (find);
ENLACE_BUILTIN_PROTO (history);
ENLACE_BUILTIN_PROTO (import);
ENLACE_BUILTIN_PROTO (institution);
ENLACE_BUILTIN_PROTO (init);
ENLACE_BUILTIN_PROTO (register);
ENLACE_BUILTIN_PROTO (retire);
ENLACE_BUILTIN_PROTO (show);
ENLACE_BUILTIN_PROTO (status);
ENLACE_BUILTIN_PROTO (update);
