#!/bin/bash
# Benchmark: enlace find against ldapsearch, same filter, same attributes,
# same server, same run, on N generated liaisons (default 100,000) loaded
# offline by slapadd; under two identities:
#   - the instance owner, SASL EXTERNAL over the ldapi socket (the rootdn:
#     no limits);
#   - a staff account, a simple bind with its password ({ARGON2}-hashed,
#     slapo-ppolicy) read from a file, over the loopback TCP port. An
#     account's unpaged search stops at 500 entries, so ldapsearch pages
#     (-E pr=1000/noprompt) as enlace does; the script checks the filter
#     matches more than 500, so that paging is exercised.
# Each of R rounds (RUNS, default 11) runs, in turn, enlace then ldapsearch
# as the owner, and enlace then ldapsearch as staff. Prints for each
# identity the medians, the ratio of the medians and the median of the
# rounds' own ratios (target: enlace / ldapsearch at most 1.3).
#
# Knobs: the first argument N (default 100,000), RUNS (default 11).
# A quick run: RUNS=5 bench/find.sh 10000 (the staff filter then matches
# fewer than 500: paging is not exercised, and the script says so).
. "$(dirname "$0")/common.sh"
n=${1:-100000} runs=${RUNS:-11}
port=$(free_port)

echo "enlace find vs ldapsearch on $n liaisons ($runs rounds), as the owner and as a staff account"
enlace-local start --dir "$work/i" --port "$port" >/dev/null
eval "$(enlace-local env --dir "$work/i")"
enlace init >/dev/null
stop_instance "$work/i"
/usr/bin/python3 "$top/bench/gen.py" "$n" slapadd >"$work/people.ldif"
t0=$(now)
"${ENLACE_SLAPD:-/usr/sbin/slapd}" -T add -q -F "$work/i/slapd.d" -b o=enlace -l "$work/people.ldif"
echo "slapadd: $(ratio "$(echo "$(now) - $t0" | bc)" 1) s"
# The start's history check records every loaded entry's change as lost
# (slapadd writes no history), one line each: kept out of the output.
enlace-local start --dir "$work/i" >"$work/start.log" 2>&1 || { cat "$work/start.log" >&2; exit 1; }

new_password "$work/staff.pw"
staff=$(enlace account add --kind staff --new-password-file "$work/staff.pw" bench-staff)
tcp=ldap://127.0.0.1:$port

filter="(&(objectClass=enlaceLiaison)(c=GT)(enlaceRole=smuggling-focal-point)(!(enlaceStatus=retired)))"
# The attributes enlace reads, so both fetch the same data.
attrs="enlaceId c givenName sn cn title o enlaceInstitution mail telephoneNumber enlaceMobile enlaceNotes enlaceStatus enlaceRole enlaceNetwork enlaceLanguage enlacePhoneAsWritten enlaceDesignationDate enlaceDesignatedBy enlaceAuthorizationDate enlaceAuthorizedBy enlaceRetirementDate enlaceRetiredBy enlaceRetirementReason enlaceSuccessor enlacePredecessor enlaceLastConfirmed"

# The four commands timed: SIDE IDENTITY, output to stdout.
enlace_owner () { enlace find --country GT --role smuggling-focal-point --format json; }
ldap_owner () {
  ldapsearch -H "$ENLACE_URI" -Y EXTERNAL -Q -LLL -E pr=1000/noprompt -b o=enlace "$filter" $attrs
}
enlace_staff () {
  enlace find --uri "$tcp" --bind-dn "$staff" --password-file "$work/staff.pw" \
    --country GT --role smuggling-focal-point --format json
}
ldap_staff () {
  ldapsearch -H "$tcp" -x -D "$staff" -y "$work/staff.pw" -LLL -E pr=1000/noprompt -b o=enlace "$filter" $attrs
}

for who in owner staff; do
  found=$(enlace_$who | grep -c '"id" : "GT-L-' || true)
  got=$(ldap_$who | grep -c '^dn:' || true)
  echo "entries matched as $who: enlace $found, ldapsearch $got"
  [ "$found" -eq "$got" ] && [ "$found" -gt 0 ] || { echo "the two disagree" >&2; exit 1; }
done
# Unpaged, the staff account stops at the size limit.
if [ "$got" -gt 500 ]; then
  rc=0
  ldapsearch -H "$tcp" -x -D "$staff" -y "$work/staff.pw" -LLL -b o=enlace "$filter" 1.1 >/dev/null 2>&1 || rc=$?
  [ "$rc" -eq 4 ] || { echo "staff unpaged search: expected sizeLimitExceeded (4), got $rc" >&2; exit 1; }
  echo "staff unpaged: sizeLimitExceeded at 500, as expected; paged: all $got"
else
  echo "note: $got entries match, under the 500 an unpaged search allows: paging is not exercised"
fi

for i in $(seq "$runs"); do
  t0=$(now); enlace_owner >/dev/null; t1=$(now)
  ldap_owner >/dev/null; t2=$(now)
  enlace_staff >/dev/null; t3=$(now)
  ldap_staff >/dev/null; t4=$(now)
  echo "$t0 $t1 $t2 $t3 $t4" >>"$work/times"
done

report () { # LABEL ENLACE-COLUMNS LDAP-COLUMNS (awk expressions)
  local e l r
  e=$(awk "{ print $2 }" "$work/times" | median)
  l=$(awk "{ print $3 }" "$work/times" | median)
  r=$(awk "{ print ($2) / ($3) }" "$work/times" | median)
  echo "$1"
  printf '  enlace find --format json: %.3f s (median of %d)\n' "$e" "$runs"
  printf '  ldapsearch -E pr=1000:     %.3f s (median of %d)\n' "$l" "$runs"
  echo "  ratio enlace/ldapsearch: $(ratio "$e" "$l") (of the medians; median of the rounds' ratios $(ratio "$r" 1); target <= 1.30)"
}
report "as the owner (SASL EXTERNAL over ldapi):" '$2 - $1' '$3 - $2'
report "as staff ($staff, simple bind over 127.0.0.1:$port):" '$4 - $3' '$5 - $4'
