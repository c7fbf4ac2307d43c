/* enlace-history.c — read an entry's changes from the accesslog database
 * (cn=accesslog), which slapo-accesslog fills with every successful write:
 * reqStart (when), reqAuthzID (who), reqType and reqMod ("attr:+ value",
 * "attr:- value", "attr:= value"). */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "enlace-autocleanups.h"
#include "enlace-error.h"
#include "enlace-history.h"

#define ACCESSLOG_BASE "cn=accesslog"

/* Attributes slapd maintains itself: noise in a history. */
static const char *const operational[] = {
  "entryCSN", "modifiersName", "modifyTimestamp", "creatorsName", "createTimestamp",
  "entryUUID", "structuralObjectClass", "subschemaSubentry", NULL,
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

static char *
first (LDAP *ld, LDAPMessage *entry, const char *attr)
{
  g_autoptr(EnlaceBervalArray) v = ldap_get_values_len (ld, entry, attr);
  return v && v[0] ? g_strndup (v[0]->bv_val, v[0]->bv_len) : NULL;
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

static gboolean
collect (EnlaceDirectory *dir, LDAPMessage *entry, gpointer user_data, GError **error)
{
  LDAP *ld = enlace_directory_get_ldap (dir);
  EnlaceChange *c = g_new0 (EnlaceChange, 1);
  char *start = c->stamp = first (ld, entry, "reqStart");
  if (start != NULL && strlen (start) >= 14)
    c->when = g_strdup_printf ("%.4s-%.2s-%.2s %.2s:%.2s:%.2sZ", start, start + 4, start + 6,
                               start + 8, start + 10, start + 12);
  else
    c->when = g_strdup (start ? start : "");
  g_autofree char *who = first (ld, entry, "reqAuthzID");
  c->who = g_strdup (who && g_str_has_prefix (who, "dn:") ? who + 3 : (who ? who : ""));
  c->type = first (ld, entry, "reqType");
  g_autoptr(EnlaceBervalArray) mods = ldap_get_values_len (ld, entry, "reqMod");
  g_autoptr(GStrvBuilder) changes = g_strv_builder_new ();
  for (int i = 0; mods != NULL && mods[i] != NULL; i++)
    {
      g_autofree char *text = describe_mod (mods[i]->bv_val, mods[i]->bv_len);
      if (text != NULL)
        g_strv_builder_add (changes, text);
    }
  c->changes = g_strv_builder_end (changes);
  g_ptr_array_add (user_data, c);
  return TRUE;
}

static int
by_time (gconstpointer a, gconstpointer b)
{
  const EnlaceChange *x = *(EnlaceChange **) a, *y = *(EnlaceChange **) b;
  return g_strcmp0 (x->stamp, y->stamp);
}

/**
 * enlace_history_read:
 * @dn: the entry whose changes to read
 *
 * Returns: (transfer full) (element-type EnlaceChange): the entry's
 * changes, oldest first; or %NULL with %ENLACE_ERROR_PERMISSION when the
 * history cannot be read (only the Secretariat and the instance's owner
 * may: it holds old values, restricted ones too).
 */
GPtrArray *
enlace_history_read (EnlaceDirectory *dir, const char *dn, GError **error)
{
  g_autofree char *filter = enlace_filter_printf (
      "(&(objectClass=auditWriteObject)(reqDN=%s)(reqResult=0))", dn);
  const char *attrs[] = { "reqStart", "reqAuthzID", "reqType", "reqMod", NULL };
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) enlace_change_free);
  g_autoptr(GError) local_error = NULL;
  if (!enlace_directory_search (dir, ACCESSLOG_BASE, LDAP_SCOPE_ONELEVEL, filter, attrs, collect,
                                changes, &local_error))
    {
      if (g_error_matches (local_error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND))
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_PERMISSION,
                       _("the change history (%s) is not readable by this account, or this "
                       "server keeps none"), ACCESSLOG_BASE);
          return NULL;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  g_ptr_array_sort (changes, by_time);
  return g_steal_pointer (&changes);
}
