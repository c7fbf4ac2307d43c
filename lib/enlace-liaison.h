/* enlace-liaison.h — liaisons: reading them from the directory and finding
 * them by country, role, network, institution, name and status. */
#pragma once

#include <glib.h>
#include <ldap.h>

#include "enlace-directory.h"

G_BEGIN_DECLS

typedef struct {
  char *dn;
  char *id;             /* enlaceId, e.g. GT-L-0001 */
  char *country;        /* c */
  char *given_name;
  char *surname;
  char *name;           /* cn */
  char *title;
  char *institution_id; /* from enlaceInstitution */
  char *institution;    /* o: the institution's name */
  char *mail;
  char *phone;          /* telephoneNumber, E.164 when it could be normalised */
  char *mobile;         /* restricted */
  char *notes;          /* restricted */
  char *status;         /* enlaceStatus */
  char **roles;
  char **networks;
  char **languages;
  char **phones_as_written;
  char *designated;     /* dates as YYYY-MM-DD */
  char *designated_by;
  char *authorized;
  char *authorized_by;
  char *retired;
  char *retired_by;
  char *retirement_reason;
  char *successor_id;
  char *predecessor_id;
  char *last_confirmed;
} EnlaceLiaison;

extern const char *const enlace_liaison_attributes[];

EnlaceLiaison *enlace_liaison_new_from_entry (LDAP *ld, LDAPMessage *entry);
void enlace_liaison_free (EnlaceLiaison *liaison);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceLiaison, enlace_liaison_free)

/* What to look for; NULL fields match everything. */
typedef struct {
  const char *country;
  const char *role;
  const char *network;
  const char *name;        /* part of the name, as typed */
  const char *status;      /* pending|active|retired|unverified|all; NULL: all but retired */
  const char *institution; /* an institution's ID */
} EnlaceLiaisonQuery;

char *enlace_liaison_query_filter (EnlaceDirectory *dir, const EnlaceLiaisonQuery *query,
                                   GError **error);
GPtrArray *enlace_liaison_find (EnlaceDirectory *dir, const EnlaceLiaisonQuery *query,
                                GError **error);
EnlaceLiaison *enlace_liaison_get (EnlaceDirectory *dir, const char *id, GError **error);

G_END_DECLS
