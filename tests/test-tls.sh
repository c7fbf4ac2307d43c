# TLS, both ends: enlace-local listening on ldaps:// and ldap:// (StartTLS)
# with a certificate from the test CA, slapd refusing passwords in clear
# text once the instance listens beyond this machine, and the client
# refusing every server it cannot verify (unknown CA, expired, another
# host), never falling back to clear text. 127.0.0.2 stands for a remote
# host: only 127.0.0.1, ::1 and localhost count as this machine.
. "$top_srcdir/tests/libtest.sh"

CA=$TEST_DIR/ca
tls_ca "$CA" server 127.0.0.2
tls_ca "$CA" wrong 127.0.0.9
enlace-local test-ca "$CA" --name old --host 127.0.0.2 --expired >/dev/null

check "test-ca makes the CA's certificate" has "$CA/ca.pem" "BEGIN CERTIFICATE"
check "and keeps its key private (0600)" test "$(stat -c %a "$CA/ca.key")" = 600
check "the server's key is private too" test "$(stat -c %a "$CA/server.key")" = 600
run_cmd certtool -i --infile "$CA/server.pem"
check "the certificate names the host it is for" has out "IPAddress: 127.0.0.2"
run_cmd certtool -i --infile "$CA/old.pem"
check "--expired makes one that expired" has out "Not After: .* 2020"
run_cmd enlace-local test-ca "$CA"
expect_rc 2 "test-ca without --host is refused"
run_cmd enlace-local test-ca "$CA" --host 'a"b'
expect_rc 2 "a host that is no host name is refused"
cp "$CA/server.key" server.key.before
run_cmd enlace-local test-ca "$CA" --host 127.0.0.2
expect_rc 5 "test-ca never writes over a certificate or key that is there"
check "the server's key is untouched" cmp -s "$CA/server.key" server.key.before
for bad in CA -rf 'x;y' '../x' .hidden; do
  run_cmd enlace-local test-ca "$CA" --name "$bad" --host 127.0.0.2
  expect_rc 2 "--name '$bad' is refused"
done
mkdir -m 700 copy && cp "$CA/ca.pem" copy/
run_cmd enlace-local test-ca copy --name x --host 127.0.0.2
expect_rc 5 "a directory with a CA's certificate but not its key makes no new CA over it"
check "the copy of the CA is untouched" cmp -s copy/ca.pem "$CA/ca.pem"

# What the server refuses to be set up with: nothing is created.
P1=$(free_port 127.0.0.2)
P2=$(free_port 127.0.0.2)
run_cmd enlace-local start --dir "$TEST_DIR/bad" --listen "ldap://127.0.0.2:$P1"
expect_rc 2 "listening beyond this machine without a certificate is refused"
check "it says why" has err "needs --tls-cert and --tls-key"
check "and creates nothing" test ! -e "$TEST_DIR/bad/slapd.d"
run_cmd enlace-local start --dir "$TEST_DIR/bad" --listen "ldaps://127.0.0.1:$P1"
expect_rc 2 "ldaps:// without a certificate is refused, on loopback too"
run_cmd enlace-local start --dir "$TEST_DIR/bad" --listen "ldapi:///x"
expect_rc 2 "--listen takes only ldap:// and ldaps://"
run_cmd enlace-local start --dir "$TEST_DIR/bad" --listen "ldaps://127.0.0.2:$P1" \
  --tls-cert "$CA/nowhere.pem" --tls-key "$CA/server.key"
expect_rc 2 "a certificate file that cannot be read is refused"
check "naming the option and the file" has err "^enlace-local: error: --tls-cert $CA/nowhere.pem"
run_cmd enlace-local start --dir "$TEST_DIR/bad" --listen "ldaps://127.0.0.2:$P1" \
  --tls-cert "$CA/server.key" --tls-key "$CA/server.pem" --tls-ca "$top_srcdir/README.md"
expect_rc 2 "a CA file that is not PEM is refused"
check "nothing was created by any of them" test ! -e "$TEST_DIR/bad/slapd.d"

start_slapd "$TEST_DIR/ldap" --port "$(free_port)" --listen "ldaps://127.0.0.2:$P1" \
  --listen "ldap://127.0.0.2:$P2" --tls-cert "$CA/server.pem" --tls-key "$CA/server.key" \
  --tls-ca "$CA/ca.pem"
LOCAL_PID=$SLAPD_PID
OWNER_URI=$ENLACE_URI
enlace init --demo >/dev/null
printf 'staff-password-1' >pw
chmod 600 pw
staff=$(enlace account add --kind staff --new-password-file pw analista)
run_cmd enlace-local status --dir "$TEST_DIR/ldap"
check "status lists what the instance listens on" has out "^listen: +ldaps://127.0.0.2:$P1$"
check "both URLs" has out "^listen: +ldap://127.0.0.2:$P2$"
run_cmd grep -A4 '^\[server\]' "$TEST_DIR/ldap/enlace-local.conf"
check "the listen URLs are remembered" has out "^listen=ldaps://127.0.0.2:$P1;ldap://127.0.0.2:$P2;$"
check "so are the TLS files, as absolute paths" has out "^tls-cert=$CA/server.pem$"

# The server: simple binds only over TLS (or the socket).
ldap_as "ldap://127.0.0.2:$P2" "$staff" pw ldapwhoami
expect_rc 13 "slapd refuses a simple bind in clear text (confidentiality required)"
ldap_as "ldap://127.0.0.1:$(sed -n 's/^port=//p' "$TEST_DIR/ldap/enlace-local.conf")" "$staff" pw ldapwhoami
expect_rc 13 "on the loopback port too, once the instance is exposed (olcSecurity is global)"
ldap_tls "$CA/ca.pem" ldapwhoami -x -ZZ -H "ldap://127.0.0.2:$P2" -D "$staff" -y pw
expect_rc 0 "the same bind after StartTLS succeeds"
check "as the account" has out "dn:$staff"
ldap_tls "$CA/ca.pem" ldapwhoami -x -H "ldaps://127.0.0.2:$P1" -D "$staff" -y pw
expect_rc 0 "and over ldaps://"
run_cmd ldapsearch -Y EXTERNAL -Q -H "$OWNER_URI" -LLL -b "" -s base namingContexts
expect_rc 0 "the owner still binds over the socket (SASL EXTERNAL)"

# The client: verified TLS beyond this machine, or nothing.
export ENLACE_BIND_DN=$staff ENLACE_PASSWORD_FILE=$TEST_DIR/pw
unset ENLACE_URI
ENLACE_URI="ldaps://127.0.0.2:$P1" ENLACE_CAFILE=$CA/ca.pem run_cmd enlace find --country GT
expect_rc 0 "enlace finds over ldaps:// with the CA file"
check "and finds" has out "GT-L-0001"
ENLACE_URI="ldap://127.0.0.2:$P2" ENLACE_CAFILE=$CA/ca.pem run_cmd enlace find --country GT
expect_rc 0 "over ldap:// it starts TLS itself"
check "and finds" has out "GT-L-0001"
ENLACE_URI="ldap://127.0.0.2:$P2" run_cmd enlace find --country GT --cafile "$CA/ca.pem"
expect_rc 0 "--cafile works as ENLACE_CAFILE does"
printf '[directory]\nuri = ldaps://127.0.0.2:%s\ncafile = %s\n' "$P1" "$CA/ca.pem" >enlace.conf
run_cmd enlace find --country GT --config enlace.conf
expect_rc 0 "and so does cafile= in [directory]"
printf '[directory]\nuri = ldaps://127.0.0.2:%s\ncafile = %s\nbind-dn = %s\npassword-file = %s\n' \
  "$P1" "$CA/ca.pem" "$staff" "$TEST_DIR/pw" >account.conf
(unset ENLACE_BIND_DN ENLACE_PASSWORD_FILE; run_cmd enlace status --config account.conf)
check "the file's account binds to the file's server" has out "^bound as: +dn:$staff$"
(unset ENLACE_BIND_DN ENLACE_PASSWORD_FILE; ENLACE_URI=$OWNER_URI run_cmd enlace status --config account.conf)
check "but does not follow a URI from the environment (the owner's socket)" has out "^bound as: +dn:gidNumber="

for u in "ldaps://127.0.0.2:$P1" "ldap://127.0.0.2:$P2"; do
  ENLACE_URI=$u run_cmd enlace find --country GT
  expect_rc 3 "$u: a certificate from a CA the system does not trust is refused (exit 3)"
  check "the message says the CA is unknown" has err "signed by \"CN=enlace test CA.*\", a CA the system's certificate store does not hold"
  check "and how to name another" has err "ENLACE_CAFILE"
  check "nothing was printed" test ! -s out
done
# libldap's own settings may not turn the check off.
ENLACE_URI="ldaps://127.0.0.2:$P1" run_cmd env -u LDAPNOINIT LDAPTLS_REQCERT=never enlace find
expect_rc 3 "LDAPTLS_REQCERT=never does not make enlace skip the check"
ENLACE_URI="ldaps://127.0.0.2:$P1" ENLACE_CAFILE=$CA/nowhere.pem run_cmd enlace find
expect_rc 2 "a CA file that is not there is bad input (exit 2)"
check "naming it" has err "cafile $CA/nowhere.pem: no such file"

# Fail-over: the first server that answers serves reads; no word about
# the others. One that answers with a bad certificate stops it.
dead=$(free_port 127.0.0.2)
ENLACE_URI="ldaps://127.0.0.2:$dead ldaps://127.0.0.2:$P1" ENLACE_CAFILE=$CA/ca.pem \
  run_cmd enlace find --country GT
expect_rc 0 "with the first server down, the second serves"
check "silently" test ! -s err
ENLACE_URI="ldaps://127.0.0.2:$dead,ldaps://127.0.0.2:$(free_port 127.0.0.2)" \
  ENLACE_CAFILE=$CA/ca.pem run_cmd enlace find
expect_rc 3 "with every server down, exit 3"
check "naming every server" has err "cannot reach any server of the directory \(ldaps://127.0.0.2:$dead, ldaps"
ENLACE_URI="ldaps://127.0.0.2:$P1 ldap://127.0.0.1:1" run_cmd enlace find
expect_rc 3 "a refused certificate is never passed over for the next server"
check "it says why" has err "a CA the system's certificate store does not hold"

# A server that offers no StartTLS: never a word in clear text. A plain
# slapd (no certificate) on 127.0.0.2.
mkdir -p plain/data
{
  echo "include /etc/ldap/schema/core.schema"
  echo "pidfile $TEST_DIR/plain/slapd.pid"
  echo "modulepath /usr/lib/ldap"
  echo "moduleload back_mdb"
  echo "database mdb"
  echo "suffix o=enlace"
  echo "directory $TEST_DIR/plain/data"
} >plain/slapd.conf
P3=$(free_port 127.0.0.2)
"$ENLACE_SLAPD" -f plain/slapd.conf -h "ldap://127.0.0.2:$P3/" -d 0 >plain.log 2>&1 &
_pids="$_pids $!"
wait_ldap "ldap://127.0.0.2:$P3" "$!" plain.log
ENLACE_URI="ldap://127.0.0.2:$P3" ENLACE_CAFILE=$CA/ca.pem run_cmd enlace find
expect_rc 3 "a server that offers no StartTLS is refused (exit 3)"
check "it says so" has err "does not offer StartTLS"
ENLACE_URI="ldap://127.0.0.1:$(sed -n 's/^port=//p' "$TEST_DIR/ldap/enlace-local.conf")" \
  ENLACE_BIND_DN= ENLACE_PASSWORD_FILE= run_cmd enlace status
check "loopback stays clear text (anonymous: it reads nothing, but it connects)" lacks err "TLS"

# Certificates the client must refuse, served by the instance in turn:
# each restart with other TLS files reloads no database.
restart_with () { # CERT: restart the instance with CERT.pem
  stop_pid "$LOCAL_PID"
  start_slapd "$TEST_DIR/ldap" --tls-cert "$CA/$1.pem" --tls-key "$CA/$1.key"
  LOCAL_PID=$SLAPD_PID
  # start_slapd points enlace at the owner's socket; back to the account.
  unset ENLACE_URI
  export ENLACE_BIND_DN=$staff ENLACE_PASSWORD_FILE=$TEST_DIR/pw
}
stop_pid () { kill "$1"; for _ in $(seq 300); do running "$1" || return 0; sleep 0.1; done; }
restart_with old
check "a new certificate takes a restart, no reload" has "$TEST_DIR/ldap.log" "applied the new listen, TLS or replica settings"
check "(no database reloaded)" lacks "$TEST_DIR/ldap.log" "every database was reloaded"
for u in "ldaps://127.0.0.2:$P1" "ldap://127.0.0.2:$P2"; do
  ENLACE_URI=$u ENLACE_CAFILE=$CA/ca.pem run_cmd enlace find
  expect_rc 3 "$u: an expired certificate is refused (exit 3)"
  check "the message says it expired, and when" has err "its certificate expired on 2020-12-31"
done
restart_with wrong
for u in "ldaps://127.0.0.2:$P1" "ldap://127.0.0.2:$P2"; do
  ENLACE_URI=$u ENLACE_CAFILE=$CA/ca.pem run_cmd enlace find
  expect_rc 3 "$u: a certificate for another host is refused (exit 3)"
  check "the message names both hosts" has err "its certificate is for 127.0.0.9, not for 127.0.0.2"
done
restart_with server
ENLACE_URI="ldaps://127.0.0.2:$P1" ENLACE_CAFILE=$CA/ca.pem run_cmd enlace find --country HN
expect_rc 0 "the right certificate back: found again"
check "the listen URLs were remembered across the restarts" has out "HN-L-0001"

# A running instance keeps what it listens on until it is stopped.
run_cmd enlace-local start --dir "$TEST_DIR/ldap" --listen "ldaps://127.0.0.2:$(free_port 127.0.0.2)"
expect_rc 5 "changing what a running instance listens on is a conflict"
run_cmd enlace-local start --dir "$TEST_DIR/ldap" --listen= --tls-cert "$CA/server.pem"
expect_rc 2 "--tls-cert without --tls-key is refused"

done_testing
