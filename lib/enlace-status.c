/* enlace-status.c — count what a directory holds. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "enlace-autocleanups.h"
#include "enlace-error.h"
#include "enlace-status.h"

static const char *const status_names[ENLACE_N_STATUSES] = {
  [ENLACE_STATUS_PENDING] = "pending",
  [ENLACE_STATUS_ACTIVE] = "active",
  [ENLACE_STATUS_RETIRED] = "retired",
  [ENLACE_STATUS_UNVERIFIED] = "unverified",
  [ENLACE_STATUS_OTHER] = "other",
};

const char *
enlace_status_to_string (EnlaceStatus status)
{
  g_return_val_if_fail (status < ENLACE_N_STATUSES, NULL);
  return status_names[status];
}

/**
 * enlace_status_from_string:
 *
 * Returns: the status named @text (case-insensitive), or
 * %ENLACE_STATUS_OTHER.
 */
EnlaceStatus
enlace_status_from_string (const char *text)
{
  for (int i = 0; i < ENLACE_STATUS_OTHER; i++)
    if (text != NULL && g_ascii_strcasecmp (text, status_names[i]) == 0)
      return i;
  return ENLACE_STATUS_OTHER;
}

/**
 * enlace_status_filter:
 * @status: (nullable): pending, active, retired, unverified or all; %NULL
 *   for every status but retired (what a lookup shows by default)
 *
 * Appends to @filter the part that selects @status.
 *
 * Returns: %FALSE with %ENLACE_ERROR_INVALID for an unknown status.
 */
gboolean
enlace_status_filter (GString *filter, const char *status, GError **error)
{
  if (status == NULL)
    {
      g_string_append (filter, "(!(enlaceStatus=retired))");
      return TRUE;
    }
  if (g_ascii_strcasecmp (status, "all") == 0)
    return TRUE;
  EnlaceStatus s = enlace_status_from_string (status);
  if (s == ENLACE_STATUS_OTHER)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("status '%s' is not one of pending, active, retired, unverified, all"), status);
      return FALSE;
    }
  g_string_append_printf (filter, "(enlaceStatus=%s)", status_names[s]);
  return TRUE;
}

static gboolean
count_entry (EnlaceDirectory *dir, LDAPMessage *entry, gpointer user_data, GError **error)
{
  EnlaceDirectoryStatus *status = user_data;
  LDAP *ld = enlace_directory_get_ldap (dir);
  g_autoptr(EnlaceBervalArray) classes = ldap_get_values_len (ld, entry, "objectClass");
  g_autoptr(EnlaceBervalArray) state = ldap_get_values_len (ld, entry, "enlaceStatus");
  g_autofree char *state_str = state && state[0] ? g_strndup (state[0]->bv_val, state[0]->bv_len)
                                                 : NULL;
  EnlaceStatus s = enlace_status_from_string (state_str);

  for (int i = 0; classes != NULL && classes[i] != NULL; i++)
    {
      const char *oc = classes[i]->bv_val;
      gsize len = classes[i]->bv_len;
#define IS(name) (len == strlen (name) && g_ascii_strncasecmp (oc, name, len) == 0)
      if (IS ("enlaceLiaison"))
        status->liaisons[s]++;
      else if (IS ("enlaceInstitution"))
        status->institutions[s]++;
      else if (IS ("enlaceCountry"))
        status->countries++;
      else if (IS ("enlaceTerm") || IS ("enlaceNetworkGroup"))
        {
          status->terms++;
          break; /* a network group is both classes: count it once */
        }
#undef IS
    }
  return TRUE;
}

/**
 * enlace_directory_status_read:
 * @status: (out caller-allocates): filled in; free its contents with
 *   enlace_directory_status_clear()
 *
 * Reads who we are, the schema version the server publishes, and counts
 * countries, vocabulary terms, and institutions and liaisons by status, in
 * one paged pass over the directory.
 */
gboolean
enlace_directory_status_read (EnlaceDirectory *dir, EnlaceDirectoryStatus *status,
                              GError **error)
{
  memset (status, 0, sizeof *status);
  status->authzid = enlace_directory_whoami (dir, error);
  if (status->authzid == NULL)
    return FALSE;
  status->schema_version = enlace_directory_schema_version (dir, error);
  if (status->schema_version < 0)
    return FALSE;
  if (status->schema_version == 0)
    return TRUE;

  const char *attrs[] = { "objectClass", "enlaceStatus", NULL };
  g_autoptr(GError) local_error = NULL;
  if (!enlace_directory_search (dir, enlace_directory_get_base (dir), LDAP_SCOPE_SUBTREE,
                                "(|(objectClass=enlaceLiaison)(objectClass=enlaceInstitution)"
                                "(objectClass=enlaceCountry)(objectClass=enlaceTerm))",
                                attrs, count_entry, status, &local_error))
    {
      /* An empty directory has no base entry yet: that is news, not failure. */
      if (g_error_matches (local_error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  status->initialized = TRUE;
  return TRUE;
}

void
enlace_directory_status_clear (EnlaceDirectoryStatus *status)
{
  g_clear_pointer (&status->authzid, g_free);
}
