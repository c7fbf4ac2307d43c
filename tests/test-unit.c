/* Unit tests for libenlace's pure logic: escaping, errors, configuration,
 * LDIF, data lookup, the local instance's paths. No server. */
#include "config.h"

#include <glib/gstdio.h>
#include <ldap.h>
#include <string.h>

#include "enlace.h"
#include "libtest.h"

typedef struct {
  const char *in;
  const char *out;
} EscapeCase;

static const EscapeCase filter_cases[] = {
  { "plain", "plain" },
  { "*)(objectClass=*", "\\2A\\29\\28objectClass=\\2A" },
  { "back\\slash", "back\\5Cslash" },
  /* libldap escapes every byte outside ASCII; the server matches the same. */
  { "Peña Ñandú", "Pe\\C3\\B1a \\C3\\91and\\C3\\BA" },
  { "", "" },
};

static void
test_filter_escape (gconstpointer data)
{
  const EscapeCase *c = data;
  g_autofree char *escaped = enlace_filter_escape (c->in);
  g_assert_cmpstr (escaped, ==, c->out);
}

static void
test_filter_printf_escapes_every_value (void)
{
  g_autofree char *filter = enlace_filter_printf ("(&(c=%s)(cn=%s*))", "GT", "a*)(|(x=*");
  g_assert_cmpstr (filter, ==, "(&(c=GT)(cn=a\\2A\\29\\28|\\28x=\\2A*))");
}

typedef struct {
  int ldap_rc;
  int code;
} LdapCase;

static const LdapCase ldap_cases[] = {
  { LDAP_NO_SUCH_OBJECT, ENLACE_ERROR_NOT_FOUND },
  { LDAP_SERVER_DOWN, ENLACE_ERROR_UNREACHABLE },
  { LDAP_CONNECT_ERROR, ENLACE_ERROR_UNREACHABLE },
  { LDAP_INSUFFICIENT_ACCESS, ENLACE_ERROR_PERMISSION },
  { LDAP_INVALID_CREDENTIALS, ENLACE_ERROR_PERMISSION },
  { LDAP_ALREADY_EXISTS, ENLACE_ERROR_CONFLICT },
  { LDAP_CONSTRAINT_VIOLATION, ENLACE_ERROR_CONFLICT },
  { LDAP_ASSERTION_FAILED, ENLACE_ERROR_CONFLICT },
  { LDAP_INVALID_SYNTAX, ENLACE_ERROR_INVALID },
  { LDAP_OBJECT_CLASS_VIOLATION, ENLACE_ERROR_INVALID },
  { LDAP_OTHER, ENLACE_ERROR_FAILED },
};

static void
test_ldap_error_mapping (gconstpointer data)
{
  const LdapCase *c = data;
  g_autoptr(GError) error = NULL;
  g_assert_false (enlace_set_ldap_error (&error, c->ldap_rc, "diag", "doing %s", "x"));
  g_assert_error (error, ENLACE_ERROR, c->code);
  g_assert_true (g_str_has_prefix (error->message, "doing x: "));
  g_assert_nonnull (strstr (error->message, ldap_err2string (c->ldap_rc)));
  g_assert_nonnull (strstr (error->message, "(diag)"));
  g_assert_cmpint (enlace_error_exit_code (error), ==, c->code);
}

static void
test_exit_codes (void)
{
  g_autoptr(GError) option = g_error_new_literal (G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "x");
  g_autoptr(GError) other = g_error_new_literal (G_FILE_ERROR, G_FILE_ERROR_FAILED, "x");
  g_assert_cmpint (enlace_error_exit_code (NULL), ==, 0);
  g_assert_cmpint (enlace_error_exit_code (option), ==, 2);
  g_assert_cmpint (enlace_error_exit_code (other), ==, 6);
}

/* Each config test runs with a clean environment; G_TEST_OPTION_ISOLATE_DIRS
 * gives it its own XDG directories (and resets GLib's cache of them). */
typedef struct {
  char *tmp;
} ConfigFixture;

static void
config_setup (ConfigFixture *f, gconstpointer data)
{
  f->tmp = enlace_test_tmpdir ();
  g_unsetenv ("ENLACE_URI");
  g_unsetenv ("ENLACE_BASE");
  g_unsetenv ("ENLACE_BIND_DN");
  g_unsetenv ("ENLACE_PASSWORD_FILE");
}

static void
config_teardown (ConfigFixture *f, gconstpointer data)
{
  enlace_test_rm_rf (f->tmp);
  g_free (f->tmp);
}

static char *
write_file (const char *dir, const char *name, const char *contents)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_config_flag_beats_env_beats_file (ConfigFixture *f, gconstpointer data)
{
  g_autofree char *file = write_file (f->tmp, "a.conf",
                                      "[directory]\nuri=ldap://file.example/\nbase=o=file\n"
                                      "bind-dn=cn=file\npassword-file=/file\n");
  g_setenv ("ENLACE_URI", "ldap://env.example/", TRUE);
  g_setenv ("ENLACE_BIND_DN", "cn=env", TRUE);
  g_autoptr(EnlaceConfig) config = enlace_config_new ();
  g_autoptr(GError) error = NULL;

  enlace_config_set (config, ENLACE_SETTING_URI, "ldap://flag.example/", ENLACE_CONFIG_SOURCE_FLAG);
  g_assert_true (enlace_config_resolve (config, file, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (enlace_config_get (config, ENLACE_SETTING_URI), ==, "ldap://flag.example/");
  g_assert_cmpint (enlace_config_get_source (config, ENLACE_SETTING_URI), ==, ENLACE_CONFIG_SOURCE_FLAG);
  g_assert_cmpstr (enlace_config_get (config, ENLACE_SETTING_BIND_DN), ==, "cn=env");
  g_assert_cmpstr (enlace_config_source_describe (config, ENLACE_SETTING_BIND_DN), ==, "ENLACE_BIND_DN");
  g_assert_cmpstr (enlace_config_get (config, ENLACE_SETTING_BASE), ==, "o=file");
  g_assert_cmpstr (enlace_config_source_describe (config, ENLACE_SETTING_BASE), ==, file);
  g_assert_cmpstr (enlace_config_get (config, ENLACE_SETTING_PASSWORD_FILE), ==, "/file");
}

/* The file's account is the file's server's: it does not follow a URI
 * from the environment that comes without an account (enlace-local env). */
static void
test_config_file_account_stays_with_file_uri (ConfigFixture *f, gconstpointer data)
{
  g_autofree char *file = write_file (f->tmp, "b.conf",
                                      "[directory]\nuri=ldaps://file.example/\n"
                                      "bind-dn=cn=file\npassword-file=/file\ncafile=/ca.pem\n");
  g_setenv ("ENLACE_URI", "ldapi://%2Ftmp%2Fx%2Fldapi", TRUE);
  g_unsetenv ("ENLACE_BIND_DN");
  g_unsetenv ("ENLACE_PASSWORD_FILE");
  g_autoptr(EnlaceConfig) config = enlace_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (enlace_config_resolve (config, file, &error));
  g_assert_no_error (error);
  g_assert_null (enlace_config_get (config, ENLACE_SETTING_BIND_DN));
  g_assert_null (enlace_config_get (config, ENLACE_SETTING_PASSWORD_FILE));
  g_assert_cmpstr (enlace_config_get (config, ENLACE_SETTING_CAFILE), ==, "/ca.pem");

  g_autoptr(EnlaceConfig) same = enlace_config_new ();
  g_unsetenv ("ENLACE_URI");
  g_assert_true (enlace_config_resolve (same, file, &error));
  g_assert_cmpstr (enlace_config_get (same, ENLACE_SETTING_BIND_DN), ==, "cn=file");
  g_assert_cmpstr (enlace_config_get (same, ENLACE_SETTING_PASSWORD_FILE), ==, "/file");
}

static void
test_config_default_file_and_base (ConfigFixture *f, gconstpointer data)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "enlace", NULL);
  g_mkdir_with_parents (dir, 0700);
  g_autofree char *file = write_file (dir, "enlace.conf", "[directory]\nuri=ldap://127.0.0.1:9/\n");
  g_autoptr(EnlaceConfig) config = enlace_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (enlace_config_resolve (config, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (enlace_config_get_file (config), ==, file);
  g_assert_cmpint (enlace_config_get_source (config, ENLACE_SETTING_URI), ==, ENLACE_CONFIG_SOURCE_FILE);
  g_assert_cmpstr (enlace_config_get (config, ENLACE_SETTING_BASE), ==, "o=enlace");
  g_assert_cmpint (enlace_config_get_source (config, ENLACE_SETTING_BASE), ==, ENLACE_CONFIG_SOURCE_DEFAULT);
}

static void
test_config_nothing_is_unreachable (ConfigFixture *f, gconstpointer data)
{
  g_autoptr(EnlaceConfig) config = enlace_config_new ();
  g_autoptr(GError) error = NULL;
  g_assert_false (enlace_config_resolve (config, NULL, &error));
  g_assert_error (error, ENLACE_ERROR, ENLACE_ERROR_UNREACHABLE);
}

static void
test_config_rejects_bad_values (ConfigFixture *f, gconstpointer data)
{
  const struct { EnlaceSetting setting; const char *value; const char *needle; } cases[] = {
    { ENLACE_SETTING_URI, "http://example.org/", "uri 'http://example.org/'" },
    { ENLACE_SETTING_BASE, "no equals sign", "base 'no equals sign'" },
    { ENLACE_SETTING_BIND_DN, "cn=x,o=enlace", "no password file" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(EnlaceConfig) config = enlace_config_new ();
      g_autoptr(GError) error = NULL;
      /* The first source to set a value wins, so the flag goes first. */
      enlace_config_set (config, cases[i].setting, cases[i].value, ENLACE_CONFIG_SOURCE_FLAG);
      enlace_config_set (config, ENLACE_SETTING_URI, "ldap://127.0.0.1:9/", ENLACE_CONFIG_SOURCE_ENV);
      g_assert_false (enlace_config_resolve (config, NULL, &error));
      g_assert_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, cases[i].needle));
    }
}

static void
test_config_password_file (ConfigFixture *f, gconstpointer data)
{
  g_autofree char *pw = write_file (f->tmp, "pw", "s3cret\n");
  g_autofree char *empty = write_file (f->tmp, "empty", "\n");
  g_autoptr(EnlaceConfig) config = enlace_config_new ();
  g_autoptr(EnlaceConfig) config2 = enlace_config_new ();
  g_autoptr(GError) error = NULL;

  enlace_config_set (config, ENLACE_SETTING_PASSWORD_FILE, pw, ENLACE_CONFIG_SOURCE_FLAG);
  g_autofree char *password = enlace_config_read_password (config, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "s3cret");

  enlace_config_set (config2, ENLACE_SETTING_PASSWORD_FILE, empty, ENLACE_CONFIG_SOURCE_FLAG);
  g_autofree char *none = enlace_config_read_password (config2, &error);
  g_assert_null (none);
  g_assert_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID);
}

static void
test_config_local_instance_last (ConfigFixture *f, gconstpointer data)
{
  g_autofree char *dir = g_build_filename (g_get_user_state_dir (), "enlace", NULL);
  g_autofree char *slapd_d = g_build_filename (dir, "slapd.d", NULL);
  g_mkdir_with_parents (slapd_d, 0700);
  g_autofree char *conf = write_file (dir, "enlace-local.conf", "[instance]\nbase=o=local\nport=0\n");
  g_autoptr(EnlaceConfig) config = enlace_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (enlace_config_resolve (config, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (enlace_config_get (config, ENLACE_SETTING_URI), "ldapi://%2F"));
  g_assert_cmpint (enlace_config_get_source (config, ENLACE_SETTING_URI), ==, ENLACE_CONFIG_SOURCE_LOCAL);
  g_assert_cmpstr (enlace_config_get (config, ENLACE_SETTING_BASE), ==, "o=local");
}

static void
test_ldif_round_trip (void)
{
  /* Values RFC 2849 says must be base64: non-ASCII, leading space, ':'
   * or '<' first, a newline inside, a trailing space. */
  const char *values[] = { "Ana Peña", " leading", ":colon", "<angle", "two\nlines", "trailing ", "plain" };
  g_autoptr(GString) ldif = g_string_new ("dn: cn=x,o=enlace\n");
  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    enlace_ldif_append_str (ldif, "description", values[i]);
  g_assert_nonnull (strstr (ldif->str, "description: plain\n"));
  g_assert_null (strstr (ldif->str, "description: Ana"));

  g_autofree char *tmp = enlace_test_tmpdir ();
  g_autofree char *path = write_file (tmp, "x.ldif", ldif->str);
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlaceLdifReader) reader = enlace_ldif_reader_open (path, &error);
  g_assert_no_error (error);
  const char *dn = NULL;
  LDAPMod **mods = NULL;
  g_assert_true (enlace_ldif_reader_next (reader, &dn, &mods, NULL, &error));
  g_assert_cmpstr (dn, ==, "cn=x,o=enlace");
  g_assert_cmpstr (mods[0]->mod_type, ==, "description");
  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_assert_nonnull (mods[0]->mod_bvalues[i]);
      g_assert_cmpmem (mods[0]->mod_bvalues[i]->bv_val, mods[0]->mod_bvalues[i]->bv_len,
                       values[i], strlen (values[i]));
    }
  g_assert_false (enlace_ldif_reader_next (reader, &dn, &mods, NULL, &error));
  g_assert_no_error (error);
  enlace_test_rm_rf (tmp);
}

static void
test_ldif_rejects_changes (void)
{
  g_autofree char *tmp = enlace_test_tmpdir ();
  g_autofree char *path = write_file (tmp, "x.ldif", "dn: cn=x,o=enlace\nchangetype: delete\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlaceLdifReader) reader = enlace_ldif_reader_open (path, &error);
  const char *dn = NULL;
  LDAPMod **mods = NULL;
  g_assert_false (enlace_ldif_reader_next (reader, &dn, &mods, NULL, &error));
  g_assert_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID);
  enlace_test_rm_rf (tmp);
}

static void
test_data_path (void)
{
  g_autofree char *tmp = enlace_test_tmpdir ();
  g_autofree char *seeds = g_build_filename (tmp, "seeds", NULL);
  g_mkdir (seeds, 0700);
  g_autofree char *file = write_file (seeds, "base.ldif", "");
  g_autofree char *old = g_strdup (g_getenv ("ENLACE_DATA_PATH"));
  g_autofree char *path_var = g_strconcat ("/nonexistent:", tmp, NULL);
  g_autoptr(GError) error = NULL;

  g_setenv ("ENLACE_DATA_PATH", path_var, TRUE);
  g_autofree char *found = enlace_data_find ("seeds/base.ldif", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, file);
  g_autofree char *missing = enlace_data_find ("seeds/none.ldif", &error);
  g_assert_null (missing);
  g_assert_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "/nonexistent"));
  if (old)
    g_setenv ("ENLACE_DATA_PATH", old, TRUE);
  enlace_test_rm_rf (tmp);
}

static void
test_local_paths (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlaceLocal) local = enlace_local_new ("/tmp/a b/x", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (enlace_local_get_uri (local), ==, "ldapi://%2Ftmp%2Fa%20b%2Fx%2Fldapi");
  g_assert_cmpstr (enlace_local_get_base (local), ==, "o=enlace");
  g_assert_false (enlace_local_is_set_up (local));
  g_assert_cmpint (enlace_local_get_pid (local), ==, 0);

  g_autofree char *long_dir = g_strnfill (120, 'x');
  g_autofree char *path = g_strconcat ("/tmp/", long_dir, NULL);
  g_autoptr(EnlaceLocal) too_long = enlace_local_new (path, &error);
  g_assert_null (too_long);
  g_assert_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID);
}

typedef struct {
  const char *in;
  const char *out; /* NULL: refused */
} ValidCase;

static const ValidCase email_cases[] = {
  { "ana.pena@cancilleria.gt.example", "ana.pena@cancilleria.gt.example" },
  { "Ana@Example.ORG", "Ana@example.org" },
  { "ana@cancillería.gt", "ana@xn--cancillera-s8a.gt" },
  { "o'brien+enlace@x.example", "o'brien+enlace@x.example" },
  { "ana@", NULL },           { "@x.example", NULL },     { "ana@localhost", NULL },
  { "aná@x.example", NULL },  { "a..b@x.example", NULL }, { ".a@x.example", NULL },
  { "a b@x.example", NULL },  { "a@-x.example", NULL },   { "a@x..example", NULL },
  { "a@b.example\r\nBcc: c@d.example", NULL },            { "a@192.168.1.1", NULL },
};

static void
test_email (gconstpointer data)
{
  const ValidCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = enlace_validate_email ("email", c->in, &error);
  g_assert_cmpstr (out, ==, c->out);
  if (c->out == NULL)
    {
      g_assert_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID);
      g_assert_true (g_str_has_prefix (error->message, "email '"));
    }
}

typedef struct {
  const char *in;
  const char *code;
  const char *out;
} PhoneCase;

static const PhoneCase phone_cases[] = {
  { "2200-1234", "502", "+50222001234" },   { "+502 2200 1234", "502", "+50222001234" },
  { "00502 2200 1234", "502", "+50222001234" }, { "(202) 555-0142", "1", "+12025550142" },
  { "1 202 555 0142", "1", "+12025550142" }, { "55 1234 5678", "52", "+525512345678" },
  { "+1 (809) 555.0100", "1", "+18095550100" },
  { "call me", "502", NULL },               { "2200-1234 ext 5", "502", NULL },
  { "123", "502", NULL },                   { "+1234567890123456", "502", NULL },
  { "22+001234", "502", NULL },             { "2200-1234", NULL, NULL },
};

static void
test_phone (gconstpointer data)
{
  const PhoneCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = enlace_phone_normalize ("phone", c->in, c->code, &error);
  g_assert_cmpstr (out, ==, c->out);
  if (c->out == NULL)
    g_assert_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID);
}

static void
test_text (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *nfc = enlace_validate_text ("surname", "Jose\xcc\x81", 128, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (nfc, ==, "Jos\xc3\xa9");
  /* 128 characters pass, 129 do not; characters, not bytes. */
  g_autofree char *max = g_strnfill (64, 'a');
  g_autofree char *accented = g_strconcat (max, "ññññññññññññññññññññññññññññññññññññññññññññññññññññññññññññññññ", NULL);
  g_autofree char *ok = enlace_validate_text ("surname", accented, 128, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ok);
  const char *bad[] = { "", " a", "a ", "a\nb", "a\rb", "a\tb", "\xff", "a\x7f" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) e = NULL;
      g_autofree char *out = enlace_validate_text ("surname", bad[i], 128, &e);
      g_assert_null (out);
      g_assert_error (e, ENLACE_ERROR, ENLACE_ERROR_INVALID);
      g_assert_true (g_str_has_prefix (e->message, "surname"));
      /* Messages never carry the raw control characters or bytes. */
      g_assert_null (strchr (e->message, '\n'));
      g_assert_true (g_utf8_validate (e->message, -1, NULL));
    }
}

static void
test_ids_terms_languages_dates (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = enlace_validate_id ("ID", "gt-l-0042", &error);
  g_assert_cmpstr (id, ==, "GT-L-0042");
  const char *bad_ids[] = { "GT-L-42", "GT-X-0001", "GT-L-0001\n", "*", "GT-L-0001)(c=*", "" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad_ids); i++)
    {
      g_autoptr(GError) e = NULL;
      g_autofree char *out = enlace_validate_id ("ID", bad_ids[i], &e);
      g_assert_null (out);
      g_assert_error (e, ENLACE_ERROR, ENLACE_ERROR_INVALID);
    }
  g_autofree char *term = enlace_validate_term ("role", "Liaison-Prosecutor", &error);
  g_assert_cmpstr (term, ==, "liaison-prosecutor");
  g_autofree char *lang = enlace_validate_language ("language", "PT-br", &error);
  g_assert_cmpstr (lang, ==, "pt-BR");
  g_autofree char *date = enlace_date_to_generalized ("date", "2024-02-29", &error);
  g_assert_cmpstr (date, ==, "20240229000000Z");
  g_autofree char *back = enlace_date_from_generalized (date);
  g_assert_cmpstr (back, ==, "2024-02-29");
  const char *bad_dates[] = { "2023-02-29", "2026-13-01", "2026-1-01", "26-01-01", "2026-01-01x" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad_dates); i++)
    {
      g_autoptr(GError) e = NULL;
      g_autofree char *out = enlace_date_to_generalized ("date", bad_dates[i], &e);
      g_assert_null (out);
      g_assert_error (e, ENLACE_ERROR, ENLACE_ERROR_INVALID);
    }
  g_setenv ("ENLACE_NOW", "2027-01-15", TRUE);
  g_autofree char *today = enlace_today ();
  g_assert_cmpstr (today, ==, "2027-01-15");
  g_unsetenv ("ENLACE_NOW");
  g_auto(GStrv) list = enlace_split_list (" es, en ;;fr ", ",;");
  g_assert_cmpstrv (list, ((const char *[]){ "es", "en", "fr", NULL }));
}

static void
test_dn_child_escapes (void)
{
  g_autofree char *dn = enlace_dn_child ("cn", ", + \" \\ < > ; =", "o=enlace");
  g_assert_cmpstr (dn, ==, "cn=\\2C \\2B \\22 \\5C \\3C \\3E \\3B \\3D,o=enlace");
  g_autofree char *hash = enlace_dn_child ("cn", "#x ", "o=enlace");
  g_autofree char *first = enlace_dn_first_value (hash);
  g_assert_cmpstr (first, ==, "#x ");
  g_autofree char *round = enlace_dn_first_value (dn);
  g_assert_cmpstr (round, ==, ", + \" \\ < > ; =");
}

static void
test_json_string (void)
{
  const struct { const char *in, *out; } cases[] = {
    { "plain", "\"plain\"" },
    { "Peña \"la jefa\"", "\"Peña \\\"la jefa\\\"\"" },
    { "back\\slash", "\"back\\\\slash\"" },
    { "a\nb\rc\td", "\"a\\nb\\rc\\td\"" },
    { "\x01\x1f\x7f", "\"\\u0001\\u001f\x7f\"" },
    { "line\xe2\x80\xa8sep", "\"line\\u2028sep\"" },
    { "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"" },
    { "", "\"\"" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) out = g_string_new (NULL);
      enlace_format_json_string (out, cases[i].in);
      g_assert_cmpstr (out->str, ==, cases[i].out);
    }
  /* Invalid UTF-8 comes out as valid UTF-8. */
  g_autoptr(GString) bad = g_string_new (NULL);
  enlace_format_json_string (bad, "Pe\xf1" "a");
  g_assert_true (g_utf8_validate (bad->str, -1, NULL));
}

static void
test_status_names (void)
{
  for (int i = 0; i < ENLACE_STATUS_OTHER; i++)
    g_assert_cmpint (enlace_status_from_string (enlace_status_to_string (i)), ==, i);
  g_assert_cmpint (enlace_status_from_string ("ACTIVE"), ==, ENLACE_STATUS_ACTIVE);
  g_assert_cmpint (enlace_status_from_string ("bogus"), ==, ENLACE_STATUS_OTHER);
  g_assert_cmpint (enlace_status_from_string (NULL), ==, ENLACE_STATUS_OTHER);
}

/* ---- mail ----------------------------------------------------------------- */

static EnlaceMessage *
sample_message (void)
{
  EnlaceMessage *msg = enlace_message_new ("Secretaría Técnica", "st@st.example");
  enlace_message_add_to (msg, "José Ángel Quiñónez", "jose@mp.gt.example");
  enlace_message_add_to (msg, "Plain \"Quoted\" Name", "plain@example.org");
  enlace_message_set_subject (msg, "Confirmación anual del directorio de enlaces, con un asunto "
                                   "largo que se pliega [ENL-AAAA-BBBB-CCCC-DDDD-EEEE-FFFF]");
  enlace_message_set_text (msg, "Línea con acentos: ñandú.\nReferencia: ENL-AAAA\n"
                                "= un igual y una línea muy larga que pasa de setenta y seis "
                                "caracteres para que haya un salto suave\n");
  return msg;
}

static void
test_message_render (void)
{
  g_autoptr(EnlaceMessage) msg = sample_message ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = enlace_message_render (msg, &error);
  g_assert_no_error (error);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  g_autofree char *text = g_strndup (data, len);
  g_auto(GStrv) lines = g_strsplit (text, "\r\n", -1);
  /* Every line is ASCII and at most 78 characters; the body ends the headers. */
  for (char **l = lines; *l; l++)
    {
      g_assert_cmpuint (strlen (*l), <=, 78);
      for (const char *c = *l; *c; c++)
        g_assert_cmpuint ((guchar) *c, <, 0x80);
    }
  g_assert_nonnull (strstr (text, "\r\nMIME-Version: 1.0\r\n"));
  g_assert_nonnull (strstr (text, "\"Plain \\\"Quoted\\\" Name\" <plain@example.org>"));
  /* The token stays readable in the raw subject. */
  g_assert_nonnull (strstr (text, "[ENL-AAAA-BBBB-CCCC-DDDD-EEEE-FFFF]"));

  /* Read back with enlace's own reader. */
  g_autoptr(EnlaceMailReply) r = enlace_mail_reply_parse (data, len);
  g_assert_cmpstr (r->subject, ==, "Confirmación anual del directorio de enlaces, con un asunto "
                                   "largo que se pliega [ENL-AAAA-BBBB-CCCC-DDDD-EEEE-FFFF]");
  g_assert_cmpstr (r->from, ==, "st@st.example");
  g_assert_cmpstr (r->text, ==, "Línea con acentos: ñandú.\r\nReferencia: ENL-AAAA\r\n"
                                "= un igual y una línea muy larga que pasa de setenta y seis "
                                "caracteres para que haya un salto suave\r\n");
}

static void
test_message_html_alternative (void)
{
  g_autoptr(EnlaceMessage) msg = sample_message ();
  g_autoptr(GError) error = NULL;
  enlace_message_set_html (msg, "<p>Línea con acentos</p>\n");
  g_autoptr(GBytes) bytes = enlace_message_render (msg, &error);
  g_assert_no_error (error);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  g_autofree char *text = g_strndup (data, len);
  g_assert_nonnull (strstr (text, "Content-Type: multipart/alternative; boundary="));
  g_assert_nonnull (strstr (text, "Content-Type: text/html; charset=UTF-8"));
  /* A reader takes the plain part, whatever comes first. */
  g_autoptr(EnlaceMailReply) r = enlace_mail_reply_parse (data, len);
  g_assert_true (g_str_has_prefix (r->text, "Línea con acentos: ñandú."));
}

static void
test_message_refuses_injection (void)
{
  static const struct {
    const char *name, *address, *subject, *header;
    const char *field;
  } cases[] = {
    { "Eve\r\nBcc: spy@x.example", "eve@x.example", "s", NULL, "To" },
    { "Eve\nBcc: spy@x.example", "eve@x.example", "s", NULL, "To" },
    { "Eve", "eve@x.example", "hola\r\nBcc: spy@x.example", NULL, "Subject" },
    { "Eve", "eve@x.example>\r\nBcc: <spy@x.example", "s", NULL, "To" },
    { "Eve", "eve@x.example", "s", "x\rBcc: spy@x.example", "X-Enlace-Id" },
    { "Eve", "no-at-sign", "s", NULL, "To" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(EnlaceMessage) msg = enlace_message_new ("ST", "st@st.example");
      g_autoptr(GError) error = NULL;
      enlace_message_add_to (msg, cases[i].name, cases[i].address);
      enlace_message_set_subject (msg, cases[i].subject);
      enlace_message_set_text (msg, "x");
      if (cases[i].header)
        enlace_message_add_header (msg, "X-Enlace-Id", cases[i].header);
      g_autoptr(GBytes) bytes = enlace_message_render (msg, &error);
      g_assert_null (bytes);
      g_assert_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID);
      g_assert_true (g_str_has_prefix (error->message, cases[i].field));
    }
}

static void
test_mail_decode_header (void)
{
  static const struct {
    const char *in, *out;
  } cases[] = {
    { "=?UTF-8?Q?Jos=C3=A9?= =?UTF-8?B?w4FuZ2Vs?=", "JoséÁngel" },
    { "Re: =?ISO-8859-1?Q?Confirmaci=F3n_anual?= [ENL-X]", "Re: Confirmación anual [ENL-X]" },
    { "=?utf-8?b?w7FhbmTDug==?=", "ñandú" },
    { "plain text", "plain text" },
    { "=?UTF-8?Q?broken", "=?UTF-8?Q?broken" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = enlace_mail_decode_header (cases[i].in);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_mail_reply_new_text (void)
{
  g_autofree char *none = enlace_mail_reply_new_text (
      "\nOn Mon, 2 Feb 2026, ST wrote:\n> Referencia: ENL-X\n>\n> datos\n");
  g_assert_null (none);
  g_autofree char *quoted_only = enlace_mail_reply_new_text ("> a\n  > b\n\n");
  g_assert_null (quoted_only);
  g_autofree char *text = enlace_mail_reply_new_text (
      "Cambió mi teléfono.\n\nEl lun, 2 feb 2026, ST escribió:\n> datos\n");
  g_assert_cmpstr (text, ==, "Cambió mi teléfono.");
  g_autofree char *outlook = enlace_mail_reply_new_text (
      "\n-----Original Message-----\nFrom: ST\nReferencia: ENL-X\n");
  g_assert_null (outlook);
  g_autofree char *signature = enlace_mail_reply_new_text ("-- \nAna\n");
  g_assert_null (signature);
}

static void
test_mail_reply_parse_multipart (void)
{
  const char *msg =
      "From: \"Ana\" <ana@x.example>\r\n"
      "Subject: =?UTF-8?B?UmU6IENvbmZpcm1hY2nDs24=?= [ENL-ABCD]\r\n"
      "Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n"
      "--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>no</p>\r\n"
      "--b1\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n\r\nTel=E9fono nuevo=\r\n.\r\n"
      "--b1--\r\n";
  g_autoptr(EnlaceMailReply) r = enlace_mail_reply_parse (msg, strlen (msg));
  g_assert_cmpstr (r->subject, ==, "Re: Confirmación [ENL-ABCD]");
  g_assert_cmpstr (r->from, ==, "ana@x.example");
  g_assert_cmpstr (r->text, ==, "Teléfono nuevo.\r\n");
  /* Hostile input never crashes and always yields valid UTF-8. */
  const char *bad = "Subject: \xff\xfe =?UTF-8?B?////?=\r\nContent-Type: multipart/mixed\r\n\r\n--";
  g_autoptr(EnlaceMailReply) b = enlace_mail_reply_parse (bad, strlen (bad));
  g_assert_true (g_utf8_validate (b->subject, -1, NULL));
  g_assert_true (g_utf8_validate (b->text, -1, NULL));
}

static void
test_campaign_token (void)
{
  g_autofree char *t = enlace_campaign_token_normalize ("enlabcd efgh-ijkl mnop qrst uvwx");
  g_assert_cmpstr (t, ==, "ENL-ABCD-EFGH-IJKL-MNOP-QRST-UVWX");
  g_assert_null (enlace_campaign_token_normalize ("ENL-ABCD-EFGH-IJKL-MNOP-QRST-UVW1"));
  g_assert_null (enlace_campaign_token_normalize ("GT-L-0001"));
  g_assert_null (enlace_campaign_token_normalize ("ENL-ABCD-EFGH-IJKL-MNOP-QRST-UVWX)(cn=*"));
  EnlaceCampaign c = { .year = (char *) "2026" };
  c.key = g_bytes_new_static ("0123456789abcdef0123456789abcdef", 32);
  g_autofree char *a = enlace_campaign_token (&c, "GT-L-0001");
  g_autofree char *b = enlace_campaign_token (&c, "GT-L-0002");
  g_autofree char *again = enlace_campaign_token_normalize (a);
  g_assert_cmpstr (a, ==, again);
  g_assert_cmpstr (a, !=, b);
  g_autofree char *h = enlace_campaign_token_hash (a);
  g_assert_cmpuint (strlen (h), ==, 64);
  g_bytes_unref (c.key);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (filter_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/filter/escape/%zu", i);
      g_test_add_data_func (name, &filter_cases[i], test_filter_escape);
    }
  g_test_add_func ("/filter/printf-escapes-every-value", test_filter_printf_escapes_every_value);
  for (gsize i = 0; i < G_N_ELEMENTS (ldap_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/error/ldap/%d", ldap_cases[i].ldap_rc);
      g_test_add_data_func (name, &ldap_cases[i], test_ldap_error_mapping);
    }
  g_test_add_func ("/error/exit-codes", test_exit_codes);
  g_test_add ("/config/flag-beats-env-beats-file", ConfigFixture, NULL, config_setup,
              test_config_flag_beats_env_beats_file, config_teardown);
  g_test_add ("/config/file-account-stays-with-file-uri", ConfigFixture, NULL, config_setup,
              test_config_file_account_stays_with_file_uri, config_teardown);
  g_test_add ("/config/default-file-and-base", ConfigFixture, NULL, config_setup,
              test_config_default_file_and_base, config_teardown);
  g_test_add ("/config/nothing-is-unreachable", ConfigFixture, NULL, config_setup,
              test_config_nothing_is_unreachable, config_teardown);
  g_test_add ("/config/rejects-bad-values", ConfigFixture, NULL, config_setup,
              test_config_rejects_bad_values, config_teardown);
  g_test_add ("/config/password-file", ConfigFixture, NULL, config_setup,
              test_config_password_file, config_teardown);
  g_test_add ("/config/local-instance-last", ConfigFixture, NULL, config_setup,
              test_config_local_instance_last, config_teardown);
  g_test_add_func ("/ldif/round-trip", test_ldif_round_trip);
  g_test_add_func ("/ldif/rejects-changes", test_ldif_rejects_changes);
  g_test_add_func ("/data/path", test_data_path);
  g_test_add_func ("/local/paths", test_local_paths);
  g_test_add_func ("/status/names", test_status_names);
  for (gsize i = 0; i < G_N_ELEMENTS (email_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/validate/email/%zu", i);
      g_test_add_data_func (name, &email_cases[i], test_email);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (phone_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/validate/phone/%zu", i);
      g_test_add_data_func (name, &phone_cases[i], test_phone);
    }
  g_test_add_func ("/validate/text", test_text);
  g_test_add_func ("/validate/ids-terms-languages-dates", test_ids_terms_languages_dates);
  g_test_add_func ("/dn/child-escapes", test_dn_child_escapes);
  g_test_add_func ("/format/json-string", test_json_string);
  g_test_add_func ("/mail/render", test_message_render);
  g_test_add_func ("/mail/html-alternative", test_message_html_alternative);
  g_test_add_func ("/mail/refuses-injection", test_message_refuses_injection);
  g_test_add_func ("/mail/decode-header", test_mail_decode_header);
  g_test_add_func ("/mail/reply-new-text", test_mail_reply_new_text);
  g_test_add_func ("/mail/reply-parse-multipart", test_mail_reply_parse_multipart);
  g_test_add_func ("/campaign/token", test_campaign_token);
  return g_test_run ();
}
