# Snapshots: every export validates against the XSD; public snapshots hold
# no restricted field; output is deterministic; export, wipe (a new
# server), import, export gives the same bytes; import refuses an invalid
# document naming the line and writes nothing; a size-limited server still
# yields everything; diff reports a known set of changes exactly.
. "$top_srcdir/tests/libtest.sh"

XSD=$top_srcdir/schema/enlace-snapshot.xsd
export ENLACE_NOW=2026-11-23
export XDG_CONFIG_HOME=$TEST_DIR/config  # no [mail]: no notices
valid () { xmllint --noout --schema "$XSD" "$1" 2>"$TEST_DIR/xmllint.err"; }
liaisons_in () { grep -c '<liaison ' "$1" || true; }

start_slapd
enlace init --demo >/dev/null || bail_out "enlace init --demo failed"
# Restricted fields, a successor link and a retirement, so all travel.
enlace update GT-L-0002 --mobile "+502 5555 0101" --notes "Turno de noche & fines de semana <urgente>" >/dev/null \
  || bail_out "update failed"
enlace institution update GT-I-0002 --notes "Convenio 2026" >/dev/null || bail_out "institution update failed"
new=$(enlace register --country GT --given-name "Ximena" --surname "Ñandú Oyarzún" --title "Analista" \
  --institution GT-I-0001 --role smuggling-focal-point --email ximena.nandu@rree.gt.example) \
  || bail_out "register failed"
enlace retire GT-L-0003 --reason "Traslado a otra unidad" --successor "$new" >/dev/null || bail_out "retire failed"

# --- export
run_cmd enlace export -o public.xml
expect_rc 0 "export writes a public snapshot"
check "the public snapshot validates against the XSD" valid public.xml
check "the namespace carries the version" has public.xml 'xmlns="urn:enlace:directory:1"'
check "the generation time is ENLACE_NOW's" has public.xml 'generated="2026-11-23T00:00:00Z"'
check "a public snapshot holds no mobile number" lacks public.xml '<mobile>|5555 0101'
check "a public snapshot holds no notes" lacks public.xml '<notes>|Convenio 2026'
check "a public snapshot leaves retired liaisons out" lacks public.xml 'id="GT-L-0003"'
check "a public snapshot holds the new liaison" has public.xml "id=\"$new\""

run_cmd enlace export --include-restricted --include-retired -o full.xml
expect_rc 0 "export --include-restricted --include-retired"
check "the full snapshot validates" valid full.xml
check "restricted fields are there with --include-restricted" has full.xml '<mobile>\+50255550101</mobile>'
check "text is escaped by the XML writer" has full.xml 'Turno de noche &amp; fines de semana &lt;urgente&gt;'
check "the retired liaison is there with its successor" has full.xml "<successor>$new</successor>"
ldap_root -b "$ENLACE_BASE" '(objectClass=enlaceLiaison)' dn >all.ldif
check "every liaison is exported ($(liaisons_in full.xml))" test "$(liaisons_in full.xml)" -eq "$(count_dn <all.ldif)"

enlace export --include-restricted --include-retired >again.xml
check "exporting twice gives the same bytes (stdout too)" cmp -s full.xml again.xml

run_cmd enlace export --country gt --network crm-liaison-network -o gt.xml
expect_rc 0 "export --country --network"
check "a selective snapshot validates" valid gt.xml
check "it names its selection" has gt.xml 'countries="GT" networks="crm-liaison-network"'
check "it holds only Guatemalan liaisons" lacks gt.xml '<liaison id="[^G]'
check "it holds every vocabulary still" has gt.xml '<term id="unaccompanied-children">'

run_cmd enlace export --country Guatemala
expect_rc 2 "a bad --country is exit 2"
check "the message names the field" has err "country"
run_cmd enlace export -o "$TEST_DIR/no/such/dir/x.xml"
expect_rc 6 "an unwritable output is exit 6"
check "and leaves nothing behind" test ! -e "$TEST_DIR/no/such/dir"
cp public.xml keep.xml
ldap_root -b "$ENLACE_BASE" dn >/dev/null
run_cmd enlace export -o public.xml --uri ldap://127.0.0.1:1/
expect_rc 3 "an unreachable directory is exit 3"
check "a failed export leaves the earlier file as it was" cmp -s public.xml keep.xml
check "and no temporary file" test "$(ls public.xml.* 2>/dev/null | wc -l)" -eq 0

# A server whose size limit stops plain searches at 5 entries: the paged
# search still brings everything.
pw=$TEST_DIR/pw
printf 'staff-secret-1\n' >"$pw"
staff=$(enlace account add --kind staff --new-password-file "$pw" analista) || bail_out "account add failed"
ldapmodify -H "$ENLACE_URI" -Y EXTERNAL -Q >/dev/null <<'EOF' || bail_out "cannot set the size limit"
dn: olcDatabase={4}mdb,cn=config
changetype: modify
replace: olcLimits
olcLimits: dn.children="ou=accounts,o=enlace" size.soft=5 size.hard=5 size.prtotal=unlimited
EOF
plain=$(ldapsearch -H "$ENLACE_URI" -x -D "$staff" -y <(printf 'staff-secret-1') -LLL -b "$ENLACE_BASE" '(objectClass=enlaceLiaison)' dn 2>/dev/null | count_dn)
check "the size limit holds for a plain search ($plain entries)" test "$plain" -eq 5
run_cmd enlace export --bind-dn "$staff" --password-file "$pw" -o staff.xml
expect_rc 0 "export as staff under the size limit"
check "the size-limited export is the same public snapshot" cmp -s staff.xml public.xml
# A limit on the page itself (size.pr): 1000 is refused, smaller pages fit.
ldapmodify -H "$ENLACE_URI" -Y EXTERNAL -Q >/dev/null <<'EOF' || bail_out "cannot set the page limit"
dn: olcDatabase={4}mdb,cn=config
changetype: modify
replace: olcLimits
olcLimits: dn.children="ou=accounts,o=enlace" size.soft=5 size.hard=5 size.pr=7 size.prtotal=unlimited
EOF
paged=$(ldapsearch -H "$ENLACE_URI" -x -D "$staff" -y <(printf 'staff-secret-1') -LLL -E pr=1000/noprompt -b "$ENLACE_BASE" '(objectClass=enlaceLiaison)' dn 2>&1)
check "the server refuses pages of 1000" has <(echo "$paged") "Administrative limit exceeded"
run_cmd enlace export --bind-dn "$staff" --password-file "$pw" -o staff-pr.xml
expect_rc 0 "export as staff under a page-size limit"
check "it still yields the same public snapshot" cmp -s staff-pr.xml public.xml
ldapmodify -H "$ENLACE_URI" -Y EXTERNAL -Q >/dev/null <<'EOF'
dn: olcDatabase={-1}frontend,cn=config
changetype: modify
delete: olcSizeLimit
EOF

# --- import into a new, empty server, and back out
main_uri=$ENLACE_URI
start_slapd "$TEST_DIR/ldap2"
enlace init >/dev/null || bail_out "init of the second server failed"
run_cmd enlace import --dry-run full.xml
expect_rc 0 "import --dry-run"
check "the dry run counts what it would create" has out "would create [1-9]"
check "and writes nothing" test "$(ldap_root -b "$ENLACE_BASE" '(objectClass=enlaceLiaison)' dn | count_dn)" -eq 0
run_cmd enlace import full.xml
expect_rc 0 "import of the full snapshot into a new server"
check "import says what it created" has out "created [1-9][0-9]*, updated 0"
enlace export --include-restricted --include-retired -o round.xml
check "export, wipe, import, export gives the same bytes" cmp -s full.xml round.xml
writes () { ldapsearch -H "$ENLACE_URI" -Y EXTERNAL -Q -LLL -b cn=accesslog '(reqType=*)' dn | count_dn; }
logged=$(writes)
run_cmd enlace import full.xml
check "importing again changes nothing" has out "created 0, updated 0;"
check "the change history shows no write from the second import" test "$(writes)" -eq "$logged"

# A public snapshot updates public fields and leaves restricted ones alone.
sed 's|<title>Analista</title>|<title>Analista principal</title>|' public.xml >public2.xml
run_cmd enlace import public2.xml
check "a changed public snapshot updates one entry" has out "created 0, updated 1;"
check "the title changed" has <(enlace show "$new" --format json) '"Analista principal"'
check "the mobile number (restricted) is still there" has <(ldap_root -b "$ENLACE_BASE" "(enlaceId=GT-L-0002)" enlaceMobile) "50255550101"

# --- import refuses invalid documents, naming the line, writing nothing
before=$(ldap_root -b "$ENLACE_BASE" '(objectClass=*)' modifyTimestamp | md5sum)
line=$(grep -n "<liaison id=\"$new\"" full.xml | cut -d: -f1)
sed "${line}s/status=\"active\"/status=\"dormant\"/" full.xml >bad-status.xml
run_cmd enlace import bad-status.xml
expect_rc 2 "a snapshot with a bad status is refused"
check "the error names the file and line $line" has err "bad-status.xml:$line:"
check "the error names the attribute" has err "status"
sed 's|<role>smuggling-focal-point</role>|<role>no-such-role</role>|' full.xml >bad-role.xml
run_cmd enlace import bad-role.xml
expect_rc 2 "a liaison with a role missing from the vocabulary is refused"
check "the error says which key" has err "no-such-role"
printf '<?xml version="1.0"?>\n<directory xmlns="urn:enlace:directory:1">\n  <bodies>\n</directory>\n' >broken.xml
run_cmd enlace import broken.xml
expect_rc 2 "a document that is not well-formed is refused"
check "with its line" has err "broken.xml:[34]:"
{ printf '<?xml version="1.0"?>\n<!DOCTYPE directory [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'; tail -n +2 full.xml; } >doctype.xml
run_cmd enlace import doctype.xml
expect_rc 2 "a document with a DOCTYPE (entities) is refused"
check "saying so" has err "doctype.xml: a snapshot has no DOCTYPE"
sed 's|urn:enlace:directory:1|urn:enlace:directory:2|' full.xml >v2.xml
run_cmd enlace import v2.xml
expect_rc 2 "a document of another version is refused"
check "nothing was written by any refused import" test "$(ldap_root -b "$ENLACE_BASE" '(objectClass=*)' modifyTimestamp | md5sum)" = "$before"

# A Cancillería may import its own country only: slapd says no to the rest.
printf 'gt-secret-12\n' >"$TEST_DIR/gtpw"
gt=$(enlace account add --kind cancilleria --country GT --new-password-file "$TEST_DIR/gtpw" gt-cancilleria)
sed 's|<title>Director(a) de Asuntos Migratorios</title>|<title>Cambiado</title>|' full.xml >other.xml
grep -q '<title>Cambiado</title>' other.xml || bail_out "the fixture edit did not apply"
run_cmd enlace import --bind-dn "$gt" --password-file "$TEST_DIR/gtpw" other.xml
expect_rc 4 "a Cancillería importing other countries' changes gets exit 4"

# --- diff, with a known set of changes made on the first server
export ENLACE_URI=$main_uri
enlace update GT-L-0002 --title "Jefa de Enlace Regional" --phone "2200 0000" >/dev/null
enlace retire HN-L-0002 --reason "Jubilación" >/dev/null
added=$(enlace register --country SV --given-name "Óscar" --surname "Quintanilla" --title "Analista" \
  --institution SV-I-0001 --role smuggling-focal-point --email oscar.q@rree.sv.example)
enlace export --include-restricted --include-retired -o next.xml
check "the second snapshot validates" valid next.xml
run_cmd enlace diff full.xml next.xml
expect_rc 0 "diff"
check "diff lists the added liaison" has out "^  \+ liaison $added  Óscar Quintanilla \(SV\)"
check "diff lists the retirement with its reason" has out "^  - liaison HN-L-0002 .*: Jubilación"
check "diff lists the changed title" has out '^      title: ".*" -> "Jefa de Enlace Regional"'
check "diff lists the changed phone" has out '^      phone: "\+502[0-9]*" -> "\+50222000000"'
check "diff sums up" has out "^1 added, 1 retired, 0 removed, 1 changed"
run_cmd enlace diff --format json full.xml next.xml
expect_rc 0 "diff --format json"
check "the JSON diff is exactly the known changes" /usr/bin/python3 - out "$added" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
added = [(e["kind"], e["id"]) for e in d["added"]]
retired = [(e["kind"], e["id"]) for e in d["retired"]]
changed = {e["id"]: {f["field"]: (f["old"], f["new"]) for f in e["fields"]} for e in d["changed"]}
ok = (added == [("liaison", sys.argv[2])] and retired == [("liaison", "HN-L-0002")]
      and d["removed"] == [] and list(changed) == ["GT-L-0002"]
      and sorted(changed["GT-L-0002"]) == ["phone", "phone-as-written", "title"]
      and changed["GT-L-0002"]["title"][1] == ["Jefa de Enlace Regional"]
      and d["summary"] == {"added": 1, "retired": 1, "removed": 0, "changed": 1})
sys.exit(0 if ok else 1)
EOF
enlace export -o next-public.xml
run_cmd enlace diff public.xml next-public.xml
check "between public snapshots a retirement is an entry that left" has out "^  - liaison HN-L-0002"
run_cmd enlace diff full.xml bad-status.xml
expect_rc 2 "diff refuses an invalid snapshot"
run_cmd enlace diff full.xml
expect_rc 2 "diff needs two files"

done_testing
