/* enlace-coverage.h — the coverage report: which member countries have
 * someone in each role, and referral institutions for each protection
 * category; how fresh the confirmations are; where the gaps are.
 * Part of libenlace-xml (its HTML form is written by libxml2). */
#pragma once

#include <glib.h>

#include "enlace-directory.h"

G_BEGIN_DECLS

typedef struct {
  guint active;
  guint pending;
  guint unverified;
  /* Days since the stalest confirmation (or designation) among the cell's
   * active and unverified entries; -1 when there are none, -2 when one of
   * them has neither date. */
  int days;
} EnlaceCoverageCell;

typedef struct {
  char *date;          /* the day the report is for, YYYY-MM-DD */
  GPtrArray *countries; /* codes, sorted */
  GPtrArray *roles;     /* term IDs, in the vocabulary's order */
  GPtrArray *competences;
  EnlaceCoverageCell *liaisons;     /* [country * roles->len + role] */
  EnlaceCoverageCell *institutions; /* [country * competences->len + competence] */
} EnlaceCoverage;

typedef enum {
  ENLACE_COVERAGE_TABLE,
  ENLACE_COVERAGE_JSON,
  ENLACE_COVERAGE_HTML,
} EnlaceCoverageFormat;

EnlaceCoverage *enlace_coverage_read (EnlaceDirectory *dir, GError **error);
void enlace_coverage_free (EnlaceCoverage *coverage);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceCoverage, enlace_coverage_free)
gboolean enlace_coverage_format (EnlaceCoverage *coverage, EnlaceCoverageFormat format,
                                 GString *out, GError **error);

G_END_DECLS
