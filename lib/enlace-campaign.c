/* enlace-campaign.c — the yearly re-confirmation campaign.
 *
 * Tokens: each campaign has a random 256-bit key (readable only by the
 * Secretariat); an entry's token is HMAC-SHA256(key, "YEAR:ID"), shown as
 * ENL-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX (120 bits, base32). Items store only
 * SHA-256 of the token, to find the item a reply names.
 *
 * Exactly one initial message per entry, across crashes: before a batch
 * goes out, each item gets "enlaceMailPending: initial <Message-ID>" in
 * one transaction; after, the results are recorded in another. A run that
 * finds pending items after a crash asks the archive mailbox (every
 * campaign message is copied to it in the same SMTP transaction) whether
 * that Message-ID arrived: if it did, the item is marked sent; if not, it
 * is sent again. Without an archive, the item is sent again, and the run
 * says so: a duplicate is better than an entry silently never asked. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>
#include <sys/random.h>

#include "enlace-campaign.h"
#include "enlace-data.h"
#include "enlace-entry.h"
#include "enlace-error.h"
#include "enlace-institution.h"
#include "enlace-liaison.h"
#include "enlace-mods.h"
#include "enlace-validate.h"
#include "enlace-vocabulary.h"

#define BATCH 100
#define TOKEN_RE "ENL(?:-[A-Z2-7]{4}){6}"
#define DONE_FLAG "$EnlaceDone"

static const char *const campaign_attrs[] = {
  "cn", "enlaceCampaignState", "enlaceOpenedDate", "enlaceClosedDate", "c", "enlaceEscalated",
  "enlaceCampaignKey", NULL
};
static const char *const item_attrs[] = {
  "cn", "c", "enlaceCampaignState", "mail", "displayName", "enlaceLanguage", "enlaceMailPending",
  "enlaceSentDate", "enlaceRemindedDate", "enlaceAnsweredDate", "enlaceReply",
  "enlaceDeliveryError", "enlaceNotes", NULL
};

void
enlace_campaign_free (EnlaceCampaign *c)
{
  if (c == NULL)
    return;
  g_free (c->dn);
  g_free (c->year);
  g_free (c->state);
  g_free (c->opened);
  g_free (c->closed);
  g_strfreev (c->countries);
  g_strfreev (c->escalated);
  g_clear_pointer (&c->key, g_bytes_unref);
  g_free (c);
}

void
enlace_campaign_item_free (EnlaceCampaignItem *i)
{
  if (i == NULL)
    return;
  char **fields[] = { &i->dn, &i->id, &i->country, &i->state, &i->mail, &i->name, &i->language,
                      &i->pending, &i->sent, &i->reminded, &i->answered, &i->reply, &i->error,
                      &i->note };
  for (gsize k = 0; k < G_N_ELEMENTS (fields); k++)
    g_free (*fields[k]);
  g_free (i);
}

static char *
campaigns_dn (EnlaceDirectory *dir)
{
  return enlace_dn_child ("ou", "campaigns", enlace_directory_get_base (dir));
}

static char *
date_of (const struct berval *v)
{
  g_autofree char *g = g_strndup (v->bv_val, v->bv_len);
  return enlace_date_from_generalized (g);
}

static char **
strv_of (const struct berval *values)
{
  GPtrArray *a = g_ptr_array_new ();
  for (const struct berval *v = values; v->bv_val != NULL; v++)
    g_ptr_array_add (a, g_strndup (v->bv_val, v->bv_len));
  g_ptr_array_add (a, NULL);
  return (char **) g_ptr_array_free (a, FALSE);
}

static void
read_campaign_attr (const char *attr, struct berval *values, gpointer user_data)
{
  EnlaceCampaign *c = user_data;
  char *one = g_strndup (values[0].bv_val, values[0].bv_len);
  if (g_ascii_strcasecmp (attr, "cn") == 0)
    c->year = g_steal_pointer (&one);
  else if (g_ascii_strcasecmp (attr, "enlaceCampaignState") == 0)
    c->state = g_steal_pointer (&one);
  else if (g_ascii_strcasecmp (attr, "enlaceOpenedDate") == 0)
    c->opened = date_of (&values[0]);
  else if (g_ascii_strcasecmp (attr, "enlaceClosedDate") == 0)
    c->closed = date_of (&values[0]);
  else if (g_ascii_strcasecmp (attr, "c") == 0)
    c->countries = strv_of (values);
  else if (g_ascii_strcasecmp (attr, "enlaceEscalated") == 0)
    c->escalated = strv_of (values);
  else if (g_ascii_strcasecmp (attr, "enlaceCampaignKey") == 0)
    c->key = g_bytes_new (values[0].bv_val, values[0].bv_len);
  g_free (one);
}

static gboolean
collect_campaign (EnlaceDirectory *dir, LDAPMessage *entry, gpointer user_data, GError **error)
{
  EnlaceCampaign *c = g_new0 (EnlaceCampaign, 1);
  c->dn = enlace_entry_read (enlace_directory_get_ldap (dir), entry, read_campaign_attr, c);
  if (c->countries == NULL)
    c->countries = g_new0 (char *, 1);
  if (c->escalated == NULL)
    c->escalated = g_new0 (char *, 1);
  g_ptr_array_add (user_data, c);
  return TRUE;
}

/**
 * enlace_campaign_get:
 * @year: (nullable): the campaign's year; %NULL for the open one
 *
 * Returns: (transfer full): the campaign, or %NULL with
 * %ENLACE_ERROR_NOT_FOUND.
 */
EnlaceCampaign *
enlace_campaign_get (EnlaceDirectory *dir, const char *year, GError **error)
{
  g_autofree char *base = campaigns_dn (dir);
  g_autofree char *filter = year
      ? enlace_filter_printf ("(&(objectClass=enlaceCampaign)(cn=%s))", year)
      : g_strdup ("(&(objectClass=enlaceCampaign)(enlaceCampaignState=open))");
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) enlace_campaign_free);
  if (!enlace_directory_search (dir, base, LDAP_SCOPE_ONELEVEL, filter, campaign_attrs,
                                collect_campaign, found, error))
    return NULL;
  if (found->len == 0)
    {
      if (year)
        g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND, _("no campaign %s"), year);
      else
        g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND,
                     _("no campaign is open: start one with 'enlace campaign open YEAR'"));
      return NULL;
    }
  EnlaceCampaign *c = g_ptr_array_steal_index (found, 0);
  if (c->key == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_PERMISSION,
                   _("campaign %s: its key is not readable by this account (campaigns are run "
                   "by a Secretariat account)"), c->year);
      enlace_campaign_free (c);
      return NULL;
    }
  return c;
}

/* ---- tokens ------------------------------------------------------------ */

static char *
base32 (const guint8 *data, gsize len)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  GString *out = g_string_new (NULL);
  guint buffer = 0, bits = 0;
  for (gsize i = 0; i < len; i++)
    {
      buffer = (buffer << 8) | data[i];
      bits += 8;
      while (bits >= 5)
        {
          g_string_append_c (out, alphabet[(buffer >> (bits - 5)) & 31]);
          bits -= 5;
        }
    }
  return g_string_free (out, FALSE);
}

static char *
format_token (const char *chars24)
{
  GString *t = g_string_new ("ENL");
  for (int i = 0; i < 24; i += 4)
    g_string_append_printf (t, "-%.4s", chars24 + i);
  return g_string_free (t, FALSE);
}

/**
 * enlace_campaign_token:
 *
 * Returns: (transfer full): the token of entry @id in @campaign.
 */
char *
enlace_campaign_token (EnlaceCampaign *campaign, const char *id)
{
  gsize key_len = 0;
  const guint8 *key = g_bytes_get_data (campaign->key, &key_len);
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, key, key_len);
  g_autofree char *message = g_strdup_printf ("%s:%s", campaign->year, id);
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  g_hmac_update (hmac, (const guchar *) message, -1);
  g_hmac_get_digest (hmac, digest, &digest_len);
  g_autofree char *chars = base32 (digest, 15);
  return format_token (chars);
}

/**
 * enlace_campaign_token_normalize:
 *
 * Returns: (transfer full) (nullable): @text as a token in its canonical
 * form (upper case, dashes where they belong), or %NULL if it is not one.
 */
char *
enlace_campaign_token_normalize (const char *text)
{
  GString *chars = g_string_new (NULL);
  for (const char *p = text; *p; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (chars, g_ascii_toupper (*p));
    else if (*p != '-' && *p != ' ')
      {
        g_string_free (chars, TRUE);
        return NULL;
      }
  g_autofree char *s = g_string_free (chars, FALSE);
  if (strlen (s) != 27 || !g_str_has_prefix (s, "ENL"))
    return NULL;
  for (const char *p = s + 3; *p; p++)
    if (!((*p >= 'A' && *p <= 'Z') || (*p >= '2' && *p <= '7')))
      return NULL;
  return format_token (s + 3);
}

char *
enlace_campaign_token_hash (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

/* ---- items ------------------------------------------------------------- */

static void
read_item_attr (const char *attr, struct berval *values, gpointer user_data)
{
  EnlaceCampaignItem *i = user_data;
  static const struct {
    const char *attr;
    gsize offset;
    gboolean date;
  } map[] = {
    { "cn", G_STRUCT_OFFSET (EnlaceCampaignItem, id), FALSE },
    { "c", G_STRUCT_OFFSET (EnlaceCampaignItem, country), FALSE },
    { "enlaceCampaignState", G_STRUCT_OFFSET (EnlaceCampaignItem, state), FALSE },
    { "mail", G_STRUCT_OFFSET (EnlaceCampaignItem, mail), FALSE },
    { "displayName", G_STRUCT_OFFSET (EnlaceCampaignItem, name), FALSE },
    { "enlaceLanguage", G_STRUCT_OFFSET (EnlaceCampaignItem, language), FALSE },
    { "enlaceMailPending", G_STRUCT_OFFSET (EnlaceCampaignItem, pending), FALSE },
    { "enlaceSentDate", G_STRUCT_OFFSET (EnlaceCampaignItem, sent), TRUE },
    { "enlaceRemindedDate", G_STRUCT_OFFSET (EnlaceCampaignItem, reminded), TRUE },
    { "enlaceAnsweredDate", G_STRUCT_OFFSET (EnlaceCampaignItem, answered), TRUE },
    { "enlaceReply", G_STRUCT_OFFSET (EnlaceCampaignItem, reply), FALSE },
    { "enlaceDeliveryError", G_STRUCT_OFFSET (EnlaceCampaignItem, error), FALSE },
    { "enlaceNotes", G_STRUCT_OFFSET (EnlaceCampaignItem, note), FALSE },
  };
  for (gsize k = 0; k < G_N_ELEMENTS (map); k++)
    if (g_ascii_strcasecmp (attr, map[k].attr) == 0)
      {
        char **field = G_STRUCT_MEMBER_P (i, map[k].offset);
        if (*field == NULL)
          *field = map[k].date ? date_of (&values[0])
                               : g_strndup (values[0].bv_val, values[0].bv_len);
        return;
      }
}

static gboolean
collect_item (EnlaceDirectory *dir, LDAPMessage *entry, gpointer user_data, GError **error)
{
  EnlaceCampaignItem *i = g_new0 (EnlaceCampaignItem, 1);
  i->dn = enlace_entry_read (enlace_directory_get_ldap (dir), entry, read_item_attr, i);
  g_ptr_array_add (user_data, i);
  return TRUE;
}

static int
by_country_then_id (gconstpointer a, gconstpointer b)
{
  const EnlaceCampaignItem *x = *(EnlaceCampaignItem **) a, *y = *(EnlaceCampaignItem **) b;
  int c = g_strcmp0 (x->country, y->country);
  return c ? c : g_strcmp0 (x->id, y->id);
}

/**
 * enlace_campaign_items:
 * @filter: (nullable): an RFC 4515 filter the items must also match
 *
 * Returns: (transfer full) (element-type EnlaceCampaignItem): the items, by
 * country then ID.
 */
GPtrArray *
enlace_campaign_items (EnlaceDirectory *dir, EnlaceCampaign *campaign, const char *filter,
                       GError **error)
{
  g_autofree char *full = g_strdup_printf ("(&(objectClass=enlaceCampaignItem)%s)",
                                           filter ? filter : "");
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (
      (GDestroyNotify) enlace_campaign_item_free);
  if (!enlace_directory_search (dir, campaign->dn, LDAP_SCOPE_ONELEVEL, full, item_attrs,
                                collect_item, items, error))
    return NULL;
  g_ptr_array_sort (items, by_country_then_id);
  return g_steal_pointer (&items);
}

/* ---- open -------------------------------------------------------------- */

static gboolean
in_scope (const char *country, const char *const *countries)
{
  return countries == NULL || countries[0] == NULL
         || g_strv_contains (countries, country);
}

static gboolean
to_confirm (const char *status)
{
  /* Last year's unverified entries are asked again. */
  return g_strcmp0 (status, "active") == 0 || g_strcmp0 (status, "unverified") == 0;
}

static gboolean
add_item (EnlaceDirectory *dir, EnlaceCampaign *c, const char *id, const char *country,
          const char *mail, const char *name, const char *language, GError **error)
{
  g_autofree char *token = enlace_campaign_token (c, id);
  g_autofree char *hash = enlace_campaign_token_hash (token);
  g_autofree char *dn = enlace_dn_child ("cn", id, c->dn);
  g_autoptr(EnlaceMods) mods = enlace_mods_new ();
  enlace_mods_add (mods, LDAP_MOD_ADD, "objectClass", "enlaceCampaignItem");
  enlace_mods_add (mods, LDAP_MOD_ADD, "cn", id);
  enlace_mods_add (mods, LDAP_MOD_ADD, "c", country);
  enlace_mods_add (mods, LDAP_MOD_ADD, "enlaceTokenHash", hash);
  enlace_mods_add (mods, LDAP_MOD_ADD, "enlaceCampaignState",
                   mail ? ENLACE_CAMPAIGN_WAITING : ENLACE_CAMPAIGN_UNDELIVERABLE);
  if (mail)
    enlace_mods_add (mods, LDAP_MOD_ADD, "mail", mail);
  else
    enlace_mods_add (mods, LDAP_MOD_ADD, "enlaceDeliveryError", "no email address on record");
  if (name && *name)
    enlace_mods_add (mods, LDAP_MOD_ADD, "displayName", name);
  if (language)
    enlace_mods_add (mods, LDAP_MOD_ADD, "enlaceLanguage", language);
  int msgid;
  return enlace_directory_modify_start (dir, TRUE, dn, enlace_mods_get (mods), NULL, &msgid, error)
         && enlace_directory_finish (dir, msgid, dn, error);
}

static void
mods_state (EnlaceMods *mods, const char *state)
{
  enlace_mods_add (mods, LDAP_MOD_REPLACE, "enlaceCampaignState", state);
}

/**
 * enlace_campaign_open:
 * @countries: (nullable): the countries to confirm; %NULL or empty for all
 * @n_items: (out): how many entries the campaign will ask
 *
 * Fixes the set of active (and last year's unverified) liaisons and
 * institutions to confirm. Only one campaign can be open at a time; one
 * whose opening was interrupted is completed by calling this again.
 */
EnlaceCampaign *
enlace_campaign_open (EnlaceDirectory *dir, const char *year, const char *const *countries,
                      guint *n_items, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  guint64 y;
  if (!g_ascii_string_to_unsigned (year, 10, 2000, 2999, &y, NULL))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("YEAR '%s': must be a year such as 2026"), year);
      return NULL;
    }
  g_autoptr(EnlaceVocabulary) vocab = enlace_vocabulary_load (dir, error);
  if (vocab == NULL)
    return NULL;
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  for (const char *const *cc = countries; cc && *cc; cc++)
    {
      char *code = enlace_validate_country_code ("--country", *cc, error);
      if (code == NULL)
        return NULL;
      g_ptr_array_add (codes, code);
      if (!enlace_vocabulary_check (vocab, ENLACE_VOCAB_COUNTRY, "--country", code, error))
        return NULL;
    }
  g_ptr_array_add (codes, NULL);
  countries = (const char *const *) codes->pdata;

  g_autoptr(EnlaceCampaign) open = enlace_campaign_get (dir, NULL, &local_error);
  if (open != NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_CONFLICT,
                   _("campaign %s is still open: close it first"), open->year);
      return NULL;
    }
  if (!g_error_matches (local_error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  g_clear_error (&local_error);

  EnlaceLiaisonQuery lq = { .status = "all" };
  EnlaceInstitutionQuery iq = { .status = "all" };
  g_autoptr(GPtrArray) liaisons = enlace_liaison_find (dir, &lq, error);
  g_autoptr(GPtrArray) institutions = liaisons ? enlace_institution_find (dir, &iq, error) : NULL;
  if (institutions == NULL)
    return NULL;

  g_autoptr(EnlaceCampaign) c = g_new0 (EnlaceCampaign, 1);
  guint8 key[32];
  if (getrandom (key, sizeof key, 0) != sizeof key)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("no randomness for the key"));
      return NULL;
    }
  g_autofree char *parent = campaigns_dn (dir);
  c->dn = enlace_dn_child ("cn", year, parent);
  c->year = g_strdup (year);
  c->state = g_strdup ("open");
  c->opened = enlace_today ();
  c->key = g_bytes_new (key, sizeof key);
  c->countries = g_strdupv ((char **) (countries ? countries : (const char *const[]){ NULL }));
  c->escalated = g_new0 (char *, 1);

  g_autofree char *opened = enlace_date_to_generalized ("date", c->opened, error);
  if (opened == NULL)
    return NULL;
  g_autoptr(EnlaceMods) mods = enlace_mods_new ();
  struct berval keyval = { sizeof key, (char *) key };
  struct berval *keyvals[] = { &keyval };
  enlace_mods_add (mods, LDAP_MOD_ADD, "objectClass", "enlaceCampaign");
  enlace_mods_add (mods, LDAP_MOD_ADD, "cn", year);
  enlace_mods_add (mods, LDAP_MOD_ADD, "enlaceOpenedDate", opened);
  enlace_mods_add_bervals (mods, LDAP_MOD_ADD | LDAP_MOD_BVALUES, "enlaceCampaignKey", keyvals, 1);
  if (countries && countries[0])
    enlace_mods_add_strv (mods, LDAP_MOD_ADD, "c", countries);

  /* The campaign is "opening" until every item is in: a crash leaves it
   * so, and running open again completes it (items already there are
   * kept). No transaction: see batch_commit(). */
  GError *exists = NULL;
  mods_state (mods, "opening");
  if (!enlace_directory_add (dir, c->dn, enlace_mods_get (mods), &exists))
    {
      if (!g_error_matches (exists, ENLACE_ERROR, ENLACE_ERROR_CONFLICT))
        {
          g_propagate_error (error, exists);
          return NULL;
        }
      g_error_free (exists);
      g_autoptr(EnlaceCampaign) old = enlace_campaign_get (dir, year, error);
      if (old == NULL)
        return NULL;
      if (g_strcmp0 (old->state, "opening") != 0)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_CONFLICT,
                       _("campaign %s already exists (%s)"), year, old->state);
          return NULL;
        }
      /* Finish what a stopped open began, with its key and scope. */
      enlace_campaign_free (g_steal_pointer (&c));
      c = g_steal_pointer (&old);
      countries = (const char *const *) c->countries;
    }

  guint n = 0;
  gboolean ok = TRUE;
  for (guint k = 0; ok && k < liaisons->len + institutions->len; k++)
    {
      const char *id, *country, *mail, *name, *status, *language;
      if (k < liaisons->len)
        {
          EnlaceLiaison *l = liaisons->pdata[k];
          id = l->id, country = l->country, mail = l->mail, name = l->name, status = l->status;
          language = l->languages ? l->languages[0] : NULL;
        }
      else
        {
          EnlaceInstitution *i = institutions->pdata[k - liaisons->len];
          id = i->id, country = i->country, mail = i->mail, name = i->name, status = i->status;
          language = i->languages ? i->languages[0] : NULL;
        }
      if (!to_confirm (status) || country == NULL || !in_scope (country, countries))
        continue;
      GError *e = NULL;
      if (!add_item (dir, c, id, country, mail, name, language, &e))
        {
          if (g_error_matches (e, ENLACE_ERROR, ENLACE_ERROR_CONFLICT))
            g_error_free (e);
          else
            {
              g_propagate_error (error, e);
              ok = FALSE;
            }
        }
      n++;
    }
  if (!ok)
    return NULL;
  g_autoptr(EnlaceMods) done = enlace_mods_new ();
  mods_state (done, "open");
  if (!enlace_directory_modify (dir, c->dn, enlace_mods_get (done), NULL, error))
    return NULL;
  g_free (c->state);
  c->state = g_strdup ("open");
  *n_items = n;
  return g_steal_pointer (&c);
}

/* ---- templates --------------------------------------------------------- */

static char *
find_template (EnlaceMailConfig *mc, const char *name, const char *language, GError **error)
{
  const char *langs[] = { language, "es", NULL };
  for (const char **l = langs; *l; l++)
    {
      g_autofree char *file = g_strdup_printf ("%s.%s.txt", name, *l);
      if (mc->templates != NULL)
        {
          g_autofree char *path = g_build_filename (mc->templates, file, NULL);
          if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
            return g_steal_pointer (&path);
        }
      g_autofree char *rel = g_build_filename ("templates", file, NULL);
      char *path = enlace_data_find (rel, NULL);
      if (path)
        return path;
    }
  g_autofree char *rel = g_strdup_printf ("templates/%s.es.txt", name);
  return enlace_data_find (rel, error);
}

static char *
substitute (const char *text, GHashTable *vars, GError **error)
{
  GString *out = g_string_new (NULL);
  const char *p = text;
  const char *open;
  while ((open = strstr (p, "{{")) != NULL)
    {
      const char *close = strstr (open, "}}");
      if (close == NULL)
        break;
      g_string_append_len (out, p, open - p);
      g_autofree char *name = g_strstrip (g_strndup (open + 2, close - open - 2));
      const char *value = g_hash_table_lookup (vars, name);
      if (value == NULL)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("template: unknown placeholder {{%s}}"), name);
          g_string_free (out, TRUE);
          return NULL;
        }
      g_string_append (out, value);
      p = close + 2;
    }
  g_string_append (out, p);
  return g_string_free (out, FALSE);
}

/**
 * enlace_template_render:
 * @language: (nullable): BCP 47 tag; Spanish when there is no template in it
 *
 * Looks the template up in [mail] templates= first, then the data path.
 */
gboolean
enlace_template_render (EnlaceMailConfig *mc, const char *name, const char *language,
                        GHashTable *vars, char **subject, char **body, GError **error)
{
  /* A campaign renders thousands of messages from two or three files. */
  g_autofree char *key = g_strdup_printf ("%s.%s", name, language ? language : "es");
  if (mc->templates_read == NULL)
    mc->templates_read = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *contents = g_hash_table_lookup (mc->templates_read, key);
  g_autofree char *path = NULL;
  if (contents == NULL)
    {
      char *read = NULL;
      path = find_template (mc, name, language ? language : "es", error);
      if (path == NULL || !g_file_get_contents (path, &read, NULL, error))
        return FALSE;
      g_hash_table_insert (mc->templates_read, g_strdup (key), read);
      contents = read;
    }
  if (!g_utf8_validate (contents, -1, NULL) || !g_str_has_prefix (contents, "Subject:"))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("template %s: must be UTF-8 and start with a 'Subject:' line"), key);
      return FALSE;
    }
  char *nl = strchr (contents, '\n');
  g_autofree char *subject_tpl = g_strstrip (g_strndup (contents + 8, nl ? nl - contents - 8
                                                                       : (long) strlen (contents) - 8));
  const char *body_tpl = nl ? nl + 1 : "";
  while (*body_tpl == '\n' || *body_tpl == '\r')
    body_tpl++;
  g_autofree char *s = substitute (subject_tpl, vars, error);
  if (s == NULL)
    return FALSE;
  char *b = substitute (body_tpl, vars, error);
  if (b == NULL)
    return FALSE;
  *subject = g_steal_pointer (&s);
  *body = b;
  return TRUE;
}

/* ---- what an entry's message says --------------------------------------- */

typedef struct {
  GHashTable *liaisons;      /* id → EnlaceLiaison */
  GHashTable *institutions;  /* id → EnlaceInstitution */
  EnlaceVocabulary *vocab;
  GPtrArray *keep;           /* owns the arrays */
} Entries;

static void
entries_clear (Entries *e)
{
  g_clear_pointer (&e->liaisons, g_hash_table_unref);
  g_clear_pointer (&e->institutions, g_hash_table_unref);
  g_clear_pointer (&e->vocab, enlace_vocabulary_free);
  g_clear_pointer (&e->keep, g_ptr_array_unref);
}

static gboolean
entries_load (EnlaceDirectory *dir, Entries *e, GError **error)
{
  EnlaceLiaisonQuery lq = { .status = "all" };
  EnlaceInstitutionQuery iq = { .status = "all" };
  GPtrArray *l = enlace_liaison_find (dir, &lq, error);
  if (l == NULL)
    return FALSE;
  GPtrArray *i = enlace_institution_find (dir, &iq, error);
  if (i == NULL)
    {
      g_ptr_array_unref (l);
      return FALSE;
    }
  e->keep = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_ptr_array_add (e->keep, l);
  g_ptr_array_add (e->keep, i);
  e->liaisons = g_hash_table_new (g_str_hash, g_str_equal);
  e->institutions = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint k = 0; k < l->len; k++)
    g_hash_table_insert (e->liaisons, ((EnlaceLiaison *) l->pdata[k])->id, l->pdata[k]);
  for (guint k = 0; k < i->len; k++)
    g_hash_table_insert (e->institutions, ((EnlaceInstitution *) i->pdata[k])->id, i->pdata[k]);
  e->vocab = enlace_vocabulary_load (dir, error);
  return e->vocab != NULL;
}

static const char *
say (const char *language, const char *es, const char *en)
{
  return g_strcmp0 (language, "en") == 0 ? en : es;
}

static void
data_line (GString *out, const char *label, const char *value)
{
  if (value != NULL && *value != '\0')
    g_string_append_printf (out, "  %-14s %s\n", label, value);
}

static char *
labels (Entries *e, EnlaceVocab vocab, char **terms, const char *language)
{
  if (terms == NULL || terms[0] == NULL)
    return NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new ();
  for (char **t = terms; *t; t++)
    {
      const char *label = enlace_vocabulary_label (e->vocab, vocab, *t, language);
      g_ptr_array_add (out, (gpointer) (label ? label : *t));
    }
  g_ptr_array_add (out, NULL);
  return g_strjoinv (", ", (char **) out->pdata);
}

/* The data the directory holds on a liaison or an institution, in the
 * reader's language. */
static char *
format_entry (EnlaceVocabulary *vocab, EnlaceLiaison *l, EnlaceInstitution *i, const char *lang,
              const char **name, const char **mail)
{
  GString *out = g_string_new (NULL);
  Entries e = { .vocab = vocab };
  if (l != NULL)
    {
      g_autofree char *roles = labels (&e, ENLACE_VOCAB_ROLE, l->roles, lang);
      g_autofree char *networks = labels (&e, ENLACE_VOCAB_NETWORK, l->networks, lang);
      *name = l->name;
      *mail = l->mail;
      data_line (out, say (lang, "ID:", "ID:"), l->id);
      data_line (out, say (lang, "Nombre:", "Name:"), l->name);
      data_line (out, say (lang, "Cargo:", "Position:"), l->title);
      data_line (out, say (lang, "Institución:", "Institution:"), l->institution);
      data_line (out, say (lang, "Funciones:", "Roles:"), roles);
      data_line (out, say (lang, "Redes:", "Networks:"), networks);
      data_line (out, say (lang, "Correo:", "Email:"), l->mail);
      data_line (out, say (lang, "Teléfono:", "Phone:"), l->phone);
      data_line (out, say (lang, "Estado:", "Status:"), l->status);
    }
  else if (i != NULL)
    {
      g_autofree char *competences = labels (&e, ENLACE_VOCAB_COMPETENCE, i->competences, lang);
      const char *type = i->type ? enlace_vocabulary_label (vocab, ENLACE_VOCAB_INSTITUTION_TYPE,
                                                            i->type, lang) : NULL;
      *name = i->name;
      *mail = i->mail;
      data_line (out, say (lang, "ID:", "ID:"), i->id);
      data_line (out, say (lang, "Institución:", "Institution:"), i->name);
      data_line (out, say (lang, "Tipo:", "Type:"), type ? type : i->type);
      data_line (out, say (lang, "Competencias:", "Competences:"), competences);
      data_line (out, say (lang, "Correo:", "Email:"), i->mail);
      data_line (out, say (lang, "Teléfono:", "Phone:"), i->phone);
      data_line (out, "Web:", i->url);
      data_line (out, say (lang, "Estado:", "Status:"), i->status);
    }
  return g_string_free (out, FALSE);
}

static char *
entry_data (Entries *e, const char *id, const char *lang, const char **name, const char **mail)
{
  EnlaceLiaison *l = g_hash_table_lookup (e->liaisons, id);
  EnlaceInstitution *i = l ? NULL : g_hash_table_lookup (e->institutions, id);
  return format_entry (e->vocab, l, i, lang, name, mail);
}

static GHashTable *
vars_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
}

/* The message for one item, or NULL with an error for the item alone. */
static EnlaceMessage *
item_message (EnlaceMailConfig *mc, EnlaceCampaign *c, Entries *e, EnlaceCampaignItem *item,
              const char *kind, GError **error)
{
  const char *lang = item->language ? item->language : "es";
  const char *name = item->name, *mail = item->mail;
  g_autofree char *data = entry_data (e, item->id, lang, &name, &mail);
  g_autofree char *token = enlace_campaign_token (c, item->id);
  g_autoptr(GHashTable) vars = vars_new ();
  g_autofree char *subject = NULL, *body = NULL;
  g_hash_table_insert (vars, "name", g_strdup (name ? name : item->id));
  g_hash_table_insert (vars, "year", g_strdup (c->year));
  g_hash_table_insert (vars, "token", g_strdup (token));
  g_hash_table_insert (vars, "id", g_strdup (item->id));
  g_hash_table_insert (vars, "country", g_strdup (item->country));
  g_hash_table_insert (vars, "data", g_steal_pointer (&data));
  g_hash_table_insert (vars, "secretariat", g_strdup (mc->from_name));
  g_autofree char *tpl = g_strdup_printf ("campaign-%s", kind);
  if (!enlace_template_render (mc, tpl, lang, vars, &subject, &body, error))
    return NULL;
  if (mail == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_REJECTED, _("no email address on record"));
      return NULL;
    }
  EnlaceMessage *msg = enlace_message_new (mc->from_name, mc->from);
  enlace_message_add_to (msg, name, mail);
  if (mc->archive)
    enlace_message_add_bcc (msg, mc->archive);
  enlace_message_set_subject (msg, subject);
  enlace_message_set_text (msg, body);
  enlace_message_add_header (msg, "X-Enlace-Campaign", c->year);
  enlace_message_add_header (msg, "X-Enlace-Id", item->id);
  enlace_message_add_header (msg, "X-Enlace-Kind", kind);
  return msg;
}

/* ---- writing item state, in batches ------------------------------------- */

/* Writes to campaign items go out pipelined and are awaited together. No
 * LDAP transaction: each item's change is atomic on its own, and slapd
 * 2.5.13 crashes when a client dies while its transaction commits (see
 * enlace-local.c). @txn: only for close, whose writes go to the directory
 * itself. */
typedef struct {
  EnlaceDirectory *dir;
  int msgids[BATCH * 2];
  guint n;
  gboolean txn;
} Batch;

static gboolean
batch_begin (Batch *b, EnlaceDirectory *dir, gboolean txn, GError **error)
{
  b->dir = dir;
  b->n = 0;
  b->txn = txn;
  return !txn || enlace_directory_txn_begin (dir, error);
}

static gboolean
batch_modify (Batch *b, const char *dn, EnlaceMods *mods, const char *assertion, GError **error)
{
  g_assert (b->n < G_N_ELEMENTS (b->msgids));
  return enlace_directory_modify_start (b->dir, FALSE, dn, enlace_mods_get (mods), assertion,
                                        &b->msgids[b->n++], error);
}

/* Wait for every answer; the first error is reported. */
static gboolean
batch_commit (Batch *b, GError **error)
{
  gboolean ok = TRUE;
  for (guint k = 0; k < b->n; k++)
    {
      GError *e = NULL;
      if (!enlace_directory_finish (b->dir, b->msgids[k], _("recording campaign state"), &e))
        {
          if (ok)
            g_propagate_error (error, e);
          else
            g_error_free (e);
          ok = FALSE;
        }
    }
  b->n = 0;
  if (b->txn)
    {
      if (!ok)
        {
          enlace_directory_txn_end (b->dir, FALSE, NULL);
          return FALSE;
        }
      return enlace_directory_txn_end (b->dir, TRUE, error);
    }
  return ok;
}

static void
batch_abort (Batch *b)
{
  gboolean txn = b->txn;
  b->txn = FALSE;
  batch_commit (b, NULL);
  if (txn)
    enlace_directory_txn_end (b->dir, FALSE, NULL);
}

static char *
today_generalized (void)
{
  g_autofree char *today = enlace_today ();
  return enlace_date_to_generalized ("ENLACE_NOW", today, NULL);
}

/* Record that the message @msgid of @kind went out for @item. */
static void
mods_sent (EnlaceMods *m, EnlaceCampaignItem *item, const char *kind, const char *msgid,
           const char *now)
{
  if (strcmp (kind, "initial") == 0)
    {
      enlace_mods_add (m, LDAP_MOD_REPLACE, "enlaceCampaignState", ENLACE_CAMPAIGN_SENT);
      if (item->sent == NULL)
        enlace_mods_add (m, LDAP_MOD_REPLACE, "enlaceSentDate", now);
    }
  else
    enlace_mods_add (m, LDAP_MOD_REPLACE, "enlaceRemindedDate", now);
  enlace_mods_add (m, LDAP_MOD_ADD, "enlaceMessageId", msgid);
  enlace_mods_add (m, LDAP_MOD_REPLACE, "enlaceMailPending", NULL);
}

/* ---- recovery after a crash -------------------------------------------- */

static gboolean
recover_pending (EnlaceDirectory *dir, EnlaceMailConfig *mc, EnlaceCampaign *c,
                 guint *recovered, guint *retried, GError **error)
{
  g_autoptr(GPtrArray) pending = enlace_campaign_items (dir, c, "(enlaceMailPending=*)", error);
  if (pending == NULL)
    return FALSE;
  if (pending->len == 0)
    return TRUE;

  g_autoptr(EnlaceImap) archive = NULL;
  if (mc->archive != NULL && mc->imap_url != NULL)
    {
      g_autofree char *url = g_strdup_printf ("%s/%s", mc->imap_url, mc->archive_mailbox);
      archive = enlace_imap_new (mc, url, error);
      if (archive == NULL)
        return FALSE;
    }
  g_autofree char *now = today_generalized ();
  Batch b;
  for (guint k = 0; k < pending->len; k += BATCH)
    {
      if (!batch_begin (&b, dir, FALSE, error))
        return FALSE;
      for (guint j = k; j < MIN (k + BATCH, pending->len); j++)
        {
          EnlaceCampaignItem *item = pending->pdata[j];
          g_auto(GStrv) parts = g_strsplit (item->pending, " ", 2);
          gboolean found = FALSE;
          if (archive != NULL && parts[1] != NULL
              && !enlace_imap_has_message_id (archive, parts[1], &found, error))
            {
              batch_abort (&b);
              return FALSE;
            }
          g_autoptr(EnlaceMods) m = enlace_mods_new ();
          if (found)
            {
              mods_sent (m, item, parts[0], parts[1], now);
              (*recovered)++;
            }
          else
            {
              enlace_mods_add (m, LDAP_MOD_REPLACE, "enlaceMailPending", NULL);
              (*retried)++;
            }
          if (!batch_modify (&b, item->dn, m, NULL, error))
            {
              batch_abort (&b);
              return FALSE;
            }
        }
      if (!batch_commit (&b, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- sending ----------------------------------------------------------- */

typedef struct {
  EnlaceCampaignItem *item;
  EnlaceMessage *msg;   /* NULL: could not be composed (error holds why) */
  GError *error;
  gboolean sent;
} Outgoing;

static void
outgoing_clear (Outgoing *o)
{
  g_clear_pointer (&o->msg, enlace_message_free);
  g_clear_error (&o->error);
}

/* One batch on its way: its messages and the LDAP writes about them. */
typedef struct {
  Outgoing out[BATCH];
  guint n;
  Batch marks;   /* "about to send" */
  Batch results; /* what happened */
} Flight;

static Flight *
flight_prepare (EnlaceDirectory *dir, EnlaceMailConfig *mc, EnlaceCampaign *c, Entries *e,
                GPtrArray *items, guint from, const char *kind, gboolean mark, GError **error)
{
  Flight *f = g_new0 (Flight, 1);
  f->n = MIN (BATCH, items->len - from);
  batch_begin (&f->marks, dir, FALSE, NULL);
  batch_begin (&f->results, dir, FALSE, NULL);
  for (guint j = 0; j < f->n; j++)
    {
      Outgoing *o = &f->out[j];
      o->item = items->pdata[from + j];
      o->msg = item_message (mc, c, e, o->item, kind, &o->error);
      if (mark && o->msg != NULL)
        {
          g_autoptr(EnlaceMods) m = enlace_mods_new ();
          g_autofree char *pending = g_strdup_printf ("%s %s", kind, enlace_message_get_id (o->msg));
          enlace_mods_add (m, LDAP_MOD_ADD, "enlaceMailPending", pending);
          if (!batch_modify (&f->marks, o->item->dn, m, NULL, error))
            return f;  /* the caller sees the error */
        }
    }
  return f;
}

static void
flight_free (Flight *f)
{
  if (f == NULL)
    return;
  for (guint j = 0; j < f->n; j++)
    outgoing_clear (&f->out[j]);
  g_free (f);
}

/* After a stop: the marked messages that never went out are not pending. */
static void
flight_unmark (Flight *f)
{
  for (guint j = 0; j < f->n; j++)
    if (f->out[j].msg != NULL && !f->out[j].sent)
      {
        g_autoptr(EnlaceMods) m = enlace_mods_new ();
        enlace_mods_add (m, LDAP_MOD_REPLACE, "enlaceMailPending", NULL);
        batch_modify (&f->results, f->out[j].item->dn, m, NULL, NULL);
      }
  batch_commit (&f->results, NULL);
}

/* Send @f's messages; record each result (the writes are not awaited).
 * Returns the error that must stop the run, if any. */
static GError *
flight_send (Flight *f, EnlaceMailer *mailer, const char *kind, const char *now, guint *sent,
             guint *refused)
{
  GError *stop = NULL;
  for (guint j = 0; j < f->n && stop == NULL; j++)
    {
      Outgoing *o = &f->out[j];
      GError *e2 = NULL;
      g_autoptr(EnlaceMods) m = enlace_mods_new ();
      if (o->msg == NULL)
        {
          if (!g_error_matches (o->error, ENLACE_ERROR, ENLACE_ERROR_REJECTED))
            {
              /* Not composed for another reason (a broken template): stop. */
              stop = g_error_copy (o->error);
              break;
            }
        }
      else if (enlace_mailer_send (mailer, o->msg, &e2))
        {
          o->sent = TRUE;
          mods_sent (m, o->item, kind, enlace_message_get_id (o->msg), now);
          (*sent)++;
          batch_modify (&f->results, o->item->dn, m, NULL, &stop);
          continue;
        }
      else if (g_error_matches (e2, ENLACE_ERROR, ENLACE_ERROR_REJECTED)
               || g_error_matches (e2, ENLACE_ERROR, ENLACE_ERROR_INVALID))
        o->error = e2;  /* this entry's own problem: a refusal, bad data */
      else
        {
          stop = e2;
          break;
        }
      /* Refused for good, or nothing to send to: undeliverable. */
      g_autofree char *why = g_utf8_make_valid (o->error->message, -1);
      enlace_mods_add (m, LDAP_MOD_REPLACE, "enlaceCampaignState", ENLACE_CAMPAIGN_UNDELIVERABLE);
      enlace_mods_add (m, LDAP_MOD_REPLACE, "enlaceDeliveryError", why);
      if (o->msg != NULL)
        {
          enlace_mods_add (m, LDAP_MOD_REPLACE, "enlaceMailPending", NULL);
          o->sent = TRUE;  /* settled: not to be unmarked */
        }
      (*refused)++;
      batch_modify (&f->results, o->item->dn, m, NULL, &stop);
    }
  return stop;
}

/* Send @items as messages of @kind, a batch at a time, pipelined: while a
 * batch goes out over SMTP, the marks of the next and the results of the
 * last are being written. A batch's marks are acknowledged before any of
 * its messages is sent. */
static gboolean
send_items (EnlaceDirectory *dir, EnlaceMailConfig *mc, EnlaceCampaign *c, GPtrArray *items,
            const char *kind, const EnlaceSendOptions *options, guint *sent, guint *refused,
            GError **error)
{
  Entries e = { 0 };
  g_autoptr(EnlaceMailer) mailer = NULL;
  g_autofree char *now = today_generalized ();
  guint total = items->len;
  gboolean ok = entries_load (dir, &e, error);

  if (ok && options->dry_run)
    {
      for (guint k = 0; k < total; k += BATCH)
        {
          Flight *f = flight_prepare (dir, mc, c, &e, items, k, kind, FALSE, NULL);
          for (guint j = 0; j < f->n; j++)
            {
              Outgoing *o = &f->out[j];
              if (o->msg != NULL)
                {
                  g_string_append_printf (options->dry_run_output, "%s\t%s\t%s\n", o->item->id,
                                          o->item->mail, kind);
                  (*sent)++;
                }
              else
                g_string_append_printf (options->dry_run_output, "%s\t-\t%s\n", o->item->id,
                                        o->error->message);
            }
          flight_free (f);
        }
      entries_clear (&e);
      return TRUE;
    }
  /* The server is reached, its certificate checked and the login taken
   * before any entry is marked: a server that cannot be used leaves no
   * trace on the campaign. */
  if (ok)
    ok = (mailer = enlace_mailer_new (mc, error)) != NULL
         && (total == 0 || enlace_mailer_connect (mailer, error));

  Flight *cur = NULL, *next = NULL, *last = NULL;
  if (ok && total > 0)
    cur = flight_prepare (dir, mc, c, &e, items, 0, kind, TRUE, error);
  ok = ok && (total == 0 || (cur != NULL && !(error && *error)));
  for (guint k = 0; ok && k < total; k += BATCH)
    {
      /* 1. This batch's marks are durable before anything goes out. */
      if (!batch_commit (&cur->marks, error))
        {
          flight_unmark (cur);
          ok = FALSE;
          break;
        }
      /* 2. Mark the next batch meanwhile. */
      if (k + BATCH < total)
        next = flight_prepare (dir, mc, c, &e, items, k + BATCH, kind, TRUE, error);
      /* 3. Send, recording as we go. */
      GError *stop = flight_send (cur, mailer, kind, now, sent, refused);
      /* 4. The batch before last is settled by now: collect its answers. */
      if (last != NULL)
        {
          ok = batch_commit (&last->results, stop ? NULL : error) && ok;
          g_clear_pointer (&last, flight_free);
        }
      if (stop != NULL || (error && *error))
        {
          if (stop != NULL)
            {
              if (error && *error == NULL)
                g_propagate_error (error, stop);
              else
                g_error_free (stop);
            }
          flight_unmark (cur);
          if (next != NULL)
            {
              batch_commit (&next->marks, NULL);
              flight_unmark (next);
            }
          ok = FALSE;
        }
      last = cur;
      cur = g_steal_pointer (&next);
      if (ok && options->progress)
        options->progress (MIN (k + BATCH, total), total, options->progress_data);
    }
  if (last != NULL)
    {
      if (!batch_commit (&last->results, ok ? error : NULL))
        ok = FALSE;
      flight_free (last);
    }
  flight_free (cur);
  flight_free (next);
  entries_clear (&e);
  return ok;
}

static EnlaceCampaign *
get_open (EnlaceDirectory *dir, GError **error)
{
  return enlace_campaign_get (dir, NULL, error);
}

/**
 * enlace_campaign_send:
 *
 * Sends the initial message to every item of the open campaign that has
 * not had one, up to @options->limit. Safe to interrupt at any moment and
 * run again (see the top of this file).
 */
gboolean
enlace_campaign_send (EnlaceDirectory *dir, EnlaceMailConfig *mc,
                      const EnlaceSendOptions *options, EnlaceSendReport *report, GError **error)
{
  g_autoptr(EnlaceCampaign) c = get_open (dir, error);
  if (c == NULL)
    return FALSE;
  if (!options->dry_run
      && (!enlace_mail_config_can_send (mc, error)
          || !recover_pending (dir, mc, c, &report->recovered, &report->retried, error)))
    return FALSE;
  g_autoptr(GPtrArray) items = enlace_campaign_items (
      dir, c, "(enlaceCampaignState=waiting)(!(enlaceMailPending=*))", error);
  if (items == NULL)
    return FALSE;
  guint all = items->len;
  if (options->limit > 0 && items->len > options->limit)
    g_ptr_array_set_size (items, options->limit);
  gboolean ok = send_items (dir, mc, c, items, "initial", options, &report->sent,
                            &report->refused, error);
  report->remaining = all - report->sent - report->refused;
  return ok;
}

/* ---- collecting replies ------------------------------------------------ */

static EnlaceCampaignItem *
item_by_token (EnlaceDirectory *dir, const char *token, char **year, GError **error)
{
  g_autofree char *hash = enlace_campaign_token_hash (token);
  g_autofree char *base = campaigns_dn (dir);
  g_autofree char *filter = enlace_filter_printf (
      "(&(objectClass=enlaceCampaignItem)(enlaceTokenHash=%s))", hash);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (
      (GDestroyNotify) enlace_campaign_item_free);
  if (!enlace_directory_search (dir, base, LDAP_SCOPE_SUBTREE, filter, item_attrs, collect_item,
                                items, error))
    return NULL;
  if (items->len == 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND, _("no entry has token %s"), token);
      return NULL;
    }
  EnlaceCampaignItem *item = g_ptr_array_steal_index (items, 0);
  /* cn=ID,cn=YEAR,ou=campaigns,...: the year is the parent's value. */
  LDAPDN dn = NULL;
  if (ldap_str2dn (item->dn, &dn, LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS && dn[0] && dn[1])
    *year = g_strndup (dn[1][0]->la_value.bv_val, dn[1][0]->la_value.bv_len);
  ldap_dnfree (dn);
  return item;
}

/* Record an answer; @reply NULL confirms, text asks for review. */
static gboolean
record_answer (EnlaceDirectory *dir, EnlaceCampaignItem *item, const char *reply,
               const char *note, GError **error)
{
  g_autofree char *now = today_generalized ();
  g_autoptr(EnlaceMods) m = enlace_mods_new ();
  g_autofree char *kept = NULL;
  if (reply != NULL)
    {
      /* A later correction adds to an earlier one. */
      g_autofree char *all = item->reply ? g_strdup_printf ("%s\n\n%s", item->reply, reply)
                                         : g_strdup (reply);
      kept = enlace_validate_text ("reply", all, 16384, NULL);
      if (kept == NULL)
        kept = g_utf8_substring (all, 0, 16000);
      enlace_mods_add (m, LDAP_MOD_REPLACE, "enlaceCampaignState", ENLACE_CAMPAIGN_NEEDS_REVIEW);
      enlace_mods_add (m, LDAP_MOD_REPLACE, "enlaceReply", kept);
    }
  else if (g_strcmp0 (item->state, ENLACE_CAMPAIGN_NEEDS_REVIEW) != 0)
    enlace_mods_add (m, LDAP_MOD_REPLACE, "enlaceCampaignState", ENLACE_CAMPAIGN_CONFIRMED);
  enlace_mods_add (m, LDAP_MOD_REPLACE, "enlaceAnsweredDate", now);
  if (note != NULL)
    enlace_mods_add (m, LDAP_MOD_REPLACE, "enlaceNotes", note);
  return enlace_directory_modify (dir, item->dn, enlace_mods_get (m), NULL, error);
}

/**
 * enlace_campaign_collect:
 * @mailbox_url: (nullable): the IMAP mailbox replies arrive in
 *
 * Reads the replies not yet flagged, matches their tokens and records the
 * answers: a reply with nothing beyond the quoted original confirms; one
 * with text of its own needs review, and the text is kept. Each message
 * recorded is flagged $EnlaceDone on the server; a message whose token is
 * unknown is left unflagged for a person to read.
 */
gboolean
enlace_campaign_collect (EnlaceDirectory *dir, EnlaceMailConfig *mc, const char *mailbox_url,
                         EnlaceCollectReport *report, GError **error)
{
  g_autoptr(EnlaceCampaign) c = get_open (dir, error);
  if (c == NULL)
    return FALSE;
  g_autoptr(EnlaceImap) imap = enlace_imap_new (mc, mailbox_url, error);
  if (imap == NULL)
    return FALSE;
  g_autoptr(GArray) all = enlace_imap_search (imap, "ALL", error);
  g_autoptr(GArray) uids = all ? enlace_imap_search (imap, "UNKEYWORD " DONE_FLAG, error) : NULL;
  if (uids == NULL)
    return FALSE;
  report->skipped = all->len - uids->len;
  g_autoptr(GRegex) re = g_regex_new (TOKEN_RE, G_REGEX_CASELESS, 0, NULL);

  for (guint k = 0; k < uids->len; k++)
    {
      guint uid = g_array_index (uids, guint, k);
      g_autoptr(GBytes) raw = enlace_imap_fetch (imap, uid, error);
      if (raw == NULL)
        return FALSE;
      gsize len;
      const char *data = g_bytes_get_data (raw, &len);
      g_autoptr(EnlaceMailReply) reply = enlace_mail_reply_parse (data, len);
      g_autoptr(GMatchInfo) mi = NULL;
      g_autofree char *found = NULL;
      if (!g_regex_match (re, reply->subject, 0, &mi))
        {
          g_clear_pointer (&mi, g_match_info_free);
          g_regex_match (re, reply->text, 0, &mi);
        }
      if (g_match_info_matches (mi))
        {
          g_autofree char *m = g_match_info_fetch (mi, 0);
          found = enlace_campaign_token_normalize (m);
        }
      g_autoptr(GError) local_error = NULL;
      g_autofree char *year = NULL;
      g_autoptr(EnlaceCampaignItem) item = found ? item_by_token (dir, found, &year, &local_error)
                                                 : NULL;
      if (item == NULL || g_strcmp0 (year, c->year) != 0)
        {
          if (local_error && !g_error_matches (local_error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          report->unmatched++;
          continue;
        }
      g_autofree char *text = enlace_mail_reply_new_text (reply->text);
      if (!record_answer (dir, item, text, NULL, error))
        return FALSE;
      if (text)
        report->needs_review++;
      else
        report->confirmed++;
      /* Flag only once the answer is recorded: a crash in between means
       * the next run records the same answer again, harmlessly. */
      if (!enlace_imap_add_flags (imap, uid, "\\Seen " DONE_FLAG, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * enlace_campaign_confirm:
 * @token_or_id: a token, or an entry's ID
 * @note: (nullable): how the answer came
 *
 * Records a confirmation that came another way (a call, a letter).
 *
 * Returns: (transfer full): the entry's ID.
 */
char *
enlace_campaign_confirm (EnlaceDirectory *dir, const char *token_or_id, const char *note,
                         GError **error)
{
  g_autoptr(EnlaceCampaign) c = get_open (dir, error);
  if (c == NULL)
    return NULL;
  g_autofree char *token = enlace_campaign_token_normalize (token_or_id);
  g_autoptr(EnlaceCampaignItem) item = NULL;
  g_autofree char *clean_note = note ? enlace_validate_text ("--note", note, 4096, error) : NULL;
  if (note != NULL && clean_note == NULL)
    return NULL;
  if (token != NULL)
    {
      g_autofree char *year = NULL;
      item = item_by_token (dir, token, &year, error);
      if (item != NULL && g_strcmp0 (year, c->year) != 0)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_CONFLICT,
                       _("token %s belongs to campaign %s, which is closed"), token, year);
          return NULL;
        }
    }
  else
    {
      g_autofree char *id = enlace_validate_id ("ID", token_or_id, error);
      if (id == NULL)
        return NULL;
      g_autofree char *filter = enlace_filter_printf ("(cn=%s)", id);
      g_autoptr(GPtrArray) items = enlace_campaign_items (dir, c, filter, error);
      if (items == NULL)
        return NULL;
      if (items->len == 0)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND,
                       _("%s is not part of campaign %s"), id, c->year);
          return NULL;
        }
      item = g_ptr_array_steal_index (items, 0);
    }
  if (item == NULL || !record_answer (dir, item, NULL, clean_note, error))
    return NULL;
  return g_strdup (item->id);
}

/* ---- reminders and escalation ------------------------------------------ */

static char *
days_ago (const char *today, int days)
{
  GDate d;
  g_date_clear (&d, 1);
  g_date_set_parse (&d, today);
  if (!g_date_valid (&d))
    return NULL;
  g_date_subtract_days (&d, days);
  char buf[16];
  g_date_strftime (buf, sizeof buf, "%Y%m%d000000Z", &d);
  return g_strdup (buf);
}

/**
 * enlace_cancilleria_contacts:
 *
 * Returns: (transfer full) (element-type EnlaceLiaison): the active
 * liaisons of @country whose role is one of [mail] notify-roles.
 */
GPtrArray *
enlace_cancilleria_contacts (EnlaceDirectory *dir, EnlaceMailConfig *mc, const char *country,
                             GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) enlace_liaison_free);
  for (char **role = mc->notify_roles; role && *role; role++)
    {
      EnlaceLiaisonQuery q = { .country = country, .role = *role, .status = "active" };
      g_autoptr(GPtrArray) found = enlace_liaison_find (dir, &q, error);
      if (found == NULL)
        return NULL;
      while (found->len > 0)
        {
          EnlaceLiaison *l = g_ptr_array_steal_index (found, 0);
          gboolean dup = l->mail == NULL;
          for (guint k = 0; !dup && k < out->len; k++)
            dup = g_strcmp0 (((EnlaceLiaison *) out->pdata[k])->id, l->id) == 0;
          if (dup)
            enlace_liaison_free (l);
          else
            g_ptr_array_add (out, l);
        }
    }
  return g_steal_pointer (&out);
}

static const char *
state_label (const char *state, const char *lang)
{
  if (g_strcmp0 (state, ENLACE_CAMPAIGN_UNDELIVERABLE) == 0)
    return say (lang, "correo rechazado", "mail refused");
  if (g_strcmp0 (state, ENLACE_CAMPAIGN_WAITING) == 0)
    return say (lang, "sin enviar", "not sent");
  return say (lang, "sin respuesta", "no answer");
}

static gboolean
escalate (EnlaceDirectory *dir, EnlaceMailConfig *mc, EnlaceCampaign *c,
          const EnlaceSendOptions *options, EnlaceRemindReport *report, GError **error)
{
  g_autofree char *today = enlace_today ();
  g_autofree char *cutoff = days_ago (today, mc->escalate_after);
  g_autofree char *opened = enlace_date_to_generalized ("opened", c->opened, error);
  if (opened == NULL)
    return FALSE;
  if (cutoff == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, _("ENLACE_NOW: not a date"));
      return FALSE;
    }
  /* Unanswered items sent long enough ago, and — once the campaign itself
   * is that old — those that could not be sent at all. */
  g_autofree char *silent = enlace_filter_printf (
      "(&(enlaceCampaignState=sent)(enlaceSentDate<=%s))", cutoff);
  g_autofree char *filter = strcmp (opened, cutoff) <= 0
      ? g_strdup_printf ("(|%s(enlaceCampaignState=undeliverable)(enlaceCampaignState=waiting))",
                         silent)
      : g_strdup (silent);
  g_autoptr(GPtrArray) items = enlace_campaign_items (dir, c, filter, error);
  if (items == NULL)
    return FALSE;
  g_autoptr(EnlaceMailer) mailer = NULL;
  Entries e = { 0 };
  if (!entries_load (dir, &e, error))
    return FALSE;

  gboolean ok = TRUE;
  for (guint k = 0; ok && k < items->len;)
    {
      const char *country = ((EnlaceCampaignItem *) items->pdata[k])->country;
      guint end = k;
      while (end < items->len
             && g_strcmp0 (((EnlaceCampaignItem *) items->pdata[end])->country, country) == 0)
        end++;
      if (g_strv_contains ((const char *const *) c->escalated, country))
        {
          k = end;
          continue;
        }
      g_autoptr(GPtrArray) contacts = enlace_cancilleria_contacts (dir, mc, country, error);
      if (contacts == NULL)
        {
          ok = FALSE;
          break;
        }
      if (contacts->len == 0)
        {
          g_ptr_array_add (report->no_contact, g_strdup (country));
          k = end;
          continue;
        }
      const char *lang = ((EnlaceLiaison *) contacts->pdata[0])->languages
                             ? ((EnlaceLiaison *) contacts->pdata[0])->languages[0] : "es";
      g_autoptr(GString) list = g_string_new (NULL);
      for (guint j = k; j < end; j++)
        {
          EnlaceCampaignItem *item = items->pdata[j];
          const char *name = item->name, *mail = item->mail;
          g_autofree char *data = entry_data (&e, item->id, lang, &name, &mail);
          g_string_append_printf (list, "- %s  %s <%s>  (%s)\n", item->id, name ? name : "",
                                  mail ? mail : "-", state_label (item->state, lang));
        }
      g_autoptr(GHashTable) vars = vars_new ();
      g_autofree char *subject = NULL, *body = NULL;
      g_hash_table_insert (vars, "year", g_strdup (c->year));
      g_hash_table_insert (vars, "country", g_strdup (country));
      g_hash_table_insert (vars, "count", g_strdup_printf ("%u", end - k));
      g_hash_table_insert (vars, "entries", g_string_free (g_steal_pointer (&list), FALSE));
      g_hash_table_insert (vars, "days", g_strdup_printf ("%d", mc->escalate_after));
      g_hash_table_insert (vars, "secretariat", g_strdup (mc->from_name));
      if (!enlace_template_render (mc, "campaign-escalation", lang, vars, &subject, &body, error))
        {
          ok = FALSE;
          break;
        }
      g_autoptr(EnlaceMessage) msg = enlace_message_new (mc->from_name, mc->from);
      for (guint j = 0; j < contacts->len; j++)
        {
          EnlaceLiaison *l = contacts->pdata[j];
          enlace_message_add_to (msg, l->name, l->mail);
        }
      if (mc->archive)
        enlace_message_add_bcc (msg, mc->archive);
      enlace_message_set_subject (msg, subject);
      enlace_message_set_text (msg, body);
      enlace_message_add_header (msg, "X-Enlace-Campaign", c->year);
      enlace_message_add_header (msg, "X-Enlace-Kind", "escalation");
      if (options->dry_run)
        {
          g_string_append_printf (options->dry_run_output, "%s\t%s\tescalation\n", country,
                                  ((EnlaceLiaison *) contacts->pdata[0])->mail);
          k = end;
          continue;
        }
      if (mailer == NULL && (mailer = enlace_mailer_new (mc, error)) == NULL)
        {
          ok = FALSE;
          break;
        }
      /* Sent, then recorded: a crash in between means the Cancillería may
       * get this one message twice, the lesser harm for one mail a country. */
      if (!enlace_mailer_send (mailer, msg, error))
        {
          ok = FALSE;
          break;
        }
      g_autoptr(EnlaceMods) m = enlace_mods_new ();
      enlace_mods_add (m, LDAP_MOD_ADD, "enlaceEscalated", country);
      if (!enlace_directory_modify (dir, c->dn, enlace_mods_get (m), NULL, error))
        {
          ok = FALSE;
          break;
        }
      g_ptr_array_add (report->escalated, g_strdup (country));
      k = end;
    }
  entries_clear (&e);
  return ok;
}

/**
 * enlace_campaign_remind:
 *
 * Sends one reminder to each entry still silent [mail] remind-after days
 * after its first message, then, for entries silent escalate-after days,
 * one message per country to its Cancillería listing them.
 */
gboolean
enlace_campaign_remind (EnlaceDirectory *dir, EnlaceMailConfig *mc,
                        const EnlaceSendOptions *options, EnlaceRemindReport *report,
                        GError **error)
{
  g_autoptr(EnlaceCampaign) c = get_open (dir, error);
  if (c == NULL)
    return FALSE;
  guint recovered = 0, retried = 0;
  if (!options->dry_run
      && (!enlace_mail_config_can_send (mc, error)
          || !recover_pending (dir, mc, c, &recovered, &retried, error)))
    return FALSE;
  g_autofree char *today = enlace_today ();
  g_autofree char *cutoff = days_ago (today, mc->remind_after);
  if (cutoff == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, _("ENLACE_NOW: not a date"));
      return FALSE;
    }
  g_autofree char *filter = enlace_filter_printf (
      "(enlaceCampaignState=sent)(enlaceSentDate<=%s)(!(enlaceRemindedDate=*))"
      "(!(enlaceMailPending=*))", cutoff);
  g_autoptr(GPtrArray) items = enlace_campaign_items (dir, c, filter, error);
  if (items == NULL)
    return FALSE;
  if (!send_items (dir, mc, c, items, "reminder", options, &report->reminded, &report->refused,
                   error))
    return FALSE;
  return escalate (dir, mc, c, options, report, error);
}

/* ---- status and close -------------------------------------------------- */

/**
 * enlace_campaign_status:
 *
 * Returns: (transfer full) (element-type EnlaceCampaignCount): one row per
 * country, by code.
 */
GArray *
enlace_campaign_status (EnlaceDirectory *dir, EnlaceCampaign *c, GError **error)
{
  g_autoptr(GPtrArray) items = enlace_campaign_items (dir, c, NULL, error);
  if (items == NULL)
    return NULL;
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (EnlaceCampaignCount));
  for (guint k = 0; k < items->len; k++)
    {
      EnlaceCampaignItem *item = items->pdata[k];
      if (rows->len == 0
          || g_strcmp0 (g_array_index (rows, EnlaceCampaignCount, rows->len - 1).country,
                        item->country) != 0)
        {
          EnlaceCampaignCount row = { .country = g_strdup (item->country) };
          g_array_append_val (rows, row);
        }
      EnlaceCampaignCount *row = &g_array_index (rows, EnlaceCampaignCount, rows->len - 1);
      row->entries++;
      if (item->sent != NULL)
        row->sent++;
      if (g_strcmp0 (item->state, ENLACE_CAMPAIGN_CONFIRMED) == 0)
        row->confirmed++;
      else if (g_strcmp0 (item->state, ENLACE_CAMPAIGN_NEEDS_REVIEW) == 0)
        row->needs_review++;
      else if (g_strcmp0 (item->state, ENLACE_CAMPAIGN_UNDELIVERABLE) == 0)
        row->undeliverable++;
      else
        row->waiting++;
    }
  return rows;
}

static char *
target_dn (EnlaceDirectory *dir, EnlaceCampaignItem *item)
{
  g_autofree char *country = enlace_entry_country_dn (dir, item->country);
  return enlace_dn_child ("enlaceId", item->id, country);
}

/**
 * enlace_campaign_close:
 *
 * Closes the open campaign: confirmed entries get their last-confirmed
 * date; entries neither confirmed nor corrected become unverified (still
 * found, and flagged); corrections stay for the Secretariat to apply.
 */
gboolean
enlace_campaign_close (EnlaceDirectory *dir, EnlaceCloseReport *report, GError **error)
{
  g_autoptr(EnlaceCampaign) c = get_open (dir, error);
  if (c == NULL)
    return FALSE;
  g_autoptr(GPtrArray) items = enlace_campaign_items (dir, c, NULL, error);
  if (items == NULL)
    return FALSE;
  g_autofree char *now = today_generalized ();
  Entries e = { 0 };
  if (!entries_load (dir, &e, error))
    return FALSE;
  Batch b;
  guint k = 0;
  gboolean ok = TRUE;
  while (ok && k < items->len)
    {
      if (!(ok = batch_begin (&b, dir, TRUE, error)))
        break;
      for (; ok && b.n < BATCH && k < items->len; k++)
        {
          EnlaceCampaignItem *item = items->pdata[k];
          EnlaceLiaison *l = g_hash_table_lookup (e.liaisons, item->id);
          EnlaceInstitution *i = l ? NULL : g_hash_table_lookup (e.institutions, item->id);
          const char *status = l ? l->status : i ? i->status : NULL;
          g_autofree char *dn = target_dn (dir, item);
          g_autoptr(EnlaceMods) m = enlace_mods_new ();
          if (g_strcmp0 (item->state, ENLACE_CAMPAIGN_NEEDS_REVIEW) == 0)
            {
              report->needs_review++;
              continue;
            }
          /* An entry retired (or deleted) meanwhile is left as it is. */
          if (!to_confirm (status))
            continue;
          if (g_strcmp0 (item->state, ENLACE_CAMPAIGN_CONFIRMED) == 0)
            {
              g_autofree char *answered = enlace_date_to_generalized ("answered", item->answered,
                                                                      NULL);
              enlace_mods_add (m, LDAP_MOD_REPLACE, "enlaceLastConfirmed",
                               answered ? answered : now);
              /* Confirmed this year: no longer last year's unverified. */
              if (strcmp (status, "unverified") == 0)
                enlace_mods_add (m, LDAP_MOD_REPLACE, "enlaceStatus", "active");
              report->confirmed++;
            }
          else
            {
              enlace_mods_add (m, LDAP_MOD_REPLACE, "enlaceStatus", "unverified");
              report->unverified++;
            }
          /* If the status changed since it was read, the batch fails as a
           * conflict and nothing of it is applied; run close again. */
          g_autofree char *assertion = enlace_filter_printf ("(enlaceStatus=%s)", status);
          ok = batch_modify (&b, dn, m, assertion, error);
        }
      if (ok)
        ok = batch_commit (&b, error);
      else
        batch_abort (&b);
    }
  entries_clear (&e);
  if (!ok)
    return FALSE;
  g_autoptr(EnlaceMods) m = enlace_mods_new ();
  enlace_mods_add (m, LDAP_MOD_REPLACE, "enlaceCampaignState", "closed");
  enlace_mods_add (m, LDAP_MOD_REPLACE, "enlaceClosedDate", now);
  return enlace_directory_modify (dir, c->dn, enlace_mods_get (m), "(enlaceCampaignState=open)",
                                  error);
}

/* ---- change notices ---------------------------------------------------- */

/**
 * enlace_notice_send:
 * @id: the liaison or institution that changed
 *
 * Mails a short notice of the change to the Secretariat ([mail]
 * secretariat, by default the sender) and to the country's Cancillería
 * contacts. Does nothing when mail is not configured or [mail] notify is
 * false.
 *
 * Returns: %FALSE with an error if the notice could not be sent; the
 * change itself is already recorded.
 */
gboolean
enlace_notice_send (EnlaceDirectory *dir, EnlaceConfig *config, EnlaceNotice notice,
                    const char *id, GError **error)
{
  static const struct {
    const char *es, *en, *es_sentence, *en_sentence;
  } words[] = {
    [ENLACE_NOTICE_REGISTERED] = { "alta", "new designation",
                                   "Se registró una nueva designación:",
                                   "A new designation was recorded:" },
    [ENLACE_NOTICE_AUTHORIZED] = { "autorización", "authorisation",
                                   "La Cancillería autorizó esta designación:",
                                   "The Ministry of Foreign Affairs authorised this designation:" },
    [ENLACE_NOTICE_UPDATED] = { "cambio de datos", "change of contact data",
                                "Cambiaron los datos de contacto; así quedan:",
                                "The contact data changed; this is how they stand:" },
    [ENLACE_NOTICE_RETIRED] = { "baja", "retirement", "Se dio de baja:", "This entry was retired:" },
  };
  g_autoptr(EnlaceMailConfig) mc = enlace_mail_config_new (config, error);
  if (mc == NULL)
    return FALSE;
  if (!mc->notify || mc->smtp_url == NULL || mc->from == NULL)
    return TRUE;

  g_autoptr(EnlaceVocabulary) vocab = enlace_vocabulary_load (dir, error);
  if (vocab == NULL)
    return FALSE;
  g_autoptr(EnlaceLiaison) l = NULL;
  g_autoptr(EnlaceInstitution) i = NULL;
  if (strstr (id, "-I-") != NULL)
    i = enlace_institution_get (dir, id, error);
  else
    l = enlace_liaison_get (dir, id, error);
  if (l == NULL && i == NULL)
    return FALSE;
  const char *country = l ? l->country : i->country;
  const char *lang = "es";
  const char *name = NULL, *mail = NULL;
  g_autofree char *data = format_entry (vocab, l, i, lang, &name, &mail);
  g_autoptr(GPtrArray) contacts = country ? enlace_cancilleria_contacts (dir, mc, country, error)
                                          : g_ptr_array_new ();
  if (contacts == NULL)
    return FALSE;
  g_autoptr(GError) who_error = NULL;
  const char *by = enlace_directory_get_bound_dn (dir, &who_error);
  g_autoptr(GHashTable) vars = vars_new ();
  g_hash_table_insert (vars, "change", g_strdup (say (lang, words[notice].es, words[notice].en)));
  g_hash_table_insert (vars, "change_sentence",
                       g_strdup (say (lang, words[notice].es_sentence, words[notice].en_sentence)));
  g_hash_table_insert (vars, "id", g_strdup (id));
  g_hash_table_insert (vars, "country", g_strdup (country ? country : "-"));
  g_hash_table_insert (vars, "data", g_steal_pointer (&data));
  g_hash_table_insert (vars, "by", g_strdup (by ? by : "-"));
  g_hash_table_insert (vars, "date", enlace_today ());
  g_autofree char *subject = NULL, *body = NULL;
  if (!enlace_template_render (mc, "notice", lang, vars, &subject, &body, error))
    return FALSE;

  g_autoptr(EnlaceMessage) msg = enlace_message_new (mc->from_name, mc->from);
  if (mc->secretariat)
    enlace_message_add_to (msg, mc->from_name, mc->secretariat);
  for (guint k = 0; k < contacts->len; k++)
    {
      EnlaceLiaison *c = contacts->pdata[k];
      if (g_strcmp0 (c->mail, mc->secretariat) != 0)
        enlace_message_add_to (msg, c->name, c->mail);
    }
  enlace_message_set_subject (msg, subject);
  enlace_message_set_text (msg, body);
  enlace_message_add_header (msg, "X-Enlace-Id", id);
  enlace_message_add_header (msg, "X-Enlace-Kind", "notice");
  g_autoptr(EnlaceMailer) mailer = enlace_mailer_new (mc, error);
  return mailer != NULL && enlace_mailer_send (mailer, msg, error);
}
