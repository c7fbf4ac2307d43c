/* enlace-institution.h — institutions: member bodies, referral
 * institutions (with the protection categories they take referrals for)
 * and observers. */
#pragma once

#include <glib.h>

#include "enlace-directory.h"

G_BEGIN_DECLS

typedef struct {
  char *dn;
  char *id;          /* GT-I-0005 */
  char *country;
  char *name;        /* o */
  char *type;        /* enlaceInstitutionType */
  char **competences;
  char **networks;
  char **languages;
  char *mail;
  char *phone;
  char **phones_as_written;
  char *url;         /* labeledURI */
  char *notes;       /* restricted */
  char *status;
  char *designated;
  char *retired;
  char *retired_by;
  char *retirement_reason;
  char *successor_id;
  char *predecessor_id;
  char *last_confirmed;
} EnlaceInstitution;

void enlace_institution_free (EnlaceInstitution *institution);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceInstitution, enlace_institution_free)

/* An institution as typed; for an update, NULL fields stay as they are. */
typedef struct {
  const char *country;
  const char *name;
  const char *type;
  const char *email;
  const char *phone;
  const char *url;
  const char *notes;
  const char *const *competences;
  const char *const *networks;
  const char *const *languages;
} EnlaceInstitutionSpec;

typedef struct {
  const char *country;
  const char *type;
  const char *competence;
  const char *network;
  const char *name;   /* part of the name */
  const char *status; /* NULL: all but retired */
} EnlaceInstitutionQuery;

gboolean enlace_institution_lookup (EnlaceDirectory *dir, const char *id_or_name, char **dn,
                                    char **name, GError **error);
EnlaceInstitution *enlace_institution_get (EnlaceDirectory *dir, const char *id, GError **error);
GPtrArray *enlace_institution_find (EnlaceDirectory *dir, const EnlaceInstitutionQuery *query,
                                    GError **error);
char *enlace_institution_add (EnlaceDirectory *dir, const EnlaceInstitutionSpec *spec,
                              GError **error);
gboolean enlace_institution_update (EnlaceDirectory *dir, const char *id,
                                    const EnlaceInstitutionSpec *changes, GError **error);
gboolean enlace_institution_retire (EnlaceDirectory *dir, const char *id, const char *reason,
                                    const char *successor, const char *date, GError **error);

G_END_DECLS
