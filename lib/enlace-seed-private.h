/* enlace-seed-private.h — the seed files' base, for enlace-local, which
 * loads the accounts' seeds into an instance it rebuilds. Not installed. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *enlace_seed_rebase (const char *dn, const char *base);

G_END_DECLS
