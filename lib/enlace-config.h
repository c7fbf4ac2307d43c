/* enlace-config.h — where enlace finds its directory.
 *
 * Each setting comes from the first of: a command-line flag, the
 * environment (ENLACE_URI, ENLACE_BASE, ENLACE_BIND_DN,
 * ENLACE_PASSWORD_FILE, ENLACE_CAFILE), the [directory] group of the config file
 * ($XDG_CONFIG_HOME/enlace/enlace.conf, or --config FILE), and finally the
 * local instance that `enlace-local start` runs in its default directory.
 * The file's bind-dn and password-file apply only to the file's uri: with
 * the URI given as a flag or in the environment, and no bind DN with it,
 * they are not read. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  ENLACE_CONFIG_SOURCE_NONE = 0,
  ENLACE_CONFIG_SOURCE_FLAG,
  ENLACE_CONFIG_SOURCE_ENV,
  ENLACE_CONFIG_SOURCE_FILE,
  ENLACE_CONFIG_SOURCE_LOCAL,
  ENLACE_CONFIG_SOURCE_DEFAULT,
} EnlaceConfigSource;

typedef enum {
  ENLACE_SETTING_URI,
  ENLACE_SETTING_BASE,
  ENLACE_SETTING_BIND_DN,
  ENLACE_SETTING_PASSWORD_FILE,
  ENLACE_SETTING_CAFILE, /* CA certificates for TLS; unset: the system's */
  ENLACE_N_SETTINGS
} EnlaceSetting;

typedef struct _EnlaceConfig EnlaceConfig;

EnlaceConfig *enlace_config_new (void);
void enlace_config_free (EnlaceConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceConfig, enlace_config_free)

void enlace_config_set (EnlaceConfig *config, EnlaceSetting setting, const char *value,
                        EnlaceConfigSource source);
const char *enlace_config_get (EnlaceConfig *config, EnlaceSetting setting);
EnlaceConfigSource enlace_config_get_source (EnlaceConfig *config, EnlaceSetting setting);
const char *enlace_config_source_describe (EnlaceConfig *config, EnlaceSetting setting);
const char *enlace_config_get_file (EnlaceConfig *config);
GKeyFile *enlace_config_get_keyfile (EnlaceConfig *config);

gboolean enlace_config_resolve (EnlaceConfig *config, const char *config_file, GError **error);
char *enlace_config_read_password (EnlaceConfig *config, GError **error);
char *enlace_read_password_file (const char *path, const char *what, GError **error);

G_END_DECLS
