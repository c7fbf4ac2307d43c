/* enlace status — which directory, which schema, and what it holds. */
#include "config.h"

#include <stdio.h>

#include "enlace-builtins.h"

static void
print_counts (const char *label, const guint counts[ENLACE_N_STATUSES])
{
  guint total = 0;
  for (int i = 0; i < ENLACE_N_STATUSES; i++)
    total += counts[i];
  printf ("%-14s %u", label, total);
  const char *sep = " (";
  for (int i = 0; i < ENLACE_N_STATUSES; i++)
    {
      if (i == ENLACE_STATUS_OTHER && counts[i] == 0)
        continue;
      printf ("%s%u %s", sep, counts[i], enlace_status_to_string (i));
      sep = ", ";
    }
  printf (")\n");
}

ENLACE_BUILTIN_PROTO (status)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  if (!enlace_option_context_parse (context, NULL, &argc, &argv, invocation, error))
    return FALSE;

  EnlaceConfig *config = invocation->config;
  EnlaceDirectoryStatus status;
  if (!enlace_directory_status_read (invocation->directory, &status, error))
    return FALSE;

  printf ("%-14s %s (%s)\n", _("server:"), enlace_config_get (config, ENLACE_SETTING_URI),
          enlace_config_source_describe (config, ENLACE_SETTING_URI));
  /* With several servers, the one that answered. */
  const char *used = enlace_directory_get_uri (invocation->directory);
  if (g_strcmp0 (used, enlace_config_get (config, ENLACE_SETTING_URI)) != 0)
    printf ("%-14s %s\n", _("answered:"), used);
  printf ("%-14s %s (%s)\n", _("base:"), enlace_config_get (config, ENLACE_SETTING_BASE),
          enlace_config_source_describe (config, ENLACE_SETTING_BASE));
  printf ("%-14s %s\n", _("bound as:"), *status.authzid ? status.authzid : _("anonymous"));
  if (status.schema_version == 0)
    printf ("%-14s %s\n", _("schema:"), _("none: the server has no enlace schema"));
  else
    printf ("%-14s %d\n", _("schema:"), status.schema_version);

  if (status.schema_version > 0 && !status.initialized)
    printf ("%-14s %s\n", _("contents:"), _("empty; run 'enlace init'"));
  else if (status.schema_version > 0)
    {
      printf ("%-14s %u\n", _("countries:"), status.countries);
      printf ("%-14s %u\n", _("terms:"), status.terms);
      print_counts (_("institutions:"), status.institutions);
      print_counts (_("liaisons:"), status.liaisons);
    }
  enlace_directory_status_clear (&status);
  return TRUE;
}
