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
  gboolean lost;  /* the data holds this change, but its record was lost */
} EnlaceChange;

void enlace_change_free (EnlaceChange *change);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceChange, enlace_change_free)

GPtrArray *enlace_history_read (EnlaceDirectory *dir, const char *dn, GError **error);

typedef struct {
  guint entries;      /* entries of the directory checked */
  guint records;      /* records of the history checked */
  GPtrArray *removed; /* "WHEN TYPE DN": records of changes the data does not hold */
  GPtrArray *lost;    /* "WHEN DN": changes the data holds whose records were lost */
} EnlaceHistoryReport;

void enlace_history_report_free (EnlaceHistoryReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceHistoryReport, enlace_history_report_free)

gboolean enlace_history_check (EnlaceDirectory *dir, gboolean repair,
                               EnlaceHistoryReport **report, GError **error);
char *enlace_history_report_describe (EnlaceHistoryReport *report, gboolean repaired);

G_END_DECLS
