#!/bin/bash
# Benchmark: enlace import of N CSV rows (default 100,000) against ldapadd of
# the same liaisons as LDIF, each into a fresh instance, same machine, same
# run. Prints both times, the ratio (target: at most 0.25) and enlace's peak
# memory (target: under 100 MiB). Needs GNU time (apt-get install time).
. "$(dirname "$0")/common.sh"
n=${1:-100000} batch=${BATCH:-1000}
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 1; }

fresh () { # DIR: a new instance with the base tree and one institution per country
  enlace-local start --dir "$1" >/dev/null
  eval "$(enlace-local env --dir "$1")"
  enlace init --demo >/dev/null
}
/usr/bin/python3 "$top/bench/gen.py" "$n" csv >"$work/people.csv"
/usr/bin/python3 "$top/bench/gen.py" "$n" ldif >"$work/people.ldif"
echo "enlace import vs ldapadd, $n liaisons"

fresh "$work/a"
t0=$(now)
ldapadd -H "$ENLACE_URI" -Y EXTERNAL -Q -f "$work/people.ldif" >/dev/null
l=$(echo "$(now) - $t0" | bc)
enlace-local stop --dir "$work/a" >/dev/null

fresh "$work/b"
t0=$(now)
kib=$(peak_kib enlace import --batch "$batch" "$work/people.csv")
e=$(echo "$(now) - $t0" | bc)
added=$(ldapsearch -H "$ENLACE_URI" -Y EXTERNAL -Q -LLL -E pr=1000/noprompt -b o=enlace "(mail=persona.*)" 1.1 | grep -c '^dn:')
enlace-local stop --dir "$work/b" >/dev/null

printf 'ldapadd:                 %.1f s\n' "$l"
printf 'enlace import (batch %s): %.1f s, %s entries, peak %.1f MiB (target < 100)\n' "$batch" "$e" "$added" "$(ratio "$kib" 1024)"
echo "ratio enlace/ldapadd: $(ratio "$e" "$l") (target <= 0.25)"
