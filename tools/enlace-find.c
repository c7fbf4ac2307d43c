/* enlace find — look a counterpart up by country, role, network, name. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "enlace-builtins.h"

/* Update docs/enlace.1 and the completion when you change these options. */
static char *opt_country;
static char *opt_role;
static char *opt_network;
static char *opt_name;
static char *opt_status;

static GOptionEntry options[] = {
  { "country", 'c', 0, G_OPTION_ARG_STRING, &opt_country, N_("ISO 3166 code, e.g. GT"), "CC" },
  { "role", 'r', 0, G_OPTION_ARG_STRING, &opt_role, N_("role ID, e.g. smuggling-focal-point"), "ROLE" },
  { "network", 'N', 0, G_OPTION_ARG_STRING, &opt_network, N_("network ID, e.g. redtram"), "NETWORK" },
  { "name", 0, 0, G_OPTION_ARG_STRING, &opt_name, N_("part of the name"), "TEXT" },
  { "status", 's', 0, G_OPTION_ARG_STRING, &opt_status,
    N_("pending, active, retired, unverified or all (default: all but retired)"), "STATUS" },
  { NULL }
};

/* Pads by characters, not bytes, so accented names line up. */
static void
print_cell (const char *text, int width)
{
  const char *t = text ? text : "";
  printf ("%s%*s", t, MAX (0, width - (int) g_utf8_strlen (t, -1)), "");
}

ENLACE_BUILTIN_PROTO (find)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  if (!enlace_option_context_parse (context, options, &argc, &argv, invocation, error))
    return FALSE;

  EnlaceLiaisonQuery query = { opt_country, opt_role, opt_network, opt_name, opt_status };
  g_autoptr(GPtrArray) found = enlace_liaison_find (invocation->directory, &query, error);
  if (found == NULL)
    return FALSE;
  if (found->len == 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND, _("no liaison matches"));
      return FALSE;
    }

  const char *headers[] = { N_("ID"), N_("NAME"), N_("TITLE"), N_("EMAIL"), N_("PHONE"),
                            N_("ROLES"), N_("STATUS") };
  int widths[G_N_ELEMENTS (headers)] = { 0 };
  for (gsize c = 0; c < G_N_ELEMENTS (headers); c++)
    widths[c] = g_utf8_strlen (_(headers[c]), -1);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  for (guint i = 0; i < found->len; i++)
    {
      EnlaceLiaison *l = found->pdata[i];
      g_autofree char *roles = g_strjoinv (",", l->roles);
      char *row[] = { l->id, l->name, l->title, l->mail, l->phone, roles, l->status, NULL };
      char **copy = g_new0 (char *, G_N_ELEMENTS (headers) + 1);
      for (gsize c = 0; c < G_N_ELEMENTS (headers); c++)
        {
          copy[c] = g_strdup (row[c] ? row[c] : "");
          widths[c] = MAX (widths[c], (int) g_utf8_strlen (copy[c], -1));
        }
      g_ptr_array_add (rows, copy);
    }

  for (gsize c = 0; c < G_N_ELEMENTS (headers); c++)
    {
      print_cell (_(headers[c]), c + 1 < G_N_ELEMENTS (headers) ? widths[c] + 2 : 0);
    }
  putchar ('\n');
  for (guint i = 0; i < rows->len; i++)
    {
      char **row = rows->pdata[i];
      for (gsize c = 0; c < G_N_ELEMENTS (headers); c++)
        print_cell (row[c], c + 1 < G_N_ELEMENTS (headers) ? widths[c] + 2 : 0);
      putchar ('\n');
    }
  return TRUE;
}
