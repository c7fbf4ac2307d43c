/* enlace-curl.h — libcurl, opened on first use (private).
 *
 * Linking libcurl puts some 25 libraries into every enlace process; a
 * lookup then took 27% longer (13.5 ms against 17.1 ms, most of it the
 * dynamic loader), for the benefit of the few commands that send mail.
 * So libenlace compiles against curl's headers and dlopen()s the library,
 * RTLD_LOCAL, the first time a mail is sent or read. */
#pragma once

#include <glib.h>
#include <curl/curl.h>

typedef struct {
  CURL *(*easy_init) (void);
  CURLcode (*easy_setopt) (CURL *curl, CURLoption option, ...);
  CURLcode (*easy_perform) (CURL *curl);
  CURLcode (*easy_getinfo) (CURL *curl, CURLINFO info, ...);
  void (*easy_cleanup) (CURL *curl);
  const char *(*easy_strerror) (CURLcode code);
  struct curl_slist *(*slist_append) (struct curl_slist *list, const char *string);
  void (*slist_free_all) (struct curl_slist *list);
  /* The URL parser libcurl connects with (curl 7.62): enlace reads a mail
   * URL's host with it, so the host judged local is the host reached. */
  CURLU *(*url) (void);
  void (*url_cleanup) (CURLU *handle);
  CURLUcode (*url_set) (CURLU *handle, CURLUPart what, const char *part, unsigned int flags);
  CURLUcode (*url_get) (CURLU *handle, CURLUPart what, char **part, unsigned int flags);
  void (*free) (void *p);
} EnlaceCurl;

const EnlaceCurl *enlace_curl_get (GError **error);
