/* curl-loop — the baseline for bench/mail.sh: a bare libcurl loop sending N
 * messages of SIZE bytes over one reused SMTP connection, the fastest a
 * client can go against that server. Prints messages per second.
 * Usage: curl-loop URL N SIZE */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct upload {
  const char *data;
  size_t len, pos;
};

static size_t
read_cb (char *buf, size_t size, size_t n, void *userdata)
{
  struct upload *u = userdata;
  size_t k = size * n < u->len - u->pos ? size * n : u->len - u->pos;
  memcpy (buf, u->data + u->pos, k);
  u->pos += k;
  return k;
}

int
main (int argc, char **argv)
{
  if (argc != 4)
    {
      fprintf (stderr, "usage: curl-loop URL N SIZE\n");
      return 2;
    }
  long n = atol (argv[2]), size = atol (argv[3]);
  char *msg = malloc (size + 1);
  int head = snprintf (msg, size, "From: <st@st.example>\r\nTo: <x@bench.example>\r\n"
                                  "Subject: bench\r\nMessage-ID: <b@st.example>\r\n\r\n");
  for (long i = head; i < size; i++)
    msg[i] = (i % 72 == 70) ? '\r' : (i % 72 == 71) ? '\n' : 'x';
  msg[size - 2] = '\r';
  msg[size - 1] = '\n';
  curl_global_init (CURL_GLOBAL_DEFAULT);
  CURL *h = curl_easy_init ();
  struct curl_slist *rcpt = curl_slist_append (NULL, "<x@bench.example>");
  curl_easy_setopt (h, CURLOPT_URL, argv[1]);
  curl_easy_setopt (h, CURLOPT_MAIL_FROM, "<st@st.example>");
  curl_easy_setopt (h, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt (h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt (h, CURLOPT_READFUNCTION, read_cb);
  struct timespec t0, t1;
  clock_gettime (CLOCK_MONOTONIC, &t0);
  for (long i = 0; i < n; i++)
    {
      struct upload u = { msg, (size_t) size, 0 };
      curl_easy_setopt (h, CURLOPT_READDATA, &u);
      CURLcode rc = curl_easy_perform (h);
      if (rc != CURLE_OK)
        {
          fprintf (stderr, "curl-loop: %s\n", curl_easy_strerror (rc));
          return 1;
        }
    }
  clock_gettime (CLOCK_MONOTONIC, &t1);
  double s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf ("%.1f\n", n / s);
  curl_slist_free_all (rcpt);
  curl_easy_cleanup (h);
  free (msg);
  return 0;
}
