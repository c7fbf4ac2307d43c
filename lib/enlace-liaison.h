/* enlace-liaison.h — liaisons: reading them from the directory and finding
 * them by country, role, network, name and status. */
#pragma once

#include <glib.h>
#include <ldap.h>

#include "enlace-directory.h"

G_BEGIN_DECLS

typedef struct {
  char *dn;
  char *id;          /* enlaceId, e.g. GT-L-0001 */
  char *country;     /* c */
  char *name;        /* cn */
  char *title;
  char *institution; /* o: the institution's name */
  char *mail;
  char *phone;       /* telephoneNumber */
  char *status;      /* enlaceStatus */
  char **roles;      /* enlaceRole */
  char **networks;   /* enlaceNetwork */
} EnlaceLiaison;

EnlaceLiaison *enlace_liaison_new_from_entry (LDAP *ld, LDAPMessage *entry);
void enlace_liaison_free (EnlaceLiaison *liaison);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceLiaison, enlace_liaison_free)

/* What to look for; NULL fields match everything. */
typedef struct {
  const char *country;
  const char *role;
  const char *network;
  const char *name;   /* part of the name, as typed */
  const char *status; /* pending|active|retired|unverified|all; NULL: all but retired */
} EnlaceLiaisonQuery;

char *enlace_liaison_query_filter (const EnlaceLiaisonQuery *query, GError **error);
GPtrArray *enlace_liaison_find (EnlaceDirectory *dir, const EnlaceLiaisonQuery *query,
                                GError **error);

G_END_DECLS
