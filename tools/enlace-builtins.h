/* enlace-builtins.h — the entry points of enlace's subcommands, one source
 * file each. */
#pragma once

#include "enlace-command.h"

ENLACE_BUILTIN_PROTO (find);
ENLACE_BUILTIN_PROTO (init);
ENLACE_BUILTIN_PROTO (status);
