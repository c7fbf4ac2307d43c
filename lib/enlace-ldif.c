/* enlace-ldif.c — LDIF through libldap (ldif_sput, ldif_read_record,
 * ldap_parse_ldif_record), so base64 and folding follow RFC 2849 exactly. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <lber.h>
#include <ldif.h>

#include "enlace-error.h"
#include "enlace-ldif.h"

/**
 * enlace_ldif_append:
 * @out: where the line goes
 * @attr: attribute description
 * @value: the value, @len bytes; base64-encoded when RFC 2849 requires it
 *
 * Appends one folded "attr: value" (or "attr:: base64") line.
 */
void
enlace_ldif_append (GString *out, const char *attr, const char *value, gsize len)
{
  gsize need = LDIF_SIZE_NEEDED (strlen (attr), len) + 1;
  g_autofree char *buf = g_malloc (need);
  char *p = buf;

  ldif_sput (&p, LDIF_PUT_VALUE, attr, value, len);
  *p = '\0';
  g_string_append (out, buf);
}

void
enlace_ldif_append_str (GString *out, const char *attr, const char *value)
{
  enlace_ldif_append (out, attr, value, strlen (value));
}

struct _EnlaceLdifReader {
  char *path;
  LDIFFP *fp;
  char *buf;
  int buflen;
  unsigned long lineno;
  LDIFRecord record;
  gboolean have_record;
};

/**
 * enlace_ldif_reader_open:
 *
 * Returns: (transfer full): a reader over the entries of the LDIF file at
 * @path, or %NULL with an error naming the file.
 */
EnlaceLdifReader *
enlace_ldif_reader_open (const char *path, GError **error)
{
  LDIFFP *fp = ldif_open (path, "r");
  if (fp == NULL)
    {
      int errsv = errno;
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot open %s: %s"), path,
                   g_strerror (errsv));
      return NULL;
    }
  EnlaceLdifReader *reader = g_new0 (EnlaceLdifReader, 1);
  reader->path = g_strdup (path);
  reader->fp = fp;
  return reader;
}

void
enlace_ldif_reader_free (EnlaceLdifReader *reader)
{
  if (reader == NULL)
    return;
  if (reader->have_record)
    ldap_ldif_record_done (&reader->record);
  if (reader->fp != NULL)
    ldif_close (reader->fp);
  /* ldif_read_record grows buf with ber_memrealloc. */
  ber_memfree (reader->buf);
  g_free (reader->path);
  g_free (reader);
}

/**
 * enlace_ldif_reader_next:
 * @dn: (out): the entry's DN, valid until the next call
 * @mods: (out): its attributes as a NULL-terminated LDAPMod array of
 *   LDAP_MOD_BVALUES adds, valid until the next call
 * @lineno: (out) (optional): the line the record ends on
 *
 * Returns: %TRUE with the next entry; %FALSE at the end (error unset) or
 * on a malformed record (%ENLACE_ERROR_INVALID naming file and line).
 */
gboolean
enlace_ldif_reader_next (EnlaceLdifReader *reader, const char **dn, LDAPMod ***mods,
                         gulong *lineno, GError **error)
{
  if (reader->have_record)
    {
      ldap_ldif_record_done (&reader->record);
      reader->have_record = FALSE;
    }

  unsigned long start = reader->lineno;
  if (ldif_read_record (reader->fp, &reader->lineno, &reader->buf, &reader->buflen) <= 0)
    return FALSE;

  struct berval bv = { strlen (reader->buf), reader->buf };
  memset (&reader->record, 0, sizeof reader->record);
  if (ldap_parse_ldif_record (&bv, reader->lineno, &reader->record, "enlace",
                              LDIF_DEFAULT_ADD | LDIF_ENTRIES_ONLY | LDIF_NO_CONTROLS)
      != LDAP_SUCCESS)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("%s: malformed LDIF record after line %lu"), reader->path, start);
      return FALSE;
    }
  reader->have_record = TRUE;
  if (reader->record.lr_op != LDAP_REQ_ADD)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("%s: the record ending on line %lu is not an entry"), reader->path,
                   reader->lineno);
      return FALSE;
    }
  *dn = reader->record.lr_dn.bv_val;
  *mods = reader->record.lrop_mods;
  if (lineno != NULL)
    *lineno = reader->lineno;
  return TRUE;
}
