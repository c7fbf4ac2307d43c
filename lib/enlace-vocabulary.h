/* enlace-vocabulary.h — the controlled vocabularies and member countries
 * as the directory holds them: data, not code, so a new term needs no
 * release. */
#pragma once

#include <glib.h>

#include "enlace-directory.h"

G_BEGIN_DECLS

typedef enum {
  ENLACE_VOCAB_ROLE,
  ENLACE_VOCAB_NETWORK,
  ENLACE_VOCAB_INSTITUTION_TYPE,
  ENLACE_VOCAB_COMPETENCE,
  ENLACE_VOCAB_BODY,
  ENLACE_VOCAB_COUNTRY,
  ENLACE_N_VOCABS
} EnlaceVocab;

typedef struct _EnlaceVocabulary EnlaceVocabulary;

EnlaceVocabulary *enlace_vocabulary_load (EnlaceDirectory *dir, GError **error);
void enlace_vocabulary_free (EnlaceVocabulary *vocabulary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceVocabulary, enlace_vocabulary_free)

gboolean enlace_vocabulary_check (EnlaceVocabulary *vocabulary, EnlaceVocab vocab,
                                  const char *field, const char *term, GError **error);
gboolean enlace_vocabulary_needs_authorization (EnlaceVocabulary *vocabulary, const char *role);
const char *enlace_vocabulary_calling_code (EnlaceVocabulary *vocabulary, const char *country);
gboolean enlace_vocabulary_institution (EnlaceVocabulary *vocabulary, EnlaceDirectory *dir,
                                        const char *id_or_name, const char **dn,
                                        const char **name, GError **error);
const char *enlace_vocabulary_label (EnlaceVocabulary *vocabulary, EnlaceVocab vocab,
                                     const char *term, const char *language);

G_END_DECLS
