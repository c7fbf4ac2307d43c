# Crash safety: `enlace campaign send` is killed with SIGKILL at a random
# moment in 20 runs, each followed by a resume; over all runs every entry
# gets exactly one initial email. The moment is drawn as progress, not time
# (a shared machine's speed varies): the kill comes once the sink has taken
# a random number of messages, or, for that number 0, a few milliseconds
# after the start, before any message is out.
. "$top_srcdir/tests/libtest.sh"

start_slapd
enlace init --demo >/dev/null || bail_out "enlace init --demo failed"
start_dovecot "$TEST_DIR/imap" st st-secret
start_smtp_sink "$TEST_DIR/sink" --archive archive@st.example --maildir "$DOVECOT_MAILDIR/.Archive"
printf 'st-secret\n' >"$TEST_DIR/mail-password"
export XDG_CONFIG_HOME=$TEST_DIR/config
mkdir -p "$XDG_CONFIG_HOME/enlace"
printf '[mail]\narchive=archive@st.example\nnotify=false\n' >"$XDG_CONFIG_HOME/enlace/enlace.conf"
export ENLACE_MAIL_FROM=st@st.example ENLACE_MAIL_PASSWORD_FILE=$TEST_DIR/mail-password
export ENLACE_NOW=2026-02-02

# initial_ids Y [SKIP]: campaign Y's initial messages, one line per entry
# ID, from the sink's messages after the first SKIP. Parsing every message
# of every run again in each run made the test quadratic: 20 s a run by
# the last ones on a loaded machine, past the harness's timeout.
initial_ids () {
  /usr/bin/python3 "$top_srcdir/tests/mail-check.py" --skip "${2:-0}" "$TEST_DIR/sink" \
    | awk -F'\t' -v y="$1" '$1 == "initial" && $3 == y { print $2 }' | sort
}

# A first, whole run tells how long sending takes here.
enlace campaign open 2030 >/dev/null || bail_out "open failed"
t0=$(date +%s%N)
enlace campaign send 2>/dev/null || bail_out "a send without kills failed"
whole_ms=$((($(date +%s%N) - t0) / 1000000))
initial_ids 2030 >ids
entries=$(wc -l <ids)
check "a whole run sends every entry once ($entries entries, $whole_ms ms)" \
  test "$entries" -gt 100 -a "$(uniq -d ids | wc -l)" -eq 0
enlace campaign close >/dev/null

killed=0 bad=0 recovered=0
for run in $(seq 1 20); do
  year=$((2030 + run))
  enlace campaign open "$year" >/dev/null || bail_out "open $year failed"
  after=$(/usr/bin/python3 -c "import random; print(random.randint(0, $entries - 1))")
  base=$(wc -l <"$TEST_DIR/sink/log.jsonl")
  enlace campaign send >/dev/null 2>&1 &
  pid=$!
  if [ "$after" -eq 0 ]; then
    sleep 0.0$((RANDOM % 5 + 1))
  else
    while kill -0 "$pid" 2>/dev/null &&
          [ $(($(wc -l <"$TEST_DIR/sink/log.jsonl") - base)) -lt "$after" ]; do
      sleep 0.005
    done
  fi
  if kill -KILL "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
  wait "$pid" 2>/dev/null || true
  # Resume until nothing is left (one resume is enough; a loop bounds it).
  enlace campaign send >resume.out 2>&1 || { sed 's/^/#   /' resume.out; bad=$((bad + 1)); }
  grep -q "had arrived" resume.out && recovered=$((recovered + 1))
  initial_ids "$year" "$base" >ids
  n=$(wc -l <ids)
  dups=$(uniq -d ids | wc -l)
  if [ "$n" -ne "$entries" ] || [ "$dups" -ne 0 ]; then
    echo "# run $run (kill after $after messages): $n entries mailed, $dups twice"
    bad=$((bad + 1))
  fi
  enlace campaign close >/dev/null || bail_out "close $year failed"
done
echo "# $killed of 20 runs were killed mid-send; $recovered resumes found in-flight messages"
check "over 20 killed runs, every entry got exactly one initial email" test "$bad" -eq 0
check "most runs were really killed mid-send ($killed of 20)" test "$killed" -ge 15

done_testing
