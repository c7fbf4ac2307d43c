#!/bin/bash
# Benchmark: enlace import of N CSV rows (default 100,000) against OpenLDAP's
# own tools loading the same liaisons, as LDIF, into the same server
# configuration, in the same run:
#   - ldapadd -E txn=commit, fed the LDIF split into chunks of the batch size
#     enlace writes (ENLACE_IMPORT_DEFAULT_BATCH in lib/enlace-import.h,
#     1,000 entries), one RFC 5805 transaction per chunk as enlace does: the
#     fair peer. One ldapadd process (connection, SASL EXTERNAL bind) per
#     chunk, since ldapadd sends a whole file as one transaction; the script
#     prints what that many connections and binds cost alone;
#   - plain ldapadd of the whole LDIF (one durable write per entry), run
#     once per invocation, after the pairs (PLAIN=0 skips it: at 100,000
#     entries it takes about 18 minutes here, the pairs about 10);
#   - slapadd (slapd -T add -q) of the same LDIF into the same instance,
#     offline: the physical floor: no server, no overlays, no per-entry sync.
# Every run starts from a copy of the same instance (base tree and demo
# data, stopped), put back in the same place, so each side writes into the
# same state. enlace and txn ldapadd alternate run by run (enlace, txn,
# slapadd, enlace, txn, slapadd, ...) for PAIRS pairs (default 3); the
# script prints every run, the medians, the ratio of the medians and the
# median of the pairs' own ratios, and enlace's peak memory (the highest of
# its runs; target under 100 MiB). Targets: enlace / plain ldapadd at most
# 0.25.
#
# Knobs: the first argument N (rows; default 100,000), PAIRS (default 3),
# PLAIN (1: run plain ldapadd once; 0: skip it), BATCH (enlace's rows per
# transaction and the chunk size of txn ldapadd; default enlace's own).
# A quick run: PAIRS=1 PLAIN=0 bench/import.sh 10000 (under a minute).
# Needs GNU time (apt-get install time).
. "$(dirname "$0")/common.sh"
n=${1:-100000} pairs=${PAIRS:-3} plain=${PLAIN:-1}
default_batch=$(awk '$2 == "ENLACE_IMPORT_DEFAULT_BATCH" { print $3 }' "$top/lib/enlace-import.h")
batch=${BATCH:-$default_batch}
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 1; }
slapd=${ENLACE_SLAPD:-/usr/sbin/slapd}

/usr/bin/python3 "$top/bench/gen.py" "$n" csv >"$work/people.csv"
/usr/bin/python3 "$top/bench/gen.py" "$n" ldif >"$work/people.ldif"
mkdir "$work/chunks"
awk -v dir="$work/chunks" -v b="$batch" 'BEGIN { RS = ""; ORS = "\n\n" }
  { f = sprintf("%s/%06d.ldif", dir, int((NR - 1) / b)); print > f; if (NR % b == 0) close(f) }' \
  "$work/people.ldif"
chunks=$(ls "$work/chunks" | wc -l)

# The instance every run starts from: base tree and one institution per
# country (the liaisons' institutions), stopped, kept aside. Its
# configuration names $work/i, so runs put a copy back there.
enlace-local start --dir "$work/i" >/dev/null
eval "$(enlace-local env --dir "$work/i")"
enlace init --demo >/dev/null
stop_instance "$work/i"
mv "$work/i" "$work/template"

# fresh: the instance as built, at $work/i, stopped.
fresh () {
  stop_instance "$work/i"
  rm -rf "$work/i"
  cp -a "$work/template" "$work/i"
}
start () {
  enlace-local start --dir "$work/i" >"$work/start.log" 2>&1 || { cat "$work/start.log" >&2; return 1; }
}
added () { # liaisons from the generated file, as the server has them
  ldapsearch -H "$ENLACE_URI" -Y EXTERNAL -Q -LLL -E pr=1000/noprompt -b o=enlace "(mail=persona.*)" 1.1 \
    | grep -c '^dn:' || true
}
check () { # SIDE COUNT
  [ "$2" -eq "$n" ] || { echo "$1 left $2 of $n liaisons" >&2; exit 1; }
}

echo "enlace import vs ldapadd -E txn=commit ($chunks transactions of $batch), plain ldapadd and slapadd, $n liaisons; pairs: $pairs"

for p in $(seq "$pairs"); do
  fresh; start
  t0=$(now)
  kib=$(peak_kib enlace import --batch "$batch" "$work/people.csv")
  e=$(echo "$(now) - $t0" | bc)
  check "enlace import" "$(added)"

  fresh; start
  t0=$(now)
  for f in "$work/chunks"/*.ldif; do
    ldapadd -H "$ENLACE_URI" -Y EXTERNAL -Q -E txn=commit -f "$f" >/dev/null
  done
  t=$(echo "$(now) - $t0" | bc)
  check "ldapadd -E txn=commit" "$(added)"

  fresh
  t0=$(now)
  "$slapd" -T add -q -F "$work/i/slapd.d" -b o=enlace -l "$work/people.ldif"
  s=$(echo "$(now) - $t0" | bc)
  check slapadd "$("$slapd" -T cat -F "$work/i/slapd.d" -b o=enlace -a '(mail=persona.*)' | grep -c '^dn:')"

  echo "$e $t $s $kib" >>"$work/times"
  printf 'pair %d: enlace import %.1f s (peak %.1f MiB), ldapadd -E txn=commit %.1f s, ratio %s; slapadd %.1f s\n' \
    "$p" "$e" "$(ratio "$kib" 1024)" "$t" "$(ratio "$e" "$t")" "$s"
done

# What the txn peer pays for being one process per transaction: as many
# connections and SASL EXTERNAL binds, alone.
fresh; start
t0=$(now)
for _ in $(seq "$chunks"); do ldapwhoami -H "$ENLACE_URI" -Y EXTERNAL -Q >/dev/null; done
conn=$(echo "$(now) - $t0" | bc)

if [ "$plain" = 1 ]; then
  fresh; start
  t0=$(now)
  ldapadd -H "$ENLACE_URI" -Y EXTERNAL -Q -f "$work/people.ldif" >/dev/null
  l=$(echo "$(now) - $t0" | bc)
  check ldapadd "$(added)"
fi
stop_instance "$work/i"

e=$(awk '{ print $1 }' "$work/times" | median)
t=$(awk '{ print $2 }' "$work/times" | median)
s=$(awk '{ print $3 }' "$work/times" | median)
kib=$(awk '{ print $4 }' "$work/times" | sort -g | tail -1)
pair_ratio=$(awk '{ print $1 / $2 }' "$work/times" | median)
row () { printf '%-36s %s\n' "$1:" "$2"; }
row "enlace import (batch $batch)" "$(printf '%.1f s (median of %d), peak %.1f MiB (highest of %d; target < 100)' \
  "$e" "$pairs" "$(ratio "$kib" 1024)" "$pairs")"
row "ldapadd -E txn=commit ($chunks x $batch)" "$(printf '%.1f s (median of %d; its %d connections and binds alone: %.1f s)' \
  "$t" "$pairs" "$chunks" "$conn")"
if [ "$plain" = 1 ]; then
  row "ldapadd, plain (one run)" "$(printf '%.1f s' "$l")"
else
  row "ldapadd, plain" "skipped (PLAIN=0)"
fi
row "slapadd -q, offline (the floor)" "$(printf '%.1f s (median of %d)' "$s" "$pairs")"
row "ratio enlace/ldapadd -E txn=commit" "$(ratio "$e" "$t") (of the medians; median of the pairs' ratios $(ratio "$pair_ratio" 1))"
if [ "$plain" = 1 ]; then
  row "ratio enlace/plain ldapadd" "$(ratio "$e" "$l") (target <= 0.25)"
fi
row "ratio enlace/slapadd" "$(ratio "$e" "$s")"
