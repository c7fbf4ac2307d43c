#!/bin/bash
# Benchmark: replication, OpenLDAP's own. A provider and two read-only
# replicas (enlace-local --replica-of: syncrepl refreshAndPersist over
# verified TLS, as a replication account), each a real slapd on its own
# loopback address: the provider on 127.0.0.2, the replicas on 127.0.0.3
# and 127.0.0.4, so that the client checks every certificate against the
# test CA (enlace-local test-ca), as it would across a network. N
# generated liaisons (default 100,000) are loaded offline by slapadd on the
# provider, as bench/find.sh does, before the replicas start: they receive
# them by syncrepl's initial refresh, which the script waits for (at most
# REFRESH_TIMEOUT seconds) and times. Then, in the same run:
#   1. enlace find against a replica (127.0.0.3) vs enlace find against the
#      provider: same query, same staff account (a simple bind over ldaps,
#      the CA in ENLACE_CAFILE), RUNS pairs (default 11), the order
#      alternating pair by pair (provider, replica, replica, provider, ...).
#      Prints the medians, the ratio of the medians and the median of the
#      pairs' ratios as a speed ratio, replica/provider = provider's time /
#      replica's time: above 1 the replica is faster. Target: at least
#      0.90 (the replica at most ~11% slower).
#   2. enlace find vs ldapsearch (-E pr=1000/noprompt, the attributes
#      enlace reads, as bench/find.sh), both over ldaps as the same staff
#      account on the provider, RUNS pairs, alternating. Prints the same,
#      as a time ratio enlace/ldapsearch. Target: at most 1.30.
#   3. The replication lag of an enlace import of LAG_ROWS rows (default
#      10,000; bench/import.sh's CSV, rows no run imported before) on the
#      provider, as its owner over ldapi, while both replicas run: the
#      seconds from the import command's end until the last imported entry
#      is on both replicas (each replica's socket polled as its owner every
#      50 ms; then its count of imported entries is checked). LAG_RUNS
#      imports (default 3); prints each, per replica and the max, and the
#      median of the max. It also says when the history (cn=accesslog)
#      reached each replica, for information.
# Every instance is stopped by its pid when the script ends.
#
# Knobs: the first argument N (default 100,000), RUNS (default 11),
# LAG_RUNS (default 3), LAG_ROWS (default 10,000), REFRESH_TIMEOUT
# (default 7200 s), LAG_TIMEOUT (default 1800 s, per import). While the
# replicas refresh, a line a minute on stderr says how far each got.
# A quick run: RUNS=5 bench/replica.sh 10000 (the staff filter then matches
# fewer than 500: paging is not exercised, and the script says so).
. "$(dirname "$0")/common.sh"
n=${1:-100000} runs=${RUNS:-11} lag_runs=${LAG_RUNS:-3} lag_rows=${LAG_ROWS:-10000}
refresh_timeout=${REFRESH_TIMEOUT:-7200} lag_timeout=${LAG_TIMEOUT:-1800}
slapd=${ENLACE_SLAPD:-/usr/sbin/slapd}
ca=$work/ca

echo "replication: a provider and two replicas over ldaps, $n liaisons; find pairs: $runs; imports of $lag_rows rows: $lag_runs"

# --- The instances -------------------------------------------------------

# A certificate per server, each for its own address.
enlace-local test-ca "$ca" --name provider --host 127.0.0.2 >/dev/null
enlace-local test-ca "$ca" --name r1 --host 127.0.0.3 >/dev/null
enlace-local test-ca "$ca" --name r2 --host 127.0.0.4 >/dev/null
P=ldaps://127.0.0.2:$(free_port 127.0.0.2)
R1=ldaps://127.0.0.3:$(free_port 127.0.0.3)
R2=ldaps://127.0.0.4:$(free_port 127.0.0.4)

# owner_uri DIR: the instance's socket, where its owner binds (SASL EXTERNAL).
owner_uri () { (eval "$(enlace-local env --dir "$1")" && printf '%s' "$ENLACE_URI"); }
# as_owner DIR CMD...: CMD with enlace pointed at DIR's socket, as its owner.
as_owner () {
  local uri
  uri=$(owner_uri "$1")
  shift
  env -u ENLACE_BIND_DN -u ENLACE_PASSWORD_FILE ENLACE_URI="$uri" "$@"
}
# ldap_owner URI ARGS...: ldapsearch as an instance's owner, unwrapped.
ldap_owner () {
  local uri=$1
  shift
  ldapsearch -H "$uri" -Y EXTERNAL -Q -LLL -o ldif-wrap=no "$@"
}
# ldap_tls TOOL ARGS...: one of OpenLDAP's tools checking the servers'
# certificates against the test CA, through libldap's own settings (which
# LDAPNOINIT, set by common.sh, turns off).
printf 'TLS_CACERT %s\nTLS_REQCERT demand\n' "$ca/ca.pem" >"$work/ldap-tls.conf"
ldap_tls () { env -u LDAPNOINIT LDAPCONF="$work/ldap-tls.conf" LDAPRC=enlace-bench-no-ldaprc "$@"; }

enlace-local start --dir "$work/p" --listen "$P" --tls-cert "$ca/provider.pem" \
  --tls-key "$ca/provider.key" --tls-ca "$ca/ca.pem" >/dev/null
U_P=$(owner_uri "$work/p")
# The demo data holds the institutions the imported rows name.
as_owner "$work/p" enlace init --demo >/dev/null
new_password "$work/staff.pw"
new_password "$work/replica.pw"
staff=$(as_owner "$work/p" enlace account add --kind staff --new-password-file "$work/staff.pw" bench-staff)
repl=$(as_owner "$work/p" enlace account add --kind replica --new-password-file "$work/replica.pw" bench-replica)
stop_instance "$work/p"
/usr/bin/python3 "$top/bench/gen.py" "$n" slapadd >"$work/people.ldif"
t0=$(now)
"$slapd" -T add -q -F "$work/p/slapd.d" -b o=enlace -l "$work/people.ldif"
echo "slapadd on the provider: $(ratio "$(echo "$(now) - $t0" | bc)" 1) s"
# The start's history check records every loaded entry's change as lost
# (slapadd writes no history), one line each: kept out of the output.
t0=$(now)
enlace-local start --dir "$work/p" >"$work/p-start.log" 2>&1 || { cat "$work/p-start.log" >&2; exit 1; }
echo "provider started (its history check recording the loaded entries): $(ratio "$(echo "$(now) - $t0" | bc)" 1) s"

# contexts BASE...: the contextCSN of each database, one line each.
contexts () {
  local uri=$1 b
  shift
  for b in "$@"; do
    ldap_owner "$uri" -s base -b "$b" contextCSN 2>/dev/null | sed -n 's/^contextCSN: //p' | sort | tr '\n' ' '
    echo
  done
}
# persons URI: the generated liaisons (bench/gen.py) the instance holds.
persons () {
  ldap_owner "$1" -b o=enlace '(mail=persona.*)' 1.1 2>/dev/null | grep -c '^dn:' || true
}
dbs="o=enlace ou=accounts,o=enlace ou=campaigns,o=enlace cn=accesslog"

# The replicas, started together: both refresh from the provider at once.
t0=$(now)
enlace-local start --dir "$work/r1" --listen "$R1" --tls-cert "$ca/r1.pem" --tls-key "$ca/r1.key" \
  --tls-ca "$ca/ca.pem" --replica-of "$P" --replica-dn "$repl" \
  --replica-password-file "$work/replica.pw" >"$work/r1-start.log" 2>&1 || { cat "$work/r1-start.log" >&2; exit 1; }
enlace-local start --dir "$work/r2" --listen "$R2" --tls-cert "$ca/r2.pem" --tls-key "$ca/r2.key" \
  --tls-ca "$ca/ca.pem" --replica-of "$P" --replica-dn "$repl" \
  --replica-password-file "$work/replica.pw" >"$work/r2-start.log" 2>&1 || { cat "$work/r2-start.log" >&2; exit 1; }
U_R1=$(owner_uri "$work/r1")
U_R2=$(owner_uri "$work/r2")
echo "replicas started: $(ratio "$(echo "$(now) - $t0" | bc)" 1) s"

# Wait until each replica holds the N liaisons (its o=enlace contextCSN
# is the provider's, then counted), and then the rest of what the
# provider holds (every database's contextCSN is the provider's). Polled
# every 0.5 s; the count only once the contextCSN agrees, since counting
# N entries competes with the refresh.
want_dir=$(contexts "$U_P" o=enlace)
have_n=$(persons "$U_P")
[ "$have_n" -eq "$n" ] || { echo "the provider holds $have_n of $n liaisons" >&2; exit 1; }
refresh_dir=() refresh_all=()
deadline=$(echo "$t0 + $refresh_timeout" | bc)
progress=$t0
while :; do
  want_all=$(contexts "$U_P" $dbs)
  for r in 1 2; do
    eval "u=\$U_R$r"
    if [ -z "${refresh_dir[$r]:-}" ] && [ "$(contexts "$u" o=enlace)" = "$want_dir" ] \
       && [ "$(persons "$u")" -eq "$n" ]; then
      refresh_dir[$r]=$(echo "$(now) - $t0" | bc)
    fi
    if [ -n "${refresh_dir[$r]:-}" ] && [ -z "${refresh_all[$r]:-}" ] \
       && [ "$(contexts "$u" $dbs)" = "$want_all" ]; then
      refresh_all[$r]=$(echo "$(now) - $t0" | bc)
    fi
  done
  [ -n "${refresh_all[1]:-}" ] && [ -n "${refresh_all[2]:-}" ] && break
  if [ "$(echo "$(now) > $progress + 60" | bc)" = 1 ]; then
    progress=$(now)
    printf '  (refresh: after %.0f s, r1 holds %d, r2 %d of %d liaisons)\n' "$(echo "$progress - $t0" | bc)" \
      "$(persons "$U_R1")" "$(persons "$U_R2")" "$n" >&2
  fi
  if [ "$(echo "$(now) > $deadline" | bc)" = 1 ]; then
    echo "the replicas did not catch up within $refresh_timeout s:" >&2
    for r in 1 2; do
      eval "u=\$U_R$r"
      echo "  r$r: $(persons "$u") of $n liaisons; contextCSNs $(contexts "$u" $dbs | tr '\n' '/')" >&2
    done
    echo "  provider: $(contexts "$U_P" $dbs | tr '\n' '/')" >&2
    exit 1
  fi
  sleep 0.5
done
refresh_max=$(printf '%s\n' "${refresh_dir[1]}" "${refresh_dir[2]}" | sort -g | tail -1)
printf 'initial refresh, all %d liaisons on the replica: r1 %.1f s, r2 %.1f s (both: %.1f s, %.0f liaisons/s)\n' \
  "$n" "${refresh_dir[1]}" "${refresh_dir[2]}" "$refresh_max" "$(echo "$n / $refresh_max" | bc -l)"
printf 'every database (history, accounts, campaigns too) in step with the provider: r1 %.1f s, r2 %.1f s\n' \
  "${refresh_all[1]}" "${refresh_all[2]}"

# --- 1 and 2: finds ------------------------------------------------------

export ENLACE_CAFILE=$ca/ca.pem ENLACE_BIND_DN=$staff ENLACE_PASSWORD_FILE=$work/staff.pw
filter="(&(objectClass=enlaceLiaison)(c=GT)(enlaceRole=smuggling-focal-point)(!(enlaceStatus=retired)))"
# The attributes enlace reads, so both fetch the same data (bench/find.sh).
attrs="enlaceId c givenName sn cn title o enlaceInstitution mail telephoneNumber enlaceMobile enlaceNotes enlaceStatus enlaceRole enlaceNetwork enlaceLanguage enlacePhoneAsWritten enlaceDesignationDate enlaceDesignatedBy enlaceAuthorizationDate enlaceAuthorizedBy enlaceRetirementDate enlaceRetiredBy enlaceRetirementReason enlaceSuccessor enlacePredecessor enlaceLastConfirmed"
# The commands timed, output to stdout.
enlace_at () { ENLACE_URI=$1 enlace find --country GT --role smuggling-focal-point --format json; }
ldapsearch_at () {
  ldap_tls ldapsearch -H "$1" -x -D "$staff" -y "$work/staff.pw" -LLL -E pr=1000/noprompt \
    -b o=enlace "$filter" $attrs
}
# timed CMD...: CMD's wall-clock seconds; its output is dropped, a failure
# ends the script.
timed () {
  local t0
  t0=$(now)
  "$@" >/dev/null || { echo "failed: $*" >&2; exit 1; }
  echo "$(now) - $t0" | bc
}

enlace_at "$P" >"$work/find-p.json"
enlace_at "$R1" >"$work/find-r1.json"
enlace_at "$R2" >"$work/find-r2.json"
found=$(grep -c '"id" : "GT-L-' "$work/find-p.json" || true)
got=$(ldapsearch_at "$P" | grep -c '^dn:' || true)
echo "entries matched as staff over ldaps: enlace on the provider $found, ldapsearch $got"
[ "$found" -eq "$got" ] && [ "$found" -gt 0 ] || { echo "the two disagree" >&2; exit 1; }
for r in r1 r2; do
  cmp -s "$work/find-p.json" "$work/find-$r.json" \
    || { echo "enlace find on $r differs from the provider's:" >&2; diff "$work/find-p.json" "$work/find-$r.json" | head >&2; exit 1; }
done
echo "enlace find on each replica prints the same as on the provider, byte for byte"
if [ "$got" -gt 500 ]; then
  echo "more than the 500 an unpaged search allows: paging is exercised"
else
  echo "note: $got entries match, under the 500 an unpaged search allows: paging is not exercised"
fi

# pairs FILE A B: RUNS pairs of the commands A and B (each a function and
# its argument, as one word split here), A first in odd pairs, B first in
# even ones; one line per pair in FILE: A's seconds, B's seconds.
pairs () {
  local file=$1 i a b
  for i in $(seq "$runs"); do
    if [ $((i % 2)) = 1 ]; then
      a=$(timed $2); b=$(timed $3)
    else
      b=$(timed $3); a=$(timed $2)
    fi
    echo "$a $b" >>"$file"
  done
}
# summary FILE: the medians of both columns, the median of the pairs'
# ratios column 2 / column 1, the ratio of the medians likewise.
med () { awk "{ print $2 }" "$1" | median; }

echo
echo "1. enlace find, staff over ldaps: the provider ($P) vs a replica ($R1)"
pairs "$work/t1" "enlace_at $P" "enlace_at $R1"
awk '{ printf "  pair %2d: provider %.3f s, replica %.3f s\n", NR, $1, $2 }' "$work/t1"
f_p=$(med "$work/t1" '$1')
f_r=$(med "$work/t1" '$2')
speed=$(ratio "$f_p" "$f_r")
speed_pairs=$(ratio "$(med "$work/t1" '$1 / $2')" 1)
printf '  provider: %.3f s, replica: %.3f s (medians of %d)\n' "$f_p" "$f_r" "$runs"
echo "  speed replica/provider (provider's time / replica's time; above 1: the replica is faster): $speed"
echo "    (of the medians; median of the pairs' ratios $speed_pairs; target >= 0.90)"

echo
echo "2. enlace find vs ldapsearch -E pr=1000, staff over ldaps, on the provider"
pairs "$work/t2" "enlace_at $P" "ldapsearch_at $P"
awk '{ printf "  pair %2d: enlace %.3f s, ldapsearch %.3f s\n", NR, $1, $2 }' "$work/t2"
e=$(med "$work/t2" '$1')
l=$(med "$work/t2" '$2')
el=$(ratio "$e" "$l")
el_pairs=$(ratio "$(med "$work/t2" '$1 / $2')" 1)
printf '  enlace find --format json: %.3f s, ldapsearch: %.3f s (medians of %d)\n' "$e" "$l" "$runs"
echo "  ratio enlace/ldapsearch (times): $el (of the medians; median of the pairs' ratios $el_pairs; target <= 1.30)"

# --- 3: the lag of an import ---------------------------------------------

echo
echo "3. replication lag of enlace import ($lag_rows rows, as the provider's owner over ldapi)"
# Rows no earlier run imported: gen.py's people past the N loaded.
/usr/bin/python3 "$top/bench/gen.py" "$((n + lag_runs * lag_rows))" csv >"$work/more.csv"

# in_step: every database of both replicas in step with the provider,
# within LAG_TIMEOUT.
in_step () {
  local want deadline
  deadline=$(echo "$(now) + $lag_timeout" | bc)
  while :; do
    want=$(contexts "$U_P" $dbs)
    [ "$(contexts "$U_R1" $dbs)" = "$want" ] && [ "$(contexts "$U_R2" $dbs)" = "$want" ] && return 0
    [ "$(echo "$(now) > $deadline" | bc)" = 1 ] && { echo "the replicas are not in step with the provider" >&2; return 1; }
    sleep 0.5
  done
}
# arrival URI MAIL T0 TOTAL: seconds from T0 until the entry with MAIL is
# on the instance (polled every 50 ms), and then all TOTAL generated
# liaisons (if not, the count is polled until they are: the last row
# arrived before others). Prints the seconds and, if the count had to be
# waited for, a second word.
arrival () {
  local uri=$1 mail=$2 t0=$3 total=$4 deadline t extra=""
  deadline=$(echo "$t0 + $lag_timeout" | bc)
  until ldap_owner "$uri" -b o=enlace "(mail=$mail)" 1.1 2>/dev/null | grep -q '^dn:'; do
    [ "$(echo "$(now) > $deadline" | bc)" = 1 ] && { echo timeout; return; }
    sleep 0.05
  done
  t=$(now)
  if [ "$(persons "$uri")" -ne "$total" ]; then
    extra=" (the last row came before others)"
    until [ "$(persons "$uri")" -eq "$total" ]; do
      [ "$(echo "$(now) > $deadline" | bc)" = 1 ] && { echo timeout; return; }
      sleep 0.05
    done
    t=$(now)
  fi
  echo "$(echo "$t - $t0" | bc)$extra"
}
# history_arrival URI WANT T0: seconds from T0 until the instance's
# history has the provider's contextCSN WANT.
history_arrival () {
  local deadline
  deadline=$(echo "$3 + $lag_timeout" | bc)
  until [ "$(contexts "$1" cn=accesslog)" = "$2" ]; do
    [ "$(echo "$(now) > $deadline" | bc)" = 1 ] && { echo timeout; return; }
    sleep 0.05
  done
  echo "$(now) - $3" | bc
}

for k in $(seq "$lag_runs"); do
  in_step
  lo=$((n + (k - 1) * lag_rows)) hi=$((n + k * lag_rows))
  awk -F, -v lo="$lo" -v hi="$hi" 'NR == 1 || (NR - 2 >= lo && NR - 2 < hi)' "$work/more.csv" >"$work/lag-$k.csv"
  last=$(tail -1 "$work/lag-$k.csv" | cut -d, -f8)
  t0=$(now)
  as_owner "$work/p" enlace import "$work/lag-$k.csv" >"$work/import-$k.log" 2>&1 \
    || { cat "$work/import-$k.log" >&2; exit 1; }
  t_end=$(now)
  # The pollers start as the command ends (not during the import, which
  # they would slow down): a replica that has it all by then counts ~0.
  arrival "$U_R1" "$last" "$t_end" "$hi" >"$work/lag-$k-r1" &
  a1=$!
  arrival "$U_R2" "$last" "$t_end" "$hi" >"$work/lag-$k-r2" &
  a2=$!
  wait "$a1" "$a2"
  want_h=$(contexts "$U_P" cn=accesslog)
  h1=$(history_arrival "$U_R1" "$want_h" "$t_end")
  h2=$(history_arrival "$U_R2" "$want_h" "$t_end")
  l1=$(cat "$work/lag-$k-r1")
  l2=$(cat "$work/lag-$k-r2")
  for x in "$l1" "$l2" "$h1" "$h2"; do
    [ "$x" != timeout ] || { echo "import $k: a replica did not get it within $lag_timeout s" >&2; exit 1; }
  done
  [ "$(persons "$U_P")" -eq "$hi" ] || { echo "import $k: the provider holds $(persons "$U_P") of $hi" >&2; exit 1; }
  note=""
  [ "$l1" = "${l1%% *}" ] || note="$note; r1:${l1#* }"
  [ "$l2" = "${l2%% *}" ] || note="$note; r2:${l2#* }"
  l1=${l1%% *} l2=${l2%% *}
  max=$(printf '%s\n' "$l1" "$l2" | sort -g | tail -1)
  echo "$(echo "$t_end - $t0" | bc) $l1 $l2 $max $h1 $h2" >>"$work/t3"
  printf '  import %d: %.1f s; last entry on r1 after %.2f s, on r2 after %.2f s, on both after %.2f s; history on both after %.2f s%s\n' \
    "$k" "$(echo "$t_end - $t0" | bc)" "$l1" "$l2" "$max" "$(printf '%s\n' "$h1" "$h2" | sort -g | tail -1)" "$note"
done
lag=$(med "$work/t3" '$4')
imp=$(med "$work/t3" '$1')
hist=$(awk '{ print ($5 > $6) ? $5 : $6 }' "$work/t3" | median)
printf '  lag on both replicas: %.2f s (median of %d; each the later of the two); history: %.2f s\n' \
  "$lag" "$lag_runs" "$hist"

# --- Summary -------------------------------------------------------------

verdict () { # VALUE OP TARGET
  if [ "$(echo "$1 $2 $3" | bc)" = 1 ]; then echo met; else echo "NOT met"; fi
}
row () { printf '%-40s %s\n' "$1:" "$2"; }
echo
echo "summary: $n liaisons; provider 127.0.0.2, replicas 127.0.0.3 and 127.0.0.4; staff over ldaps, certificates checked"
row "initial refresh (both replicas)" "$(printf '%.1f s (r1 %.1f s, r2 %.1f s)' "$refresh_max" "${refresh_dir[1]}" "${refresh_dir[2]}")"
row "enlace find, provider" "$(printf '%.3f s (median of %d)' "$f_p" "$runs")"
row "enlace find, replica" "$(printf '%.3f s (median of %d)' "$f_r" "$runs")"
row "speed replica/provider (t_p / t_r)" "$speed (pairs: $speed_pairs; target >= 0.90: $(verdict "$speed" '>=' 0.90))"
row "ldapsearch -E pr=1000, provider" "$(printf '%.3f s (median of %d)' "$l" "$runs")"
row "ratio enlace/ldapsearch (times)" "$el (pairs: $el_pairs; target <= 1.30: $(verdict "$el" '<=' 1.30))"
row "enlace import of $lag_rows rows" "$(printf '%.1f s (median of %d)' "$imp" "$lag_runs")"
row "replication lag of the import" "$(printf '%.2f s on both replicas (median of %d; runs: %s)' "$lag" "$lag_runs" \
  "$(awk '{ printf "%s%.2f", (NR > 1 ? ", " : ""), $4 }' "$work/t3")")"
