/* enlace-status.h — what a directory holds, in numbers. */
#pragma once

#include <glib.h>

#include "enlace-directory.h"

G_BEGIN_DECLS

/* The statuses of liaisons and institutions, in display order. */
typedef enum {
  ENLACE_STATUS_PENDING,
  ENLACE_STATUS_ACTIVE,
  ENLACE_STATUS_RETIRED,
  ENLACE_STATUS_UNVERIFIED,
  ENLACE_STATUS_OTHER, /* a value no enlace writes: counted, never hidden */
  ENLACE_N_STATUSES
} EnlaceStatus;

typedef struct {
  char *authzid;        /* who the server says we are */
  int schema_version;   /* 0: the server has no enlace schema */
  gboolean initialized; /* the base entry exists */
  guint countries;
  guint institutions[ENLACE_N_STATUSES];
  guint liaisons[ENLACE_N_STATUSES];
  guint terms;
} EnlaceDirectoryStatus;

const char *enlace_status_to_string (EnlaceStatus status);
EnlaceStatus enlace_status_from_string (const char *text);

gboolean enlace_status_filter (GString *filter, const char *status, GError **error);

gboolean enlace_directory_status_read (EnlaceDirectory *dir, EnlaceDirectoryStatus *status,
                                       GError **error);
void enlace_directory_status_clear (EnlaceDirectoryStatus *status);

G_END_DECLS
