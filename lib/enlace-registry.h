/* enlace-registry.h — what a Cancillería does with its liaisons:
 * register, authorise, update, retire. Every value is validated and
 * normalised before anything is written; a failure writes nothing. */
#pragma once

#include <glib.h>

#include "enlace-directory.h"
#include "enlace-vocabulary.h"

G_BEGIN_DECLS

/* A liaison as typed. For an update, NULL fields are left as they are. */
typedef struct {
  const char *country;
  const char *given_name;
  const char *surname;
  const char *title;
  const char *institution; /* an institution's ID or exact name */
  const char *email;
  const char *phone;
  const char *fax;
  const char *mobile;
  const char *notes;
  const char *const *roles;
  const char *const *networks;
  const char *const *languages;
} EnlaceLiaisonSpec;

typedef enum {
  ENLACE_PHONE_STRICT,          /* a phone that cannot be normalised is an error */
  ENLACE_PHONE_KEEP_AS_WRITTEN, /* ... is kept as written, with a warning (imports) */
} EnlacePhonePolicy;

/* A validated liaison, ready to be written. */
typedef struct _EnlaceLiaisonDraft EnlaceLiaisonDraft;

EnlaceLiaisonDraft *enlace_liaison_draft_new (EnlaceDirectory *dir, EnlaceVocabulary *vocabulary,
                                              const EnlaceLiaisonSpec *spec,
                                              EnlacePhonePolicy policy, GError **error);
void enlace_liaison_draft_free (EnlaceLiaisonDraft *draft);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceLiaisonDraft, enlace_liaison_draft_free)
const char *enlace_liaison_draft_get_warning (EnlaceLiaisonDraft *draft);
const char *enlace_liaison_draft_get_country (EnlaceLiaisonDraft *draft);
const char *enlace_liaison_draft_get_email (EnlaceLiaisonDraft *draft);

gboolean enlace_liaison_draft_check_complete (EnlaceLiaisonDraft *draft, GError **error);
char *enlace_registry_format_id (const char *country, guint number);
char *enlace_registry_add (EnlaceDirectory *dir, EnlaceLiaisonDraft *draft, GError **error);
char *enlace_registry_register (EnlaceDirectory *dir, const EnlaceLiaisonSpec *spec,
                                GError **error);
gboolean enlace_registry_authorize (EnlaceDirectory *dir, const char *id, GError **error);
gboolean enlace_registry_update (EnlaceDirectory *dir, const char *id,
                                 const EnlaceLiaisonSpec *changes, GError **error);
gboolean enlace_registry_retire (EnlaceDirectory *dir, const char *id, const char *reason,
                                 const char *successor, const char *date, GError **error);

G_END_DECLS
