#!/bin/bash
# Benchmark: enlace find against ldapsearch, same filter, same server, same
# run, on N generated liaisons (default 100,000), loaded offline by slapadd.
# Prints the medians of R runs each and the ratio enlace / ldapsearch
# (target: at most 1.3).
. "$(dirname "$0")/common.sh"
n=${1:-100000} runs=${RUNS:-11}

echo "enlace find vs ldapsearch on $n liaisons ($runs runs each)"
enlace-local start --dir "$work/i" >/dev/null
eval "$(enlace-local env --dir "$work/i")"
enlace init >/dev/null
enlace-local stop --dir "$work/i" >/dev/null
/usr/bin/python3 "$top/bench/gen.py" "$n" slapadd >"$work/people.ldif"
t0=$(now)
"${ENLACE_SLAPD:-/usr/sbin/slapd}" -T add -q -F "$work/i/slapd.d" -b o=enlace -l "$work/people.ldif"
echo "slapadd: $(ratio "$(echo "$(now) - $t0" | bc)" 1) s"
enlace-local start --dir "$work/i" >/dev/null

filter="(&(objectClass=enlaceLiaison)(c=GT)(enlaceRole=smuggling-focal-point)(!(enlaceStatus=retired)))"
# The attributes enlace reads, so both fetch the same data.
attrs="enlaceId c givenName sn cn title o enlaceInstitution mail telephoneNumber enlaceMobile enlaceNotes enlaceStatus enlaceRole enlaceNetwork enlaceLanguage enlacePhoneAsWritten enlaceDesignationDate enlaceDesignatedBy enlaceAuthorizationDate enlaceAuthorizedBy enlaceRetirementDate enlaceRetiredBy enlaceRetirementReason enlaceSuccessor enlacePredecessor enlaceLastConfirmed"
found=$(enlace find --country GT --role smuggling-focal-point --format json | grep -c '"id" : "GT-L-')
got=$(ldapsearch -H "$ENLACE_URI" -Y EXTERNAL -Q -LLL -E pr=1000/noprompt -b o=enlace "$filter" $attrs | grep -c '^dn:')
echo "entries matched: enlace $found, ldapsearch $got"
[ "$found" -eq "$got" ] || { echo "the two disagree" >&2; exit 1; }

for i in $(seq "$runs"); do
  t0=$(now); enlace find --country GT --role smuggling-focal-point --format json >/dev/null; t1=$(now)
  ldapsearch -H "$ENLACE_URI" -Y EXTERNAL -Q -LLL -E pr=1000/noprompt -b o=enlace "$filter" $attrs >/dev/null; t2=$(now)
  echo "$t0 $t1 $t2" >>"$work/times"
done
e=$(awk '{ print $2 - $1 }' "$work/times" | median)
l=$(awk '{ print $3 - $2 }' "$work/times" | median)
printf 'enlace find --format json: %.3f s (median)\n' "$e"
printf 'ldapsearch:                %.3f s (median)\n' "$l"
echo "ratio enlace/ldapsearch: $(ratio "$e" "$l") (target <= 1.30)"
