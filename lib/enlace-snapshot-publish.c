/* enlace-snapshot-publish.c — the printable directory: a snapshot through
 * schema/enlace-publish.xsl (libxslt). The stylesheet may read nothing
 * and write nothing but what it is given. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include "enlace-data.h"
#include "enlace-error.h"
#include "enlace-snapshot.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xsltStylesheet, xsltFreeStylesheet)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (xsltSecurityPrefs, xsltFreeSecurityPrefs)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)

static gboolean
locked_down (xsltSecurityPrefsPtr prefs)
{
  return xsltSetSecurityPrefs (prefs, XSLT_SECPREF_READ_FILE, xsltSecurityForbid) == 0
         && xsltSetSecurityPrefs (prefs, XSLT_SECPREF_WRITE_FILE, xsltSecurityForbid) == 0
         && xsltSetSecurityPrefs (prefs, XSLT_SECPREF_CREATE_DIRECTORY, xsltSecurityForbid) == 0
         && xsltSetSecurityPrefs (prefs, XSLT_SECPREF_READ_NETWORK, xsltSecurityForbid) == 0
         && xsltSetSecurityPrefs (prefs, XSLT_SECPREF_WRITE_NETWORK, xsltSecurityForbid) == 0;
}

/**
 * enlace_snapshot_publish:
 * @language: "es" or "en": the page's own words and the labels it shows
 * @output_path: the HTML file, written beside itself and renamed into place
 *
 * Makes the printable directory from a snapshot, validated first.
 */
gboolean
enlace_snapshot_publish (const char *snapshot_path, const char *language,
                         const char *output_path, GError **error)
{
  if (g_strcmp0 (language, "es") != 0 && g_strcmp0 (language, "en") != 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("language: '%s' is not one the directory is published in (es, en)"),
                   language != NULL ? language : "");
      return FALSE;
    }
  if (!enlace_snapshot_validate (snapshot_path, error))
    return FALSE;
  g_autofree char *xsl_path = enlace_data_find ("schema/enlace-publish.xsl", error);
  if (xsl_path == NULL)
    return FALSE;
  g_autoptr(xsltStylesheet) style = xsltParseStylesheetFile (BAD_CAST xsl_path);
  if (style == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot read the stylesheet %s"),
                   xsl_path);
      return FALSE;
    }
  g_autoptr(xmlDoc) doc = xmlReadFile (snapshot_path, NULL, XML_PARSE_NONET);
  if (doc == NULL)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, _("cannot read %s"), snapshot_path);
      return FALSE;
    }
  g_autoptr(xsltSecurityPrefs) prefs = xsltNewSecurityPrefs ();
  xsltTransformContextPtr ctxt = xsltNewTransformContext (style, doc);
  if (prefs == NULL || ctxt == NULL || !locked_down (prefs)
      || xsltSetCtxtSecurityPrefs (prefs, ctxt) != 0)
    {
      xsltFreeTransformContext (ctxt);
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot set up the stylesheet"));
      return FALSE;
    }
  g_autofree char *quoted = g_strdup_printf ("'%s'", language);
  const char *params[] = { "lang", quoted, NULL };
  g_autoptr(xmlDoc) result = xsltApplyStylesheetUser (style, doc, params, NULL, NULL, ctxt);
  gboolean transformed = result != NULL && ctxt->state == XSLT_STATE_OK;
  xsltFreeTransformContext (ctxt);
  if (!transformed)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("the stylesheet %s failed"),
                   xsl_path);
      return FALSE;
    }

  g_autofree char *tmp = g_strconcat (output_path, ".XXXXXX", NULL);
  int fd = g_mkstemp (tmp);
  if (fd < 0)
    {
      int errsv = errno;
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot create %s: %s"),
                   output_path, g_strerror (errsv));
      return FALSE;
    }
  gboolean ok = xsltSaveResultToFd (fd, result, style) >= 0;
  int errsv = errno;
  if (ok && fsync (fd) != 0)
    {
      errsv = errno;
      ok = FALSE;
    }
  if (close (fd) != 0 && ok)
    {
      errsv = errno;
      ok = FALSE;
    }
  if (ok && g_chmod (tmp, 0644) == 0 && g_rename (tmp, output_path) == 0)
    return TRUE;
  if (ok)
    errsv = errno;
  g_unlink (tmp);
  g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot write %s: %s"), output_path,
               g_strerror (errsv));
  return FALSE;
}
