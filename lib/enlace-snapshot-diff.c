/* enlace-snapshot-diff.c — what changed between two snapshots, entry by
 * entry (matched by ID), field by field: the "what changed since last
 * year" list. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "enlace-error.h"
#include "enlace-format.h"
#include "enlace-snapshot.h"

typedef struct {
  GHashTable *records; /* "section/id" -> EnlaceRecord */
  char *generated;
  gboolean restricted;
  gboolean retired;
} Snapshot;

static void
snapshot_clear (Snapshot *s)
{
  g_clear_pointer (&s->records, g_hash_table_unref);
  g_clear_pointer (&s->generated, g_free);
}

static char *
key_of (const EnlaceRecord *record)
{
  return g_strconcat (record->kind->section, "/", enlace_record_id (record), NULL);
}

static gboolean
load (const char *path, Snapshot *s, GError **error)
{
  if (!enlace_snapshot_validate (path, error))
    return FALSE;
  g_autoptr(EnlaceSnapshotReader) reader = enlace_snapshot_reader_new (path, error);
  if (reader == NULL)
    return FALSE;
  s->records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) enlace_record_free);
  g_autoptr(GError) local_error = NULL;
  EnlaceRecord *record;
  while ((record = enlace_snapshot_reader_next (reader, &local_error)) != NULL)
    g_hash_table_replace (s->records, key_of (record), record);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  s->generated = g_strdup (enlace_snapshot_reader_get (reader, "generated"));
  s->restricted = g_strcmp0 (enlace_snapshot_reader_get (reader, "restricted"), "true") == 0;
  s->retired = g_strcmp0 (enlace_snapshot_reader_get (reader, "retired"), "true") == 0;
  return TRUE;
}

/* Keys of @table, in document order of kinds and then by ID. */
static int
compare_keys (gconstpointer a, gconstpointer b, gpointer user_data)
{
  GHashTable *table = user_data;
  const EnlaceRecord *ra = g_hash_table_lookup (table, *(char **) a);
  const EnlaceRecord *rb = g_hash_table_lookup (table, *(char **) b);
  guint ka = 0, kb = 0;
  for (guint k = 0; enlace_snapshot_kinds[k] != NULL; k++)
    {
      if (enlace_snapshot_kinds[k] == ra->kind)
        ka = k;
      if (enlace_snapshot_kinds[k] == rb->kind)
        kb = k;
    }
  if (ka != kb)
    return ka < kb ? -1 : 1;
  return strcmp (enlace_record_id (ra), enlace_record_id (rb));
}

static GPtrArray *
sorted_keys (GHashTable *table)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init (&it, table);
  while (g_hash_table_iter_next (&it, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort_with_data (keys, compare_keys, table);
  return keys;
}

/* A name people recognise: a person's or institution's name, or the first label. */
static const char *
display_name (const EnlaceRecord *record)
{
  const char *name = enlace_record_get (record, "name");
  if (name == NULL)
    {
      name = enlace_record_get (record, "label");
      if (name != NULL && strchr (name, ':') != NULL)
        name = strchr (name, ':') + 1;
    }
  return name != NULL ? name : "";
}

typedef enum { ADDED, RETIRED, REMOVED, CHANGED, N_CHANGES } Change;

typedef struct {
  Change change;
  const EnlaceRecord *old;
  const EnlaceRecord *new;
  GArray *fields; /* indexes of changed fields */
} Item;

static void
item_free (Item *item)
{
  if (item->fields != NULL)
    g_array_unref (item->fields);
  g_free (item);
}

static gboolean
is_retired (const EnlaceRecord *record)
{
  return g_strcmp0 (enlace_record_get (record, "status"), "retired") == 0;
}

static GPtrArray *
compare (Snapshot *old, Snapshot *new)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  g_autoptr(GPtrArray) old_keys = sorted_keys (old->records);
  g_autoptr(GPtrArray) new_keys = sorted_keys (new->records);
  gboolean restricted = old->restricted && new->restricted;
  for (guint i = 0; i < old_keys->len; i++)
    {
      const EnlaceRecord *o = g_hash_table_lookup (old->records, old_keys->pdata[i]);
      const EnlaceRecord *n = g_hash_table_lookup (new->records, old_keys->pdata[i]);
      Item *item = g_new0 (Item, 1);
      item->old = o;
      item->new = n;
      if (n == NULL)
        /* A snapshot without retired entries drops them: that is a retirement. */
        item->change = !new->retired && !is_retired (o) && o->kind->container == NULL ? RETIRED
                                                                                     : REMOVED;
      else if (!is_retired (o) && is_retired (n))
        item->change = RETIRED;
      else
        {
          item->change = CHANGED;
          item->fields = g_array_new (FALSE, FALSE, sizeof (guint));
          for (guint f = 0; f < o->kind->n_fields; f++)
            if (!((o->kind->fields[f].flags & ENLACE_FIELD_RESTRICTED) && !restricted)
                && !enlace_record_values_equal (o->values[f], n->values[f]))
              g_array_append_val (item->fields, f);
          if (item->fields->len == 0)
            {
              item_free (item);
              continue;
            }
        }
      g_ptr_array_add (items, item);
    }
  for (guint i = 0; i < new_keys->len; i++)
    if (!g_hash_table_contains (old->records, new_keys->pdata[i]))
      {
        Item *item = g_new0 (Item, 1);
        item->change = ADDED;
        item->new = g_hash_table_lookup (new->records, new_keys->pdata[i]);
        g_ptr_array_add (items, item);
      }
  return items;
}

static void
text_values (GString *out, char **values)
{
  if (values == NULL)
    {
      g_string_append (out, _("(none)"));
      return;
    }
  for (char **v = values; *v != NULL; v++)
    {
      g_autofree char *shown = enlace_format_printable (*v);
      g_string_append_printf (out, "%s\"%s\"", v == values ? "" : ", ", shown);
    }
}

static void
json_values (GString *out, char **values)
{
  g_string_append_c (out, '[');
  for (char **v = values; v != NULL && *v != NULL; v++)
    {
      if (v != values)
        g_string_append (out, ", ");
      enlace_format_json_string (out, *v);
    }
  g_string_append_c (out, ']');
}

static const char *const change_names[] = { "added", "retired", "removed", "changed" };

static void
format_text (GString *out, const char *old_path, Snapshot *old, const char *new_path,
             Snapshot *new, GPtrArray *items, guint counts[])
{
  static const char *const headings[] = { N_("Added"), N_("Retired"), N_("Removed"),
                                          N_("Changed") };
  static const char marks[] = { '+', '-', 'x', '~' };
  g_string_append_printf (out, _("From %s (%s) to %s (%s)\n"), old_path,
                          old->generated != NULL ? old->generated : "?", new_path,
                          new->generated != NULL ? new->generated : "?");
  for (Change c = ADDED; c < N_CHANGES; c++)
    {
      if (counts[c] == 0)
        continue;
      g_string_append_printf (out, "\n%s (%u):\n", _(headings[c]), counts[c]);
      for (guint i = 0; i < items->len; i++)
        {
          Item *item = items->pdata[i];
          if (item->change != c)
            continue;
          const EnlaceRecord *r = item->new != NULL ? item->new : item->old;
          g_autofree char *name = enlace_format_printable (display_name (r));
          const char *country = enlace_record_get (r, "country");
          g_string_append_printf (out, "  %c %s %s  %s", marks[c], _(r->kind->noun),
                                  enlace_record_id (r), name);
          if (country != NULL)
            g_string_append_printf (out, " (%s)", country);
          if (c == RETIRED && item->new != NULL
              && enlace_record_get (item->new, "retirement-reason") != NULL)
            {
              g_autofree char *reason
                  = enlace_format_printable (enlace_record_get (item->new, "retirement-reason"));
              g_string_append_printf (out, ": %s", reason);
            }
          g_string_append_c (out, '\n');
          for (guint f = 0; item->fields != NULL && f < item->fields->len; f++)
            {
              guint fi = g_array_index (item->fields, guint, f);
              g_string_append_printf (out, "      %s: ", r->kind->fields[fi].name);
              text_values (out, item->old->values[fi]);
              g_string_append (out, " -> ");
              text_values (out, item->new->values[fi]);
              g_string_append_c (out, '\n');
            }
        }
    }
  g_string_append_printf (out, _("\n%u added, %u retired, %u removed, %u changed\n"),
                          counts[ADDED], counts[RETIRED], counts[REMOVED], counts[CHANGED]);
}

static void
json_side (GString *out, const char *name, const char *path, Snapshot *s)
{
  g_string_append_printf (out, "  \"%s\": { \"file\": ", name);
  enlace_format_json_string (out, path);
  g_string_append (out, ", \"generated\": ");
  enlace_format_json_string (out, s->generated != NULL ? s->generated : "");
  g_string_append (out, " },\n");
}

static void
format_json (GString *out, const char *old_path, Snapshot *old, const char *new_path,
             Snapshot *new, GPtrArray *items, guint counts[])
{
  g_string_append (out, "{\n");
  json_side (out, "old", old_path, old);
  json_side (out, "new", new_path, new);
  for (Change c = ADDED; c < N_CHANGES; c++)
    {
      g_string_append_printf (out, "  \"%s\": [", change_names[c]);
      gboolean first = TRUE;
      for (guint i = 0; i < items->len; i++)
        {
          Item *item = items->pdata[i];
          if (item->change != c)
            continue;
          const EnlaceRecord *r = item->new != NULL ? item->new : item->old;
          g_string_append_printf (out, "%s\n    { \"kind\": \"%s\", \"id\": ", first ? "" : ",",
                                  r->kind->noun);
          first = FALSE;
          enlace_format_json_string (out, enlace_record_id (r));
          g_string_append (out, ", \"name\": ");
          enlace_format_json_string (out, display_name (r));
          if (enlace_record_get (r, "country") != NULL)
            {
              g_string_append (out, ", \"country\": ");
              enlace_format_json_string (out, enlace_record_get (r, "country"));
            }
          if (item->fields != NULL)
            {
              g_string_append (out, ",\n      \"fields\": [");
              for (guint f = 0; f < item->fields->len; f++)
                {
                  guint fi = g_array_index (item->fields, guint, f);
                  g_string_append_printf (out, "%s\n        { \"field\": \"%s\", \"old\": ",
                                          f == 0 ? "" : ",", r->kind->fields[fi].name);
                  json_values (out, item->old->values[fi]);
                  g_string_append (out, ", \"new\": ");
                  json_values (out, item->new->values[fi]);
                  g_string_append (out, " }");
                }
              g_string_append (out, "\n      ]");
            }
          g_string_append (out, " }");
        }
      g_string_append (out, first ? "],\n" : "\n  ],\n");
    }
  g_string_append_printf (out,
                          "  \"summary\": { \"added\": %u, \"retired\": %u, \"removed\": %u, "
                          "\"changed\": %u }\n}\n",
                          counts[ADDED], counts[RETIRED], counts[REMOVED], counts[CHANGED]);
}

/**
 * enlace_snapshot_diff:
 *
 * Compares two snapshots (each validated first) and appends the changes
 * to @out: entries added, retired (or dropped from a snapshot that leaves
 * retired entries out), removed, and changed field by field. Restricted
 * fields are compared only when both snapshots carry them.
 */
gboolean
enlace_snapshot_diff (const char *old_path, const char *new_path, EnlaceDiffFormat format,
                      GString *out, GError **error)
{
  Snapshot old = { 0 }, new = { 0 };
  gboolean ok = load (old_path, &old, error) && load (new_path, &new, error);
  if (ok)
    {
      g_autoptr(GPtrArray) items = compare (&old, &new);
      guint counts[N_CHANGES] = { 0 };
      for (guint i = 0; i < items->len; i++)
        counts[((Item *) items->pdata[i])->change]++;
      if (format == ENLACE_DIFF_JSON)
        format_json (out, old_path, &old, new_path, &new, items, counts);
      else
        format_text (out, old_path, &old, new_path, &new, items, counts);
    }
  snapshot_clear (&old);
  snapshot_clear (&new);
  return ok;
}
