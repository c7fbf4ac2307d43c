/* enlace-snapshot-import.c — a snapshot back into the directory.
 *
 * The whole document is validated first: with any error nothing is
 * written. Then entry by entry, in document order, each is created when
 * missing and brought to the snapshot's values when it differs; an entry
 * already equal is not touched, so importing twice changes nothing.
 * Entries absent from the snapshot are left alone (a snapshot of one
 * country says nothing about the others), and a public snapshot, which
 * carries no restricted fields, leaves the directory's restricted fields
 * as they are. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "enlace-error.h"
#include "enlace-snapshot.h"
#include "enlace-validate.h"

/* LDAPMod arrays of strings, built here from public libldap types only. */
typedef struct {
  GPtrArray *mods;
} Mods;

static void
mod_free (LDAPMod *mod)
{
  if (mod == NULL)
    return; /* the array's terminator */
  g_free (mod->mod_type);
  g_strfreev (mod->mod_values);
  g_free (mod);
}

static void
mods_init (Mods *m)
{
  m->mods = g_ptr_array_new_with_free_func ((GDestroyNotify) mod_free);
}

static void
mods_clear (Mods *m)
{
  g_ptr_array_unref (m->mods);
}

/* Takes @values. */
static void
mods_add (Mods *m, int op, const char *attr, char **values)
{
  LDAPMod *mod = g_new0 (LDAPMod, 1);
  mod->mod_op = op;
  mod->mod_type = g_strdup (attr);
  mod->mod_values = values != NULL ? values : g_new0 (char *, 1);
  g_ptr_array_add (m->mods, mod);
}

static LDAPMod **
mods_get (Mods *m)
{
  g_ptr_array_add (m->mods, NULL);
  return (LDAPMod **) m->mods->pdata;
}

static char *
ref_dn (EnlaceDirectory *dir, const char *ref)
{
  const char *base = enlace_directory_get_base (dir);
  if (strlen (ref) == 2)
    return enlace_dn_child ("c", ref, base);
  /* An ID starts with its entry's country; observers have none. */
  const char *dash = strchr (ref, '-');
  if (dash != NULL && dash - ref == 2)
    {
      g_autofree char *country = g_strndup (ref, 2);
      g_autofree char *parent = enlace_dn_child ("c", country, base);
      return enlace_dn_child ("enlaceId", ref, parent);
    }
  g_autofree char *observers = g_strconcat ("ou=observers,", base, NULL);
  return enlace_dn_child ("enlaceId", ref, observers);
}

static char *
record_dn (EnlaceDirectory *dir, const EnlaceRecord *record)
{
  const EnlaceSnapshotKind *kind = record->kind;
  const char *base = enlace_directory_get_base (dir);
  const char *id = enlace_record_id (record);
  const char *rdn_attr = NULL;
  for (guint i = 0; i < kind->n_fields; i++)
    if (kind->fields[i].flags & ENLACE_FIELD_RDN)
      rdn_attr = kind->fields[i].attribute;
  g_autofree char *parent = NULL;
  if (kind->container == NULL)
    {
      const char *country = enlace_record_get (record, "country");
      parent = country != NULL ? enlace_dn_child ("c", country, base)
                               : g_strconcat ("ou=observers,", base, NULL);
    }
  else if (*kind->container == '\0')
    parent = g_strdup (base);
  else
    parent = g_strconcat (kind->container, ",", base, NULL);
  return enlace_dn_child (rdn_attr, id, parent);
}

static char *
ldap_value (EnlaceDirectory *dir, const EnlaceField *field, const char *value)
{
  switch (field->type)
    {
    case ENLACE_FIELD_DATE:
      return enlace_date_to_generalized (field->name, value, NULL);
    case ENLACE_FIELD_REF:
      return ref_dn (dir, value);
    case ENLACE_FIELD_BOOL:
      return g_strdup (strcmp (value, "true") == 0 || strcmp (value, "1") == 0 ? "TRUE" : "FALSE");
    case ENLACE_FIELD_TEXT:
    case ENLACE_FIELD_LABEL:
    default:
      return g_strdup (value);
    }
}

static char **
ldap_values (EnlaceDirectory *dir, const EnlaceField *field, char **values)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  for (char **v = values; v != NULL && *v != NULL; v++)
    {
      g_autofree char *one = ldap_value (dir, field, *v);
      if (one != NULL)
        g_strv_builder_add (b, one);
    }
  return g_strv_builder_end (b);
}

/* The labels of one language, in order, without the "lang:" prefix. */
static char **
labels_of (char **labels, const char *lang)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  gsize n = strlen (lang);
  for (char **v = labels; v != NULL && *v != NULL; v++)
    if (strncmp (*v, lang, n) == 0 && (*v)[n] == ':')
      g_strv_builder_add (b, *v + n + 1);
  return g_strv_builder_end (b);
}

static void
add_langs (GPtrArray *langs, char **labels)
{
  for (char **v = labels; v != NULL && *v != NULL; v++)
    {
      g_autofree char *lang = g_strndup (*v, strchr (*v, ':') - *v);
      if (!g_ptr_array_find_with_equal_func (langs, lang, g_str_equal, NULL))
        g_ptr_array_add (langs, g_steal_pointer (&lang));
    }
}

static char *
label_attribute (const char *attribute, const char *lang)
{
  return *lang != '\0' ? g_strdup_printf ("%s;lang-%s", attribute, lang) : g_strdup (attribute);
}

static void
field_mods (EnlaceDirectory *dir, Mods *m, int op, const EnlaceField *field, char **old,
            char **new)
{
  if (field->type != ENLACE_FIELD_LABEL)
    {
      mods_add (m, op, field->attribute, ldap_values (dir, field, new));
      return;
    }
  /* Each language is its own attribute description. */
  g_autoptr(GPtrArray) langs = g_ptr_array_new_with_free_func (g_free);
  add_langs (langs, new);
  add_langs (langs, old);
  for (guint l = 0; l < langs->len; l++)
    {
      g_auto(GStrv) old_l = labels_of (old, langs->pdata[l]);
      g_auto(GStrv) new_l = labels_of (new, langs->pdata[l]);
      if (op == LDAP_MOD_REPLACE && enlace_record_values_equal (old_l, new_l))
        continue;
      if (op == LDAP_MOD_ADD && new_l[0] == NULL)
        continue;
      g_autofree char *attr = label_attribute (field->attribute, langs->pdata[l]);
      mods_add (m, op, attr, g_steal_pointer (&new_l));
    }
}

static const char **
kind_attributes (const EnlaceSnapshotKind *kind)
{
  const char **attrs = g_new0 (const char *, kind->n_fields + 1);
  for (guint i = 0; i < kind->n_fields; i++)
    attrs[i] = kind->fields[i].attribute;
  return attrs;
}

static gboolean
import_record (EnlaceDirectory *dir, const EnlaceRecord *record, gboolean restricted,
               gboolean dry_run, EnlaceSnapshotImportResult *result, GError **error)
{
  const EnlaceSnapshotKind *kind = record->kind;
  g_autofree char *dn = record_dn (dir, record);
  g_autofree const char **attrs = kind_attributes (kind);
  g_autoptr(GError) local_error = NULL;
  LDAPMessage *res = enlace_directory_get_entry (dir, dn, attrs, &local_error);
  Mods m;
  mods_init (&m);
  gboolean ok = TRUE;
  if (res == NULL && g_error_matches (local_error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND))
    {
      mods_add (&m, LDAP_MOD_ADD, "objectClass", g_strdupv ((char *[]){ (char *) kind->object_class, NULL }));
      for (guint i = 0; i < kind->n_fields; i++)
        if (record->values[i] != NULL)
          field_mods (dir, &m, LDAP_MOD_ADD, &kind->fields[i], NULL, record->values[i]);
      ok = dry_run || enlace_directory_add (dir, dn, mods_get (&m), error);
      if (ok)
        result->created++;
    }
  else if (res == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      ok = FALSE;
    }
  else
    {
      g_autoptr(EnlaceRecord) current = enlace_record_new_from_entry (
          kind, enlace_directory_get_ldap (dir), ldap_first_entry (enlace_directory_get_ldap (dir), res));
      ldap_msgfree (res);
      for (guint i = 0; i < kind->n_fields; i++)
        {
          const EnlaceField *field = &kind->fields[i];
          if ((field->flags & ENLACE_FIELD_RDN)
              || ((field->flags & ENLACE_FIELD_RESTRICTED) && !restricted)
              || enlace_record_values_equal (current->values[i], record->values[i]))
            continue;
          field_mods (dir, &m, LDAP_MOD_REPLACE, field, current->values[i], record->values[i]);
        }
      if (m.mods->len == 0)
        result->unchanged++;
      else
        {
          ok = dry_run || enlace_directory_modify (dir, dn, mods_get (&m), NULL, error);
          if (ok)
            result->updated++;
        }
    }
  mods_clear (&m);
  return ok;
}

/**
 * enlace_snapshot_import:
 *
 * Validates @path against the XSD, then creates or updates its entries in
 * document order. With @options->dry_run, counts what would change and
 * writes nothing.
 */
gboolean
enlace_snapshot_import (EnlaceDirectory *dir, const char *path,
                        const EnlaceSnapshotImportOptions *options,
                        EnlaceSnapshotImportResult *result, GError **error)
{
  memset (result, 0, sizeof *result);
  if (!enlace_snapshot_validate (path, error))
    return FALSE;
  g_autoptr(EnlaceSnapshotReader) reader = enlace_snapshot_reader_new (path, error);
  if (reader == NULL)
    return FALSE;
  guint done = 0;
  g_autoptr(GError) local_error = NULL;
  for (;;)
    {
      g_autoptr(EnlaceRecord) record = enlace_snapshot_reader_next (reader, &local_error);
      if (record == NULL)
        break;
      const char *r = enlace_snapshot_reader_get (reader, "restricted");
      gboolean restricted = g_strcmp0 (r, "true") == 0 || g_strcmp0 (r, "1") == 0;
      if (!import_record (dir, record, restricted, options->dry_run, result, &local_error))
        {
          g_prefix_error (&local_error, "%s:%u: %s %s: ", path, record->line,
                          _(record->kind->noun), enlace_record_id (record));
          break;
        }
      if (options->progress != NULL && ++done % 100 == 0)
        options->progress (done, options->progress_data);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (options->progress != NULL)
    options->progress (done, options->progress_data);
  return TRUE;
}
