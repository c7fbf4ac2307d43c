/* enlace-command.h — the command table, shared option parsing and dispatch
 * used by both programs, enlace and enlace-local. */
#pragma once

#include <glib.h>
#include <glib/gi18n.h>

#include "enlace.h"

G_BEGIN_DECLS

typedef enum {
  ENLACE_COMMAND_FLAGS_NONE = 0,
  ENLACE_COMMAND_NO_DIRECTORY = 1 << 0, /* does not open a connection */
  ENLACE_COMMAND_LOCAL = 1 << 1,        /* takes --dir: acts on a local instance */
  ENLACE_COMMAND_HIDDEN = 1 << 2,       /* left out of --help */
  ENLACE_COMMAND_ARGUMENTS = 1 << 3,    /* takes positional arguments */
  ENLACE_COMMAND_LAZY_DIRECTORY = 1 << 4, /* connects only if enlace_command_directory() asks */
  ENLACE_COMMAND_WRITES = 1 << 5,       /* writes: a replica hands over to its provider */
} EnlaceCommandFlags;

typedef struct _EnlaceCommand EnlaceCommand;

typedef struct {
  const char *prog;              /* "enlace" */
  const EnlaceCommand *command;  /* the one being run */
  EnlaceConfig *config;          /* resolved, unless NO_DIRECTORY */
  EnlaceDirectory *directory;    /* open, unless NO_DIRECTORY */
  EnlaceLocal *local;            /* for LOCAL commands */
  gboolean verbose;
} EnlaceInvocation;

typedef gboolean (*EnlaceBuiltinFunc) (int argc, char **argv, EnlaceInvocation *invocation,
                                       GError **error);

struct _EnlaceCommand {
  const char *name;
  EnlaceCommandFlags flags;
  EnlaceBuiltinFunc fn;
  const char *summary;
};

#define ENLACE_BUILTIN_PROTO(name)                                                           \
  gboolean enlace_builtin_##name (int argc, char **argv, EnlaceInvocation *invocation,      \
                                  GError **error)

int enlace_command_main (const char *prog, const char *description,
                         const EnlaceCommand *commands, int argc, char **argv);

gboolean enlace_option_context_parse (GOptionContext *context, const GOptionEntry *entries,
                                      int *argc, char ***argv, EnlaceInvocation *invocation,
                                      GError **error);

gboolean enlace_command_run_group (const EnlaceCommand *subcommands, int argc, char **argv,
                                   EnlaceInvocation *invocation, GError **error);
const char *enlace_command_take_id (int argc, char **argv, EnlaceInvocation *invocation,
                                    GError **error);
gboolean enlace_command_format (const char *name, EnlaceFormat *format, GError **error);
gboolean enlace_command_write (GString *text, GError **error);
EnlaceDirectory *enlace_command_directory (EnlaceInvocation *invocation, GError **error);
gboolean enlace_command_exec_helper (EnlaceInvocation *invocation, int argc, char **argv,
                                     GError **error);
void enlace_command_notify (EnlaceInvocation *invocation, EnlaceNotice notice, const char *id);
char **enlace_command_list (char **values);

G_END_DECLS

