/* enlace-import.h — load liaisons from a CSV file: all rows checked first,
 * then written in LDAP transactions of bounded size. */
#pragma once

#include <glib.h>

#include "enlace-directory.h"

G_BEGIN_DECLS

#define ENLACE_IMPORT_DEFAULT_BATCH 1000

typedef void (*EnlaceImportWarningFunc) (guint line, const char *message, gpointer user_data);
typedef void (*EnlaceImportProgressFunc) (guint done, guint total, gpointer user_data);

typedef struct {
  gboolean dry_run;
  guint batch_size;               /* rows per transaction; 0 for the default */
  EnlaceImportWarningFunc warning; /* a phone kept as written, ... */
  EnlaceImportProgressFunc progress;
  gpointer user_data;
} EnlaceImportOptions;

typedef struct {
  guint rows;     /* data rows in the file */
  guint added;    /* new liaisons written (or, in a dry run, to write) */
  guint existing; /* rows whose country and email a liaison already has */
  guint warnings;
  guint batches;  /* transactions committed */
} EnlaceImportStats;

gboolean enlace_import_csv (EnlaceDirectory *dir, const char *path,
                            const EnlaceImportOptions *options, EnlaceImportStats *stats,
                            GError **error);

G_END_DECLS
