/* enlace-registry-private.h — shared inside libenlace, not installed. */
#pragma once

#include "enlace-mods.h"
#include "enlace-registry.h"

EnlaceMods *enlace_registry_entry (EnlaceDirectory *dir, EnlaceLiaisonDraft *draft,
                                   const char *id, const char *who, const char *designated,
                                   char **dn);
