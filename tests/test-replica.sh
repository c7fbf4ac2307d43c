# Replication, OpenLDAP's own: a provider and two read-only replicas
# (syncrepl refreshAndPersist over verified TLS, as a replication account
# that only reads), each a real slapd on its own loopback address. Reads
# fail over; writes go to the provider; a replica refers a raw write there
# and takes none itself; replicas catch up after being down.
. "$top_srcdir/tests/libtest.sh"

CA=$TEST_DIR/ca
tls_ca "$CA" provider 127.0.0.2
tls_ca "$CA" c1 127.0.0.3
tls_ca "$CA" c2 127.0.0.4
export ENLACE_CAFILE=$CA/ca.pem
PP=$(free_port 127.0.0.2)
PS=$(free_port 127.0.0.2)
P1=$(free_port 127.0.0.3)
P2=$(free_port 127.0.0.4)
PROVIDER=ldaps://127.0.0.2:$PP
C1=ldaps://127.0.0.3:$P1
C2=ldaps://127.0.0.4:$P2

# start_instance NAME OPTIONS...: an instance in the foreground; its pid
# in PID_<NAME>, its socket in URI_<NAME>.
start_instance () {
  local name=$1
  shift
  start_slapd "$TEST_DIR/$name" "$@"
  eval "PID_$name=\$SLAPD_PID URI_$name=\$ENLACE_URI"
}
stop_instance () { # NAME
  local pid
  eval "pid=\$PID_$1"
  kill "$pid"
  for _ in $(seq 300); do running "$pid" || return 0; sleep 0.1; done
  bail_out "slapd $1 (pid $pid) did not stop"
}
# wait_for SECONDS COMMAND...: poll COMMAND every 0.1 s; 0 as soon as it
# succeeds, 1 after SECONDS.
wait_for () {
  local tenths=$(($1 * 10)) i
  shift
  for i in $(seq "$tenths"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  return 1
}
# title_on NAME ID TITLE: the entry's title on instance NAME is TITLE.
title_on () {
  local uri
  eval "uri=\$URI_$1"
  [ "$(ldapsearch -H "$uri" -Y EXTERNAL -Q -LLL -o ldif-wrap=no -b o=enlace "(enlaceId=$2)" title \
      | sed -n 's/^title: //p')" = "$3" ]
}
dump () { # NAME: every entry of every database, sorted, with its CSN and UUID
  local uri
  eval "uri=\$URI_$1"
  for base in o=enlace cn=accesslog; do
    ldapsearch -H "$uri" -Y EXTERNAL -Q -LLL -o ldif-wrap=no -b "$base" '(objectClass=*)' \
      '*' entryUUID entryCSN
  done | /usr/bin/python3 -c '
import sys
blocks = [b for b in sys.stdin.read().split("\n\n") if b.strip()]
# A replica keeps its own count of failed binds (slapo-ppolicy).
clean = lambda b: "\n".join(sorted(l for l in b.splitlines() if not l.startswith("pwdFailureTime")))
print("\n\n".join(sorted(clean(b) for b in blocks)))'
}

start_instance provider --listen "$PROVIDER" --listen "ldap://127.0.0.2:$PS" \
  --tls-cert "$CA/provider.pem" --tls-key "$CA/provider.key" --tls-ca "$CA/ca.pem"
enlace init --demo >/dev/null
printf 'replica-password-1' >rpw
printf 'secretariat-password-1' >spw
printf 'staff-password-1' >pw
chmod 600 rpw spw pw
run_cmd enlace account add --kind replica --new-password-file rpw r1
expect_rc 0 "the owner makes a replication account"
REPL=$(cat out)
check "it lives under ou=replica" test "$REPL" = "cn=r1,ou=replica,ou=accounts,o=enlace"
SEC=$(enlace account add --kind secretariat --new-password-file spw st)
STAFF=$(enlace account add --kind staff --new-password-file pw analista)

# The replication account reads everything, writes nothing.
ldap_tls "$CA/ca.pem" ldapsearch -x -H "$PROVIDER" -D "$REPL" -y rpw -LLL -b "$STAFF" -s base userPassword
check "the replication account reads password hashes (a replica checks binds)" has out "^userPassword::"
ldap_tls "$CA/ca.pem" ldapsearch -x -H "$PROVIDER" -D "$REPL" -y rpw -LLL -b cn=accesslog -s one 1.1
check "and the history" test "$(grep -c '^dn:' out)" -gt 10
printf 'dn: c=GT,o=enlace\nchangetype: modify\nreplace: description\ndescription: x\n' >mod.ldif
ldap_tls "$CA/ca.pem" ldapmodify -x -H "$PROVIDER" -D "$REPL" -y rpw -f mod.ldif
expect_rc 50 "the replication account may not write the directory"
printf 'dn: %s\nchangetype: modify\nreplace: userPassword\nuserPassword: taken-over-1\n' "$STAFF" >pwmod.ldif
ldap_tls "$CA/ca.pem" ldapmodify -x -H "$PROVIDER" -D "$REPL" -y rpw -f pwmod.ldif
expect_rc 50 "nor an account's password"
ldap_tls "$CA/ca.pem" ldapsearch -x -H "$PROVIDER" -D "$STAFF" -y pw -LLL -b "$REPL" -s base userPassword
check "staff read no password hash" lacks out "userPassword"

# Only the owner makes replication accounts: they read every password
# hash. The Secretariat may not make one, move an account there, or take
# one over.
ENLACE_URI=$PROVIDER ENLACE_BIND_DN=$SEC ENLACE_PASSWORD_FILE=$TEST_DIR/spw \
  run_cmd enlace account add --kind replica --new-password-file pw sneaky
expect_rc 4 "the Secretariat may not make a replication account"
ldap_tls "$CA/ca.pem" ldapmodrdn -x -H "$PROVIDER" -D "$SEC" -y spw -s ou=replica,ou=accounts,o=enlace \
  "$STAFF" cn=analista
expect_rc 50 "nor move a staff account under ou=replica"
ldap_tls "$CA/ca.pem" ldappasswd -x -H "$PROVIDER" -D "$SEC" -y spw -s taken-over-2 "$REPL"
check "nor set a replication account's password (ldappasswd: insufficient access)" has out "Insufficient access \(50\)"
ldap_tls "$CA/ca.pem" ldapsearch -x -H "$PROVIDER" -D "$SEC" -y spw -LLL -b ou=accounts,o=enlace userPassword
check "the Secretariat reads no password hash" lacks out "userPassword"

# What a replica refuses to be made with.
run_cmd enlace-local start --dir "$TEST_DIR/bad" --replica-of "$PROVIDER"
expect_rc 2 "--replica-of without the replication account is refused"
check "it says what is missing" has err "needs --replica-dn and --replica-password-file"
run_cmd enlace-local start --dir "$TEST_DIR/bad" --replica-of "$PROVIDER" \
  --replica-dn 'cn=r1" credentials="x,ou=replica,ou=accounts,o=enlace' --replica-password-file rpw
expect_rc 2 "a replication DN that would break out of slapd's syncrepl setting is refused"
check "and nothing is created" test ! -e "$TEST_DIR/bad/slapd.d"
run_cmd enlace-local start --dir "$TEST_DIR/provider" --replica-of "$PROVIDER" --replica-dn "$REPL" \
  --replica-password-file rpw
expect_rc 5 "a provider cannot be turned into a replica"

start_instance c1 --listen "$C1" --tls-cert "$CA/c1.pem" --tls-key "$CA/c1.key" \
  --tls-ca "$CA/ca.pem" --replica-of "$PROVIDER" --replica-dn "$REPL" --replica-password-file rpw
# The second replica reaches the provider with StartTLS.
start_instance c2 --listen "$C2" --tls-cert "$CA/c2.pem" --tls-key "$CA/c2.key" \
  --tls-ca "$CA/ca.pem" --replica-of "ldap://127.0.0.2:$PS" --replica-dn "$REPL" \
  --replica-password-file rpw
run_cmd enlace-local status --dir "$TEST_DIR/c1"
check "status says whose replica it is" has out "^replica of: +$PROVIDER$"
check "the replication password is kept apart, private" test "$(stat -c %a "$TEST_DIR/c1/replica.password")" = 600
check "and not in the instance file" lacks "$TEST_DIR/c1/enlace-local.conf" "replica-password"

dump provider >provider.dump
in_sync () { dump "$1" >"$1.dump" && cmp -s provider.dump "$1.dump"; }
check "c1 carries every entry of every database, CSNs and UUIDs alike" wait_for 20 in_sync c1
check "so does c2 (over StartTLS)" wait_for 20 in_sync c2
check "accounts and campaigns included" has c2.dump "^dn: cn=analista,ou=staff,ou=accounts,o=enlace$"

# A write on the provider reaches both replicas within 2 seconds.
export ENLACE_BIND_DN=$SEC ENLACE_PASSWORD_FILE=$TEST_DIR/spw
ENLACE_URI=$PROVIDER run_cmd enlace update GT-L-0002 --title "Uno"
expect_rc 0 "the Secretariat updates a liaison on the provider"
check "c1 has it within 2 s" wait_for 2 title_on c1 GT-L-0002 Uno
check "c2 has it within 2 s" wait_for 2 title_on c2 GT-L-0002 Uno
check "with its history" wait_for 2 sh -c "ENLACE_URI='$C1' enlace history GT-L-0002 | grep -q 'title: Uno'"

# Writes sent to a replica: enlace finds the provider; raw ones are referred.
ENLACE_URI="$C1 $C2" run_cmd enlace update GT-L-0002 --title "Dos"
expect_rc 0 "enlace pointed at the replicas writes through to the provider"
check "the provider has it" title_on provider GT-L-0002 Dos
check "and the replicas have it back" wait_for 2 title_on c2 GT-L-0002 Dos
ldap_tls "$CA/ca.pem" ldapmodify -x -H "$C1" -D "$SEC" -y spw -f mod.ldif
expect_rc 10 "a raw modify on a replica is only referred (ldapmodify)"
check "to the provider" has err "$PROVIDER/c=GT,o=enlace"
printf 'dn: cn=intruso,ou=staff,ou=accounts,o=enlace\nchangetype: add\nobjectClass: person\ncn: intruso\nsn: x\n' >add.ldif
ldap_tls "$CA/ca.pem" ldapmodify -x -H "$C1" -D "$SEC" -y spw -f add.ldif
expect_rc 10 "an account added on a replica is referred too"
printf 'dn: reqStart=20260101000000.000000Z,cn=accesslog\nchangetype: delete\n' >del.ldif
ldap_tls "$CA/ca.pem" ldapmodify -x -H "$C1" -D "$SEC" -y spw -f del.ldif
expect_rc 10 "and so is a delete in the history"
ldapmodify -H "$URI_c1" -Y EXTERNAL -Q -f mod.ldif >out 2>err
check "even the replica's owner writes nothing there (referral, exit 10)" test $? -eq 10
ldapsearch -H "$URI_c1" -Y EXTERNAL -Q -LLL -b c=GT,o=enlace -s base description >desc
check "nothing changed on the replica" lacks desc "description: x"
ENLACE_URI=$URI_c1 ENLACE_BIND_DN= ENLACE_PASSWORD_FILE= run_cmd enlace update GT-L-0002 --title x
expect_rc 4 "the replica's owner is nobody on the provider: a write from its socket stops"
check "saying so" has err "its owner \(SASL EXTERNAL over the socket\) is nobody there"
run_cmd enlace-local check --dir "$TEST_DIR/c1"
expect_rc 2 "a replica's history is not repaired there"
run_cmd enlace-local check --dir "$TEST_DIR/c1" --dry-run
expect_rc 0 "but it can be checked (it agrees with the replica's data)"

# A replica that says its provider is on the client's own machine: its
# referral is not followed (the password would go there in clear).
set_update_ref () { # URL: c1's olcUpdateRef, as a hostile replica's owner could set it
  printf 'dn: olcDatabase={4}mdb,cn=config\nchangetype: modify\nreplace: olcUpdateRef\nolcUpdateRef: %s\n' "$1" \
    | ldapmodify -H "$URI_c1" -Y EXTERNAL -Q >/dev/null
}
set_update_ref ldap://127.0.0.1:9
ENLACE_URI=$C1 run_cmd enlace update GT-L-0002 --title x
expect_rc 3 "a referral to this machine, not configured, is refused"
check "naming it" has err "refers changes to ldap://127.0.0.1:9, which is not one of the configured servers"
set_update_ref "$PROVIDER"

# A lock a replica set on its own is lifted by unlocking on the provider.
printf 'wrong-password' >badpw
for i in 1 2 3 4 5 6; do
  ldap_tls "$CA/ca.pem" ldapwhoami -x -H "$C2" -D "$STAFF" -y badpw
done
ldap_tls "$CA/ca.pem" ldapwhoami -x -H "$C2" -D "$STAFF" -y pw
expect_rc 49 "five failed binds on a replica lock the account there"
ldap_tls "$CA/ca.pem" ldapwhoami -x -H "$PROVIDER" -D "$STAFF" -y pw
expect_rc 0 "not on the provider"
ENLACE_URI=$PROVIDER run_cmd enlace account unlock analista
expect_rc 0 "the Secretariat unlocks it on the provider"
unlocked_on_c2 () { ldap_tls "$CA/ca.pem" ldapwhoami -x -H "$C2" -D "$STAFF" -y pw; [ "$rc" -eq 0 ]; }
check "and the replica lets it bind again" wait_for 5 unlocked_on_c2

# Staff read from the replicas; the first that answers serves.
export ENLACE_BIND_DN=$STAFF ENLACE_PASSWORD_FILE=$TEST_DIR/pw
ENLACE_URI="$C2 $C1" run_cmd enlace find --country GT
expect_rc 0 "staff find on the replicas"
check "the replicated change is there" has out "Dos"
stop_instance c2
ENLACE_URI="$C2 $C1" run_cmd enlace find --country GT
expect_rc 0 "with c2 stopped, finds go on"
check "from c1, with no word about c2" test ! -s err
ENLACE_URI="$C2 $C1" run_cmd enlace status
check "enlace status says which server answered" has out "^answered: +$C1$"

# c2 down, a write on the provider; then the provider down.
export ENLACE_BIND_DN=$SEC ENLACE_PASSWORD_FILE=$TEST_DIR/spw
ENLACE_URI="$PROVIDER $C1" run_cmd enlace update HN-L-0002 --title "Escrito sin c2"
expect_rc 0 "a write while c2 is down"
check "c1 has it" wait_for 2 title_on c1 HN-L-0002 "Escrito sin c2"
stop_instance provider
ENLACE_URI="$PROVIDER $C1 $C2" ENLACE_BIND_DN=$STAFF ENLACE_PASSWORD_FILE=$TEST_DIR/pw \
  run_cmd enlace find --country HN
expect_rc 0 "with the provider stopped, finds go on from a replica"
check "silently" test ! -s err
dump c1 >c1-before.dump
ENLACE_URI="$PROVIDER $C1 $C2" run_cmd enlace update HN-L-0002 --title "Perdido"
expect_rc 3 "with the provider stopped, a write fails with exit 3"
check "naming the provider" has err "its provider $PROVIDER, which takes the changes, failed"
check "saying nothing was changed" has err "Nothing was changed"
ENLACE_URI="$C1" run_cmd enlace retire HN-L-0002 --reason x
expect_rc 3 "so does a retirement sent to the replica alone"
dump c1 >c1-after.dump
check "nothing was half-written on the replica" cmp -s c1-before.dump c1-after.dump

# A replica that cannot trust its provider starts, and says it holds nothing.
tls_ca "$TEST_DIR/evil" evil 127.0.0.5
run_cmd enlace-local start --dir "$TEST_DIR/c3" --tls-ca "$TEST_DIR/evil/ca.pem" \
  --replica-of "$PROVIDER" --replica-dn "$REPL" --replica-password-file rpw
expect_rc 0 "a replica with another CA starts"
check "and warns that it holds nothing from its provider" has err "holds nothing from $PROVIDER yet"
enlace-local stop --dir "$TEST_DIR/c3" >/dev/null

# The provider back, then c2: both catch up, c2 with what it missed.
start_instance provider
# (start_slapd pointed enlace at the owner's socket: back to the account.)
export ENLACE_BIND_DN=$SEC ENLACE_PASSWORD_FILE=$TEST_DIR/spw
ENLACE_URI="$C1" run_cmd enlace update HN-L-0002 --title "Con todos"
expect_rc 0 "the provider back, writes through the replica work again"
start_instance c2
check "c2 catches up with what was written while it was down" wait_for 30 title_on c2 HN-L-0002 "Con todos"
dump provider >provider.dump
check "c1 agrees with the provider, entry for entry" wait_for 20 in_sync c1
check "c2 too" wait_for 20 in_sync c2

done_testing
