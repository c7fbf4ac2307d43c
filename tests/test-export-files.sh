# The files `enlace export -o` writes: a snapshot with restricted fields is
# its owner's alone (0600) whatever the umask, a public one follows the
# umask; an export interrupted by SIGINT, SIGTERM or SIGHUP in the middle
# of writing leaves no temporary file, leaves the file it was to replace
# byte for byte, and dies by that signal (its wait status says so).
. "$top_srcdir/tests/libtest.sh"

export XDG_CONFIG_HOME=$TEST_DIR/config  # no [mail]: no notices
export ENLACE_NOW=2026-11-23

start_slapd
enlace init --demo >/dev/null || bail_out "enlace init --demo failed"
# slapd is stopped (SIGSTOP) while an export is interrupted: were the test
# to die then, it must be continued for the EXIT trap's SIGTERM to reach it.
trap 'kill -CONT "$SLAPD_PID" 2>/dev/null; _stop_all' EXIT

mode_of () { stat -c %a "$1"; }
# only_file DIR NAME: DIR holds NAME and nothing else (hidden files too).
only_file () { [ "$(cd "$1" && ls -A)" = "$2" ]; }

# --- modes
mkdir modes
run_cmd sh -c 'umask 000 && exec enlace export --include-restricted -o modes/restricted.xml'
expect_rc 0 "export --include-restricted -o under umask 000"
check "a restricted snapshot is 0600 under umask 000 ($(mode_of modes/restricted.xml))" \
  test "$(mode_of modes/restricted.xml)" = 600
check "and it is whole" has modes/restricted.xml '^</directory>$'

(umask 000 && echo old >modes/replaced.xml)
run_cmd sh -c 'umask 000 && exec enlace export --include-restricted -o modes/replaced.xml'
expect_rc 0 "export --include-restricted -o over a world-writable file"
check "the file it replaces becomes 0600 ($(mode_of modes/replaced.xml))" \
  test "$(mode_of modes/replaced.xml)" = 600

run_cmd sh -c 'umask 277 && exec enlace export --include-restricted -o modes/narrow.xml'
expect_rc 0 "export --include-restricted -o under umask 277"
check "a restricted snapshot is 0600 under umask 277 ($(mode_of modes/narrow.xml))" \
  test "$(mode_of modes/narrow.xml)" = 600

run_cmd sh -c 'umask 000 && exec enlace export -o modes/public.xml'
expect_rc 0 "export -o (public) under umask 000"
check "a public snapshot is 0644 under umask 000, writable by nobody else ($(mode_of modes/public.xml))" \
  test "$(mode_of modes/public.xml)" = 644
run_cmd sh -c 'umask 027 && exec enlace export -o modes/public-027.xml'
expect_rc 0 "export -o (public) under umask 027"
check "a public snapshot follows the umask: 0640 under 027 ($(mode_of modes/public-027.xml))" \
  test "$(mode_of modes/public-027.xml)" = 640
check "no temporary file is left after the exports" \
  test "$(cd modes && ls -A | sort | tr '\n' ' ')" = "narrow.xml public-027.xml public.xml replaced.xml restricted.xml "

# The file an interrupted export must leave alone: the demo directory's
# snapshot, which the export of the larger directory below cannot match.
enlace export --include-restricted -o previous.xml || bail_out "the first export failed"

# --- a directory large enough for an export to take a while, and to span
# more than one page of the paged search (1,000 entries): 2,000 invented
# liaisons, each with restricted fields and long notes (4 KB of the
# snapshot each), added as the owner.
N=2000
awk -v n="$N" -v base="$ENLACE_BASE" 'BEGIN {
  long = "Nota inventada:"
  for (k = 0; k < 100; k++) long = long " turno de guardia y enlace de prueba"
  for (i = 1; i <= n; i++) {
    id = sprintf("GT-L-%04d", 1000 + i)
    printf "dn: enlaceId=%s,c=GT,%s\nobjectClass: enlaceLiaison\nenlaceId: %s\nc: GT\n", id, base, id
    printf "cn: Persona Inventada %d\ngivenName: Persona\nsn: Inventada %d\n", i, i
    printf "title: Enlace de prueba\nenlaceStatus: active\n"
    printf "enlaceMobile: +502555%05d\nenlaceNotes: %s %d\n\n", i, long, i
  }
}' >load.ldif
t0=$(date +%s%N)
ldapadd -H "$ENLACE_URI" -Y EXTERNAL -Q -f load.ldif >ldapadd.out 2>&1 \
  || { sed 's/^/#   /' ldapadd.out | tail -5; bail_out "ldapadd of $N liaisons failed"; }
echo "# $N liaisons added in $((($(date +%s%N) - t0) / 1000000)) ms"
t0=$(date +%s%N)
enlace export --include-restricted -o whole.xml || bail_out "the export of the large directory failed"
echo "# a whole export takes $((($(date +%s%N) - t0) / 1000000)) ms ($(stat -c %s whole.xml) bytes)"
check "the large export holds every added liaison, restricted fields too" \
  test "$(grep -c '<notes>Nota inventada:' whole.xml)" -eq "$N"

# spawn_reporting STATUS CMD...: runs CMD in the background with SIGINT,
# SIGTERM and SIGHUP at their default action (a script's background job
# starts with SIGINT ignored, and an ignored signal stays ignored across
# exec), through a small launcher that writes CMD's pid to STATUS.pid and,
# when CMD ends, how it ended to STATUS: "signal N" or "exit N" (the
# shell's $? cannot tell a death by signal N from exit 128+N). Sets
# LAUNCHER_PID.
spawn_reporting () {
  local status=$1
  shift
  /usr/bin/python3 -c '
import os, signal, subprocess, sys
for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(s, signal.SIG_DFL)
status = sys.argv[1]
p = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=open(status + ".err", "w"))
with open(status + ".pid.tmp", "w") as f:
    f.write("%d\n" % p.pid)
os.rename(status + ".pid.tmp", status + ".pid")
rc = p.wait()
with open(status, "w") as f:
    f.write("signal %d\n" % -rc if rc < 0 else "exit %d\n" % rc)
' "$status" "$@" &
  LAUNCHER_PID=$!
  _pids="$_pids $LAUNCHER_PID"
}

# written_temporary DIR: sets tmp to a non-empty file of DIR other than
# out.xml, if there is one, and size to its size. Shell builtins only (no
# process started), so polling with it keeps up with the export.
written_temporary () {
  local f
  tmp="" size=0
  for f in "$1"/* "$1"/.[!.]*; do
    if [ "$f" != "$1/out.xml" ] && [ -s "$f" ]; then
      tmp=${f##*/} size=1
      return 0
    fi
  done
  return 1
}

# interrupt SIG NUMBER: an export of the large directory to DIR/out.xml,
# which holds previous.xml. Once its temporary file holds data (a first
# 256 KB write), slapd is stopped so the export cannot finish (the next
# page cannot come), the export is sent SIG, and slapd is continued. Should
# the export have finished first all the same (a stalled test on a busy
# machine), it is tried again, up to 3 times. Each wait is bounded (30 s).
interrupt () {
  local sig=$1 num=$2 dir=$TEST_DIR/sig-$1 status=$TEST_DIR/status-$1
  local attempt pid tmp size deadline alive
  for attempt in 1 2 3; do
    rm -rf "$dir" "$status" "$status.pid"
    mkdir "$dir"
    cp -p previous.xml "$dir/out.xml"
    spawn_reporting "$status" enlace export --include-restricted -o "$dir/out.xml"
    deadline=$((SECONDS + 30))
    while [ ! -s "$status.pid" ] && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.01; done
    pid=$(cat "$status.pid" 2>/dev/null)
    [ -n "$pid" ] || bail_out "the launcher did not start enlace export within 30 s"
    alive=no
    until written_temporary "$dir" || [ -e "$status" ] || [ "$SECONDS" -ge "$deadline" ]; do
      sleep 0.005
    done
    kill -STOP "$SLAPD_PID"
    running "$pid" && alive=yes
    [ -n "$tmp" ] && size=$(stat -c %s "$dir/$tmp" 2>/dev/null || echo 0)
    kill -"$sig" "$pid" 2>/dev/null
    deadline=$((SECONDS + 30))
    while [ ! -s "$status" ] && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.01; done
    kill -CONT "$SLAPD_PID"
    [ -s "$status" ] || kill -KILL "$pid" 2>/dev/null
    wait "$LAUNCHER_PID" 2>/dev/null
    if [ "$alive" = yes ] && [ "$(cat "$status" 2>/dev/null)" != "exit 0" ]; then
      break
    fi
    echo "# SIG$sig, attempt $attempt: the export finished before the signal"
  done
  check "SIG$sig: the export was still writing (temporary file $tmp, $size bytes) when signalled" \
    test "$alive" = yes -a "$size" -gt 0
  check "SIG$sig: the export dies by SIG$sig ($(cat "$status" 2>/dev/null || echo 'did not end'))" \
    test "$(cat "$status" 2>/dev/null)" = "signal $num"
  check "SIG$sig: no temporary file is left ($(cd "$dir" && ls -A | tr '\n' ' '))" only_file "$dir" out.xml
  check "SIG$sig: the previous out.xml is unchanged, byte for byte" cmp -s previous.xml "$dir/out.xml"
  sed 's/^/#   stderr: /' "$status.err"
}

interrupt INT 2
interrupt TERM 15
interrupt HUP 1

# The same export left alone replaces the file, whole: the interruptions
# above were what kept the old one.
mkdir left-alone
cp -p previous.xml left-alone/out.xml
run_cmd enlace export --include-restricted -o left-alone/out.xml
expect_rc 0 "an export left alone succeeds"
check "and replaces the previous file with the whole new snapshot" cmp -s whole.xml left-alone/out.xml
check "and leaves no temporary file" only_file left-alone out.xml

done_testing
