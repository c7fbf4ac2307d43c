# Interop: what enlace writes, others read; what others write, enlace reads.
# vCards through python3-vobject, JSON and CSV through Python's parsers,
# the Thunderbird autocomplete filter through ldapsearch, and an entry
# added with ldapadd listed by enlace find.
. "$top_srcdir/tests/libtest.sh"

start_slapd "$TEST_DIR/ldap"
enlace init --demo >/dev/null
PY=/usr/bin/python3

id=$(enlace register --country GT --given-name "Zoë Inés" --surname "Quiñónez; Dávila, \"la jefa\"" \
  --title "Coordinadora, Enlace; Región 2" --institution GT-I-0001 --role smuggling-focal-point \
  --network crm-liaison-network --email zoe.quinonez@cancilleria.gt.example --phone 22001111)
check "a liaison with commas, semicolons and quotes in its name registers" test -n "$id"

# vCard 4.0, read by a real parser.
run_cmd enlace find --country GT --format vcard
expect_rc 0 "find --format vcard succeeds"
cp out cards.vcf
check "every line ends in CRLF" test "$(grep -c $'\r$' cards.vcf)" -eq "$(wc -l <cards.vcf)"
check "no line is longer than 75 octets" test "$(LC_ALL=C awk '{ sub(/\r$/, ""); if (length($0) > 75) n++ } END { print n + 0 }' cards.vcf)" -eq 0
cat >vcard.py <<'PY'
import sys, vobject
cards = list(vobject.readComponents(open(sys.argv[1], encoding="utf-8").read()))
want = sys.argv[2]
for c in cards:
    assert c.version.value == "4.0", c.version.value
    assert c.fn.value and c.email.value
zoe = [c for c in cards if c.uid.value == "urn:enlace:" + want]
assert len(zoe) == 1, [c.uid.value for c in cards]
z = zoe[0]
assert z.fn.value == 'Zoë Inés Quiñónez; Dávila, "la jefa"', z.fn.value
assert z.n.value.family == 'Quiñónez; Dávila, "la jefa"', z.n.value.family
assert z.n.value.given == "Zoë Inés", z.n.value.given
assert z.title.value == "Coordinadora, Enlace; Región 2", z.title.value
assert z.tel.value == "tel:+50222001111", z.tel.value
print(len(cards))
PY
run_cmd $PY vcard.py cards.vcf "$id"
expect_rc 0 "python3-vobject reads every card, special characters intact"
check "one card per liaison" test "$(cat out)" -eq "$(enlace find --country GT --format tsv | tail -n +2 | wc -l)"

# JSON.
run_cmd enlace find --country GT --format json
expect_rc 0 "find --format json succeeds"
cp out find.json
run_cmd $PY -c '
import json, sys
d = json.load(open("find.json", encoding="utf-8"))
assert d["count"] == len(d["liaisons"]), d["count"]
z = [l for l in d["liaisons"] if l["id"] == sys.argv[1]][0]
assert z["surname"] == "Quiñónez; Dávila, \"la jefa\"", z["surname"]
assert z["roles"] == ["smuggling-focal-point"], z["roles"]
assert z["retired"] is None
print(d["count"])' "$id"
expect_rc 0 "the JSON parses, with the documented members"

# CSV, RFC 4180.
run_cmd enlace find --country GT --format csv
cp out find.csv
run_cmd $PY -c '
import csv, sys
rows = list(csv.DictReader(open("find.csv", encoding="utf-8", newline="")))
z = [r for r in rows if r["id"] == sys.argv[1]][0]
assert z["surname"] == "Quiñónez; Dávila, \"la jefa\"", z["surname"]
assert z["title"] == "Coordinadora, Enlace; Región 2"
assert z["institution"] == "GT-I-0001"
assert z["network"] == "crm-liaison-network"
print(len(rows))' "$id"
expect_rc 0 "Python's csv module reads the CSV back, quoting intact"
check "the CSV header is the import columns after id and status" \
  test "$(head -1 find.csv | tr -d '\r')" = "id,status,country,given_name,surname,title,institution,role,network,email,phone,fax,mobile,language"

# LDIF: OpenLDAP's own parser takes it (ldapadd -n parses without writing).
run_cmd enlace show "$id" --format ldif
cp out show.ldif
run_cmd ldapmodify -n -a -H "$ENLACE_URI" -Y EXTERNAL -Q -f show.ldif
expect_rc 0 "ldapadd -n parses the LDIF"
check "the LDIF names the entry" has show.ldif "^dn: enlaceId=$id,c=GT,o=enlace$"

# Thunderbird's address-book autocomplete, older (prefix) and current (contains).
for filter in "(|(cn=Zoë*)(mail=Zoë*)(givenName=Zoë*)(sn=Zoë*))" \
              "(|(cn=zoe.q*)(mail=zoe.q*)(givenName=zoe.q*)(sn=zoe.q*))" \
              "(|(cn=*Quiñ*)(mail=*Quiñ*)(givenName=*Quiñ*)(sn=*Quiñ*))"; do
  run_cmd ldap_root -b o=enlace "$filter" mail
  check "ldapsearch finds the registered liaison with $filter" has out "^mail: zoe.quinonez@cancilleria.gt.example$"
done

# An entry that follows the schema, added with ldapadd, is listed by enlace.
cat >manual.ldif <<'LDIF'
dn: enlaceId=GT-L-0900,c=GT,o=enlace
objectClass: enlaceLiaison
enlaceId: GT-L-0900
c: GT
cn: Marta Agregada
givenName: Marta
sn: Agregada
mail: marta.agregada@policia.gt.example
enlaceStatus: active
enlaceRole: interpol-focal-point
enlaceNetwork: interpol
LDIF
run_cmd ldapadd -H "$ENLACE_URI" -Y EXTERNAL -Q -f manual.ldif
expect_rc 0 "ldapadd adds a liaison by hand"
run_cmd enlace find --role interpol-focal-point --country GT
check "enlace find lists the entry ldapadd made" has out "^GT-L-0900	Marta Agregada	"
run_cmd enlace register --country GT --given-name Next --surname One --title T --institution GT-I-0001 \
  --role consular-officer --email next.one@x.example
check "the next ID counts the hand-made one" test "$(cat out)" = GT-L-0901

done_testing
