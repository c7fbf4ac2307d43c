#!/bin/bash
# Benchmark: enlace campaign send to N entries (default 10,000) through a
# local SMTP sink (aiosmtpd, counting only), against a bare libcurl loop
# (bench/curl-loop.c) over one reused connection to the same sink, in the
# same run. Each of R rounds (default 3) runs the loop, then enlace on a
# fresh campaign, then the loop again; a round's ratio is enlace's rate
# over the mean of the two loops around it. Prints every round and the
# median ratio (target: >= 0.80). This machine's noise moves a single
# round by several points; the median of rounds is the figure to quote.
. "$(dirname "$0")/common.sh"
n=${1:-10000} rounds=${ROUNDS:-3}

cc -O2 -o "$work/curl-loop" "$top/bench/curl-loop.c" $(pkg-config --cflags --libs libcurl)

echo "enlace campaign send vs a bare libcurl loop, $n entries, $rounds rounds"
enlace-local start --dir "$work/i" >/dev/null
eval "$(enlace-local env --dir "$work/i")"
enlace init --demo >/dev/null
enlace-local stop --dir "$work/i" >/dev/null
/usr/bin/python3 "$top/bench/gen.py" "$n" slapadd >"$work/people.ldif"
"${ENLACE_SLAPD:-/usr/sbin/slapd}" -T add -q -F "$work/i/slapd.d" -b o=enlace -l "$work/people.ldif"
# The start's history check lists every loaded entry (slapadd writes no
# history): kept out of the output, shown only if the start fails.
enlace-local start --dir "$work/i" >"$work/start.log" 2>&1 || { cat "$work/start.log" >&2; exit 1; }

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
/usr/bin/python3 "$top/tests/smtp-sink.py" --port "$port" --out "$work/sink" --count-only &
sink=$!
trap 'kill $sink 2>/dev/null; wait $sink 2>/dev/null; cleanup' EXIT
while [ ! -f "$work/sink/ready" ]; do sleep 0.1; done

export ENLACE_SMTP_URL="smtp://127.0.0.1:$port" ENLACE_MAIL_FROM=st@st.example
export XDG_CONFIG_HOME=$work/config
mkdir -p "$XDG_CONFIG_HOME/enlace"
printf '[mail]\nnotify=false\n' >"$XDG_CONFIG_HOME/enlace/enlace.conf"
# The messages enlace sends to these entries are about this size.
size=1500

for r in $(seq "$rounds"); do
  [ "$r" -gt 1 ] && enlace campaign close >/dev/null
  enlace campaign open $((2025 + r)) >"$work/open"
  entries=$(grep -o '[0-9]* entries' "$work/open" | cut -d' ' -f1)
  before=$("$work/curl-loop" "$ENLACE_SMTP_URL" "$entries" "$size")
  t0=$(now)
  /usr/bin/time -f "%U %S" -o "$work/cpu" enlace campaign send 2>"$work/send"
  t=$(echo "$(now) - $t0" | bc)
  after=$("$work/curl-loop" "$ENLACE_SMTP_URL" "$entries" "$size")
  sent=$(grep -o '^[0-9]* sent' "$work/send" | cut -d' ' -f1)
  [ "$sent" -eq "$entries" ] || { echo "round $r: sent $sent of $entries" >&2; exit 1; }
  rate=$(awk -v n="$sent" -v t="$t" 'BEGIN { printf "%.1f", n / t }')
  base=$(awk -v a="$before" -v b="$after" 'BEGIN { printf "%.1f", (a + b) / 2 }')
  ratio "$rate" "$base" >>"$work/ratios"
  echo >>"$work/ratios"
  printf 'round %d: libcurl loop %.0f and %.0f msg/s; enlace %d messages in %.2f s (%s s CPU user/sys), %.0f msg/s; ratio %s\n' \
    "$r" "$before" "$after" "$sent" "$t" "$(tr ' ' / <"$work/cpu")" "$rate" "$(tail -1 "$work/ratios")"
done
echo "ratio enlace/libcurl (median of $rounds rounds): $(median <"$work/ratios") (target >= 0.80)"
