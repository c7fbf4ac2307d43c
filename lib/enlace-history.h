/* enlace-history.h — who changed what and when, from slapo-accesslog. */
#pragma once

#include <glib.h>

#include "enlace-directory.h"

G_BEGIN_DECLS

typedef struct {
  char *stamp;   /* reqStart, to the microsecond: sorts as text */
  char *when;    /* "2026-11-22 21:33:01Z" */
  char *who;     /* the account's DN */
  char *type;    /* add, modify, delete, modrdn */
  char **changes; /* "title: Directora", "-mobile", ... */
} EnlaceChange;

void enlace_change_free (EnlaceChange *change);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceChange, enlace_change_free)

GPtrArray *enlace_history_read (EnlaceDirectory *dir, const char *dn, GError **error);

G_END_DECLS
