# The change history and the data agree, whatever happens to slapd: a
# transaction that fails, slapd killed while an import's transaction
# commits, a full disk, a record lost. enlace history never shows a change
# the data does not hold, nor one twice; a change whose record was lost is
# reported and shown as such. tests/history-check.py judges, independently
# of enlace, the whole history against the data.
. "$top_srcdir/tests/libtest.sh"
shopt -s lastpipe

start_slapd "$TEST_DIR/ldap"
enlace init --demo >/dev/null || bail_out "init failed"

# agreement: what history-check.py says of the whole directory.
agreement () {
  ldap_root -b o=enlace "(objectClass=*)" entryUUID entryCSN >data.ldif
  ldap_root -b cn=accesslog "(objectClass=auditWriteObject)" reqType reqDN reqEntryUUID reqMod >log.ldif
  /usr/bin/python3 "$top_srcdir/tests/history-check.py" data.ldif log.ldif | tail -n 1
}
adds_of () { ldap_root -b cn=accesslog "(&(reqType=add)(reqDN=$1))" 1.1 | count_dn; }
check "H1: the demo data and its history agree" test "$(agreement)" = agree

# --- A transaction that fails: slapd logs its first operations anyway. -------
gt2=enlaceId=GT-L-0002,c=GT,o=enlace
cat >txn.ldif <<EOF
dn: $gt2
changetype: modify
replace: title
title: Cambio que no fue

dn: enlaceId=GT-L-0901,c=GT,o=enlace
changetype: add
objectClass: enlaceLiaison
enlaceId: GT-L-0901
c: GT
cn: Nunca Existio
sn: Existio
enlaceStatus: active

dn: enlaceId=GT-L-9999,c=GT,o=enlace
changetype: modify
replace: title
title: no existe
EOF
rc=0
ldapmodify -H "$ENLACE_URI" -Y EXTERNAL -Q -E txn=commit -f txn.ldif >/dev/null 2>&1 || rc=$?
check "a transaction whose last operation fails is refused" test "$rc" -ne 0
check "the data holds none of it" lacks <(ldap_root -b "$gt2" -s base title) "Cambio que no fue"
check "but slapd logged its first operations" test "$(agreement)" != agree
run_cmd enlace history GT-L-0002
expect_rc 0 "H1: enlace history reads"
check "H1: ... and shows no change the data does not hold" lacks out "Cambio que no fue"
run_cmd enlace show GT-L-0901
expect_rc 1 "the liaison the transaction would have added does not exist"
run_cmd enlace-local check --dry-run --dir "$SLAPD_DIR"
expect_rc 5 "H1: enlace-local check --dry-run finds the disagreement (exit 5)"
check "H1: ... naming both records" has out "2 records of changes the data does not hold"
run_cmd enlace-local check --dir "$SLAPD_DIR"
expect_rc 5 "H1: enlace-local check repairs it"
check "H1: the history agrees with the data again" test "$(agreement)" = agree
run_cmd enlace-local check --dir "$SLAPD_DIR"
expect_rc 0 "H1: a second check finds nothing"

# --- slapd killed while an import's transaction commits ----------------------
header='country,given_name,surname,title,institution,role,network,email,phone,fax,mobile,language'
{
  echo "$header"
  for i in $(seq 1 3000); do
    printf 'GT,Persona,Prueba %d,Enlace,GT-I-0001,consular-officer,,persona.%d@x.gt.example,,,,es\n' "$i" "$i"
  done
} >many.csv
log_count () { ldap_root -b cn=accesslog "(reqType=add)" 1.1 | count_dn; }
base_log=$(log_count)
enlace import --batch 1500 many.csv >import.out 2>import.err &
import_pid=$!
# The first batch commits at +1500 records; kill while the second batch's
# operations run (logged, not yet committed), bounded to 120 s.
killed=no
for i in $(seq 1200); do
  n=$(log_count)
  if [ "$n" -ge $((base_log + 2000)) ]; then
    kill -9 "$SLAPD_PID"
    killed=yes
    break
  fi
  running "$import_pid" || break
  sleep 0.1
done
check "slapd was killed in the middle of the second transaction" test "$killed" = yes
rc=0
wait "$import_pid" || rc=$?
check "the import stops with 'unreachable' (exit 3)" test "$rc" -eq 3
wait "$SLAPD_PID" 2>/dev/null
start_slapd "$SLAPD_DIR"
committed=$(ldap_root -b c=GT,o=enlace "(mail=persona.*)" 1.1 | count_dn)
check "whole transactions only: $committed of the rows were committed" test $((committed % 1500)) -eq 0
run_cmd enlace import --batch 1500 many.csv
expect_rc 0 "the import is run again, and completes"
check "every row is in the directory once" \
  test "$(ldap_root -b c=GT,o=enlace "(mail=persona.*)" 1.1 | count_dn)" -eq 3000
check "the history disagrees before the check (two adds for some entries)" test "$(agreement)" != agree
# Row 1600: in the killed transaction, and logged before the kill (which
# waited for 2,000 logged adds; how many more got logged is timing).
victim=$(ldap_root -b c=GT,o=enlace "(mail=persona.1600@x.gt.example)" enlaceId | sed -n 's/^enlaceId: //p')
check "an entry of the killed transaction has two add records" test "$(adds_of "enlaceId=$victim,c=GT,o=enlace")" -eq 2
run_cmd enlace history "$victim"
expect_rc 0 "H1: enlace history of $victim"
check "H1: ... shows its add once" test "$(grep -c '  add  ' out)" -eq 1
run_cmd enlace-local check --dir "$SLAPD_DIR"
expect_rc 5 "H1: enlace-local check repairs the history"
check "H1: ... removing the killed transaction's records" has out "records of changes the data does not hold"
check "H1: the whole history agrees with the data" test "$(agreement)" = agree
check "H1: $victim has one add record" test "$(adds_of "enlaceId=$victim,c=GT,o=enlace")" -eq 1

# --- A record lost (slapd killed between the data's commit and the log's) ------
enlace update GT-L-0003 --title "Cambio cuyo registro se pierde" >/dev/null
lost=$(ldap_root -b cn=accesslog "(reqDN=enlaceId=GT-L-0003,c=GT,o=enlace)" reqStart | sed -n 's/^reqStart: //p' | sort | tail -n 1)
ldapdelete -H "$ENLACE_URI" -Y EXTERNAL -Q "reqStart=$lost,cn=accesslog" || bail_out "cannot lose a record"
run_cmd enlace history GT-L-0003
check "H2: enlace history shows the change whose record was lost" has out "the history has no record of it"
check "H2: ... with who made it (the entry's modifiersName)" has out "modify  gidNumber=$(id -g)\+uidNumber=$(id -u)"
stop_pid "$SLAPD_PID"
run_cmd enlace-local start --dir "$SLAPD_DIR"
[ -f "$SLAPD_DIR/slapd.pid" ] && _pids="$_pids $(cat "$SLAPD_DIR/slapd.pid")"
expect_rc 0 "H2: enlace-local start"
check "H2: ... reports the lost change" has err "1 changes the data holds had no record"
check "H2: ... naming the entry" has err "enlaceid=gt-l-0003,c=gt,o=enlace"
run_cmd enlace-local check --dir "$SLAPD_DIR"
expect_rc 0 "H2: it is recorded: the next check finds nothing"
check "H2: the whole history agrees with the data" test "$(agreement)" = agree
run_cmd enlace history GT-L-0003
check "H2: enlace history still shows it, once" test "$(grep -c 'the history has no record of it' out)" -eq 1
enlace-local stop --dir "$SLAPD_DIR" >/dev/null

# --- A full disk: an instance on a small tmpfs ---------------------------------
if [ "$(id -u)" -ne 0 ]; then
  for i in 1 2 3 4 5 6; do ok "full disk # SKIP needs root to mount a tmpfs"; done
  done_testing
  exit
fi
mkdir -m 700 small
mount -t tmpfs -o size=3m,mode=0700 enlace-test small || bail_out "cannot mount a tmpfs"
_unmount () { umount -l "$TEST_DIR/small" 2>/dev/null; }
trap '_stop_all; _unmount' EXIT
start_slapd "$TEST_DIR/small/ldap"
enlace init --demo >/dev/null || bail_out "init on the tmpfs failed"
{
  echo "$header"
  for i in $(seq 1 6000); do
    printf 'HN,Persona,Llena %d,Enlace,HN-I-0001,consular-officer,,llena.%d@x.hn.example,,,,es\n' "$i" "$i"
  done
} >full.csv
rc=0
enlace import --batch 500 full.csv >full.out 2>full.err || rc=$?
check "an import on a full disk fails ($rc)" test "$rc" -ne 0
# Updates while the disk is full: some commit, some not, some lose their record.
for id in HN-L-0001 HN-L-0002 HN-L-0003 HN-L-0004; do
  enlace update "$id" --title "Cambio con el disco lleno" >/dev/null 2>&1
done
stop_pid "$SLAPD_PID"
mount -o remount,size=64m "$TEST_DIR/small" || bail_out "cannot grow the tmpfs"
run_cmd enlace-local start --dir "$TEST_DIR/small/ldap"
[ -f "$TEST_DIR/small/ldap/slapd.pid" ] && _pids="$_pids $(cat "$TEST_DIR/small/ldap/slapd.pid")"
expect_rc 0 "the instance starts once the disk has room"
check "H1/H2: and its start repaired the history" has err "disagreed with the data"
check "H1/H2: the whole history agrees with the data" test "$(agreement)" = agree
run_cmd enlace import --batch 500 full.csv
expect_rc 0 "the import completes once there is room"
check "H1/H2: the history still agrees with the data" test "$(agreement)" = agree
enlace-local stop --dir "$TEST_DIR/small/ldap" >/dev/null

done_testing
