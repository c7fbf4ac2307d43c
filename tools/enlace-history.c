/* enlace history — who changed a liaison, what, and when. */
#include "config.h"

#include "enlace-builtins.h"

ENLACE_BUILTIN_PROTO (history)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("ID"));
  if (!enlace_option_context_parse (context, NULL, &argc, &argv, invocation, error))
    return FALSE;
  const char *id = enlace_command_take_id (argc, argv, invocation, error);
  if (id == NULL)
    return FALSE;
  g_autoptr(EnlaceLiaison) liaison = enlace_liaison_get (invocation->directory, id, error);
  if (liaison == NULL)
    return FALSE;
  g_autoptr(GPtrArray) changes = enlace_history_read (invocation->directory, liaison->dn, error);
  if (changes == NULL)
    return FALSE;
  if (changes->len == 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND,
                   _("no change to %s is recorded (it may predate the history)"), liaison->id);
      return FALSE;
    }
  g_autoptr(GString) out = g_string_new (NULL);
  for (guint i = 0; i < changes->len; i++)
    {
      EnlaceChange *c = changes->pdata[i];
      g_string_append_printf (out, "%s  %-6s  %s\n", c->when, c->type ? c->type : "?",
                              *c->who ? c->who : _("(an account the history does not say)"));
      if (c->lost)
        g_string_append_printf (out, "    %s\n",
                                _("(the data holds this change, but the history has no record "
                                  "of it: lost, or made while none was kept; what changed is "
                                  "unknown)"));
      for (int j = 0; c->changes[j] != NULL; j++)
        {
          /* A value may hold anything: one line each, control characters escaped. */
          g_autofree char *shown = enlace_format_printable (c->changes[j]);
          g_string_append_printf (out, "    %s\n", shown);
        }
    }
  return enlace_command_write (out, error);
}
