# enlace-local: create, start, status, env, stop a private slapd; refuse
# what it cannot do, clearly; never signal a process it did not start.
. "$top_srcdir/tests/libtest.sh"

dir=$TEST_DIR/i
# Stop every daemonised instance by the pid in its pidfile, also on failure.
_stop_local () {
  local d pid
  for d in "$dir" "$TEST_DIR/j" "$TEST_DIR/state/enlace"; do
    [ -f "$d/slapd.pid" ] || continue
    pid=$(cat "$d/slapd.pid")
    grep -qF "$d/slapd.d" "/proc/$pid/cmdline" 2>/dev/null && kill "$pid" 2>/dev/null
  done
  _stop_all
}
trap _stop_local EXIT

run_cmd enlace-local status --dir "$dir"
expect_rc 3 "status before any start exits 3"
check "status says there is no instance yet" has err "no instance in $dir"

port=$(free_port)
run_cmd enlace-local start --dir "$dir" --port "$port"
expect_rc 0 "start creates and starts an instance"
check "start says where it listens" has out "started at ldapi://"
check "start reports the TCP listener" has out "ldap://127.0.0.1:$port/"
check "the instance has its cn=config tree" test -d "$dir/slapd.d/cn=config"
check "the instance has its ldapi socket" test -S "$dir/ldapi"
pid=$(cat "$dir/slapd.pid")
check "the pidfile names a running slapd" grep -qF "$dir/slapd.d" "/proc/$pid/cmdline"
check "slapd listens on loopback only" grep -qF "ldap://127.0.0.1:$port/" "$dir/slapd.args"

run_cmd enlace-local status --dir "$dir"
expect_rc 0 "status of a running instance exits 0"
check "status shows the pid" has out "running \(pid $pid\)"
check "status shows the TCP port" has out "ldap://127.0.0.1:$port/"

run_cmd enlace-local start --dir "$dir"
expect_rc 0 "a second start succeeds"
check "a second start says it was already running, same pid" has out "already running.*pid $pid"

run_cmd enlace-local start --dir "$dir" --port 0
expect_rc 5 "changing the port of a running instance is a conflict"

eval "$(enlace-local env --dir "$dir")"
check "env exports ENLACE_URI for the socket" test "$ENLACE_URI" = "$(ldapi_uri "$dir")"
check "env exports the base" test "$ENLACE_BASE" = "o=enlace"
run_cmd ldapwhoami -H "$ENLACE_URI" -Y EXTERNAL -Q
check "the owner binds with SASL EXTERNAL as the rootdn" has out "uidNumber=$(id -u),cn=peercred"
run_cmd ldapsearch -x -H "ldap://127.0.0.1:$port" -s base -b "" -LLL namingContexts
check "the TCP listener answers" has out "namingContexts: o=enlace"
check "the accesslog database is there" has out "namingContexts: cn=accesslog"

run_cmd ldapsearch -H "$ENLACE_URI" -Y EXTERNAL -Q -LLL -b cn=config "(objectClass=olcOverlayConfig)" olcOverlay
check "slapo-syncprov offers the directory to replicas" has out "olcOverlay: \{0\}syncprov"
check "slapo-accesslog is configured" has out "olcOverlay: \{1\}accesslog"
check "slapo-unique is configured" has out "olcOverlay: \{2\}unique"
run_cmd ldapsearch -H "$ENLACE_URI" -Y EXTERNAL -Q -LLL -o ldif-wrap=no -b cn=config "(olcSuffix=o=enlace)" olcDbIndex
check "the lookups' attributes are indexed" has out "olcDbIndex: enlaceRole,enlaceNetwork,enlaceCompetence eq"
run_cmd ldapsearch -x -H "$ENLACE_URI" -LLL -o ldif-wrap=no -s base -b cn=Subschema objectClasses
check "cn=Subschema holds the enlace object classes" has out "NAME 'enlaceLiaison'"

# A port another instance holds: said before slapd is tried (slapd would
# exit with nothing in its log).
run_cmd enlace-local start --dir "$TEST_DIR/j" --port "$port"
expect_rc 5 "start on a port in use fails, as a conflict"
check "the failure names the address and why" has err "cannot listen on ldap://127.0.0.1:$port/: Address already in use"

# A stale pidfile naming someone else's process: never signalled.
run_cmd enlace-local stop --dir "$dir"
expect_rc 0 "stop stops the instance"
check "stop says so" has out "stopped"
check "slapd is gone" eval '! running "$pid"'
run_cmd enlace-local status --dir "$dir"
expect_rc 3 "status of a stopped instance exits 3"
check "status says stopped" has out "stopped"
echo $$ >"$dir/slapd.pid"
run_cmd enlace-local stop --dir "$dir"
expect_rc 0 "stop with a stale pidfile succeeds"
check "stop did not touch the process the stale pidfile named" running $$
check "stop says it was not running" has out "was not running"

# The data outlive a restart.
run_cmd enlace-local start --dir "$dir"
expect_rc 0 "the instance starts again"
check "and remembers its port" has out "ldap://127.0.0.1:$port/"
run_cmd enlace-local stop --dir "$dir"

# The default directory is $XDG_STATE_HOME/enlace.
XDG_STATE_HOME=$TEST_DIR/state run_cmd enlace-local status
check "the default dir is \$XDG_STATE_HOME/enlace" has out "dir: +$TEST_DIR/state/enlace$"

long=$TEST_DIR/$(printf 'x%.0s' $(seq 100))
run_cmd enlace-local start --dir "$long"
expect_rc 2 "a dir too long for a socket path is refused"
check "the refusal says why" has err "UNIX socket path is limited to 107"
check "and creates nothing" test ! -e "$long"

ENLACE_SLAPD=/nonexistent/slapd run_cmd enlace-local start --dir "$TEST_DIR/k"
expect_rc 6 "a missing slapd binary is an error"
check "which says to install slapd" has err "is the slapd package installed"

run_cmd enlace-local start --dir "$TEST_DIR/m" --port 70000
expect_rc 2 "an out-of-range port is refused"

done_testing
