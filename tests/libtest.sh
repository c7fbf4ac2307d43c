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

# ldap_as URI DN PWFILE TOOL ARGS...: one of OpenLDAP's tools bound as DN
# with a simple bind (the password is PWFILE's whole contents; DN "" for
# anonymous); stdin passes through; like run_cmd, out, err and $rc.
ldap_as () {
  local uri=$1 dn=$2 pwfile=$3 tool=$4
  shift 4
  rc=0
  if [ -n "$dn" ]; then
    "$tool" -x -H "$uri" -D "$dn" -y "$pwfile" "$@" >"$TEST_DIR/out" 2>"$TEST_DIR/err" || rc=$?
  else
    "$tool" -x -H "$uri" "$@" >"$TEST_DIR/out" 2>"$TEST_DIR/err" || rc=$?
  fi
}

# enlace_as URI DN PWFILE CMD...: run_cmd CMD with enlace bound as DN.
enlace_as () {
  local uri=$1 dn=$2 pwfile=$3
  shift 3
  ENLACE_URI=$uri ENLACE_BIND_DN=$dn ENLACE_PASSWORD_FILE=$pwfile run_cmd "$@"
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

# free_port [ADDRESS]: a TCP port nobody listens on now, on 127.0.0.1 or
# ADDRESS (another loopback address: 127.0.0.2 stands for a remote host).
free_port () {
  /usr/bin/python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' "${1:-127.0.0.1}"
}

# start_smtp_sink DIR [sink options...]: a real SMTP server (aiosmtpd,
# tests/smtp-sink.py) on a free loopback port, keeping what it accepts in
# DIR. Sets SMTP_PORT and SMTP_PID, and exports ENLACE_SMTP_URL: smtps://
# for --tls implicit, smtp:// otherwise, to --host (default 127.0.0.1).
start_smtp_sink () {
  local dir=$1 i host=127.0.0.1 scheme=smtp prev=""
  shift
  for i in "$@"; do
    case $prev in
      --host) host=$i ;;
      --tls) [ "$i" = implicit ] && scheme=smtps ;;
    esac
    prev=$i
  done
  SMTP_PORT=$(free_port "$host")
  mkdir -p "$dir"
  /usr/bin/python3 "$top_srcdir/tests/smtp-sink.py" --port "$SMTP_PORT" --out "$dir" "$@" \
    >"$dir.log" 2>&1 &
  SMTP_PID=$!
  _pids="$_pids $SMTP_PID"
  for i in $(seq 300); do
    [ -f "$dir/ready" ] && break
    running "$SMTP_PID" || { sed 's/^/#   sink: /' "$dir.log"; bail_out "the SMTP sink exited"; }
    sleep 0.1
  done
  [ -f "$dir/ready" ] || bail_out "the SMTP sink did not start within 30 s"
  export ENLACE_SMTP_URL="$scheme://$host:$SMTP_PORT"
}

# stop_pid PID: stop one server this test started, and wait for it.
stop_pid () {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# start_dovecot DIR USER PASSWORD [--host ADDRESS] [--tls CERT KEY]: a
# real IMAP server (Debian's dovecot) on a free loopback port (at ADDRESS,
# default 127.0.0.1), one account with a Maildir at $DOVECOT_MAILDIR
# (INBOX) and $DOVECOT_MAILDIR/.Archive. Sets IMAP_PORT and DOVECOT_PID,
# and exports ENLACE_IMAP_URL (imap://, the account, no mailbox). With
# --tls, TLS is required (ssl = required, the certificate CERT), STARTTLS
# on IMAP_PORT and IMAPS on IMAPS_PORT.
start_dovecot () {
  local dir=$1 user=$2 password=$3 uid gid i box host=127.0.0.1 cert="" key="" ssl=no imaps_listener
  shift 3
  while [ $# -gt 0 ]; do
    case $1 in
      --host) host=$2; shift 2 ;;
      --tls) cert=$2 key=$3 ssl=required; shift 3 ;;
      *) bail_out "start_dovecot: unknown option $1" ;;
    esac
  done
  IMAP_PORT=$(free_port "$host")
  IMAPS_PORT="" imaps_listener=""
  if [ -n "$cert" ]; then
    IMAPS_PORT=$(free_port "$host")
    imaps_listener="inet_listener imaps {
    address = $host
    port = $IMAPS_PORT
    ssl = yes
  }"
  fi
  mkdir -p "$dir/run" "$dir/mail"
  # dovecot will not serve mail as root; as root, the mail belongs to nobody.
  uid=$(id -u) gid=$(id -g)
  if [ "$uid" -eq 0 ]; then uid=$(id -u nobody) gid=$(id -g nobody); fi
  DOVECOT_MAILDIR=$dir/mail/$user
  for box in "" /.Archive; do
    mkdir -p "$DOVECOT_MAILDIR$box/new" "$DOVECOT_MAILDIR$box/cur" "$DOVECOT_MAILDIR$box/tmp"
  done
  chown -R "$uid:$gid" "$dir/mail"
  # dovecot's own processes (users dovecot and nobody) must reach these.
  chmod o+x "$dir" "$(dirname "$dir")"
  printf '%s:{PLAIN}%s\n' "$user" "$password" >"$dir/passwd"
  chmod 644 "$dir/passwd"
  cat >"$dir/dovecot.conf" <<CONF
protocols = imap
listen = $host
base_dir = $dir/run
state_dir = $dir/run
log_path = $dir/dovecot.log
ssl = $ssl
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:$dir/mail/%u
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/passwd
}
userdb {
  driver = static
  args = uid=$uid gid=$gid home=$dir/mail/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = $host
    port = $IMAP_PORT
  }
  $imaps_listener
}
service anvil {
  chroot =
}
namespace inbox {
  inbox = yes
  separator = /
}
CONF
  if [ -n "$cert" ]; then
    printf 'ssl_cert = <%s\nssl_key = <%s\nssl_dh = </usr/share/dovecot/dh.pem\n' \
      "$cert" "$key" >>"$dir/dovecot.conf"
  fi
  /usr/sbin/dovecot -c "$dir/dovecot.conf" -F >"$dir.log" 2>&1 &
  DOVECOT_PID=$!
  _pids="$_pids $DOVECOT_PID"
  local deadline=$(($(date +%s) + 30))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    # Readiness only: the certificate is the tests' to check.
    if /usr/bin/python3 -c '
import imaplib, ssl, sys
host, port, user, password, tls = sys.argv[1:]
if tls:
    m = imaplib.IMAP4_SSL(host, int(tls), ssl_context=ssl._create_unverified_context(), timeout=2)
else:
    m = imaplib.IMAP4(host, int(port), timeout=2)
m.login(user, password)
m.logout()' "$host" "$IMAP_PORT" "$user" "$password" "$IMAPS_PORT" >/dev/null 2>&1; then
      export ENLACE_IMAP_URL="imap://$user@$host:$IMAP_PORT"
      return 0
    fi
    running "$DOVECOT_PID" || { sed 's/^/#   dovecot: /' "$dir.log" "$dir/dovecot.log"; bail_out "dovecot exited"; }
    sleep 0.1
  done
  bail_out "dovecot did not answer on port $IMAP_PORT within 30 s"
}

# deliver_mail MAILDIR < MESSAGE: put a message in a mailbox as an MTA would.
deliver_mail () {
  local md=$1 name
  name="$(date +%s%N).$$.test"
  cat >"$md/tmp/$name"
  chown --reference="$md" "$md/tmp/$name"
  mv "$md/tmp/$name" "$md/new/$name"
}

# load_v2_instance DIR: an instance as the previous release made it
# (tests/fixtures/v2), in DIR, stopped.
load_v2_instance () {
  local dir=$1 f=$top_srcdir/tests/fixtures/v2 db
  mkdir -m 700 -p "$dir"
  mkdir -m 700 "$dir/slapd.d" "$dir/data" "$dir/accesslog" "$dir/campaigns"
  _v2_sub () {
    sed -e "s#@DIR@#$dir#g" -e "s#@UID@#$(id -u)#g" -e "s#@GID@#$(id -g)#g" \
      -e "s#@MODULEDIR@#${SLAPD_MODULEDIR:-/usr/lib/ldap}#g" \
      -e "s#@SCHEMADIR@#${LDAP_SCHEMADIR:-/etc/ldap/schema}#g" "$f/$1.ldif.in" >"$dir.$1.ldif"
  }
  _v2_sub config
  "$ENLACE_SLAPD" -T add -n 0 -F "$dir/slapd.d" -l "$dir.config.ldif" || bail_out "cannot load the v2 configuration"
  for db in history:1 campaigns:2 directory:3; do
    _v2_sub "${db%%:*}"
    "$ENLACE_SLAPD" -T add -q -g -n "${db##*:}" -F "$dir/slapd.d" -l "$dir.${db%%:*}.ldif" \
      || bail_out "cannot load the v2 ${db%%:*}"
  done
  printf '[instance]\nbase=o=enlace\nport=0\n' >"$dir/enlace-local.conf"
}

# tls_ca DIR NAME HOST...: a certificate NAME for HOST... from the test CA
# in DIR (made the first time): DIR/ca.pem, DIR/NAME.pem, DIR/NAME.key.
tls_ca () {
  local dir=$1 name=$2
  shift 2
  local hosts=() h
  for h in "$@"; do hosts+=(--host "$h"); done
  enlace-local test-ca "$dir" --name "$name" "${hosts[@]}" >/dev/null || bail_out "enlace-local test-ca failed"
}

# ldap_tls CAFILE TOOL ARGS...: one of OpenLDAP's tools checking TLS
# against CAFILE, through libldap's own settings (which LDAPNOINIT, set for
# every test, turns off); like run_cmd, out, err and $rc.
ldap_tls () {
  local cafile=$1
  shift
  printf 'TLS_CACERT %s\nTLS_REQCERT demand\n' "$cafile" >"$TEST_DIR/ldap-tls.conf"
  rc=0
  env -u LDAPNOINIT LDAPCONF="$TEST_DIR/ldap-tls.conf" LDAPRC=enlace-test-no-ldaprc \
    "$@" >"$TEST_DIR/out" 2>"$TEST_DIR/err" || rc=$?
}
