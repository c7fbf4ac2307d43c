#!/bin/bash
# Benchmark: enlace export against ldapsearch -E pr=1000/noprompt -LLL of
# the same entries (the vocabularies, countries, networks, institutions and
# liaisons, the same attributes) from the same server, in the same run, on
# N generated liaisons (default 100,000) loaded offline by slapadd. Prints
# the medians of R runs each and the ratio enlace / ldapsearch (target: at
# most 1.5); then enlace's peak memory on N and on N/10 liaisons (targets:
# under 64 MiB, and the N peak within 1.2x of the N/10 one, i.e. flat).
# Needs GNU time (apt-get install time).
. "$(dirname "$0")/common.sh"
n=${1:-100000} runs=${RUNS:-5}
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 1; }

# load DIR COUNT: a private instance with the base tree and COUNT liaisons.
load () {
  enlace-local start --dir "$1" >/dev/null
  eval "$(enlace-local env --dir "$1")"
  enlace init >/dev/null
  enlace-local stop --dir "$1" >/dev/null
  /usr/bin/python3 "$top/bench/gen.py" "$2" slapadd >"$work/people.ldif"
  "${ENLACE_SLAPD:-/usr/sbin/slapd}" -T add -q -F "$1/slapd.d" -b o=enlace -l "$work/people.ldif"
  # The start's history check lists every loaded entry (slapadd writes no
  # history): kept out of the output, shown only if the start fails.
  enlace-local start --dir "$1" >"$work/start.log" 2>&1 || { cat "$work/start.log" >&2; exit 1; }
  eval "$(enlace-local env --dir "$1")"
}

filter="(|(objectClass=enlaceTerm)(objectClass=enlaceCountry)(&(|(objectClass=enlaceInstitution)(objectClass=enlaceLiaison))(!(enlaceStatus=retired))))"
# What a public snapshot holds, attribute for attribute.
attrs="enlaceTermId enlaceLabel description enlaceNeedsAuthorization c enlaceCallingCode enlaceBody mail member enlaceId enlaceStatus o displayName enlaceInstitutionType enlaceCompetence enlaceNetwork enlaceLanguage telephoneNumber enlacePhoneAsWritten labeledURI enlaceDesignationDate enlaceDesignatedBy enlaceRetirementDate enlaceRetiredBy enlaceRetirementReason enlaceSuccessor enlacePredecessor enlaceLastConfirmed givenName sn cn title enlaceInstitution enlaceRole enlaceAuthorizationDate enlaceAuthorizedBy facsimileTelephoneNumber"

small=$((n / 10))
echo "enlace export vs ldapsearch -E pr=1000/noprompt on $n liaisons ($runs runs each)"
load "$work/small" "$small"
small_kib=$(peak_kib enlace export -o "$work/small.xml")
small_entries=$(grep -c '<liaison ' "$work/small.xml")
enlace-local stop --dir "$work/small" >/dev/null
rm -rf "$work/small"

load "$work/i" "$n"
enlace export -o "$work/out.xml"
exported=$(grep -c '<liaison \|<institution \|<term \|<country \|<network ' "$work/out.xml")
searched=$(ldapsearch -H "$ENLACE_URI" -Y EXTERNAL -Q -LLL -E pr=1000/noprompt -b o=enlace "$filter" $attrs | grep -c '^dn:')
echo "entries: enlace export $exported, ldapsearch $searched"
[ "$exported" -eq "$searched" ] || { echo "the two disagree" >&2; exit 1; }
xmllint --noout --stream --schema "$top/schema/enlace-snapshot.xsd" "$work/out.xml" 2>/dev/null \
  || { echo "the export does not validate" >&2; exit 1; }

for i in $(seq "$runs"); do
  t0=$(now); enlace export -o "$work/out.xml"; t1=$(now)
  ldapsearch -H "$ENLACE_URI" -Y EXTERNAL -Q -LLL -E pr=1000/noprompt -b o=enlace "$filter" $attrs >"$work/out.ldif"; t2=$(now)
  echo "$t0 $t1 $t2" >>"$work/times"
done
e=$(awk '{ print $2 - $1 }' "$work/times" | median)
l=$(awk '{ print $3 - $2 }' "$work/times" | median)
big_kib=$(peak_kib enlace export -o "$work/out.xml")
printf 'enlace export:              %.3f s (median), %s bytes\n' "$e" "$(stat -c %s "$work/out.xml")"
printf 'ldapsearch -E pr=1000:      %.3f s (median), %s bytes\n' "$l" "$(stat -c %s "$work/out.ldif")"
echo "ratio enlace/ldapsearch: $(ratio "$e" "$l") (target <= 1.50)"
printf 'peak memory: %.1f MiB on %s liaisons, %.1f MiB on %s (target < 64)\n' \
  "$(ratio "$big_kib" 1024)" "$n" "$(ratio "$small_kib" 1024)" "$small_entries"
echo "peak ratio ${n}/${small_entries}: $(ratio "$big_kib" "$small_kib") (target <= 1.20)"
