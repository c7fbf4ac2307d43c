#!/bin/bash
# Benchmark: the cost of one simple bind of an account whose password is
# {ARGON2}-hashed (slapd's argon2 module, under slapo-ppolicy), against
# binds that check no password, on the same private server, same run:
#   argon2:    ldapwhoami -x -D ACCOUNT -y FILE over 127.0.0.1:PORT
#   anonymous: ldapwhoami -x over 127.0.0.1:PORT (same transport, same
#              tool: the difference is the password check)
#   external:  ldapwhoami -Y EXTERNAL over the ldapi socket (how the
#              owner connects)
# Each of R rounds (ROUNDS, default 5) runs N binds (default 100) of each
# kind, one ldapwhoami process per bind, the kinds' order turning round by
# round. Prints, per kind, the median over rounds of the wall-clock
# milliseconds per bind, and slapd's own CPU per bind (from
# /proc/PID/stat), and the differences.
#
# Knobs: the first argument N (default 100), ROUNDS (default 5).
# A quick run: ROUNDS=3 bench/bind.sh 20.
. "$(dirname "$0")/common.sh"
n=${1:-100} rounds=${ROUNDS:-5}
port=$(free_port)
tcp=ldap://127.0.0.1:$port

enlace-local start --dir "$work/i" --port "$port" >/dev/null
eval "$(enlace-local env --dir "$work/i")"
enlace init >/dev/null
new_password "$work/staff.pw"
staff=$(enlace account add --kind staff --new-password-file "$work/staff.pw" bench-staff)
pid=$(cat "$work/i/slapd.pid")
# The hash as stored: scheme and parameters (memory, iterations, lanes).
hash=$(ldapsearch -H "$ENLACE_URI" -Y EXTERNAL -Q -LLL -o ldif-wrap=no -b "$staff" -s base userPassword \
  | sed -n 's/^userPassword:: //p' | base64 -d | tr -d '\0' | sed 's/\$[^$]*\$[^$]*$//')

bind_argon2 () { ldapwhoami -H "$tcp" -x -D "$staff" -y "$work/staff.pw"; }
bind_anonymous () { ldapwhoami -H "$tcp" -x; }
bind_external () { ldapwhoami -H "$ENLACE_URI" -Y EXTERNAL -Q; }
[ "$(bind_argon2)" = "dn:$staff" ] || { echo "the staff account's bind failed" >&2; exit 1; }
[ "$(bind_anonymous)" = anonymous ] || { echo "the anonymous bind failed" >&2; exit 1; }
bind_external | grep -q '^dn:.*cn=peercred,cn=external,cn=auth$' || { echo "the EXTERNAL bind failed" >&2; exit 1; }

echo "one bind: {ARGON2} simple bind vs binds checking no password, $n binds x $rounds rounds"
echo "stored: $hash"
# slapd's CPU time so far, in clock ticks (utime + stime).
cpu () { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
kinds=(argon2 anonymous external)
for r in $(seq "$rounds"); do
  for k in 0 1 2; do
    kind=${kinds[$(((k + r) % 3))]}
    c0=$(cpu); t0=$(now)
    for _ in $(seq "$n"); do "bind_$kind" >/dev/null; done
    t1=$(now); c1=$(cpu)
    awk -v t0="$t0" -v t1="$t1" -v c0="$c0" -v c1="$c1" -v n="$n" -v hz="$hz" \
      'BEGIN { printf "%.3f %.3f\n", (t1 - t0) * 1000 / n, (c1 - c0) * 1000 / hz / n }' >>"$work/$kind"
  done
done
# The account still binds (no lockout, no failure counted).
[ "$(bind_argon2)" = "dn:$staff" ] || { echo "the staff account no longer binds" >&2; exit 1; }

wall () { awk '{ print $1 }' "$work/$1" | median; }
scpu () { awk '{ print $2 }' "$work/$1" | median; }
a=$(wall argon2) o=$(wall anonymous) x=$(wall external)
printf '%-44s %7.2f ms per bind, slapd CPU %.2f ms (medians of %d rounds)\n' \
  "simple bind, {ARGON2} (127.0.0.1):" "$a" "$(scpu argon2)" "$rounds" \
  "anonymous bind (127.0.0.1):" "$o" "$(scpu anonymous)" "$rounds" \
  "SASL EXTERNAL (ldapi):" "$x" "$(scpu external)" "$rounds"
printf '%-44s %7.2f ms per bind (ratio %s)\n' "password check ({ARGON2} - anonymous):" \
  "$(echo "$a - $o" | bc)" "$(ratio "$a" "$o")"
printf '%-44s %7.2f ms per bind (ratio %s)\n' "{ARGON2} over TCP - EXTERNAL over ldapi:" \
  "$(echo "$a - $x" | bc)" "$(ratio "$a" "$x")"
