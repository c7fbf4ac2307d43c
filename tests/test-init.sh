# enlace init loads the base tree and the vocabularies; a second run writes
# nothing and says so; it repairs what differs and keeps what people added.
. "$top_srcdir/tests/libtest.sh"

start_slapd "$TEST_DIR/ldap"

# Writes the slapo-accesslog records: a second init must add none.
log_count () { ldap_root -b cn=accesslog "(objectClass=auditWriteObject)" 1.1 | count_dn; }
entry_count () { ldap_root -b "$ENLACE_BASE" "(objectClass=*)" 1.1 | count_dn; }
base_entries=$(grep -c '^dn:' "$top_srcdir/seeds/base.ldif")
demo_entries=$(grep -c '^dn:' "$top_srcdir/seeds/demo.ldif")

run_cmd enlace status
expect_rc 0 "status answers on an empty directory"
check "status says the directory is empty" has out "empty; run 'enlace init'"
check "status names the schema version" has out "^schema: +2$"

run_cmd enlace init --dry-run
expect_rc 0 "init --dry-run succeeds"
check "init --dry-run says what it would add" has out "would add $base_entries,"
check "init --dry-run writes nothing" test "$(entry_count)" -eq 0

run_cmd enlace init
expect_rc 0 "init loads an empty directory"
check "init reports every seed entry added" has out "added $base_entries, updated 0"
check "the directory holds every seed entry" test "$(entry_count)" -eq "$base_entries"
writes=$(log_count)
# ou=campaigns and ou=accounts are databases of their own, without a change
# history (the accounts' holds passwords).
accounts_entries=$(grep -c '^dn: .*ou=accounts,o=enlace$' "$top_srcdir/seeds/base.ldif")
check "the first init's writes are in the accesslog, but for the accounts" \
  test "$writes" -eq $((base_entries - 1 - accounts_entries))

run_cmd ldap_root -b "$ENLACE_BASE" -s one "(objectClass=enlaceCountry)" c
check "the eleven member countries are under the base" test "$(count_dn <out)" -eq 11
check "Guatemala is one of them" has out "^dn: c=GT,o=enlace$"

run_cmd enlace init
expect_rc 0 "a second init succeeds"
check "a second init says there is nothing to do" has out "^Nothing to do"
check "a second init reports every entry current" has out "nothing to do \($base_entries entries already current\)"
check "a second init writes nothing" test "$(log_count)" -eq "$writes"

# A damaged label is put back; a term added by hand survives.
cat >edit.ldif <<'LDIF'
dn: enlaceTermId=liaison-prosecutor,ou=roles,ou=vocabulary,o=enlace
changetype: modify
replace: enlaceLabel;lang-en
enlaceLabel;lang-en: Damaged label

dn: enlaceTermId=border-health-officer,ou=roles,ou=vocabulary,o=enlace
changetype: add
objectClass: enlaceTerm
enlaceTermId: border-health-officer
enlaceLabel;lang-es: Oficial de salud fronteriza
enlaceLabel;lang-en: Border health officer
LDIF
ldapmodify -H "$ENLACE_URI" -Y EXTERNAL -Q -f edit.ldif >/dev/null
run_cmd enlace init --verbose
check "init repairs exactly the changed entry" has out "added 0, updated 1; $((base_entries - 1)) already current"
check "init --verbose names the entry it updated" has out "^updated enlaceTermId=liaison-prosecutor,ou=roles,ou=vocabulary,o=enlace$"
run_cmd ldap_root -b "enlaceTermId=liaison-prosecutor,ou=roles,ou=vocabulary,$ENLACE_BASE" -s base "enlaceLabel;lang-en"
check "the label is the seed's again" has out "^enlaceLabel;lang-en: Liaison prosecutor$"
run_cmd ldap_root -b "ou=roles,ou=vocabulary,$ENLACE_BASE" "(enlaceTermId=border-health-officer)" 1.1
check "the term added by hand is kept" test "$(count_dn <out)" -eq 1

run_cmd enlace init --demo
expect_rc 0 "init --demo loads the demo data"
check "init --demo reports the demo entries added" has out "demo data: added $demo_entries, updated 0"
run_cmd enlace init --demo
check "init --demo twice writes nothing" has out "^Nothing to do"

run_cmd enlace status
check "status counts the countries" has out "^countries: +11$"
check "status counts the liaisons by status" has out "^liaisons: +41 \(1 pending, 39 active, 1 retired, 0 unverified\)$"
check "status counts the institutions" has out "^institutions: +73 \(0 pending, 73 active"
check "status says who we are bound as" has out "^bound as: +dn:gidNumber=$(id -g)\+uidNumber=$(id -u),cn=peercred"
check "status says where the URI came from" has out "^server: +ldapi://.* \(ENLACE_URI\)$"

# The demo lookup the README shows.
run_cmd ldap_root -b "c=GT,$ENLACE_BASE" "(&(objectClass=enlaceLiaison)(enlaceRole=smuggling-focal-point)(enlaceStatus=active))" cn mail
check "Guatemala has an active smuggling focal point" test "$(count_dn <out)" -eq 1

# The overlays enlace-local installs: IDs are unique, and so are the mail
# addresses of current liaisons; a retired liaison's mailbox may pass on.
liaison () { # ID COUNTRY MAIL
  printf 'dn: enlaceId=%s,c=%s,o=enlace\nobjectClass: enlaceLiaison\nenlaceId: %s\ncn: Prueba Uno\nsn: Uno\nc: %s\nenlaceStatus: active\nmail: %s\n' "$1" "$2" "$1" "$2" "$3"
}
taken_mail=$(ldap_root -b "c=GT,$ENLACE_BASE" "(&(objectClass=enlaceLiaison)(enlaceStatus=active))" mail | sed -n 's/^mail: //p' | head -1)
retired_mail=$(ldap_root -b "$ENLACE_BASE" "(&(objectClass=enlaceLiaison)(enlaceStatus=retired))" mail | sed -n 's/^mail: //p')
run_cmd sh -c "$(declare -f liaison); liaison GT-L-0001 HN fresh.one@x.example | ldapadd -H '$ENLACE_URI' -Y EXTERNAL -Q"
check "slapo-unique refuses a second entry with the same enlaceId" has err "Constraint violation"
run_cmd sh -c "$(declare -f liaison); liaison GT-L-9001 GT '$taken_mail' | ldapadd -H '$ENLACE_URI' -Y EXTERNAL -Q"
check "slapo-unique refuses the mail of a current liaison" has err "Constraint violation"
run_cmd sh -c "$(declare -f liaison); liaison GT-L-9002 GT '$retired_mail' | ldapadd -H '$ENLACE_URI' -Y EXTERNAL -Q"
expect_rc 0 "the mail of a retired liaison may be reused"

# Anonymous clients read the root DSE and the schema, and nothing else.
run_cmd ldapsearch -x -H "$ENLACE_URI" -LLL -b "$ENLACE_BASE" "(c=GT)" 1.1
check "anonymous reads no entry" test "$(count_dn <out)" -eq 0
run_cmd ldapsearch -x -H "$ENLACE_URI" -LLL -s base -b "" namingContexts
check "anonymous reads the root DSE" has out "namingContexts: $ENLACE_BASE"

# Another base: the seeds are moved to it, DN-valued attributes too.
start_slapd "$TEST_DIR/other" --base "o=otra red"
run_cmd enlace init
expect_rc 0 "init fills a directory with another base"
run_cmd ldap_root -b "enlaceTermId=corett,ou=networks,ou=vocabulary,o=otra red" -s base member
check "network members are rebased" has out "^member: c=GT,o=otra red$"
check "no member points at the seeds' base" lacks out "o=enlace"
run_cmd ldap_root -b "o=otra red" -s base o
check "the base entry takes its own RDN value" has out "^o: otra red$"

# A server without the enlace schema is refused before anything is written.
start_plain_slapd "$TEST_DIR/plain"
ENLACE_URI=$PLAIN_URI run_cmd enlace init
expect_rc 6 "init refuses a server without the enlace schema"
check "and says so" has err "has no enlace schema"
ENLACE_URI=$PLAIN_URI run_cmd enlace status
expect_rc 0 "status works against a server without the schema"
check "status says the schema is missing" has out "none: the server has no enlace schema"

done_testing
