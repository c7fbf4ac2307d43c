/* libtest.h — fixtures for the GTest programs: a private slapd per test,
 * started through enlace-local in the foreground and stopped by its pid. */
#pragma once

#include <glib.h>

#include "enlace.h"

typedef struct {
  char *dir;  /* temporary directory holding the instance */
  GPid pid;   /* slapd's own pid */
  char *uri;  /* ldapi:// URL of its socket */
  char *base; /* o=enlace */
} EnlaceTestServer;

EnlaceTestServer *enlace_test_server_start (void);
void enlace_test_server_stop (EnlaceTestServer *server);
EnlaceDirectory *enlace_test_server_connect (EnlaceTestServer *server);
char *enlace_test_tmpdir (void);
void enlace_test_rm_rf (const char *path);
