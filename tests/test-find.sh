# enlace find: the lookups staff make, in one command; hostile values find
# only what they literally say.
. "$top_srcdir/tests/libtest.sh"

start_slapd "$TEST_DIR/ldap"
enlace init --demo >/dev/null

run_cmd enlace find --country GT --role smuggling-focal-point --format table
expect_rc 0 "the smuggling focal point of Guatemala is found"
check "the table has a header" has out "^ID +NAME +TITLE +EMAIL +PHONE +ROLES +STATUS$"
run_cmd enlace find --country GT --role smuggling-focal-point
check "off a terminal the columns are tab-separated" has out "^ID	NAME	TITLE	EMAIL	PHONE	ROLES	STATUS$"
check "exactly one current one" test "$(grep -c '^GT-L-' out)" -eq 1
check "the retired one is left out by default" lacks out "retired"

run_cmd enlace find --country GT --role smuggling-focal-point --status all
check "--status all shows the retired one too" test "$(grep -c '^GT-L-' out)" -eq 2
run_cmd enlace find --status retired
check "--status retired shows only retired liaisons" test "$(grep -c '	retired$' out)" -eq 1 -a "$(grep -c '^[A-Z][A-Z]-L-' out)" -eq 1
run_cmd enlace find --status pending
check "the pending prosecutor is found" has out "^HN-L-0005	.*	liaison-prosecutor	pending$"

run_cmd enlace find --network redtram
expect_rc 0 "all REDTRAM prosecutors are found"
want=$(ldap_root -b "$ENLACE_BASE" "(&(enlaceNetwork=redtram)(!(enlaceStatus=retired)))" 1.1 | count_dn)
check "as many as ldapsearch finds ($want)" test "$(grep -c -- '-L-' out)" -eq "$want"

run_cmd enlace find --country HN
check "rows come by ID" test "$(awk 'NR > 1 { print $1 }' out | sort -c && echo sorted)" = sorted

name=$(sed -n 's/^cn: //p' "$top_srcdir/seeds/demo.ldif" | grep -m1 'ñ')
run_cmd enlace find --name "${name#* }"
expect_rc 0 "a name with an ñ is found by part of it"
check "the row shows the name intact" has out "$name"

LC_ALL=C LANG= run_cmd enlace find --name "${name#* }"
expect_rc 0 "the same search works under the plain C locale"
check "and prints the name intact there too" has out "$name"

run_cmd enlace find --country ZZ
expect_rc 1 "nothing found exits 1"
check "and says so on stderr" has err "no liaison matches"
check "with nothing on stdout" test ! -s out

for hostile in '*' '*)(objectClass=*' 'GT)(|(c=*' 'back\slash' '('; do
  run_cmd enlace find --country "$hostile"
  expect_rc 1 "a country of '$hostile' matches nothing"
done
run_cmd enlace find --name '*'
expect_rc 1 "a name of '*' is a literal asterisk, not a wildcard"

run_cmd enlace find --status bogus
expect_rc 2 "an unknown status is bad input"
check "the message names the field and the values allowed" has err "status 'bogus' is not one of pending, active, retired, unverified, all"

done_testing
