/* enlace-local-prime.c — a workaround for a back-mdb bug (slapd 2.5.13,
 * servers/slapd/back-mdb/add.c, still so upstream): the first time a
 * database stores an attribute it gives it a number in a table of its own,
 * in the same transaction. When that transaction's commit fails (a full
 * disk), the count is put back but the attribute keeps its number in
 * memory, so later writes store entries under a number the table never
 * got: after a restart slapd cannot read them ("mdb_entry_decode:
 * attribute index N not recognized"), and the history check, or a search,
 * fails. A database that has seen every attribute it will hold never
 * numbers one again: each gets, when it is made, an entry holding every
 * such attribute (slapadd), deleted at once (slapmodify), which leaves the
 * numbers behind. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <glib/gstdio.h>
#include <ldap.h>

#include "enlace-error.h"
#include "enlace-ldif.h"
#include "enlace-local-private.h"

/* A value of each syntax the enlace schema uses, by its OID's last arc. */
static const char *
value_for_syntax (const char *definition)
{
  static const struct { const char *oid; const char *value; } syntaxes[] = {
    { "1.3.6.1.4.1.1466.115.121.1.12", "cn=x" },            /* DN */
    { "1.3.6.1.4.1.1466.115.121.1.24", "20000101000000Z" }, /* GeneralizedTime */
    { "1.3.6.1.4.1.1466.115.121.1.7", "TRUE" },             /* Boolean */
    { "1.3.6.1.4.1.1466.115.121.1.50", "+1" },              /* TelephoneNumber */
    { "1.3.6.1.4.1.1466.115.121.1.36", "1" },               /* NumericString */
  };
  const char *syntax = strstr (definition, "SYNTAX ");
  for (gsize i = 0; syntax != NULL && i < G_N_ELEMENTS (syntaxes); i++)
    {
      gsize n = strlen (syntaxes[i].oid);
      const char *s = syntax + strlen ("SYNTAX ");
      if (strncmp (s, syntaxes[i].oid, n) == 0 && !g_ascii_isdigit (s[n]))
        return syntaxes[i].value;
    }
  return "x";
}

/* "attr value" lines for every attribute type schema/enlace.ldif defines. */
static void
append_enlace_attributes (GString *ldif, const char *schema_ldif)
{
  /* olcAttributeTypes values are folded over several lines: unfold. */
  g_autoptr(GString) text = g_string_new (schema_ldif);
  g_string_replace (text, "\n ", "", 0);
  g_auto(GStrv) lines = g_strsplit (text->str, "\n", -1);
  for (char **l = lines; *l != NULL; l++)
    {
      const char *name = strstr (*l, "NAME '");
      if (!g_str_has_prefix (*l, "olcAttributeTypes:") || name == NULL)
        continue;
      name += strlen ("NAME '");
      const char *end = strchr (name, '\'');
      if (end == NULL)
        continue;
      g_autofree char *attr = g_strndup (name, end - name);
      enlace_ldif_append_str (ldif, attr, value_for_syntax (*l));
    }
}

/* The attributes a database holds beyond the enlace schema's, as LDIF
 * lines: what slapd, its overlays and enlace write there. */
static const char *const directory_extra =
    "ou: x\no: x\ncn: x\nsn: x\ngivenName: x\ndisplayName: x\ntitle: x\nmail: x@x.example\n"
    "telephoneNumber: +1\nfacsimileTelephoneNumber: +1\nlabeledURI: http://x.example/\n"
    "description: x\nmember: cn=x\nc: XX\n";
static const char *const history_extra =
    "reqStart: 20000101000000.000000Z\nreqEnd: 20000101000000.000001Z\nreqType: modify\n"
    "reqSession: 0\nreqAuthzID: cn=x\nreqDN: cn=x\nreqResult: 0\nreqMessage: x\n"
    "reqMod: x:= x\nreqOld: x: x\nreqEntryUUID: 00000000-0000-0000-0000-000000000000\n"
    "reqControls: {0}{1.3.6.1.1.12 criticality TRUE controlValue \"\"}\n"
    "reqNewRDN: cn=x\nreqDeleteOldRDN: TRUE\nreqNewSuperior: cn=x\nreqNewDN: cn=x\n";
static const char *const accounts_extra =
    "ou: x\ncn: x\nsn: x\ndescription: x\nuserPassword: x\n"
    "pwdAccountLockedTime: 20000101000000Z\npwdFailureTime: 20000101000000Z\n"
    "pwdChangedTime: 20000101000000Z\npwdGraceUseTime: 20000101000000Z\npwdReset: TRUE\n"
    "pwdPolicySubentry: cn=x\npwdAttribute: userPassword\npwdMinLength: 1\n"
    "pwdCheckQuality: 0\npwdLockout: TRUE\npwdMaxFailure: 1\npwdFailureCountInterval: 0\n"
    "pwdLockoutDuration: 0\npwdAllowUserChange: TRUE\npwdSafeModify: FALSE\n";
static const char *const campaigns_extra =
    "ou: x\ncn: x\nc: XX\nmail: x@x.example\ndisplayName: x\ndescription: x\n";

/* Adds @suffix's entry holding every attribute, and deletes it. */
static gboolean
prime (const char *slapd_d, const char *suffix, const char *structural, const char *extra,
       const char *schema_ldif, const char *scratch, GError **error)
{
  g_autoptr(GString) ldif = g_string_new (NULL);
  enlace_ldif_append_str (ldif, "dn", suffix);
  g_string_append_printf (ldif, "objectClass: %s\nobjectClass: extensibleObject\n", structural);
  /* The naming value (o: enlace, cn: accesslog) must be there. */
  LDAPDN dn = NULL;
  if (ldap_str2dn (suffix, &dn, LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS && dn != NULL)
    {
      for (LDAPAVA **ava = dn[0]; *ava != NULL; ava++)
        {
          g_autofree char *attr = g_strndup ((*ava)->la_attr.bv_val, (*ava)->la_attr.bv_len);
          enlace_ldif_append (ldif, attr, (*ava)->la_value.bv_val, (*ava)->la_value.bv_len);
        }
      ldap_dnfree (dn);
    }
  g_string_append (ldif, extra);
  if (schema_ldif != NULL)
    append_enlace_attributes (ldif, schema_ldif);
  g_autoptr(GError) write_error = NULL;
  if (!g_file_set_contents (scratch, ldif->str, ldif->len, &write_error))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, "%s", write_error->message);
      return FALSE;
    }
  const char *add[] = { enlace_local_slapd (), "-T", "add", "-g", "-q", "-F", slapd_d, "-b",
                        suffix, "-l", scratch, NULL };
  g_autofree char *what_add = g_strdup_printf (_("slapadd of %s"), suffix);
  if (!enlace_local_run_tool (what_add, add, error))
    return FALSE;

  g_autoptr(GString) del = g_string_new (NULL);
  enlace_ldif_append_str (del, "dn", suffix);
  g_string_append (del, "changetype: delete\n");
  if (!g_file_set_contents (scratch, del->str, del->len, &write_error))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, "%s", write_error->message);
      return FALSE;
    }
  const char *modify[] = { enlace_local_slapd (), "-T", "modify", "-g", "-F", slapd_d, "-b",
                           suffix, "-l", scratch, NULL };
  g_autofree char *what_modify = g_strdup_printf (_("slapmodify of %s"), suffix);
  return enlace_local_run_tool (what_modify, modify, error);
}

/**
 * enlace_local_prime:
 * @slapd_d: the cn=config of an instance whose databases are empty
 * @scratch: a file to write the entries in
 *
 * Gives each database of the instance the number of every attribute it
 * will hold (see the comment at the top).
 */
gboolean
enlace_local_prime (const char *slapd_d, const char *base, const char *schema_ldif,
                    const char *scratch, GError **error)
{
  g_autofree char *history = enlace_local_suffix (ENLACE_LOCAL_DB_HISTORY, base);
  g_autofree char *campaigns = enlace_local_suffix (ENLACE_LOCAL_DB_CAMPAIGNS, base);
  g_autofree char *accounts = enlace_local_suffix (ENLACE_LOCAL_DB_ACCOUNTS, base);
  gboolean ok = prime (slapd_d, history, "auditModify", history_extra, NULL, scratch, error)
                && prime (slapd_d, campaigns, "organizationalUnit", campaigns_extra, schema_ldif,
                          scratch, error)
                && prime (slapd_d, accounts, "organizationalUnit", accounts_extra, NULL, scratch,
                          error)
                && prime (slapd_d, base, "organization", directory_extra, schema_ldif, scratch,
                          error);
  g_unlink (scratch);
  return ok;
}

/**
 * enlace_local_add_history_root:
 * @slapd_d: the cn=config of a new provider, its history database empty
 *
 * Adds the history's root entry, cn=accesslog, with slapadd: slapo-accesslog
 * would make it at the first change, without an entryUUID, and a replica's
 * syncrepl refuses an entry without one ("got empty or invalid syncUUID").
 */
gboolean
enlace_local_add_history_root (const char *slapd_d, const char *scratch, GError **error)
{
  static const char root[] = "dn: cn=accesslog\nobjectClass: auditContainer\ncn: accesslog\n";
  g_autoptr(GError) write_error = NULL;
  if (!g_file_set_contents (scratch, root, -1, &write_error))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, "%s", write_error->message);
      return FALSE;
    }
  const char *add[] = { enlace_local_slapd (), "-T", "add", "-g", "-F", slapd_d, "-b",
                        "cn=accesslog", "-l", scratch, NULL };
  gboolean ok = enlace_local_run_tool (_("slapadd of cn=accesslog"), add, error);
  g_unlink (scratch);
  return ok;
}
