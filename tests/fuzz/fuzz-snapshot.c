/* fuzz-snapshot.c — libFuzzer harness for the XML import path short of
 * the directory: well-formedness and XSD validation with line numbers,
 * then reading every entry into a record, as enlace import FILE.xml does
 * before it writes. `make fuzz` builds and runs it (ENLACE_DATA_PATH must
 * name the source tree, for schema/enlace-snapshot.xsd). */
#include "config.h"

#include <stdint.h>
#include <libxml/parser.h>

#include "enlace-snapshot.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
quiet (void *ctx, const char *msg, ...)
{
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gboolean initialised;
  if (!initialised)
    {
      xmlSetGenericErrorFunc (NULL, quiet);
      initialised = TRUE;
    }
  g_autoptr(GError) error = NULL;
  /* Even an invalid document is read: the reader must never trust it. */
  gboolean valid = enlace_snapshot_validate_memory ((const char *) data, size, &error);
  g_autoptr(EnlaceSnapshotReader) reader
      = enlace_snapshot_reader_new_memory ((const char *) data, size, NULL);
  if (reader == NULL)
    return 0;
  g_autoptr(GError) read_error = NULL;
  for (;;)
    {
      g_autoptr(EnlaceRecord) record = enlace_snapshot_reader_next (reader, &read_error);
      if (record == NULL)
        break;
      /* A valid document's records have their ID. */
      if (valid && enlace_record_id (record) == NULL)
        __builtin_trap ();
      (void) enlace_record_get (record, "name");
    }
  (void) enlace_snapshot_reader_get (reader, "generated");
  return 0;
}
