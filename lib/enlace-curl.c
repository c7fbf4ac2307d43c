/* enlace-curl.c — open libcurl on first use; see enlace-curl.h for why. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <dlfcn.h>

#include "enlace-curl.h"
#include "enlace-error.h"

/* The soname has been libcurl.so.4 since 2006 (curl 7.16). */
#define CURL_SONAME "libcurl.so.4"

static EnlaceCurl curl;
static char *load_error;

static gpointer
load (gpointer data)
{
  void *handle = dlopen (CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
  CURLcode (*global_init) (long flags);
  if (handle == NULL)
    {
      load_error = g_strdup (dlerror ());
      return NULL;
    }
#define SYM(field, name)                                                  \
  if ((*(void **) &curl.field = dlsym (handle, name)) == NULL)            \
    {                                                                     \
      load_error = g_strdup_printf ("%s: no symbol %s", CURL_SONAME, name); \
      return NULL;                                                        \
    }
  SYM (easy_init, "curl_easy_init");
  SYM (easy_setopt, "curl_easy_setopt");
  SYM (easy_perform, "curl_easy_perform");
  SYM (easy_getinfo, "curl_easy_getinfo");
  SYM (easy_cleanup, "curl_easy_cleanup");
  SYM (easy_strerror, "curl_easy_strerror");
  SYM (slist_append, "curl_slist_append");
  SYM (slist_free_all, "curl_slist_free_all");
  SYM (url, "curl_url");
  SYM (url_cleanup, "curl_url_cleanup");
  SYM (url_set, "curl_url_set");
  SYM (url_get, "curl_url_get");
  SYM (free, "curl_free");
#undef SYM
  *(void **) &global_init = dlsym (handle, "curl_global_init");
  if (global_init == NULL || global_init (CURL_GLOBAL_DEFAULT) != CURLE_OK)
    {
      load_error = g_strdup_printf ("%s: curl_global_init failed", CURL_SONAME);
      return NULL;
    }
  /* The library stays loaded for the life of the process, as if linked. */
  return &curl;
}

/**
 * enlace_curl_get:
 *
 * Returns: (transfer none): libcurl's entry points, or %NULL with
 * %ENLACE_ERROR_FAILED if the library cannot be opened.
 */
const EnlaceCurl *
enlace_curl_get (GError **error)
{
  static GOnce once = G_ONCE_INIT;
  const EnlaceCurl *c = g_once (&once, load, NULL);
  if (c == NULL)
    g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED,
                 _("cannot load libcurl, needed for mail (%s): install libcurl4"), load_error);
  return c;
}
