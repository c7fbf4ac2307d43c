/* Tests of libenlace against a real slapd: connecting, paged search, the
 * schema version, seeding twice, status counts, hostile filter values. */
#include "config.h"

#include <ldap.h>
#include <string.h>

#include "enlace.h"
#include "libtest.h"

typedef struct {
  EnlaceTestServer *server;
  EnlaceDirectory *dir;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->server = enlace_test_server_start ();
  f->dir = enlace_test_server_connect (f->server);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->dir, enlace_directory_free);
  enlace_test_server_stop (f->server);
}

static char *
seed_path (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *rel = g_build_filename ("seeds", name, NULL);
  char *path = enlace_data_find (rel, &error);
  g_assert_no_error (error);
  return path;
}

static void
seed (Fixture *f, const char *name, EnlaceSeedStats *stats)
{
  g_autofree char *path = seed_path (name);
  g_autoptr(GError) error = NULL;
  g_assert_true (enlace_seed_apply (f->dir, path, FALSE, stats, NULL, NULL, &error));
  g_assert_no_error (error);
}

static gboolean
count_cb (EnlaceDirectory *dir, LDAPMessage *entry, gpointer user_data, GError **error)
{
  (*(guint *) user_data)++;
  return TRUE;
}

static guint
count (Fixture *f, const char *filter)
{
  guint n = 0;
  g_autoptr(GError) error = NULL;
  const char *attrs[] = { LDAP_NO_ATTRS, NULL };
  g_assert_true (enlace_directory_search (f->dir, f->server->base, LDAP_SCOPE_SUBTREE, filter,
                                          attrs, count_cb, &n, &error));
  g_assert_no_error (error);
  return n;
}

static void
test_whoami_is_rootdn (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *who = enlace_directory_whoami (f->dir, &error);
  g_assert_no_error (error);
  g_autofree char *expected = g_strdup_printf (
      "dn:gidNumber=%u+uidNumber=%u,cn=peercred,cn=external,cn=auth", getgid (), getuid ());
  g_assert_cmpstr (who, ==, expected);
}

static void
test_schema_version (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_assert_cmpint (enlace_directory_schema_version (f->dir, &error), ==, 2);
  g_assert_no_error (error);
}

static void
test_seed_twice_writes_nothing (Fixture *f, gconstpointer data)
{
  EnlaceSeedStats first = { 0 }, second = { 0 };
  seed (f, "base.ldif", &first);
  g_assert_cmpuint (first.added, >, 60);
  g_assert_cmpuint (first.updated + first.unchanged, ==, 0);
  seed (f, "base.ldif", &second);
  g_assert_cmpuint (second.added + second.updated, ==, 0);
  g_assert_cmpuint (second.unchanged, ==, first.added);
}

static void
test_seed_dry_run_writes_nothing (Fixture *f, gconstpointer data)
{
  g_autofree char *path = seed_path ("base.ldif");
  EnlaceSeedStats stats = { 0 };
  g_autoptr(GError) error = NULL;
  g_assert_true (enlace_seed_apply (f->dir, path, TRUE, &stats, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.added, >, 60);
  const char *attrs[] = { LDAP_NO_ATTRS, NULL };
  g_autoptr(EnlaceLdapMessage) res = enlace_directory_get_entry (f->dir, f->server->base, attrs, &error);
  g_assert_null (res);
  g_assert_error (error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND);
}

static void
test_status_counts (Fixture *f, gconstpointer data)
{
  EnlaceSeedStats stats = { 0 };
  EnlaceDirectoryStatus status;
  g_autoptr(GError) error = NULL;

  g_assert_true (enlace_directory_status_read (f->dir, &status, &error));
  g_assert_false (status.initialized);
  enlace_directory_status_clear (&status);

  seed (f, "base.ldif", &stats);
  seed (f, "demo.ldif", &stats);
  g_assert_true (enlace_directory_status_read (f->dir, &status, &error));
  g_assert_no_error (error);
  g_assert_true (status.initialized);
  g_assert_cmpint (status.schema_version, ==, 2);
  g_assert_cmpuint (status.countries, ==, 11);
  g_assert_cmpuint (status.liaisons[ENLACE_STATUS_PENDING], ==, 1);
  g_assert_cmpuint (status.liaisons[ENLACE_STATUS_RETIRED], ==, 1);
  g_assert_cmpuint (status.liaisons[ENLACE_STATUS_ACTIVE], ==,
                    count (f, "(&(objectClass=enlaceLiaison)(enlaceStatus=active))"));
  g_assert_cmpuint (status.institutions[ENLACE_STATUS_ACTIVE], ==,
                    count (f, "(objectClass=enlaceInstitution)"));
  g_assert_cmpuint (status.terms, ==, count (f, "(objectClass=enlaceTerm)"));
  enlace_directory_status_clear (&status);
}

/* More entries than one page (1,000) must all arrive. */
static void
test_paged_search_returns_everything (Fixture *f, gconstpointer data)
{
  EnlaceSeedStats stats = { 0 };
  LDAP *ld = enlace_directory_get_ldap (f->dir);
  const guint n = 1234;

  seed (f, "base.ldif", &stats);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("GT-L-%04u", i + 1);
      g_autofree char *dn = g_strdup_printf ("enlaceId=%s,c=GT,%s", id, f->server->base);
      char *oc[] = { "enlaceLiaison", NULL }, *ids[] = { id, NULL }, *cn[] = { "Test Person", NULL };
      char *sn[] = { "Person", NULL }, *c[] = { "GT", NULL }, *st[] = { "active", NULL };
      LDAPMod m[] = { { LDAP_MOD_ADD, "objectClass", { oc } }, { LDAP_MOD_ADD, "enlaceId", { ids } },
                      { LDAP_MOD_ADD, "cn", { cn } },          { LDAP_MOD_ADD, "sn", { sn } },
                      { LDAP_MOD_ADD, "c", { c } },            { LDAP_MOD_ADD, "enlaceStatus", { st } } };
      LDAPMod *mods[] = { &m[0], &m[1], &m[2], &m[3], &m[4], &m[5], NULL };
      g_assert_cmpint (ldap_add_ext_s (ld, dn, mods, NULL, NULL), ==, LDAP_SUCCESS);
    }
  g_assert_cmpuint (count (f, "(objectClass=enlaceLiaison)"), ==, n);
}

static void
test_search_missing_base_is_not_found (Fixture *f, gconstpointer data)
{
  guint n = 0;
  g_autoptr(GError) error = NULL;
  g_assert_false (enlace_directory_search (f->dir, "c=ZZ,o=enlace", LDAP_SCOPE_SUBTREE,
                                           "(objectClass=*)", NULL, count_cb, &n, &error));
  g_assert_error (error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND);
}

/* A hostile value finds only what it literally says. */
static void
test_hostile_filter_value_matches_nothing (Fixture *f, gconstpointer data)
{
  EnlaceSeedStats stats = { 0 };
  seed (f, "base.ldif", &stats);
  g_autofree char *hostile = enlace_filter_printf ("(&(objectClass=enlaceCountry)(c=%s))",
                                                   "*)(objectClass=*");
  g_assert_cmpuint (count (f, hostile), ==, 0);
  g_autofree char *plain = enlace_filter_printf ("(&(objectClass=enlaceCountry)(c=%s))", "GT");
  g_assert_cmpuint (count (f, plain), ==, 1);
}

static void
test_unreachable (void)
{
  g_autofree char *tmp = enlace_test_tmpdir ();
  g_autofree char *sock = g_build_filename (tmp, "none", NULL);
  g_autofree char *escaped = g_uri_escape_string (sock, NULL, FALSE);
  g_autofree char *uri = g_strconcat ("ldapi://", escaped, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlaceDirectory) dir = enlace_directory_connect (uri, "o=enlace", NULL, NULL, &error);
  g_assert_null (dir);
  g_assert_error (error, ENLACE_ERROR, ENLACE_ERROR_UNREACHABLE);
  enlace_test_rm_rf (tmp);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, setup, fn, teardown)
  ADD ("/directory/whoami-is-rootdn", test_whoami_is_rootdn);
  ADD ("/directory/schema-version", test_schema_version);
  ADD ("/directory/paged-search-returns-everything", test_paged_search_returns_everything);
  ADD ("/directory/search-missing-base-is-not-found", test_search_missing_base_is_not_found);
  ADD ("/directory/hostile-filter-value-matches-nothing", test_hostile_filter_value_matches_nothing);
  ADD ("/seed/twice-writes-nothing", test_seed_twice_writes_nothing);
  ADD ("/seed/dry-run-writes-nothing", test_seed_dry_run_writes_nothing);
  ADD ("/status/counts", test_status_counts);
#undef ADD
  g_test_add_func ("/directory/unreachable", test_unreachable);
  return g_test_run ();
}
