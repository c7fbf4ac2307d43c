# libtest.sh — sourced by tests/test-*.sh: TAP helpers and a private slapd
# per test file, in the test's own temporary directory (tests/tap-test
# makes it and cd's there). Every slapd a test starts is stopped by its PID
# from an EXIT trap, also when the test fails or is killed.
set -u

: "${top_srcdir:?run the tests through make check}"
: "${top_builddir:?run the tests through make check}"

TEST_DIR=$PWD
_n=0
_failed=0
_pids=""

ok () { _n=$((_n + 1)); echo "ok $_n - $*"; }
not_ok () { _n=$((_n + 1)); _failed=$((_failed + 1)); echo "not ok $_n - $*"; }

# check DESCRIPTION COMMAND...: one test point, passing when COMMAND succeeds.
check () {
  local desc=$1
  shift
  if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# run_cmd CMD...: runs CMD, keeping stdout in $TEST_DIR/out, stderr in
# $TEST_DIR/err and the exit status in $rc.
run_cmd () {
  rc=0
  "$@" >"$TEST_DIR/out" 2>"$TEST_DIR/err" || rc=$?
}

# expect_rc N DESCRIPTION: a test point on the last run_cmd's exit status.
expect_rc () {
  if [ "$rc" -eq "$1" ]; then
    ok "$2"
  else
    not_ok "$2 (exit $rc, wanted $1)"
    sed 's/^/#   stdout: /' "$TEST_DIR/out"
    sed 's/^/#   stderr: /' "$TEST_DIR/err"
  fi
}

# has FILE REGEX: grep -E, quiet, for use with check.
has () { grep -Eq -- "$2" "$1"; }
lacks () { ! grep -Eq -- "$2" "$1"; }

bail_out () { echo "Bail out! $*"; exit 1; }

done_testing () {
  echo "1..$_n"
  [ "$_failed" -eq 0 ]
}

_stop_all () {
  local pid
  for pid in $_pids; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null || true
    fi
  done
  _pids=""
}
trap _stop_all EXIT
# Without these a signal from timeout(1) would skip the EXIT trap.
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP

ENLACE_SLAPD=${ENLACE_SLAPD:-/usr/sbin/slapd}
# A missing slapd fails the suite: it is never a silent skip.
[ -x "$ENLACE_SLAPD" ] || bail_out "slapd not found at $ENLACE_SLAPD (apt-get install slapd)"

# ldapi_uri DIR: the ldapi:// URL of a socket DIR/ldapi.
ldapi_uri () {
  printf 'ldapi://%s' "$(printf '%s/ldapi' "$1" | sed 's,%,%25,g; s,/,%2F,g')"
}

# wait_ldap URI PID LOG: poll the root DSE until slapd answers (never a
# fixed sleep); bail out if slapd exits or 30 s pass.
wait_ldap () {
  local uri=$1 pid=$2 log=$3 i
  for i in $(seq 300); do
    if ldapsearch -x -H "$uri" -s base -b "" -LLL namingContexts >/dev/null 2>&1; then
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      sed 's/^/#   slapd: /' "$log"
      bail_out "slapd (pid $pid) exited before answering on $uri"
    fi
    sleep 0.1
  done
  bail_out "slapd (pid $pid) did not answer on $uri within 30 s"
}

# start_slapd [DIR] [enlace-local options...]: start a private enlace
# instance in the foreground (so $! is slapd's own pid) and point
# ENLACE_URI and ENLACE_BASE at it. Sets SLAPD_PID and SLAPD_DIR.
start_slapd () {
  SLAPD_DIR=${1:-$TEST_DIR/ldap}
  shift || true
  mkdir -p "$(dirname "$SLAPD_DIR")"
  enlace-local start --foreground --dir "$SLAPD_DIR" "$@" >"$SLAPD_DIR.log" 2>&1 &
  SLAPD_PID=$!
  _pids="$_pids $SLAPD_PID"
  wait_ldap "$(ldapi_uri "$SLAPD_DIR")" "$SLAPD_PID" "$SLAPD_DIR.log"
  eval "$(enlace-local env --dir "$SLAPD_DIR")"
  export ENLACE_URI ENLACE_BASE
}

# start_plain_slapd DIR SCHEMA...: a slapd configured with slapd.conf
# (not enlace-local) holding OpenLDAP's core schemas plus SCHEMA files, an
# empty o=enlace database, and the caller as rootdn. Sets PLAIN_URI.
start_plain_slapd () {
  local dir=$1 schema
  shift
  mkdir -p "$dir/data"
  {
    for schema in core cosine inetorgperson; do
      echo "include ${LDAP_SCHEMADIR:-/etc/ldap/schema}/$schema.schema"
    done
    for schema in "$@"; do echo "include $schema"; done
    echo "pidfile $dir/slapd.pid"
    echo "modulepath ${SLAPD_MODULEDIR:-/usr/lib/ldap}"
    echo "moduleload back_mdb"
    echo "database mdb"
    echo "suffix o=enlace"
    echo "directory $dir/data"
    echo "rootdn gidNumber=$(id -g)+uidNumber=$(id -u),cn=peercred,cn=external,cn=auth"
  } >"$dir/slapd.conf"
  PLAIN_URI=$(ldapi_uri "$dir")
  "$ENLACE_SLAPD" -f "$dir/slapd.conf" -h "$PLAIN_URI" -d 0 >"$dir.log" 2>&1 &
  local pid=$!
  _pids="$_pids $pid"
  wait_ldap "$PLAIN_URI" "$pid" "$dir.log"
}

# running PID: the process exists and is not a zombie.
running () {
  local state
  state=$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# ldap_root ARGS...: ldapsearch as the instance's owner, LDIF unwrapped.
ldap_root () {
  ldapsearch -H "$ENLACE_URI" -Y EXTERNAL -Q -LLL -o ldif-wrap=no "$@"
}

# count_dn: number of entries in LDIF on stdin.
count_dn () { grep -c '^dn:' || true; }

# free_port: a loopback TCP port nobody listens on now.
free_port () {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
