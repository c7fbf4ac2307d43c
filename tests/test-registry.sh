# The registry as a Cancillería uses it: register, authorize, update,
# retire, show; every refusal with its exit code, and nothing written.
. "$top_srcdir/tests/libtest.sh"

start_slapd "$TEST_DIR/ldap"
enlace init --demo >/dev/null
export ENLACE_NOW=2026-03-02
writes () { ldap_root -b cn=accesslog "(objectClass=auditWriteObject)" 1.1 | count_dn; }
json_field () { /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d" + sys.argv[1]))' "$1"; }

register () {
  enlace register --country GT --given-name "Ana Lucía" --surname "Peña Ñandú" \
    --title "Jefa de Enlace" --institution GT-I-0001 --role smuggling-focal-point \
    --network crm-liaison-network --network corett --email ana.pena@cancilleria.gt.example \
    --phone "2200-1234" --language es,en "$@"
}

run_cmd register
expect_rc 0 "register succeeds"
check "register prints the new ID, one past the country's highest" has out "^GT-L-0005$"
id=$(cat out)
run_cmd enlace show "$id" --format json
expect_rc 0 "show finds the new liaison"
check "it is active at once" test "$(json_field '["status"]' <out)" = active
check "the name is stored as typed" test "$(json_field '["name"]' <out)" = "Ana Lucía Peña Ñandú"
check "the phone is normalised to E.164" test "$(json_field '["phone"]' <out)" = "+50222001234"
check "the phone as typed is kept" test "$(json_field '["phone_as_written"][0]' <out)" = "2200-1234"
check "networks given twice are both kept" test "$(json_field '["networks"]' <out)" = "['crm-liaison-network', 'corett']"
check "the designation date is today" test "$(json_field '["designated"]' <out)" = 2026-03-02
check "the institution is linked by ID" test "$(json_field '["institution"]["id"]' <out)" = GT-I-0001
check "who registered it is recorded" has out '"designated_by" : "gidNumber='

# NFC: a decomposed é is stored composed.
run_cmd enlace register --country HN --given-name "$(printf 'Jose\xcc\x81')" --surname Nuevo \
  --title Enlace --institution HN-I-0001 --role consular-officer --email jose.nuevo@x.hn.example
expect_rc 0 "a decomposed name is accepted"
check "and stored in NFC" test "$(enlace show "$(cat out)" --format json | json_field '["given_name"]')" = "José"

run_cmd enlace register --country GT --given-name Pablo --surname Fiscal --title Fiscal \
  --institution GT-I-0003 --role liaison-prosecutor --email pablo.fiscal@fiscalia.gt.example
expect_rc 0 "a liaison prosecutor is registered"
prosecutor=$(cat out)
check "a liaison prosecutor waits for authorisation" test "$(enlace show "$prosecutor" --format json | json_field '["status"]')" = pending
run_cmd enlace authorize "$prosecutor"
expect_rc 0 "authorize succeeds on a pending liaison"
run_cmd enlace show "$prosecutor" --format json
check "an authorised liaison is active" test "$(json_field '["status"]' <out)" = active
check "the authorisation is dated" test "$(json_field '["authorized"]' <out)" = 2026-03-02
run_cmd enlace authorize "$prosecutor"
expect_rc 5 "authorising an active liaison is a conflict"
check "which says why" has err "is active, not pending"

# Refusals: exit 2, and nothing written.
before=$(writes)
refuse () { # DESCRIPTION MESSAGE-REGEX ARGS...
  local desc=$1 msg=$2
  shift 2
  run_cmd enlace register "$@"
  expect_rc 2 "register refuses $desc"
  check "naming the field and the rule ($desc)" has err "$msg"
}
base_args=(--country GT --given-name Rosa --surname Prueba --title T --institution GT-I-0001 --role consular-officer)
refuse "a missing email" "email is required" "${base_args[@]}"
refuse "a malformed email" "email 'rosa@' is not an address" "${base_args[@]}" --email rosa@
refuse "a non-ASCII mailbox name" "non-ASCII characters before the @" "${base_args[@]}" --email "rosá@x.example"
refuse "a country that is not a member" "country 'ZZ' is not a member country" --country ZZ --given-name R --surname P --title T --institution GT-I-0001 --role consular-officer --email r@x.example
refuse "an unknown role, listing the known ones" "role 'spy' is not in the vocabulary \(cancilleria-coordinator, consular-officer" "${base_args[@]/consular-officer/spy}" --email r@x.example
refuse "an unknown network" "network 'nato' is not in the vocabulary" "${base_args[@]}" --network nato --email r@x.example
refuse "another country's institution" "institution 'HN-I-0001' is not one of GT's" --country GT --given-name R --surname P --title T --institution HN-I-0001 --role consular-officer --email r@x.example
refuse "an institution that does not exist" "institution 'GT-I-0999' does not exist" --country GT --given-name R --surname P --title T --institution GT-I-0999 --role consular-officer --email r@x.example
refuse "a phone with letters" "phone 'call me' is not a phone number" "${base_args[@]}" --email r@x.example --phone "call me"
refuse "a bad language tag" "language 'spanish' is not a language tag" "${base_args[@]}" --email r@x.example --language spanish
refuse "a missing title" "title is required" --country GT --given-name R --surname P --institution GT-I-0001 --role consular-officer --email r@x.example
run_cmd enlace register "${base_args[@]}" --email ana.pena@cancilleria.gt.example
expect_rc 5 "an email a current liaison uses is a conflict"
check "naming who uses it" has err "already used by $id"
check "no refusal wrote anything" test "$(writes)" -eq "$before"

# Update.
run_cmd enlace update "$id" --title "Directora de Enlace" --phone "+502 5555 1212"
expect_rc 0 "update changes fields"
run_cmd enlace show "$id" --format json
check "the title changed" test "$(json_field '["title"]' <out)" = "Directora de Enlace"
check "the phone changed" test "$(json_field '["phone"]' <out)" = "+50255551212"
check "the rest did not" test "$(json_field '["email"]' <out)" = ana.pena@cancilleria.gt.example
run_cmd enlace update "$id" --surname "Peña Roble"
run_cmd enlace show "$id" --format json
check "a new surname renames the entry's cn" test "$(json_field '["name"]' <out)" = "Ana Lucía Peña Roble"
run_cmd enlace update "$id"
expect_rc 2 "an update with nothing to change is bad usage"
run_cmd enlace update "$id" --email "$(enlace show GT-L-0002 --format json | json_field '["email"]')"
expect_rc 5 "taking another liaison's email is a conflict"
run_cmd enlace update GT-L-0999 --title X
expect_rc 1 "updating a liaison that does not exist finds nothing"
run_cmd enlace update "not-an-id" --title X
expect_rc 2 "a malformed ID is bad input"
run_cmd enlace update "$id" --role liaison-prosecutor
run_cmd enlace show "$id" --format json
check "a new role that needs authorisation makes the liaison pending" test "$(json_field '["status"]' <out)" = pending
enlace authorize "$id" 2>/dev/null

# Retire.
run_cmd enlace retire GT-L-0002
expect_rc 2 "retire without a reason is refused"
run_cmd enlace retire GT-L-0002 --reason "Traslado" --successor HN-L-0002
expect_rc 2 "a successor from another country is refused"
run_cmd enlace retire GT-L-0002 --reason "Traslado" --date 2026-02-30
expect_rc 2 "an impossible date is refused"
run_cmd enlace retire GT-L-0002 --reason "Traslado a otra dirección" --successor "$id" --date 2026-02-27
expect_rc 0 "retire with a successor succeeds"
run_cmd enlace show GT-L-0002 --format json
check "the retired entry is kept, retired" test "$(json_field '["status"]' <out)" = retired
check "with its date" test "$(json_field '["retired"]' <out)" = 2026-02-27
check "its reason" test "$(json_field '["retirement_reason"]' <out)" = "Traslado a otra dirección"
check "and its successor" test "$(json_field '["successor"]' <out)" = "$id"
check "the successor links back" test "$(enlace show "$id" --format json | json_field '["predecessor"]')" = GT-L-0002
run_cmd enlace find --country GT
check "a retired liaison drops out of default lookups" lacks out "^GT-L-0002"
run_cmd enlace find --country GT --status retired
check "and is found with --status retired" has out "^GT-L-0002	"
run_cmd enlace retire GT-L-0002 --reason "again"
expect_rc 5 "retiring a retired liaison is a conflict"
run_cmd enlace update GT-L-0002 --title X
expect_rc 5 "a retired liaison cannot be updated"

# History, from slapo-accesslog, oldest first.
run_cmd enlace history GT-L-0002
expect_rc 0 "history shows a liaison's changes"
check "the first is the entry's creation" test "$(awk 'NR == 1 { print $3 }' out)" = add
check "the retirement is last, with its reason" test "$(grep -E '^[0-9]' out | tail -1 | awk '{ print $3 }')" = modify
check "the retirement's values are listed" has out "^    enlaceRetirementReason: Traslado a otra dirección$"
check "the status change is listed" has out "^    enlaceStatus: retired$"
check "every change names who made it" test "$(grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}Z  (add|modify) +gidNumber=' out)" -eq "$(grep -cE '^[0-9]' out)"
check "operational attributes are left out" lacks out "entryCSN|modifiersName"
run_cmd enlace history GT-L-0999
expect_rc 1 "history of an unknown ID finds nothing"

run_cmd enlace show GT-L-0999
expect_rc 1 "show of an unknown ID finds nothing"
run_cmd enlace show
expect_rc 2 "show without an ID is bad usage"
run_cmd enlace show GT-L-0001 GT-L-0002
expect_rc 2 "show with two IDs is bad usage"
run_cmd enlace show GT-L-0001 --format yaml
expect_rc 2 "an unknown format is bad usage"
run_cmd enlace register "${base_args[@]}" --email r@x.example --uri "ldap://127.0.0.1:$(free_port)/"
expect_rc 3 "register against a server that is not there is unreachable"

done_testing
