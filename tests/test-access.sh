# The access matrix, enforced by slapd and seen through enlace: each kind of
# account x read/write x own/other country, by running the commands as
# those accounts.
. "$top_srcdir/tests/libtest.sh"

port=$(free_port)
start_slapd "$TEST_DIR/ldap" --port "$port"
enlace init --demo >/dev/null
json_field () { /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d" + sys.argv[1]))' "$1"; }

printf 'password-%s\n' one >pw
# as ACCOUNT-DN COMMAND...: run COMMAND with enlace bound as ACCOUNT-DN
as () { enlace_as "$ENLACE_URI" "$1" "$TEST_DIR/pw" "${@:2}"; }

# The owner of the instance (SASL EXTERNAL, the rootdn) creates the accounts.
run_cmd enlace account add --kind secretariat --new-password-file pw --description "Secretaría Técnica" st
expect_rc 0 "the owner creates a Secretariat account"
st=$(cat out)
check "it lives under ou=secretariat" test "$st" = "cn=st,ou=secretariat,ou=accounts,o=enlace"
gt=$(enlace account add --kind cancilleria --country GT --new-password-file pw gt-cancilleria)
hn=$(enlace account add --kind cancilleria --country hn --new-password-file pw hn-cancilleria)
staff=$(enlace account add --kind staff --new-password-file pw analista)
check "a Cancillería account lives under its country" test "$gt" = "cn=gt-cancilleria,c=GT,ou=accounts,o=enlace"
check "the country code is upper-cased" test "$hn" = "cn=hn-cancilleria,c=HN,ou=accounts,o=enlace"

run_cmd enlace account add --kind cancilleria --new-password-file pw x
expect_rc 2 "a Cancillería account needs a country"
run_cmd enlace account add --kind cancilleria --country ZZ --new-password-file pw x
expect_rc 2 "a Cancillería account's country must be a member"
run_cmd enlace account add --kind staff --new-password-file pw analista
expect_rc 5 "an account that exists is a conflict"
printf 'short\n' >short
run_cmd enlace account add --kind staff --new-password-file short y
expect_rc 2 "a short password is refused"
run_cmd enlace account add --kind staff --new-password-file pw "bad name"
expect_rc 2 "an account name with a space is refused"
run_cmd ldap_root -b "$staff" -s base userPassword
check "the password is stored hashed by slapd, with Argon2" has out "^userPassword:: $(printf '{ARGON2}' | base64 | cut -c1-8)"

run_cmd enlace account list
expect_rc 0 "account list works for the owner"
check "it lists the four accounts" test "$(grep -c 'ou=accounts' out)" -eq 4
check "Secretariat first" has out "^secretariat +- +st "
check "Cancillerías with their country" has out "^cancilleria +GT +gt-cancilleria "

# Read and write, own and other country, for every kind of account.
check_write () { # WHO DN COUNTRY-ID EXPECTED
  as "$2" enlace update "$3" --title "Cambio de $1"
  expect_rc "$4" "$1 $( [ "$4" -eq 0 ] && echo may || echo may not ) update $3"
}
check_read () { # WHO DN ID EXPECTED
  as "$2" enlace show "$3"
  expect_rc "$4" "$1 $( [ "$4" -eq 0 ] && echo reads || echo does not read ) $3"
}
for who in secretariat:"$st" cancilleria-GT:"$gt" staff:"$staff"; do
  name=${who%%:*} dn=${who#*:}
  check_read "$name" "$dn" GT-L-0002 0
  check_read "$name" "$dn" HN-L-0002 0
done
check_write secretariat "$st" GT-L-0002 0
check_write secretariat "$st" HN-L-0002 0
check_write cancilleria-GT "$gt" GT-L-0002 0
check_write cancilleria-GT "$gt" HN-L-0002 4
check "the refusal says who may not change which country" has err "permission denied: $gt may not change the entries of HN"
check_write cancilleria-HN "$hn" HN-L-0002 0
check_write cancilleria-HN "$hn" GT-L-0002 4
check_write staff "$staff" GT-L-0002 4
check_write staff "$staff" HN-L-0002 4

# Register, authorize, retire follow the same rule.
reg () { enlace register --country "$1" --given-name Nueva --surname "Persona $1" --title T \
  --institution "$1-I-0001" --role consular-officer --email "nueva.$1.$2@x.example"; }
as "$gt" reg GT a
expect_rc 0 "cancilleria-GT registers a GT liaison"
as "$gt" reg HN a
expect_rc 4 "cancilleria-GT may not register an HN liaison"
as "$staff" reg GT b
expect_rc 4 "staff may not register"
as "$gt" enlace authorize HN-L-0005
expect_rc 4 "cancilleria-GT may not authorise an HN prosecutor"
as "$hn" enlace authorize HN-L-0005
expect_rc 0 "cancilleria-HN authorises its own prosecutor"
as "$gt" enlace retire HN-L-0003 --reason x
expect_rc 4 "cancilleria-GT may not retire an HN liaison"
as "$hn" enlace retire HN-L-0003 --reason "Rotación"
expect_rc 0 "cancilleria-HN retires its own liaison"
check "the retirement records the account" test "$(enlace show HN-L-0003 --format json | json_field '["retired_by"]')" = "$hn"

# Restricted fields: the Secretariat and the own Cancillería only.
enlace update GT-L-0003 --mobile "5555 0000" --notes "Solo de uso interno"
for who in secretariat:"$st":1 cancilleria-GT:"$gt":1 cancilleria-HN:"$hn":0 staff:"$staff":0; do
  IFS=: read -r name dn sees <<<"$who"
  as "$dn" enlace show GT-L-0003 --format json
  mobile=$(json_field '["mobile"]' <out)
  if [ "$sees" = 1 ]; then
    check "$name reads GT's restricted fields" test "$mobile" = "+50255550000"
  else
    check "$name does not read GT's restricted fields" test "$mobile" = None
  fi
done

# History holds old values, restricted ones too: the Secretariat reads it.
as "$st" enlace history GT-L-0003
expect_rc 0 "the Secretariat reads the history"
check "including restricted values set since" has out "^    enlaceMobile: \+50255550000$"
as "$gt" enlace history GT-L-0003
expect_rc 4 "a Cancillería does not read the history"
check "which says it is not readable" has err "not readable by this account"

# Accounts: only the Secretariat manages them.
as "$gt" enlace account add --kind staff --new-password-file pw otro
expect_rc 4 "a Cancillería may not create accounts"
as "$st" enlace account add --kind staff --new-password-file pw otro
expect_rc 0 "the Secretariat creates accounts"
as "$staff" enlace account list
expect_rc 1 "staff see no account list"
check "and no account's DN" test "$(grep -c 'ou=accounts' out)" -eq 0

# Anonymous, over TCP: reads nothing, writes nothing.
anon=(--uri "ldap://127.0.0.1:$port/")
run_cmd enlace find --country GT "${anon[@]}"
expect_rc 1 "anonymous finds nothing"
run_cmd enlace show GT-L-0001 "${anon[@]}"
expect_rc 1 "anonymous reads no liaison"
run_cmd enlace update GT-L-0001 --title X "${anon[@]}"
expect_rc 1 "anonymous cannot even see what it would change"
run_cmd ldapsearch -x -H "ldap://127.0.0.1:$port/" -LLL -b o=enlace "(objectClass=*)" 1.1
check "ldapsearch as anonymous gets no entry" test "$(count_dn <out)" -eq 0

printf 'wrong-password\n' >bad
run_cmd env ENLACE_BIND_DN="$gt" ENLACE_PASSWORD_FILE="$TEST_DIR/bad" enlace find --country GT
expect_rc 4 "a wrong password is permission denied"

done_testing
