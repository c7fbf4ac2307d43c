/* enlace-entry.h — what liaisons and institutions share: IDs numbered per
 * country, retirement with a successor, the words of a permission error.
 * Internal to libenlace. */
#pragma once

#include <glib.h>

#include "enlace-directory.h"
#include "enlace-mods.h"

G_BEGIN_DECLS

typedef struct {
  const char *object_class; /* enlaceLiaison */
  const char *noun;         /* "liaison", for messages */
  char letter;              /* L in GT-L-0042 */
} EnlaceEntryKind;

extern const EnlaceEntryKind enlace_entry_liaison;
extern const EnlaceEntryKind enlace_entry_institution;

/* The few fields every kind has. */
typedef struct {
  char *dn;
  char *id;
  char *country;
  char *status;
  char *retired;
} EnlaceEntryRef;

void enlace_entry_ref_free (EnlaceEntryRef *ref);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceEntryRef, enlace_entry_ref_free)

EnlaceEntryRef *enlace_entry_ref_get (EnlaceDirectory *dir, const EnlaceEntryKind *kind,
                                      const char *id, GError **error);
char *enlace_entry_country_dn (EnlaceDirectory *dir, const char *country);
char *enlace_entry_format_id (const EnlaceEntryKind *kind, const char *country, guint number);
guint enlace_entry_next_number (EnlaceDirectory *dir, const EnlaceEntryKind *kind,
                                const char *country, GError **error);
/* Builds the attributes of a new entry with @id (its DN is made for it). */
typedef EnlaceMods *(*EnlaceEntryBuildFunc) (const char *id, gpointer user_data);
char *enlace_entry_add_numbered (EnlaceDirectory *dir, const EnlaceEntryKind *kind,
                                 const char *country, EnlaceEntryBuildFunc build,
                                 gpointer user_data, GError **error);
gboolean enlace_entry_explain (EnlaceDirectory *dir, const char *country, GError **error);
gboolean enlace_entry_retire (EnlaceDirectory *dir, const EnlaceEntryKind *kind, const char *id,
                              const char *reason, const char *successor, const char *date,
                              GError **error);

G_END_DECLS
