/* enlace-xml-builtins.h — the commands of the enlace-xml helper, one
 * source file each; enlace runs the helper for them. */
#pragma once

#include "enlace-command.h"
#include "enlace-coverage.h"
#include "enlace-snapshot.h"

ENLACE_BUILTIN_PROTO (export);
ENLACE_BUILTIN_PROTO (import_xml);
ENLACE_BUILTIN_PROTO (diff);
ENLACE_BUILTIN_PROTO (publish);
ENLACE_BUILTIN_PROTO (report);

/* A count on stderr, rewritten in place, for a person at a terminal. */
void enlace_xml_progress (guint done, gpointer user_data);
