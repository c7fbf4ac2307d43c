/* enlace-config.c — resolve the connection settings from flags, the
 * environment, the config file and the local instance, in that order. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <string.h>
#include <ldap.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "enlace-config.h"
#include "enlace-directory.h"
#include "enlace-error.h"
#include "enlace-local.h"

#define DEFAULT_BASE "o=enlace"

struct _EnlaceConfig {
  char *values[ENLACE_N_SETTINGS];
  EnlaceConfigSource sources[ENLACE_N_SETTINGS];
  char *describe[ENLACE_N_SETTINGS];
  char *file;
  GKeyFile *keyfile;
};

static const struct {
  const char *env;
  const char *key;
  const char *flag;
} settings[ENLACE_N_SETTINGS] = {
  [ENLACE_SETTING_URI] = { "ENLACE_URI", "uri", "--uri" },
  [ENLACE_SETTING_BASE] = { "ENLACE_BASE", "base", "--base" },
  [ENLACE_SETTING_BIND_DN] = { "ENLACE_BIND_DN", "bind-dn", "--bind-dn" },
  [ENLACE_SETTING_PASSWORD_FILE] = { "ENLACE_PASSWORD_FILE", "password-file", "--password-file" },
  [ENLACE_SETTING_CAFILE] = { "ENLACE_CAFILE", "cafile", "--cafile" },
};

/**
 * enlace_config_new:
 *
 * Returns: (transfer full): an empty configuration; set flags with
 * enlace_config_set(), then call enlace_config_resolve().
 */
EnlaceConfig *
enlace_config_new (void)
{
  EnlaceConfig *config = g_new0 (EnlaceConfig, 1);
  config->keyfile = g_key_file_new ();
  return config;
}

void
enlace_config_free (EnlaceConfig *config)
{
  if (config == NULL)
    return;
  for (int i = 0; i < ENLACE_N_SETTINGS; i++)
    {
      g_free (config->values[i]);
      g_free (config->describe[i]);
    }
  g_free (config->file);
  g_key_file_unref (config->keyfile);
  g_free (config);
}

/**
 * enlace_config_set:
 * @value: (nullable): the value; %NULL or "" leaves the setting unset
 *
 * Sets @setting unless a source earlier in the order already set it.
 */
void
enlace_config_set (EnlaceConfig *config, EnlaceSetting setting, const char *value,
                   EnlaceConfigSource source)
{
  g_return_if_fail (setting < ENLACE_N_SETTINGS);
  if (value == NULL || *value == '\0' || config->values[setting] != NULL)
    return;
  config->values[setting] = g_strdup (value);
  config->sources[setting] = source;
}

const char *
enlace_config_get (EnlaceConfig *config, EnlaceSetting setting)
{
  g_return_val_if_fail (setting < ENLACE_N_SETTINGS, NULL);
  return config->values[setting];
}

EnlaceConfigSource
enlace_config_get_source (EnlaceConfig *config, EnlaceSetting setting)
{
  g_return_val_if_fail (setting < ENLACE_N_SETTINGS, ENLACE_CONFIG_SOURCE_NONE);
  return config->sources[setting];
}

/**
 * enlace_config_source_describe:
 *
 * Returns: where @setting came from, for people: "--uri", "ENLACE_URI",
 * "/home/x/.config/enlace/enlace.conf", "local instance", "default".
 */
const char *
enlace_config_source_describe (EnlaceConfig *config, EnlaceSetting setting)
{
  g_return_val_if_fail (setting < ENLACE_N_SETTINGS, NULL);
  switch (config->sources[setting])
    {
    case ENLACE_CONFIG_SOURCE_FLAG:
      return settings[setting].flag;
    case ENLACE_CONFIG_SOURCE_ENV:
      return settings[setting].env;
    case ENLACE_CONFIG_SOURCE_FILE:
      return config->file;
    case ENLACE_CONFIG_SOURCE_LOCAL:
      return "local instance";
    case ENLACE_CONFIG_SOURCE_DEFAULT:
      return "default";
    case ENLACE_CONFIG_SOURCE_NONE:
    default:
      return "unset";
    }
}

/**
 * enlace_config_get_file:
 *
 * Returns: (nullable): the config file that was read, if any.
 */
const char *
enlace_config_get_file (EnlaceConfig *config)
{
  return config->file;
}

/**
 * enlace_config_get_keyfile:
 *
 * Returns: (transfer none): the config file's contents (empty if none was
 * read), for groups other than [directory].
 */
GKeyFile *
enlace_config_get_keyfile (EnlaceConfig *config)
{
  return config->keyfile;
}

static gboolean
load_keyfile (EnlaceConfig *config, const char *explicit_file, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) local_error = NULL;

  if (explicit_file != NULL)
    path = g_strdup (explicit_file);
  else
    path = g_build_filename (g_get_user_config_dir (), "enlace", "enlace.conf", NULL);

  if (!g_key_file_load_from_file (config->keyfile, path, G_KEY_FILE_NONE, &local_error))
    {
      /* Only a file the user named must exist. */
      if (explicit_file == NULL && g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, _("config file %s: %s"), path,
                   local_error->message);
      return FALSE;
    }
  config->file = g_steal_pointer (&path);
  return TRUE;
}

static gboolean
validate (EnlaceConfig *config, GError **error)
{
  const char *uri = config->values[ENLACE_SETTING_URI];
  const char *base = config->values[ENLACE_SETTING_BASE];
  LDAPURLDesc *desc = NULL;
  LDAPDN dn = NULL;

  /* One URL or several (fail-over), as libldap takes them. */
  g_auto(GStrv) uris = enlace_uri_list_split (uri);
  for (char **one = uris; *one != NULL; one++)
    {
      int rc = ldap_url_parse (*one, &desc);
      if (rc != LDAP_URL_SUCCESS)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("uri '%s' (from %s) is not an LDAP URL (ldap://, ldaps:// or ldapi://)"),
                       *one, enlace_config_source_describe (config, ENLACE_SETTING_URI));
          return FALSE;
        }
      ldap_free_urldesc (desc);
    }
  if (uri != NULL && uris[0] == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, _("uri (from %s) is empty"),
                   enlace_config_source_describe (config, ENLACE_SETTING_URI));
      return FALSE;
    }

  if (base != NULL)
    {
      if (ldap_str2dn (base, &dn, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS)
        {
          g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                       _("base '%s' (from %s) is not a valid DN (RFC 4514)"), base,
                       enlace_config_source_describe (config, ENLACE_SETTING_BASE));
          return FALSE;
        }
      ldap_dnfree (dn);
    }

  if (config->values[ENLACE_SETTING_BIND_DN] != NULL
      && config->values[ENLACE_SETTING_PASSWORD_FILE] == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("bind-dn is set (from %s) but no password file is: set --password-file "
                   "or ENLACE_PASSWORD_FILE (passwords are never taken on the command line)"),
                   enlace_config_source_describe (config, ENLACE_SETTING_BIND_DN));
      return FALSE;
    }
  return TRUE;
}

/**
 * enlace_config_resolve:
 * @config_file: (nullable): the file given with --config; %NULL for the default
 *
 * Fills every setting not given as a flag from the environment, then the
 * config file, then the local instance. A URI that is found nowhere is an
 * %ENLACE_ERROR_UNREACHABLE error that says how to set one.
 */
gboolean
enlace_config_resolve (EnlaceConfig *config, const char *config_file, GError **error)
{
  for (int i = 0; i < ENLACE_N_SETTINGS; i++)
    enlace_config_set (config, i, g_getenv (settings[i].env), ENLACE_CONFIG_SOURCE_ENV);

  if (!load_keyfile (config, config_file, error))
    return FALSE;
  /* An account is the file's server's: with the server named on the
   * command line or in the environment (enlace-local env, say, for the
   * owner's socket) and no account with it, the file's account does not
   * follow it there. */
  gboolean foreign = config->values[ENLACE_SETTING_URI] != NULL
                     && config->values[ENLACE_SETTING_BIND_DN] == NULL;
  for (int i = 0; i < ENLACE_N_SETTINGS; i++)
    {
      if (foreign && (i == ENLACE_SETTING_BIND_DN || i == ENLACE_SETTING_PASSWORD_FILE))
        continue;
      g_autofree char *value = g_key_file_get_string (config->keyfile, "directory",
                                                      settings[i].key, NULL);
      enlace_config_set (config, i, value, ENLACE_CONFIG_SOURCE_FILE);
    }

  if (config->values[ENLACE_SETTING_URI] == NULL)
    {
      g_autoptr(EnlaceLocal) local = enlace_local_new (NULL, NULL);
      if (local != NULL && enlace_local_is_set_up (local))
        {
          enlace_config_set (config, ENLACE_SETTING_URI, enlace_local_get_uri (local),
                             ENLACE_CONFIG_SOURCE_LOCAL);
          enlace_config_set (config, ENLACE_SETTING_BASE, enlace_local_get_base (local),
                             ENLACE_CONFIG_SOURCE_LOCAL);
        }
    }
  enlace_config_set (config, ENLACE_SETTING_BASE, DEFAULT_BASE, ENLACE_CONFIG_SOURCE_DEFAULT);

  if (config->values[ENLACE_SETTING_URI] == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_UNREACHABLE,
                   _("no directory configured: run 'enlace-local start', or set --uri, "
                   "ENLACE_URI or uri= in the [directory] group of %s"),
                   config->file ? config->file : "~/.config/enlace/enlace.conf");
      return FALSE;
    }
  return validate (config, error);
}

/**
 * enlace_read_password_file:
 * @path: the file
 * @what: what the password is for, for messages ("password-file")
 *
 * Reads a password from @path: one trailing line end is not part of it.
 * Warns (enlace_warning()), as OpenLDAP's tools do, when others may read
 * or write the file.
 *
 * Returns: (transfer full): the password, or %NULL with
 * %ENLACE_ERROR_INVALID.
 */
char *
enlace_read_password_file (const char *path, const char *what, GError **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr(GError) local_error = NULL;
  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, _("%s: %s"), what,
                   local_error->message);
      return NULL;
    }
  GStatBuf st;
  if (g_stat (path, &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    enlace_warning (_("%s %s is readable or writable by others (mode %04o): chmod 600 it"),
                    what, path, (guint) (st.st_mode & 07777));
  if (len > 0 && contents[len - 1] == '\n')
    contents[--len] = '\0';
  if (len > 0 && contents[len - 1] == '\r')
    contents[--len] = '\0';
  if (len == 0 || strlen (contents) != len)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("%s %s: the password must be non-empty and contain no NUL byte"), what,
                   path);
      return NULL;
    }
  return g_steal_pointer (&contents);
}

/**
 * enlace_config_read_password:
 *
 * Reads the configured password file (see enlace_read_password_file()).
 *
 * Returns: (transfer full): the password, or %NULL with an error.
 */
char *
enlace_config_read_password (EnlaceConfig *config, GError **error)
{
  const char *path = config->values[ENLACE_SETTING_PASSWORD_FILE];
  if (path == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, _("no password file configured"));
      return NULL;
    }
  g_autofree char *what = g_strdup_printf (_("password-file (from %s)"),
                                           enlace_config_source_describe (
                                               config, ENLACE_SETTING_PASSWORD_FILE));
  return enlace_read_password_file (path, what, error);
}
