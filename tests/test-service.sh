# enlace-local.service, as built (dist/enlace-local.service): systemd
# accepts every line of it; and its ExecStart, run by hand as systemd
# would run it, is slapd itself (the pid systemd would hold), answers, and
# stops cleanly on SIGTERM, systemd's stop.
#
# No systemd runs on the machines this suite runs on, so the unit is
# checked offline with systemd-analyze:
#   - verify parses every directive: an unknown key, a value that does not
#     parse, a bad section are warnings on stderr (with exit 0), which
#     fail this test like an error would; the program ExecStart names must
#     exist and be executable (the built one stands in for the installed
#     one), the man page Documentation= names must exist (the one in docs/
#     stands in), and the units it is ordered after and wanted by must load;
#   - security --offline scores its sandboxing.
# What neither checks, and this test cannot without a systemd: that the
# user enlace exists (nothing here creates it), that systemd makes
# /var/lib/enlace, and that slapd runs inside that sandbox. Running the
# line by hand checks the rest of what the service does, as the user
# running the suite.
. "$top_srcdir/tests/libtest.sh"

unit=$top_builddir/dist/enlace-local.service
defaults=$top_srcdir/dist/default/enlace-local
command -v systemd-analyze >/dev/null ||
  bail_out "systemd-analyze not found (apt-get install systemd; .ci/deps does)"
check "the unit was built" test -s "$unit"

line=$(sed -n 's/^ExecStart=//p' "$unit")
check "the unit has one ExecStart" test "$(grep -c '^ExecStart=' "$unit")" -eq 1
check "ExecStart runs the installed enlace-local by its absolute path" \
  eval 'case $line in /*/enlace-local\ *) true ;; *) false ;; esac'
check "ExecStart starts the instance in /var/lib/enlace in the foreground, with the options file's options" \
  test "${line#* }" = 'start --dir /var/lib/enlace --foreground $ENLACE_LOCAL_OPTIONS'
check "the options file is the one make install puts in \$(sysconfdir)/default (optional: -)" \
  has "$unit" '^EnvironmentFile=-/.*/default/enlace-local$'
check "the instance directory is systemd's StateDirectory" has "$unit" '^StateDirectory=enlace$'
check "slapd runs as the system user enlace" has "$unit" '^User=enlace$'
check "... and group" has "$unit" '^Group=enlace$'
for d in NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
  PrivateDevices=yes ProtectKernelTunables=yes ProtectKernelModules=yes \
  'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6' AmbientCapabilities=CAP_NET_BIND_SERVICE \
  CapabilityBoundingSet=CAP_NET_BIND_SERVICE Restart=on-failure; do
  check "the unit sets $d" grep -qxF "$d" "$unit"
done

# systemd-analyze verify on the unit as built, but for the program path.
mkdir -p verify man/man1
cp "$top_srcdir/docs/enlace-local.1" man/man1/
sed "s|^ExecStart=[^ ]*/enlace-local |ExecStart=$top_builddir/tools/enlace-local |" "$unit" \
  >verify/enlace-local.service
MANPATH=$TEST_DIR/man run_cmd systemd-analyze verify verify/enlace-local.service
expect_rc 0 "systemd-analyze verify accepts the unit"
check "... without a single warning" test ! -s err
sed 's/^ProtectHome=yes$/ProtectHomes=yes/' verify/enlace-local.service >verify/typo.service
MANPATH=$TEST_DIR/man run_cmd systemd-analyze verify verify/typo.service
check "(and it does warn about a misspelt directive, so its silence means something)" \
  has err "Unknown key 'ProtectHomes'"
run_cmd systemd-analyze security --offline=yes --threshold=40 verify/enlace-local.service
expect_rc 0 "systemd-analyze security rates its sandboxing at most 4.0 (of 10) exposed"
check "... and says OK" has out "Overall exposure level for enlace-local.service: [0-3]\.[0-9] OK"

# The options file documents its options, every one commented out.
check "the options file sets nothing as installed" test -z "$(grep -v '^#' "$defaults" | tr -d '[:space:]')"
check "it explains --port" has "$defaults" '^#   --port N '
check "it points at enlace-local(1) for listening, TLS and replicas" \
  has "$defaults" '^# The options to listen on other addresses, for TLS and for replicas are$'
example=$(sed -n 's/^#\(ENLACE_LOCAL_OPTIONS=.*\)$/\1/p' "$defaults")
check "it has one example line to uncomment" test -n "$example"

# The ExecStart line by hand: the built enlace-local, a fresh instance
# directory made as StateDirectory= would (StateDirectoryMode), and the
# example options (another port: this suite runs unprivileged on CI).
state=$TEST_DIR/var-lib-enlace
mode=$(sed -n 's/^StateDirectoryMode=//p' "$unit")
check "StateDirectoryMode is private (enlace-local refuses anything else)" test "$mode" = 0700
mkdir -m "$mode" "$state"
port=$(free_port)
eval "${example/--port 389/--port $port}"
check "the example line sets ENLACE_LOCAL_OPTIONS" test "$ENLACE_LOCAL_OPTIONS" = "--port $port"
by_hand=${line/\/var\/lib\/enlace/$state}
by_hand="$top_builddir/tools/enlace-local ${by_hand#* }"
# As systemd does, $ENLACE_LOCAL_OPTIONS splits into words.
eval "set -- $by_hand"
"$@" >service.log 2>&1 &
pid=$!
_pids="$_pids $pid"
uri=$(ldapi_uri "$state")
wait_ldap "$uri" "$pid" service.log
run_cmd ldapwhoami -H "$uri" -Y EXTERNAL -Q
expect_rc 0 "the service answers on its socket"
check "... to its owner, by SASL EXTERNAL, as the rootdn" \
  has out "^dn:gidNumber=$(id -g)\+uidNumber=$(id -u),cn=peercred,cn=external,cn=auth$"
run_cmd ldapsearch -x -H "ldap://127.0.0.1:$port" -s base -b "" -LLL namingContexts
check "... and on the port the options file gave" has out "^namingContexts: o=enlace$"
check "the process ExecStart started is slapd itself (the pid systemd holds)" \
  test "$(readlink -f "/proc/$pid/exe")" = "$(readlink -f "$ENLACE_SLAPD")"
check "... and the pid in its pidfile" test "$(cat "$state/slapd.pid")" = "$pid"
check "slapd does not hold enlace-local's lock (it is close-on-exec)" \
  eval '! ls -l "/proc/$pid/fd" | grep -qF "$state/lock"'
check "... which is free again" flock -n "$state/lock" true
run_cmd enlace-local status --dir "$state"
expect_rc 0 "enlace-local status sees the service's slapd"

# systemctl stop: SIGTERM to the main process.
kill -TERM "$pid"
stopped=0
for i in $(seq 300); do
  running "$pid" || { stopped=1; break; }
  sleep 0.1
done
check "SIGTERM stops it within 30 s" test "$stopped" -eq 1
status=0
wait "$pid" || status=$?
check "... cleanly (exit 0: a stop, not a failure to restart after)" test "$status" -eq 0
run_cmd enlace-local status --dir "$state"
expect_rc 3 "enlace-local status then says it is stopped"
check "... and why" has out "stopped"
run_cmd ldapwhoami -H "$uri" -Y EXTERNAL -Q
check "the socket no longer answers" test "$rc" -ne 0

done_testing
