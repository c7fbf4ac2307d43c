/* enlace-history.c — read an entry's changes from the accesslog database
 * (cn=accesslog), which slapo-accesslog fills with every successful write:
 * reqStart (when), reqAuthzID (who), reqType and reqMod ("attr:+ value",
 * "attr:- value", "attr:= value"), reqOld (old values, "attr: value").
 *
 * The log is a database of its own, so it can disagree with the data:
 * slapd logs each operation of an LDAP transaction as it runs it and
 * commits the data only at the end, so a transaction that fails (or a
 * slapd killed while it commits) leaves records of changes the data does
 * not hold; and a change committed just before slapd dies, or while the
 * log's disk is full, has no record. Each record carries the entry's CSN
 * after the change (reqMod entryCSN) and before it (reqOld entryCSN), and
 * the entry carries the CSN of its last change: walking back from the
 * entry through those links finds the records of the changes the data
 * holds, and the gaps where a record is missing. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "enlace-autocleanups.h"
#include "enlace-error.h"
#include "enlace-history.h"

#define ACCESSLOG_BASE "cn=accesslog"
/* What enlace-local check writes in place of a record that was lost. */
#define LOST_MESSAGE "enlace-local check: a change the data holds, of which the history had no record"

/* Attributes slapd maintains itself: noise in a history. */
static const char *const operational[] = {
  "entryCSN", "modifiersName", "modifyTimestamp", "creatorsName", "createTimestamp",
  "entryUUID", "structuralObjectClass", "subschemaSubentry", NULL,
};

static const char *const record_attrs[] = {
  "reqStart", "reqAuthzID", "reqType", "reqDN", "reqMod", "reqOld", "reqEntryUUID", "reqMessage",
  NULL,
};

void
enlace_change_free (EnlaceChange *c)
{
  if (c == NULL)
    return;
  g_free (c->stamp);
  g_free (c->when);
  g_free (c->who);
  g_free (c->type);
  g_strfreev (c->changes);
  g_free (c);
}

/* What a record says, against the data. */
typedef enum {
  ENLACE_HISTORY_UNKNOWN,  /* cannot tell: shown, kept */
  ENLACE_HISTORY_HELD,     /* a change the data holds */
  ENLACE_HISTORY_NOT_HELD, /* a change the data does not hold */
} EnlaceHistoryVerdict;

/* One log record, as the check sees it. */
typedef struct {
  char *log_dn;
  char *target;   /* reqDN, normalised */
  char *type;
  char *csn;      /* the entry's CSN after the change, or NULL */
  char *old_csn;  /* and before it (modify), or NULL */
  char *uuid;     /* reqEntryUUID */
  EnlaceHistoryVerdict verdict;
  EnlaceChange *change; /* for enlace history */
} Record;

static void
record_free (Record *r)
{
  g_free (r->log_dn);
  g_free (r->target);
  g_free (r->type);
  g_free (r->csn);
  g_free (r->old_csn);
  g_free (r->uuid);
  enlace_change_free (r->change);
  g_free (r);
}

static char *
first (LDAP *ld, LDAPMessage *entry, const char *attr)
{
  g_autoptr(EnlaceBervalArray) v = ldap_get_values_len (ld, entry, attr);
  return v && v[0] ? g_strndup (v[0]->bv_val, v[0]->bv_len) : NULL;
}

/* "entryCSN:= X" or "entryCSN:+ X" in reqMod; "entryCSN: X" in reqOld. */
static char *
csn_in (struct berval **values, gboolean old)
{
  const char *prefix = "entryCSN:";
  gsize plen = strlen (prefix);
  for (int i = 0; values != NULL && values[i] != NULL; i++)
    {
      struct berval *v = values[i];
      if (v->bv_len <= plen + 1 || g_ascii_strncasecmp (v->bv_val, prefix, plen) != 0)
        continue;
      const char *rest = v->bv_val + plen;
      gsize n = v->bv_len - plen;
      if (old && rest[0] == ' ')
        return g_strndup (rest + 1, n - 1);
      if (!old && (rest[0] == '=' || rest[0] == '+') && n > 2 && rest[1] == ' ')
        return g_strndup (rest + 2, n - 2);
    }
  return NULL;
}

/* "20261122213301.000123Z" (or a CSN) -> "2026-11-22 21:33:01Z" */
static char *
when_of (const char *stamp)
{
  if (stamp != NULL && strlen (stamp) >= 14)
    return g_strdup_printf ("%.4s-%.2s-%.2s %.2s:%.2s:%.2sZ", stamp, stamp + 4, stamp + 6,
                            stamp + 8, stamp + 10, stamp + 12);
  return g_strdup (stamp ? stamp : "");
}

/* "attr:= value" -> "attr: value"; "attr:+ value" -> "+attr: value";
 * "attr:- value" -> "-attr: value"; operational attributes -> NULL. */
static char *
describe_mod (const char *mod, gsize len)
{
  const char *colon = memchr (mod, ':', len);
  if (colon == NULL || (gsize) (colon - mod) + 2 > len)
    return g_strndup (mod, len);
  g_autofree char *attr = g_strndup (mod, colon - mod);
  for (int i = 0; operational[i] != NULL; i++)
    if (g_ascii_strcasecmp (attr, operational[i]) == 0)
      return NULL;
  char op = colon[1];
  const char *value = colon + 2 < mod + len ? colon + 3 : mod + len;
  gsize vlen = mod + len - value;
  g_autofree char *v = g_strndup (value, vlen);
  switch (op)
    {
    case '=':
      return vlen ? g_strdup_printf ("%s: %s", attr, v) : g_strdup_printf ("-%s", attr);
    case '+':
      return g_strdup_printf ("+%s: %s", attr, v);
    case '-':
      return vlen ? g_strdup_printf ("-%s: %s", attr, v) : g_strdup_printf ("-%s", attr);
    default:
      return g_strndup (mod, len);
    }
}

static EnlaceChange *
change_of (LDAP *ld, LDAPMessage *entry, struct berval **mods)
{
  EnlaceChange *c = g_new0 (EnlaceChange, 1);
  c->stamp = first (ld, entry, "reqStart");
  c->when = when_of (c->stamp);
  g_autofree char *who = first (ld, entry, "reqAuthzID");
  c->who = g_strdup (who && g_str_has_prefix (who, "dn:") ? who + 3 : (who ? who : ""));
  c->type = first (ld, entry, "reqType");
  g_autofree char *message = first (ld, entry, "reqMessage");
  c->lost = g_strcmp0 (message, LOST_MESSAGE) == 0;
  g_autoptr(GStrvBuilder) changes = g_strv_builder_new ();
  for (int i = 0; mods != NULL && mods[i] != NULL; i++)
    {
      g_autofree char *text = describe_mod (mods[i]->bv_val, mods[i]->bv_len);
      if (text != NULL)
        g_strv_builder_add (changes, text);
    }
  c->changes = g_strv_builder_end (changes);
  return c;
}

static gboolean
collect_record (EnlaceDirectory *dir, LDAPMessage *entry, gpointer user_data, GError **error)
{
  LDAP *ld = enlace_directory_get_ldap (dir);
  g_autoptr(EnlaceBervalArray) mods = ldap_get_values_len (ld, entry, "reqMod");
  g_autoptr(EnlaceBervalArray) old = ldap_get_values_len (ld, entry, "reqOld");
  g_autoptr(EnlaceLdapString) log_dn = ldap_get_dn (ld, entry);
  g_autofree char *target = first (ld, entry, "reqDN");
  Record *r = g_new0 (Record, 1);
  r->log_dn = g_strdup (log_dn);
  r->target = enlace_dn_normalize (target);
  r->type = first (ld, entry, "reqType");
  r->csn = csn_in (mods, FALSE);
  r->old_csn = csn_in (old, TRUE);
  r->uuid = first (ld, entry, "reqEntryUUID");
  r->change = change_of (ld, entry, mods);
  g_ptr_array_add (user_data, r);
  return TRUE;
}

static int
by_stamp (gconstpointer a, gconstpointer b)
{
  const Record *x = *(Record **) a, *y = *(Record **) b;
  return g_strcmp0 (x->change->stamp, y->change->stamp);
}

static gboolean
ends_incarnation (const Record *r)
{
  return g_strcmp0 (r->type, "delete") == 0 || g_strcmp0 (r->type, "modrdn") == 0;
}

/* Judges the records of one entry (oldest first), given what the entry
 * holds now (@uuid and @csn %NULL when it does not exist), and adds the
 * CSNs of the changes whose records are missing to @missing. */
static void
judge (GPtrArray *records, const char *uuid, const char *csn, GPtrArray *missing)
{
  /* The entry is gone: what led to a delete (or a rename) happened; what
   * came after one, or with no delete at all, never committed. */
  if (uuid == NULL)
    {
      guint end = 0;
      for (guint i = 0; i < records->len; i++)
        if (ends_incarnation (records->pdata[i]))
          end = i + 1;
      for (guint i = 0; i < records->len; i++)
        ((Record *) records->pdata[i])->verdict = i < end ? ENLACE_HISTORY_HELD
                                                           : ENLACE_HISTORY_NOT_HELD;
      return;
    }

  g_autoptr(GHashTable) by_csn = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < records->len; i++)
    {
      Record *r = records->pdata[i];
      r->verdict = ENLACE_HISTORY_UNKNOWN;
      if (r->csn != NULL && (r->uuid == NULL || g_ascii_strcasecmp (r->uuid, uuid) == 0))
        g_hash_table_insert (by_csn, r->csn, r);
    }

  gboolean complete = FALSE;
  const char *gap = NULL;
  for (const char *at = csn; at != NULL;)
    {
      Record *r = g_hash_table_lookup (by_csn, at);
      if (r != NULL && r->verdict == ENLACE_HISTORY_HELD)
        break;
      if (r == NULL)
        {
          /* Which record came before the lost one cannot be told: a
           * failed transaction's record may look just like it. Older
           * records stay unjudged (shown, kept). */
          g_ptr_array_add (missing, g_strdup (at));
          gap = at;
          break;
        }
      r->verdict = ENLACE_HISTORY_HELD;
      if (g_strcmp0 (r->type, "add") == 0)
        {
          complete = TRUE;
          break;
        }
      at = r->old_csn;
    }

  for (guint i = 0; i < records->len; i++)
    {
      Record *r = records->pdata[i];
      if (r->verdict == ENLACE_HISTORY_HELD)
        continue;
      if (r->uuid != NULL && g_ascii_strcasecmp (r->uuid, uuid) != 0)
        {
          /* Another entry once had this DN: real if it ended, else an add
           * that never committed (and what followed it). */
          gboolean ended = FALSE;
          for (guint j = 0; j < records->len && !ended; j++)
            {
              Record *o = records->pdata[j];
              ended = ends_incarnation (o) && g_strcmp0 (o->uuid, r->uuid) == 0;
            }
          r->verdict = ended ? ENLACE_HISTORY_HELD : ENLACE_HISTORY_NOT_HELD;
        }
      else if (r->csn == NULL)
        r->verdict = ENLACE_HISTORY_UNKNOWN;
      else if (complete || (gap != NULL && strcmp (r->csn, gap) > 0)
               || (gap == NULL && strcmp (r->csn, csn) > 0))
        r->verdict = ENLACE_HISTORY_NOT_HELD;
    }
}

static gboolean
read_records (EnlaceDirectory *dir, const char *filter, GPtrArray *records, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  if (!enlace_directory_search (dir, ACCESSLOG_BASE, LDAP_SCOPE_ONELEVEL, filter,
                                record_attrs, collect_record, records, &local_error))
    {
      if (g_error_matches (local_error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND))
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_PERMISSION,
                       _("the change history (%s) is not readable by this account, or this "
                       "server keeps none"), ACCESSLOG_BASE);
          return FALSE;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  char *uuid;
  char *csn;
  char *modifier;
} EntryState;

static gboolean
collect_state (EnlaceDirectory *dir, LDAPMessage *entry, gpointer user_data, GError **error)
{
  LDAP *ld = enlace_directory_get_ldap (dir);
  EntryState *s = user_data;
  s->uuid = first (ld, entry, "entryUUID");
  s->csn = first (ld, entry, "entryCSN");
  s->modifier = first (ld, entry, "modifiersName");
  return TRUE;
}

/* A change the data holds but the log lost, shown where it happened. */
static EnlaceChange *
lost_change (const char *csn, const char *who)
{
  EnlaceChange *c = g_new0 (EnlaceChange, 1);
  c->stamp = g_strdup (csn);
  c->when = when_of (csn);
  c->who = g_strdup (who ? who : "");
  c->type = g_strdup ("modify");
  c->lost = TRUE;
  c->changes = g_new0 (char *, 1);
  return c;
}

static int
by_change_stamp (gconstpointer a, gconstpointer b)
{
  const EnlaceChange *x = *(EnlaceChange **) a, *y = *(EnlaceChange **) b;
  return g_strcmp0 (x->stamp, y->stamp);
}

/**
 * enlace_history_read:
 * @dn: the entry whose changes to read
 *
 * Returns: (transfer full) (element-type EnlaceChange): the entry's
 * changes the data holds, oldest first, each once; a change whose record
 * was lost is there too, marked lost. %NULL with %ENLACE_ERROR_PERMISSION
 * when the history cannot be read (only the Secretariat and the
 * instance's owner may: it holds old values, restricted ones too).
 */
GPtrArray *
enlace_history_read (EnlaceDirectory *dir, const char *dn, GError **error)
{
  g_autofree char *filter = enlace_filter_printf (
      "(&(objectClass=auditWriteObject)(reqDN=%s)(reqResult=0))", dn);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) record_free);
  if (!read_records (dir, filter, records, error))
    return NULL;
  g_ptr_array_sort (records, by_stamp);

  const char *state_attrs[] = { "entryUUID", "entryCSN", "modifiersName", NULL };
  EntryState state = { 0 };
  g_autoptr(GError) state_error = NULL;
  if (!enlace_directory_search (dir, dn, LDAP_SCOPE_BASE, "(objectClass=*)", state_attrs,
                                collect_state, &state, &state_error)
      && !g_error_matches (state_error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&state_error));
      return NULL;
    }
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  judge (records, state.uuid, state.csn, missing);

  GPtrArray *changes = g_ptr_array_new_with_free_func ((GDestroyNotify) enlace_change_free);
  for (guint i = 0; i < records->len; i++)
    {
      Record *r = records->pdata[i];
      if (r->verdict != ENLACE_HISTORY_NOT_HELD)
        g_ptr_array_add (changes, g_steal_pointer (&r->change));
    }
  for (guint i = 0; i < missing->len; i++)
    g_ptr_array_add (changes,
                     lost_change (missing->pdata[i], g_strcmp0 (missing->pdata[i], state.csn) == 0
                                                         ? state.modifier : NULL));
  g_ptr_array_sort (changes, by_change_stamp);
  g_free (state.uuid);
  g_free (state.csn);
  g_free (state.modifier);
  return changes;
}

static int
by_text (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

void
enlace_history_report_free (EnlaceHistoryReport *report)
{
  if (report == NULL)
    return;
  g_ptr_array_unref (report->lost);
  g_ptr_array_unref (report->removed);
  g_free (report);
}

typedef struct {
  GHashTable *entries; /* normalised DN -> EntryState */
  const char *skip[3]; /* subtrees without a history (accounts, campaigns) */
} Scan;

static void
entry_state_free (EntryState *s)
{
  g_free (s->uuid);
  g_free (s->csn);
  g_free (s->modifier);
  g_free (s);
}

static gboolean
in_skipped (const Scan *scan, const char *key)
{
  for (int i = 0; scan->skip[i] != NULL; i++)
    {
      gsize n = strlen (key), m = strlen (scan->skip[i]);
      if (n >= m && strcmp (key + n - m, scan->skip[i]) == 0 && (n == m || key[n - m - 1] == ','))
        return TRUE;
    }
  return FALSE;
}

static gboolean
collect_entry (EnlaceDirectory *dir, LDAPMessage *entry, gpointer user_data, GError **error)
{
  Scan *scan = user_data;
  LDAP *ld = enlace_directory_get_ldap (dir);
  g_autoptr(EnlaceLdapString) dn = ldap_get_dn (ld, entry);
  char *key = enlace_dn_normalize (dn);
  if (in_skipped (scan, key))
    {
      g_free (key);
      return TRUE;
    }
  EntryState *s = g_new0 (EntryState, 1);
  collect_state (dir, entry, s, error);
  g_hash_table_insert (scan->entries, key, s);
  return TRUE;
}

/* A record in place of one that was lost, so the walk goes on through it
 * and the next check does not report it again. */
static gboolean
record_lost (EnlaceDirectory *dir, const char *target, const char *csn, const EntryState *state,
             GError **error)
{
  g_autofree char *stamp = g_strndup (csn, strcspn (csn, "#"));
  g_autofree char *mod = g_strdup_printf ("entryCSN:= %s", csn);
  /* Who made the entry's last change, slapd says (modifiersName). */
  char *who = state->modifier && g_strcmp0 (csn, state->csn) == 0 ? state->modifier : NULL;
  char *change_values[] = { mod, NULL };
  char *oc_values[] = { (char *) "auditModify", NULL };
  char *type_values[] = { (char *) "modify", NULL };
  char *session_values[] = { (char *) "0", NULL };
  char *result_values[] = { (char *) "0", NULL };
  char *message_values[] = { (char *) LOST_MESSAGE, NULL };
  char *dn_values[] = { (char *) target, NULL };
  char *uuid_values[] = { state->uuid, NULL };
  char *who_values[] = { who, NULL };
  char *start_values[] = { stamp, NULL };
  LDAPMod m[] = {
    { LDAP_MOD_ADD, (char *) "objectClass", { oc_values } },
    { LDAP_MOD_ADD, (char *) "reqStart", { start_values } },
    { LDAP_MOD_ADD, (char *) "reqType", { type_values } },
    { LDAP_MOD_ADD, (char *) "reqSession", { session_values } },
    { LDAP_MOD_ADD, (char *) "reqDN", { dn_values } },
    { LDAP_MOD_ADD, (char *) "reqResult", { result_values } },
    { LDAP_MOD_ADD, (char *) "reqMessage", { message_values } },
    { LDAP_MOD_ADD, (char *) "reqMod", { change_values } },
    { LDAP_MOD_ADD, (char *) "reqEntryUUID", { uuid_values } },
    { LDAP_MOD_ADD, (char *) "reqAuthzID", { who_values } },
  };
  LDAPMod *mods[G_N_ELEMENTS (m) + 1] = { 0 };
  gsize n = 0;
  for (gsize i = 0; i < G_N_ELEMENTS (m); i++)
    if (m[i].mod_values[0] != NULL)
      mods[n++] = &m[i];
  /* reqStart is the RDN: a real record may hold that microsecond. */
  for (int attempt = 0; attempt < 10; attempt++)
    {
      g_autofree char *rdn = enlace_dn_child ("reqStart", stamp, ACCESSLOG_BASE);
      int rc = ldap_add_ext_s (enlace_directory_get_ldap (dir), rdn, mods, NULL, NULL);
      if (rc == LDAP_SUCCESS)
        return TRUE;
      if (rc != LDAP_ALREADY_EXISTS || strlen (stamp) < 2)
        return enlace_set_ldap_error (error, rc, NULL, _("recording a lost change of %s"),
                                      target);
      /* ...000123Z -> ...000124Z */
      char *digit = stamp + strlen (stamp) - 2;
      while (digit > stamp && *digit == '9')
        *digit-- = '0';
      if (g_ascii_isdigit (*digit))
        (*digit)++;
    }
  g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_CONFLICT,
               _("could not record a lost change of %s"), target);
  return FALSE;
}

/**
 * enlace_history_check:
 * @base: the directory whose history to check (its accounts and
 *   campaigns keep none)
 * @repair: remove the records of changes the data does not hold, and
 *   record the changes it holds whose records were lost
 * @report: (out) (transfer full): what was found
 *
 * Checks the whole history against the data. Needs the instance owner's
 * rights (the rootdn) to repair.
 */
gboolean
enlace_history_check (EnlaceDirectory *dir, gboolean repair, EnlaceHistoryReport **report,
                      GError **error)
{
  const char *base = enlace_directory_get_base (dir);
  g_autofree char *accounts = g_strdup_printf ("ou=accounts,%s", base);
  g_autofree char *campaigns = g_strdup_printf ("ou=campaigns,%s", base);
  g_autofree char *accounts_key = enlace_dn_normalize (accounts);
  g_autofree char *campaigns_key = enlace_dn_normalize (campaigns);
  Scan scan = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) entry_state_free),
                { accounts_key, campaigns_key, NULL } };
  g_autoptr(GHashTable) entries = scan.entries;
  const char *state_attrs[] = { "entryUUID", "entryCSN", "modifiersName", NULL };
  g_autoptr(GError) scan_error = NULL;
  /* A directory not yet initialised has no base entry, and no history. */
  if (!enlace_directory_search (dir, base, LDAP_SCOPE_SUBTREE, "(objectClass=*)", state_attrs,
                                collect_entry, &scan, &scan_error)
      && !g_error_matches (scan_error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&scan_error));
      return FALSE;
    }

  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) record_free);
  if (!read_records (dir, "(&(objectClass=auditWriteObject)(reqResult=0))", records, error))
    return FALSE;
  g_ptr_array_sort (records, by_stamp);

  /* The records of each entry, oldest first. */
  g_autoptr(GHashTable) by_target = g_hash_table_new_full (
      g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < records->len; i++)
    {
      Record *r = records->pdata[i];
      /* Records of the accounts (an older release logged them) are not
       * the directory's: they are neither judged nor removed. */
      if (r->target == NULL || in_skipped (&scan, r->target))
        continue;
      GPtrArray *list = g_hash_table_lookup (by_target, r->target);
      if (list == NULL)
        g_hash_table_insert (by_target, r->target, list = g_ptr_array_new ());
      g_ptr_array_add (list, r);
    }

  EnlaceHistoryReport *out = g_new0 (EnlaceHistoryReport, 1);
  out->lost = g_ptr_array_new_with_free_func (g_free);
  out->removed = g_ptr_array_new_with_free_func (g_free);
  out->entries = g_hash_table_size (entries);
  out->records = records->len;
  *report = out;

  /* Every entry the data holds is judged, also one with no record at all:
   * its last change is then missing. */
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, entries);
  while (g_hash_table_iter_next (&it, &key, &value))
    if (!g_hash_table_contains (by_target, key))
      g_hash_table_insert (by_target, key, g_ptr_array_new ());

  g_hash_table_iter_init (&it, by_target);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      GPtrArray *list = value;
      EntryState *s = g_hash_table_lookup (entries, key);
      g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
      judge (list, s ? s->uuid : NULL, s ? s->csn : NULL, missing);
      for (guint i = 0; i < list->len; i++)
        {
          Record *r = list->pdata[i];
          if (r->verdict != ENLACE_HISTORY_NOT_HELD)
            continue;
          if (repair)
            {
              int rc = ldap_delete_ext_s (enlace_directory_get_ldap (dir), r->log_dn, NULL, NULL);
              if (rc != LDAP_SUCCESS && rc != LDAP_NO_SUCH_OBJECT)
                return enlace_set_ldap_error (error, rc, NULL, _("removing %s"), r->log_dn);
            }
          g_ptr_array_add (out->removed, g_strdup_printf ("%s %s %s", r->change->when,
                                                          r->type ? r->type : "?",
                                                          (char *) key));
        }
      for (guint i = 0; i < missing->len; i++)
        {
          g_autofree char *when = when_of (missing->pdata[i]);
          if (repair && !record_lost (dir, key, missing->pdata[i], s, error))
            return FALSE;
          g_ptr_array_add (out->lost, g_strdup_printf ("%s %s", when, (char *) key));
        }
    }
  g_ptr_array_sort (out->lost, by_text);
  g_ptr_array_sort (out->removed, by_text);
  return TRUE;
}

/**
 * enlace_history_report_describe:
 *
 * Returns: (transfer full): what @report found, for a person; %NULL when
 * the history agrees with the data.
 */
char *
enlace_history_report_describe (EnlaceHistoryReport *report, gboolean repaired)
{
  if (report->removed->len == 0 && report->lost->len == 0)
    return NULL;
  GString *out = g_string_new (NULL);
  g_string_append_printf (out, _("the change history disagreed with the data (%u entries, %u "
                                 "records checked):\n"), report->entries, report->records);
  if (report->removed->len > 0)
    g_string_append_printf (out, repaired ? _("  %u records of changes the data does not hold "
                                              "(a failed transaction) were removed:\n")
                                          : _("  %u records of changes the data does not hold "
                                              "(a failed transaction):\n"),
                            report->removed->len);
  for (guint i = 0; i < report->removed->len && i < 10; i++)
    g_string_append_printf (out, "    %s\n", (char *) report->removed->pdata[i]);
  if (report->removed->len > 10)
    g_string_append_printf (out, _("    ... and %u more\n"), report->removed->len - 10);
  if (report->lost->len > 0)
    g_string_append_printf (out, repaired ? _("  %u changes the data holds had no record (lost, "
                                              "or made while no history was kept, as by "
                                              "slapadd); each is now recorded:\n")
                                          : _("  %u changes the data holds have no record (lost, "
                                              "or made while no history was kept, as by "
                                              "slapadd):\n"),
                            report->lost->len);
  for (guint i = 0; i < report->lost->len && i < 10; i++)
    g_string_append_printf (out, "    %s\n", (char *) report->lost->pdata[i]);
  if (report->lost->len > 10)
    g_string_append_printf (out, _("    ... and %u more\n"), report->lost->len - 10);
  return g_string_free (out, FALSE);
}
