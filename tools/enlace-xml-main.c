/* enlace-xml — the enlace commands that need libxml2 and libxslt. Users
 * run them as "enlace export" and so on; enlace executes this program
 * from $(pkglibexecdir) with the same arguments. */
#include "config.h"

#include <stdio.h>

#include "enlace-xml-builtins.h"

static const EnlaceCommand commands[] = {
  { "export", ENLACE_COMMAND_FLAGS_NONE, enlace_builtin_export,
    N_("Write the directory as an XML snapshot (schema/enlace-snapshot.xsd)") },
  { "import", ENLACE_COMMAND_ARGUMENTS | ENLACE_COMMAND_WRITES, enlace_builtin_import_xml,
    N_("Import an XML snapshot: validated whole first, then created or updated") },
  { "diff", ENLACE_COMMAND_ARGUMENTS | ENLACE_COMMAND_NO_DIRECTORY, enlace_builtin_diff,
    N_("Say what changed between two snapshots") },
  { "publish", ENLACE_COMMAND_ARGUMENTS | ENLACE_COMMAND_LAZY_DIRECTORY, enlace_builtin_publish,
    N_("Make the printable directory, also a self-contained web page") },
  { "report", ENLACE_COMMAND_ARGUMENTS | ENLACE_COMMAND_NO_DIRECTORY, enlace_builtin_report,
    N_("Reports: coverage by country, role and competence") },
  { NULL }
};

void
enlace_xml_progress (guint done, gpointer user_data)
{
  fprintf (stderr, "\r%s %u", (const char *) user_data, done);
  fflush (stderr);
}

int
main (int argc, char **argv)
{
  return enlace_command_main ("enlace",
                              N_("The enlace commands that read and write XML; run them as "
                                 "'enlace COMMAND'."),
                              commands, argc, argv);
}
