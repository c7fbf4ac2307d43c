/* enlace-local-config.c — the cn=config of an enlace-local instance: four
 * back-mdb databases, the overlays, the limits and the access rules that
 * make slapd itself enforce docs/SECURITY.md.
 *
 * The rules are slapd ACLs (slapd.access(5)), not slapo-constraint: who may
 * write a value depends on who is writing (a Cancilleria's country is its
 * account's branch, c=GT,ou=accounts) and on the entry being written (the
 * country it sits under, its status), and only the ACL engine sees both:
 * "set" expressions over the entry in hand (the new entry, on an add) and
 * the writer (user/-1/c: its branch's country), dn.regex and value-regex
 * captures where a value must match the entry's country, and "selfwrite"
 * for values that must be the writer's own DN. olcAddContentAcl makes slapd check every value
 * of an add against the same rules as a modify, so an add cannot carry
 * what a modify could not write. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>
#include <unistd.h>

#include <ldap.h>

#include "enlace-directory.h"
#include "enlace-ldif.h"
#include "enlace-local-private.h"

/* back-mdb's map is virtual; 10 MiB (the default) overflows near 5k entries. */
#define DB_MAX_SIZE "4294967296"
#define LOG_MAX_SIZE "2147483648"

const char *const enlace_local_db_dirs[ENLACE_LOCAL_N_DBS + 1] = {
  [ENLACE_LOCAL_DB_HISTORY] = "accesslog",
  [ENLACE_LOCAL_DB_CAMPAIGNS] = "campaigns",
  [ENLACE_LOCAL_DB_ACCOUNTS] = "accounts",
  [ENLACE_LOCAL_DB_DIRECTORY] = "data",
};

/**
 * enlace_local_owner_dn:
 *
 * Returns: (transfer full): the identity SASL EXTERNAL gives the calling
 * user over ldapi://: every database's rootdn.
 */
char *
enlace_local_owner_dn (void)
{
  return g_strdup_printf ("gidNumber=%u+uidNumber=%u,cn=peercred,cn=external,cn=auth",
                          (guint) getgid (), (guint) getuid ());
}

/**
 * enlace_local_suffix:
 *
 * Returns: (transfer full): the suffix of database @db under @base.
 */
char *
enlace_local_suffix (EnlaceLocalDb db, const char *base)
{
  switch (db)
    {
    case ENLACE_LOCAL_DB_HISTORY:
      return g_strdup ("cn=accesslog");
    case ENLACE_LOCAL_DB_CAMPAIGNS:
      return g_strdup_printf ("ou=campaigns,%s", base);
    case ENLACE_LOCAL_DB_ACCOUNTS:
      return g_strdup_printf ("ou=accounts,%s", base);
    case ENLACE_LOCAL_DB_DIRECTORY:
    default:
      return g_strdup (base);
    }
}

static void
append_attr (GString *ldif, const char *attr, const char *value)
{
  enlace_ldif_append_str (ldif, attr, value);
}

static void
append_schema_include (GString *ldif, const char *name)
{
  g_autofree char *path = g_build_filename (ENLACE_LDAP_SCHEMADIR, name, NULL);
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_string_append_printf (ldif, "include: %s\n\n", uri ? uri : path);
}

/* An slapo-unique URI, escaped by libldap (a base may hold spaces). */
static char *
unique_uri (const char *base, const char *attr, const char *filter)
{
  char *attrs[] = { (char *) attr, NULL };
  LDAPURLDesc desc = { 0 };
  desc.lud_scheme = (char *) "ldap";
  desc.lud_dn = (char *) base;
  desc.lud_attrs = attrs;
  desc.lud_scope = LDAP_SCOPE_SUBTREE;
  desc.lud_filter = (char *) filter;
  char *uri = ldap_url_desc2str (&desc);
  char *out = g_strdup (uri);
  ldap_memfree (uri);
  return out;
}

/* Rule templates hold {names}; each name expands to its text, in this
 * order (later names may appear inside earlier ones). */
static const char *const acl_names[][2] = {
  /* Where liaisons and institutions live: enlaceId=GT-L-0001,c=GT and
   * enlaceId=OBS-I-0001,ou=observers. No parentheses: slapd evaluates
   * this for every attribute it returns, and a regex with groups costs
   * glibc ten times one without (3.5 us against 0.35 us here). */
  { "{entry}", "dn.regex=\"^enlaceid=[^,]+,[^,]+,{rbase}$\"" },
  /* Who reads an entry, and who never writes: staff read it all but the
   * restricted fields (rules before this one); an address book reads
   * only current entries. They come first in every rule: a DN compared
   * as text costs nothing, while the Cancilleria's condition below looks
   * entries up (and a dn.regex on the writer would be compiled anew at
   * every use: slapd expands its $n first). */
  { "{early}", "by {staff} =rscxd by {book} =rscxd {nobook}" },
  { "{late}", "by {accounts} =rscxd by * none" },
  { "{staff}", "dn.children=\"ou=staff,ou=accounts,{base}\"" },
  { "{book}", "dn.children=\"ou=addressbook,ou=accounts,{base}\" "
              "set=\"this/enlaceStatus & ([active]|[unverified])\"" },
  { "{nobook}", "by dn.children=\"ou=addressbook,ou=accounts,{base}\" none" },
  { "{link}", "set.expand=\"([${v1}] & [${v2}] & {country}) + {current}\"" },
  { "{own}", "set=\"{country} + {current}\"" },
  { "{country}", "(this/-1/c & user/-1/c)" },
  { "{current}", "(this/enlaceStatus & ([pending]|[active]|[unverified]))" },
  { "{designated}", "(this/enlaceDesignatedBy & user)" },
  /* A Cancilleria: an account whose branch has a country (what is asked
   * of it, user/-1/c, the sets that follow it say). */
  { "{canc}", "{accounts}" },
  { "{accounts}", "dn.children=\"ou=accounts,{base}\"" },
  { "{replica}", "dn.children=\"ou=replica,ou=accounts,{base}\"" },
  { "{sec}", "dn.children=\"ou=secretariat,ou=accounts,{base}\"" },
  /* What an account that may not write an entry reads of it. */
  { "{public}", "entry,objectClass,enlaceId,c,{fields},enlaceStatus,enlaceDesignatedBy,"
                "enlaceAuthorizedBy,enlaceRetiredBy,enlaceLastConfirmed,enlaceSuccessor,"
                "enlacePredecessor,enlaceInstitution" },
  /* The enlace fields a Cancilleria keeps current on its own entries. */
  { "{fields}", "cn,sn,givenName,displayName,title,o,mail,telephoneNumber,"
                "facsimileTelephoneNumber,labeledURI,enlaceLabel,"
                "enlaceInstitutionType,enlaceCompetence,enlaceRole,enlaceNetwork,enlaceLanguage,"
                "enlacePhoneAsWritten,enlaceDesignationDate,enlaceAuthorizationDate,"
                "enlaceRetirementDate,enlaceRetirementReason" },
  /* A liaison or institution of a country, as the value of a link: ${v1}
   * is its ID's prefix, ${v2} its country (one rule an attribute: slapd
   * matches values for a single attribute only). */
  { "{same-country}", "^enlaceid=([a-z]{2})-[li]-[0-9]+,c=([a-z]{2}),{rbase}$" },
  { "{account}", "dn.regex=\"^cn=[^,]+,(ou=(secretariat|staff|addressbook|replica)|c=[a-z]{2}),"
                 "ou=accounts,{rbase}$\"" },
};

/* First in every database: a replica's replication account reads it all
 * (syncrepl carries every entry and attribute, password hashes and the
 * history included) and writes nothing; everyone else goes on to the
 * database's own rules. */
#define REPLICA_READS "to * by {replica} =rscd by * break"

/* The directory (BASE). Privileges: =a add, =z delete, =w both (and so
 * rename), r s c x d read, search, compare, auth, disclose. Nobody but the
 * instance's owner (the rootdn, which ACLs do not bind) deletes or renames
 * a liaison or an institution. */
static const char *const directory_rules[] = {
  REPLICA_READS,
  /* No entry of the directory is a login: the accounts are a database
   * of their own (and their passwords stay out of the history). */
  "to attrs=userPassword by * none",
  /* slapd takes the first rule whose entry and attribute match, for every
   * attribute (and value) it returns: reading must take few rules. Those
   * who only read an entry get their answer here; who may write it (the
   * Secretariat, its own country's Cancilleria) goes on ("break") to the
   * rules after, which say what each may write. */
  "to {entry} attrs={public} {early} by {sec} =0 break by {accounts} =0 break by * none",
  "to dn.regex=\"^enlaceid=[^,]+,c=([a-z]{2}),{rbase}$\" attrs={public}"
  " by {sec} =0 break by dn.children,expand=\"c=$1,ou=accounts,{base}\" =0 break"
  " by {accounts} =rscxd by * none",
  "to {entry} attrs={fields} {early} by {sec} =wrscxd by {canc} {own} =wrscxd {late}",
  /* Restricted fields: the Secretariat and the entry's own Cancilleria. */
  "to {entry} attrs=enlaceMobile,enlaceNotes by {staff} none {nobook}"
  " by {sec} =wrscxd by {canc} {own} =wrscxd by {canc} set=\"{country}\" =rscxd by * none",
  /* Restricted fields anywhere else (the tree's own entries): no one's
   * to read but the Secretariat's. */
  "to attrs=enlaceMobile,enlaceNotes by {sec} =wrscxd by * none",
  /* Adding a liaison or an institution of a country: its ID's prefix and
   * its c are the country it goes under, and it names who designated it,
   * the writer; a Cancilleria adds only in its own country, and only
   * current entries (the status rules say which). */
  "to dn.regex=\"^enlaceid=([a-z]{2})-[li]-[0-9]+,c=([a-z]{2}),{rbase}$\" attrs=entry"
  " {early} by {sec} set.expand=\"([$1] & [$2] & this/c) + {designated}\" =arscxd"
  " by {canc} set.expand=\"([$1] & [$2] & this/c & user/-1/c) + {current} + {designated}\""
  " =arscxd {late}",
  "to dn.regex=\"^enlaceid=obs-i-[0-9]+,ou=observers,{rbase}$\" attrs=entry"
  " {early} by {sec} =arscxd {late}",
  /* Identity: set when the entry is added, never changed (no one may
   * delete a value, and each is single-valued or the RDN). On an add,
   * "this" is the entry being added: c must be the country it goes under. */
  "to {entry} attrs=objectClass val.regex=\"^top$|^person$|^organizationalperson$|"
  "^inetorgperson$|^enlaceliaison$|^organization$|^enlaceinstitution$\""
  " {early} by {sec} =arscxd by {canc} {own} =arscxd {late}",
  "to {entry} attrs=c {early} by {sec} set=\"this/-1/c & this/c\" =arscxd"
  " by {canc} set=\"(this/-1/c & user/-1/c & this/c) + {current}\" =arscxd {late}",
  "to {entry} attrs=enlaceId {early} by {sec} =arscxd by {canc} {own} =arscxd {late}",
  /* Status: a Cancilleria sets pending, active or retired; an entry a
   * campaign left unverified it may only retire; unverified is the
   * Secretariat's (campaign close). A retired entry is frozen. No other
   * value, from anyone. */
  "to {entry} attrs=enlaceStatus val=retired {early} by {sec} =wrscxd by {canc} {own} =wrscxd {late}",
  "to {entry} attrs=enlaceStatus val.regex=\"^pending$|^active$\" {early} by {sec} =wrscxd"
  " by {canc} set=\"{country} + (this/enlaceStatus & ([pending]|[active]))\" =wrscxd {late}",
  "to {entry} attrs=enlaceStatus val=unverified {early} by {sec} =wrscxd {late}",
  "to {entry} attrs=enlaceStatus {early} by {sec} =zrscxd by {canc} {own} =zrscxd {late}",
  /* Who designated, authorised, retired: only ever the writer's own DN
   * (selfwrite). Who designated an entry is written once, with it; who
   * authorised or retired it may be replaced (a replace deletes first). */
  "to {entry} attrs=enlaceDesignatedBy {early} by {sec} selfwrite by {sec} =rscxd"
  " by {canc} {own} selfwrite {late}",
  "to {entry} attrs=enlaceAuthorizedBy,enlaceRetiredBy"
  " {early} by {sec} selfwrite by {sec} =zrscxd"
  " by {canc} {own} selfwrite by {canc} {own} =zrscxd {late}",
  /* What a campaign establishes is the Secretariat's alone. */
  "to {entry} attrs=enlaceLastConfirmed {early} by {sec} =wrscxd {late}",
  /* Links stay within the country: a successor or predecessor of its
   * own, an institution of its own or an observer organisation. */
  "to {entry} attrs=enlaceSuccessor val.regex=\"{same-country}\" {early} by {sec} =wrscxd"
  " by {canc} {link} =wrscxd {late}",
  "to {entry} attrs=enlacePredecessor val.regex=\"{same-country}\" {early} by {sec} =wrscxd"
  " by {canc} {link} =wrscxd {late}",
  "to {entry} attrs=enlaceInstitution val.regex=\"^enlaceid=([a-z]{2})-i-[0-9]+,c=([a-z]{2}),{rbase}$\""
  " {early} by {sec} =wrscxd by {canc} {link} =wrscxd {late}",
  "to {entry} attrs=enlaceInstitution val.regex=\"^enlaceid=obs-i-[0-9]+,ou=observers,{rbase}$\""
  " {early} by {sec} =wrscxd by {canc} {own} =wrscxd {late}",
  "to {entry} attrs=enlaceSuccessor,enlacePredecessor,enlaceInstitution"
  " {early} by {sec} =wrscxd by {canc} {own} =zrscxd {late}",
  /* Anything else on an entry (operational attributes, and whatever the
   * schema allows that enlace does not use): read only. */
  "to {entry} {early} {late}",
  "to dn.regex=\"^c=([a-z]{2}),{rbase}$\" attrs=children by {sec} =arscxd"
  " by dn.children,expand=\"c=$1,ou=accounts,{base}\" =arscxd {nobook} by {accounts} =rscxd"
  " by * none",
  "to dn.base=\"ou=observers,{base}\" attrs=children"
  " by {sec} =arscxd {nobook} by {accounts} =rscxd by * none",
  /* The vocabulary is the Secretariat's to keep (terms come and go). */
  "to dn.subtree=\"ou=vocabulary,{base}\" by {sec} write {nobook} by {accounts} read by * none",
  /* The tree itself: countries, the base: the Secretariat changes them,
   * and adds only what the rules above let it (liaisons, institutions,
   * terms): nothing shaped otherwise, where the rules for an entry would
   * not apply. An address book may search from them (a search needs that
   * on its base), not read them. */
  "to * attrs=entry,children by {sec} =rscxd"
  " by dn.children=\"ou=addressbook,ou=accounts,{base}\" =s by {accounts} =rscxd by * none",
  "to * by {sec} =wrscxd {nobook} by {accounts} =rscxd by * none",
};

/* The accounts (ou=accounts,BASE). Passwords are set with the Password
 * Modify operation or a plain modify, which slapo-ppolicy hashes. */
static const char *const account_rules[] = {
  REPLICA_READS,
  /* A replication account reads every password hash: only the instance's
   * owner makes one, moves one, or sets its password. The Secretariat
   * sees them, nothing more: it may not add an account there, rename one
   * into it, or take one over. */
  "to dn.subtree=\"ou=replica,ou=accounts,{base}\" attrs=userPassword"
  " by anonymous auth by * none",
  "to dn.subtree=\"ou=replica,ou=accounts,{base}\""
  " by {sec} =rscd by self =rscd by anonymous =x by * none",
  "to {account} attrs=userPassword by {sec} =wx by self =wx by anonymous auth by * none",
  /* Only an account has a password: not a branch, not the policy. */
  "to attrs=userPassword by * none",
  /* The policy is the owner's: no account may weaken it. */
  "to dn.base=\"cn=password-policy,ou=accounts,{base}\" by {sec} =rscxd by * none",
  "to {account} attrs=entry by {sec} =wrscxd by self =rscxd by anonymous =x by * none",
  "to {account} attrs=objectClass val.regex=\"^(top|person)$\""
  " by {sec} =wrscxd by self =rscxd by * none",
  /* Unlocking an account is deleting pwdAccountLockedTime. */
  "to {account} attrs=cn,sn,description,pwdAccountLockedTime"
  " by {sec} =wrscxd by self =rscxd by * none",
  "to {account} by {sec} =rscxd by self =rscxd by * none",
  "to dn.regex=\"^(ou=(secretariat|staff|addressbook|replica)|c=[a-z]{2}),ou=accounts,{rbase}$\""
  " attrs=children by {sec} =wrscxd by * none",
  "to * by {sec} =rscxd by * none",
};

static const char *const campaign_rules[] = {
  REPLICA_READS,
  "to attrs=userPassword,pwdAttribute by * none",
  "to * by {sec} write by * none",
};

/* The history holds old values, restricted ones too. */
static const char *const history_rules[] = {
  REPLICA_READS,
  "to * by {sec} read by * none",
};

static void
append_rules (GString *ldif, const char *const *rules, gsize n, const char *base)
{
  g_autofree char *lower = enlace_dn_normalize (base);
  g_autofree char *rbase = g_regex_escape_string (lower, -1);
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr(GString) rule = g_string_new (rules[i]);
      for (gsize k = 0; k < G_N_ELEMENTS (acl_names); k++)
        g_string_replace (rule, acl_names[k][0], acl_names[k][1], 0);
      g_string_replace (rule, "{rbase}", rbase, 0);
      g_string_replace (rule, "{base}", lower, 0);
      /* A name left unexpanded ({name}: not ${v1}, not a regex's {2}) is a
       * mistake in the tables. */
      for (const char *b = strchr (rule->str, '{'); b != NULL; b = strchr (b + 1, '{'))
        g_warn_if_fail (!g_ascii_islower (b[1]) || (b > rule->str && b[-1] == '$'));
      g_autofree char *numbered = g_strdup_printf ("{%zu}%s", i, rule->str);
      append_attr (ldif, "olcAccess", numbered);
    }
}

/* Every account may page through a whole directory (find, status, export
 * at 100,000 liaisons); an unpaged search stops at 500 entries. */
static void
append_limits (GString *ldif, const char *base)
{
  /* syncrepl's searches are not paged. */
  g_autofree char *replica = g_strdup_printf (
      "dn.children=\"ou=replica,ou=accounts,%s\" size=unlimited time=unlimited", base);
  append_attr (ldif, "olcLimits", replica);
  g_autofree char *value = g_strdup_printf (
      "dn.children=\"ou=accounts,%s\" size.soft=500 size.hard=500 size.pr=1000 "
      "size.prtotal=unlimited", base);
  append_attr (ldif, "olcLimits", value);
}

static void
append_database (GString *ldif, EnlaceLocalDb db, const EnlaceLocalConfigSpec *spec,
                 const char *rootdn)
{
  g_autofree char *suffix = enlace_local_suffix (db, spec->base);
  g_autofree char *directory = g_build_filename (spec->db_dir, enlace_local_db_dirs[db], NULL);
  g_string_append_printf (ldif, "dn: olcDatabase={%d}mdb,cn=config\n"
                                "objectClass: olcDatabaseConfig\nobjectClass: olcMdbConfig\n"
                                "olcDatabase: {%d}mdb\n", db, db);
  append_attr (ldif, "olcSuffix", suffix);
  append_attr (ldif, "olcDbDirectory", directory);
  append_attr (ldif, "olcRootDN", rootdn);
  if (db != ENLACE_LOCAL_DB_HISTORY && db != ENLACE_LOCAL_DB_DIRECTORY)
    g_string_append (ldif, "olcSubordinate: TRUE\n");
  append_limits (ldif, spec->base);
}

static gboolean
is_replica (const EnlaceLocalConfigSpec *spec)
{
  return spec->server != NULL && spec->server->provider != NULL;
}

/* Replication, OpenLDAP's own (syncrepl). A provider offers each of its
 * databases to replicas with slapo-syncprov (the directory's does not
 * reach the databases glued under it). A replica carries each, read-only,
 * with a syncrepl of its own: a write sent to it is referred to the
 * provider (olcUpdateRef), which is how enlace finds where to write (see
 * enlace_directory_connect_full()). Ends the database's entry, and adds
 * its overlay. */
static void
append_replication (GString *ldif, EnlaceLocalDb db, const EnlaceLocalConfigSpec *spec)
{
  if (is_replica (spec))
    {
      g_autofree char *suffix = enlace_local_suffix (db, spec->base);
      g_autofree char *syncrepl = enlace_local_server_syncrepl (spec->server, db, suffix);
      append_attr (ldif, "olcSyncrepl", syncrepl);
      /* Everything a replica holds, the provider holds: synced, each
       * change it carries would cost an fdatasync, and a 10,000-entry
       * import would reach it at a few hundred a second. Flushed every
       * minute instead; a power cut loses at most that minute, with the
       * syncrepl cookie stored alongside, so the next refresh fetches it
       * again. (The history and campaigns are flushed so everywhere.) */
      if (db == ENLACE_LOCAL_DB_DIRECTORY || db == ENLACE_LOCAL_DB_ACCOUNTS)
        g_string_append (ldif, "olcDbNoSync: TRUE\nolcDbCheckpoint: 0 1\n");
      /* And written in place in the map, not copied out page by page at
       * every commit (syncrepl commits each entry alone): a 20,000-entry
       * refresh took 85 s without, 8 s with. A stray write could harm
       * only a copy the provider can give again. */
      g_string_append (ldif, "olcDbEnvFlags: writemap\n");
      append_attr (ldif, "olcUpdateRef", spec->server->provider);
      g_string_append_c (ldif, '\n');
      return;
    }
  g_string_append_printf (ldif, "\ndn: olcOverlay={0}syncprov,olcDatabase={%d}mdb,cn=config\n"
                                "objectClass: olcOverlayConfig\nobjectClass: olcSyncProvConfig\n"
                                "olcOverlay: {0}syncprov\n"
                                "olcSpCheckpoint: 100 5\n"
                                "olcSpSessionLog: 10000\n\n", db);
}

/* The cn=config tree, as LDIF for slapadd -n0. Values go through the LDIF
 * writer so odd paths are base64-encoded, not pasted. */
GString *
enlace_local_config_ldif (const EnlaceLocalConfigSpec *spec)
{
  g_autofree char *rootdn = enlace_local_owner_dn ();
  g_autofree char *pidfile = g_build_filename (spec->run_dir, "slapd.pid", NULL);
  g_autofree char *argsfile = g_build_filename (spec->run_dir, "slapd.args", NULL);
  g_autofree char *unique_id = unique_uri (spec->base, "enlaceId", NULL);
  /* A retired liaison's mailbox may pass to the successor. */
  g_autofree char *unique_mail = unique_uri (
      spec->base, "mail", "(&(objectClass=enlaceLiaison)(!(enlaceStatus=retired)))");
  g_autofree char *policy = g_strdup_printf ("cn=password-policy,ou=accounts,%s", spec->base);
  GString *ldif = g_string_new ("# cn=config for an enlace-local instance, written by "
                                "enlace-local; it reconciles the server's own\n"
                                "# configuration (slapd.d) with this on every start.\n");

  g_string_append (ldif, "dn: cn=config\nobjectClass: olcGlobal\ncn: config\n");
  append_attr (ldif, "olcPidFile", pidfile);
  append_attr (ldif, "olcArgsFile", argsfile);
  enlace_local_server_append_global (spec->server, ldif);
  g_string_append (ldif, "olcLogLevel: none\n\n");

  g_string_append (ldif, "dn: cn=module{0},cn=config\nobjectClass: olcModuleList\n"
                         "cn: module{0}\n");
  append_attr (ldif, "olcModulePath", ENLACE_SLAPD_MODULEDIR);
  g_string_append (ldif, "olcModuleLoad: back_mdb\nolcModuleLoad: accesslog\n"
                         "olcModuleLoad: unique\nolcModuleLoad: ppolicy\n"
                         "olcModuleLoad: argon2\nolcModuleLoad: syncprov\n\n");

  g_string_append (ldif, "dn: cn=schema,cn=config\nobjectClass: olcSchemaConfig\n"
                         "cn: schema\n\n");
  append_schema_include (ldif, "core.ldif");
  append_schema_include (ldif, "cosine.ldif");
  append_schema_include (ldif, "inetorgperson.ldif");
  g_string_append (ldif, spec->schema_ldif);
  g_string_append (ldif, "\n");

  /* Anyone reads the root DSE and the schema, nothing else: the databases'
   * rules say who reads what of them, and none names "users", so no
   * identity but an account's (and the owner's) reads a thing. */
  g_string_append (ldif, "dn: olcDatabase={-1}frontend,cn=config\n"
                         "objectClass: olcDatabaseConfig\nobjectClass: olcFrontendConfig\n"
                         "olcDatabase: {-1}frontend\n"
                         "olcAccess: {0}to dn.base=\"\" by * read\n"
                         "olcAccess: {1}to dn.base=\"cn=Subschema\" by * read\n"
                         "olcAccess: {2}to * by * none\n"
                         /* Every password any path stores is hashed with
                          * Argon2 (here, not in cn=config: the module must
                          * be loaded first). */
                         "olcPasswordHash: {ARGON2}\n\n");

  g_string_append (ldif, "dn: olcDatabase={0}config,cn=config\nobjectClass: olcDatabaseConfig\n"
                         "olcDatabase: {0}config\n");
  append_attr (ldif, "olcRootDN", rootdn);
  g_string_append (ldif, "\n");

  append_database (ldif, ENLACE_LOCAL_DB_HISTORY, spec, rootdn);
  append_rules (ldif, history_rules, G_N_ELEMENTS (history_rules), spec->base);
  /* slapo-accesslog writes each operation in a transaction of its own, so
   * a synced log costs one fdatasync per change: 80% of an import's time.
   * The directory itself stays synced on every commit; the log is flushed
   * every minute, so a power cut (not a crash of slapd) can lose at most
   * the last minute of history, never data; enlace-local check reports
   * what was lost. Only reqDN is looked up (enlace history). */
  g_string_append (ldif, "olcDbMaxSize: " LOG_MAX_SIZE "\n"
                         "olcDbNoSync: TRUE\n"
                         "olcDbCheckpoint: 0 1\n"
                         "olcDbIndex: reqDN eq\n"
                         /* syncrepl: a replica looks each entry it is sent
                          * up by entryUUID, a provider's refresh by
                          * entryCSN; unindexed, every entry is a scan. */
                         "olcDbIndex: entryUUID,entryCSN eq\n"
                         "olcDbIndex: reqStart eq\n");
  append_replication (ldif, ENLACE_LOCAL_DB_HISTORY, spec);

  /* The campaign's mail state (ou=campaigns) has a database of its own,
   * glued under the directory. Sending records two writes a message; synced,
   * they would cost two fdatasyncs each and bound the campaign to a few
   * hundred messages a second. Like the history, it is flushed every minute:
   * a crash of enlace or slapd loses nothing, a power cut the last minute.
   * And no LDAP transactions there: slapd 2.5.13 crashes when a client
   * dies while its transaction commits. */
  append_database (ldif, ENLACE_LOCAL_DB_CAMPAIGNS, spec, rootdn);
  append_rules (ldif, campaign_rules, G_N_ELEMENTS (campaign_rules), spec->base);
  g_string_append (ldif, "olcAddContentAcl: TRUE\n"
                         "olcDbMaxSize: " LOG_MAX_SIZE "\n"
                         "olcDbNoSync: TRUE\n"
                         "olcDbCheckpoint: 0 1\n"
                         "olcDbIndex: objectClass eq\n"
                         "olcDbIndex: cn,c eq\n"
                         "olcDbIndex: entryUUID,entryCSN eq\n"
                         "olcDbIndex: enlaceCampaignState,enlaceTokenHash eq\n");
  append_replication (ldif, ENLACE_LOCAL_DB_CAMPAIGNS, spec);

  /* The accounts: a database of their own, so the history (slapo-accesslog
   * on the directory) never sees a password, and slapo-ppolicy guards
   * their binds: a minimum length, Argon2 for a password set by a plain
   * modify too, and a lock after repeated failures (the policy entry is
   * seeded by enlace init, see seeds/base.ldif). */
  append_database (ldif, ENLACE_LOCAL_DB_ACCOUNTS, spec, rootdn);
  /* olcAddContentAcl: an add is checked value by value, as a modify is,
   * so no account is added with another policy or another class. */
  append_rules (ldif, account_rules, G_N_ELEMENTS (account_rules), spec->base);
  g_string_append (ldif, "olcAddContentAcl: TRUE\n"
                         "olcDbMaxSize: " LOG_MAX_SIZE "\n"
                         "olcDbIndex: objectClass eq\n"
                         "olcDbIndex: cn eq\n"
                         "olcDbIndex: entryUUID,entryCSN eq\n");
  append_replication (ldif, ENLACE_LOCAL_DB_ACCOUNTS, spec);
  /* After syncprov on a provider. */
  int ppolicy = is_replica (spec) ? 0 : 1;
  g_string_append_printf (ldif, "dn: olcOverlay={%d}ppolicy,olcDatabase={3}mdb,cn=config\n"
                                "objectClass: olcOverlayConfig\nobjectClass: olcPPolicyConfig\n"
                                "olcOverlay: {%d}ppolicy\n", ppolicy, ppolicy);
  append_attr (ldif, "olcPPolicyDefault", policy);
  g_string_append (ldif, "olcPPolicyHashCleartext: TRUE\n"
                         "olcPPolicyUseLockout: TRUE\n\n");

  append_database (ldif, ENLACE_LOCAL_DB_DIRECTORY, spec, rootdn);
  append_rules (ldif, directory_rules, G_N_ELEMENTS (directory_rules), spec->base);
  g_string_append (ldif, "olcAddContentAcl: TRUE\n"
                         "olcDbMaxSize: " DB_MAX_SIZE "\n"
                         "olcDbIndex: objectClass eq\n"
                         "olcDbIndex: entryUUID,entryCSN eq\n"
                         "olcDbIndex: enlaceId,enlaceTermId,c,enlaceStatus eq\n"
                         "olcDbIndex: enlaceRole,enlaceNetwork,enlaceCompetence eq\n"
                         "olcDbIndex: enlaceInstitutionType,enlaceInstitution,member eq\n"
                         /* Substrings only where lookups use them (address-book
                          * clients): every write pays for each substring key. */
                         "olcDbIndex: cn,sn,givenName,mail eq,sub\n"
                         "olcDbIndex: displayName,o eq\n");
  append_replication (ldif, ENLACE_LOCAL_DB_DIRECTORY, spec);

  if (is_replica (spec))
    return ldif; /* its history and its checks are the provider's */

  /* Each change with the entry's old entryCSN (modify logs it anyway;
   * logoldattr adds it to a rename): how enlace history tells a change the
   * data holds from one a failed transaction left in the log. */
  g_string_append (ldif, "dn: olcOverlay={1}accesslog,olcDatabase={4}mdb,cn=config\n"
                         "objectClass: olcOverlayConfig\nobjectClass: olcAccessLogConfig\n"
                         "olcOverlay: {1}accesslog\nolcAccessLogDB: cn=accesslog\n"
                         "olcAccessLogOps: writes\nolcAccessLogOld: (objectClass=*)\n"
                         "olcAccessLogOldAttr: entryCSN\n"
                         "olcAccessLogSuccess: TRUE\n\n");

  g_string_append (ldif, "dn: olcOverlay={2}unique,olcDatabase={4}mdb,cn=config\n"
                         "objectClass: olcOverlayConfig\nobjectClass: olcUniqueConfig\n"
                         "olcOverlay: {2}unique\n");
  append_attr (ldif, "olcUniqueURI", unique_id);
  append_attr (ldif, "olcUniqueURI", unique_mail);
  return ldif;
}
