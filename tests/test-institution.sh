# enlace institution: the referral institutions and what each takes.
. "$top_srcdir/tests/libtest.sh"

start_slapd "$TEST_DIR/ldap"
enlace init --demo >/dev/null
export ENLACE_NOW=2026-05-04
json_field () { /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d" + sys.argv[1]))' "$1"; }

run_cmd enlace institution find --country GT --competence unaccompanied-children
expect_rc 0 "which GT institutions take referrals of unaccompanied children: found"
check "the child-protection office is among them" has out "^GT-I-0005	.*	child-protection	"
check "institutions without that competence are not" lacks out "^GT-I-0001	"

run_cmd enlace institution add --country gt --name "Refugio Sendero (demo)" --type shelter \
  --competence unaccompanied-children,shelter --competence pregnant-women \
  --email info@sendero.gt.example --phone 2200-9999 --url https://sendero.gt.example/ --language es
expect_rc 0 "institution add succeeds"
check "it prints the next institution ID of the country" has out "^GT-I-0007$"
run_cmd enlace institution show GT-I-0007 --format json
check "the competences are stored" test "$(json_field '["competences"]' <out)" = "['unaccompanied-children', 'shelter', 'pregnant-women']"
check "the phone is normalised" test "$(json_field '["phone"]' <out)" = "+50222009999"
check "it is active" test "$(json_field '["status"]' <out)" = active
check "dated today" test "$(json_field '["designated"]' <out)" = 2026-05-04
run_cmd enlace institution find --country GT --competence pregnant-women
check "find --competence finds it" has out "^GT-I-0007	Refugio Sendero \(demo\)	"

# A liaison can now be registered at it, by name.
run_cmd enlace register --country GT --given-name Marta --surname Refugio --title Directora \
  --institution "Refugio Sendero (demo)" --role consular-officer --email marta@sendero.gt.example
expect_rc 0 "a liaison registers at the new institution, named exactly"
run_cmd enlace find --institution GT-I-0007
check "find --institution lists its liaisons" has out "	Marta Refugio	"

refuse () { # CODE DESCRIPTION MESSAGE ARGS...
  local code=$1 desc=$2 msg=$3
  shift 3
  run_cmd enlace institution add "$@"
  expect_rc "$code" "add refuses $desc"
  check "with a message that says so ($desc)" has err "$msg"
}
refuse 2 "a missing type" "type is required" --country GT --name "Sin Tipo"
refuse 2 "an unknown type" "type 'embassy' is not in the vocabulary" --country GT --name X --type embassy
refuse 2 "an unknown competence" "competence 'everything' is not in the vocabulary" --country GT --name X --type ngo --competence everything
refuse 2 "a URL that is not http(s)" "url 'javascript:alert\(1\)' is not an http" --country GT --name X --type ngo --url "javascript:alert(1)"
refuse 2 "a non-member country" "country 'FR' is not a member country" --country FR --name X --type ngo
refuse 5 "a name the country already uses" "GT already has an institution named 'Refugio Sendero \(demo\)' \(GT-I-0007\)" --country GT --name "Refugio Sendero (demo)" --type ngo

run_cmd enlace institution update GT-I-0007 --competence shelter
expect_rc 0 "update replaces the competences"
check "only shelter is left" test "$(enlace institution show GT-I-0007 --format json | json_field '["competences"]')" = "['shelter']"
run_cmd enlace institution update GT-I-0007
expect_rc 2 "an update with nothing to change is bad usage"
run_cmd enlace institution update GT-I-0999 --type ngo
expect_rc 1 "updating an unknown institution finds nothing"

run_cmd enlace institution retire GT-I-0006 --reason "Cerró sus puertas" --successor GT-I-0007
expect_rc 0 "retire with a successor"
run_cmd enlace institution show GT-I-0006 --format json
check "the retired institution is kept, retired" test "$(json_field '["status"]' <out)" = retired
check "with its successor" test "$(json_field '["successor"]' <out)" = GT-I-0007
check "which links back" test "$(enlace institution show GT-I-0007 --format json | json_field '["predecessor"]')" = GT-I-0006
run_cmd enlace institution find --country GT --competence shelter
check "a retired institution drops out of default lookups" lacks out "^GT-I-0006"
run_cmd enlace institution retire GT-I-0006 --reason again
expect_rc 5 "retiring it again is a conflict"
run_cmd enlace institution retire GT-I-0005 --reason x --successor HN-I-0005
expect_rc 2 "a successor from another country is refused"
run_cmd enlace institution show GT-L-0001
expect_rc 1 "a liaison's ID is no institution"

# vCard of KIND org, read by python3-vobject.
run_cmd enlace institution find --country GT --format vcard
cp out orgs.vcf
run_cmd /usr/bin/python3 -c '
import vobject
cards = list(vobject.readComponents(open("orgs.vcf", encoding="utf-8").read()))
assert all(c.kind.value == "org" for c in cards)
assert any(c.org.value == ["Refugio Sendero (demo)"] for c in cards), [c.org.value for c in cards]
print(len(cards))'
expect_rc 0 "python3-vobject reads the institutions' vCards"

# Another country's Cancillería may not add or change GT's institutions.
printf 'password-one\n' >pw
hn=$(enlace account add --kind cancilleria --country HN --new-password-file pw hn)
ENLACE_BIND_DN=$hn ENLACE_PASSWORD_FILE=$TEST_DIR/pw run_cmd enlace institution add --country GT --name "Ajena" --type ngo
expect_rc 4 "cancilleria-HN may not add a GT institution"
ENLACE_BIND_DN=$hn ENLACE_PASSWORD_FILE=$TEST_DIR/pw run_cmd enlace institution update GT-I-0007 --type ngo
expect_rc 4 "cancilleria-HN may not change a GT institution"
ENLACE_BIND_DN=$hn ENLACE_PASSWORD_FILE=$TEST_DIR/pw run_cmd enlace institution add --country HN --name "Propia (demo)" --type ngo
expect_rc 0 "cancilleria-HN adds an HN institution"

done_testing
