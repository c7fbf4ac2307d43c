/* enlace-institution.h — institutions: member bodies, referral
 * institutions and observers. */
#pragma once

#include <glib.h>

#include "enlace-directory.h"

G_BEGIN_DECLS

gboolean enlace_institution_lookup (EnlaceDirectory *dir, const char *id_or_name, char **dn,
                                    char **name, GError **error);

G_END_DECLS
