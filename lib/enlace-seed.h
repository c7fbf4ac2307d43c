/* enlace-seed.h — load seed LDIF (the base tree, the vocabularies, the demo
 * data) into a directory, idempotently. */
#pragma once

#include <glib.h>

#include "enlace-directory.h"

G_BEGIN_DECLS

/* The base DN the seed files are written against. */
#define ENLACE_SEED_BASE "o=enlace"

typedef struct {
  guint added;
  guint updated;
  guint unchanged;
} EnlaceSeedStats;

/* Told of every entry that is (or, in a dry run, would be) written. */
typedef void (*EnlaceSeedFunc) (const char *dn, gboolean added, gpointer user_data);

gboolean enlace_seed_apply (EnlaceDirectory *dir, const char *path, gboolean dry_run,
                            EnlaceSeedStats *stats, EnlaceSeedFunc func, gpointer user_data,
                            GError **error);

G_END_DECLS
