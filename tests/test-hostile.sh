# Hostile input: every value is either refused with exit 2 and nothing
# written, or stored and read back byte for byte.
. "$top_srcdir/tests/libtest.sh"

start_slapd "$TEST_DIR/ldap"
enlace init --demo >/dev/null
writes () { ldap_root -b cn=accesslog "(objectClass=auditWriteObject)" 1.1 | count_dn; }
n=0
register_name () { # SURNAME
  n=$((n + 1))
  enlace register --country GT --given-name Prueba --surname "$1" --title T \
    --institution GT-I-0001 --role consular-officer --email "prueba.$n@x.example"
}
surname_of () {
  enlace show "$1" --format json | /usr/bin/python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin)["surname"])'
}

# Stored and read back byte for byte: DN and filter specials in names (names
# are never in a DN or a filter unescaped).
for value in ', + " \ < > ; =' '#leading hash' '*)(objectClass=*' 'back\slash' 'Ñandú (GT)' "$(printf 'x%.0s' $(seq 128))"; do
  run_cmd register_name "$value"
  if [ "$rc" -eq 0 ]; then
    id=$(cat out)
    if [ "$(surname_of "$id")" = "$value" ]; then ok "'${value:0:20}' is stored and read back byte for byte"
    else not_ok "'${value:0:20}' is stored and read back byte for byte (got '$(surname_of "$id")')"; fi
  else
    not_ok "'${value:0:20}' is accepted (exit $rc)"
  fi
done

# Refused with exit 2, nothing written.
before=$(writes)
refuse () { # DESCRIPTION VALUE
  run_cmd register_name "$2"
  expect_rc 2 "a surname with $1 is refused"
}
refuse "a leading space" " Peña"
refuse "a trailing space" "Peña "
refuse "5,000 characters" "$(printf 'a%.0s' $(seq 5000))"
refuse "129 characters" "$(printf 'a%.0s' $(seq 129))"
refuse "invalid UTF-8" "$(printf 'Pe\xf1a')"
refuse "a line feed" "$(printf 'Peña\nX-Injected: 1')"
refuse "a carriage return" "$(printf 'Peña\rX')"
refuse "a tab" "$(printf 'Peña\tX')"
refuse "nothing at all" ""
run_cmd register_name "$(printf 'Pe\xf1a')"
check "the message names the field and the rule" has err "surname '.*' is not valid UTF-8"
check "the message does not echo the raw bytes" lacks err "$(printf '\xf1')"
run_cmd register_name "$(printf 'a%.0s' $(seq 5000))"
check "the length refusal names the limit" has err "is 5000 characters long; the limit is 128"
check "nothing refused was written" test "$(writes)" -eq "$before"

# IDs and filter values on the command line.
for bad in '*' 'GT-L-*' 'GT-L-0001)(objectClass=*' 'GT-L-0001,c=HN' '../GT-L-0001' $'GT-L-0001\n' $'GT-L-0001\r'; do
  run_cmd enlace show "$bad"
  expect_rc 2 "show refuses the ID $(printf %q "$bad")"
done
for bad in '*' '*)(objectClass=*' 'foo\' 'GT)(c=*'; do
  run_cmd enlace find --role "$bad"
  expect_rc 1 "find --role '$bad' matches nothing (escaped, not injected)"
done
run_cmd enlace register --country GT --given-name A --surname B --title T --institution '*' \
  --role consular-officer --email a.b@x.example
expect_rc 2 "an institution of '*' is not a wildcard"
run_cmd enlace register --country 'G*' --given-name A --surname B --title T --institution GT-I-0001 \
  --role consular-officer --email a.b@x.example
expect_rc 2 "a country of 'G*' is refused"
run_cmd enlace register --country GT --given-name A --surname B --title T --institution GT-I-0001 \
  --role consular-officer --email "$(printf 'a@b.example\r\nBcc: x@y.example')"
expect_rc 2 "an email with CR/LF is refused"

done_testing
