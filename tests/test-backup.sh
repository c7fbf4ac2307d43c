# enlace-local backup and restore: a backup taken while the instance
# serves, restored into a fresh directory, gives back the very databases
# it was taken from, with a history that agrees with the data; a backup
# never goes over another; a restore refuses a running instance, another
# base, a damaged backup, and a failed or killed restore leaves the
# instance as it was (or restored whole).
. "$top_srcdir/tests/libtest.sh"

A=$TEST_DIR/a   # the instance backed up, running throughout
R=$TEST_DIR/r   # restored into, from nothing
S=$ENLACE_SLAPD

# start_bg DIR [OPTIONS...]: enlace-local start (in the background, as a
# user would, so the history is checked at start); its slapd is stopped
# by pid at the end, also on failure.
start_bg () {
  local dir=$1
  shift
  run_cmd enlace-local start --dir "$dir" "$@"
  if [ -f "$dir/slapd.pid" ]; then _pids="$_pids $(cat "$dir/slapd.pid")"; fi
}

# dump_dbs DIR PREFIX: slapcat of each of the instance's four databases
# (-g: that database alone, not those glued under it), unwrapped, in
# PREFIX.NAME.ldif; then each normalised in PREFIX.NAME.sorted: its lines
# sorted within each entry, the entries sorted. One thing is set aside: the
# history's root entry, cn=accesslog, as slapo-accesslog makes it, has no
# entryUUID, CSN or timestamps, and slapadd gives it some when the restore
# loads it (an entry that has them keeps its own), so those are left out
# of that one entry.
dbs="data:o=enlace accounts:ou=accounts,o=enlace campaigns:ou=campaigns,o=enlace accesslog:cn=accesslog"
dump_dbs () {
  local dir=$1 prefix=$2 db
  for db in $dbs; do
    "$S" -T cat -g -F "$dir/slapd.d" -b "${db#*:}" -o ldif-wrap=no -l "$prefix.${db%%:*}.ldif" \
      2>>"$prefix.err" || return 1
    /usr/bin/python3 -c '
import sys
made = ("entryUUID:", "entryCSN:", "creatorsName:", "createTimestamp:", "modifiersName:",
        "modifyTimestamp:")
def lines(block):
    ls = block.splitlines()
    if ls[0] == "dn: cn=accesslog":
        ls = [l for l in ls if not l.startswith(made)]
    return sorted(ls)
text = open(sys.argv[1], encoding="utf-8").read()
entries = ["\n".join(lines(b)) for b in text.split("\n\n") if b.strip()]
sys.stdout.write("\n\n".join(sorted(entries)) + "\n")' "$prefix.${db%%:*}.ldif" >"$prefix.${db%%:*}.sorted"
  done
}

# same_dbs PREFIX1 PREFIX2: every database of the two dumps is the same.
same_dbs () {
  local db
  for db in $dbs; do
    cmp -s "$1.${db%%:*}.sorted" "$2.${db%%:*}.sorted" || { echo "# ${db%%:*} differs"; return 1; }
  done
}

# --- an instance with invented data in every database ------------------------
start_slapd "$A"
enlace init --demo >/dev/null || bail_out "enlace init --demo failed"
{
  echo 'country,given_name,surname,title,institution,role,network,email,phone,fax,mobile,language'
  echo 'GT,Rosa,Respaldo Uno,Enlace,GT-I-0001,smuggling-focal-point,crm-liaison-network,rosa.respaldo@x.gt.example,2200 1111,,,es'
  echo 'HN,Luis,Respaldo Dos,Enlace,HN-I-0002,migration-authority,,luis.respaldo@x.hn.example,,,,es'
} >people.csv
enlace import people.csv >/dev/null || bail_out "enlace import failed"
id=$(enlace register --country SV --given-name "Marta" --surname "Copia Segura" --title "Jefa" \
  --institution SV-I-0001 --role smuggling-focal-point --email marta.copia@x.sv.example) \
  || bail_out "enlace register failed"
enlace update "$id" --title "Directora" 2>/dev/null || bail_out "enlace update failed"
enlace retire GT-L-0001 --reason "Traslado" 2>/dev/null || bail_out "enlace retire failed"
printf 'clave-respaldo-1' >pw
chmod 600 pw
staff=$(enlace account add --kind staff --new-password-file pw analista) || bail_out "enlace account add failed"
enlace campaign open 2031 >/dev/null || bail_out "enlace campaign open failed"
a_pid=$SLAPD_PID

# --- backup while it runs ------------------------------------------------------
run_cmd enlace-local backup --dir "$A" "$TEST_DIR/backups/b"
expect_rc 0 "backup of a running instance"
B=$TEST_DIR/backups/b
check "it says what it wrote, database by database" has out "^  ou=accounts,o=enlace: [0-9]+ entries$"
check "slapd kept running through it" running "$a_pid"
check "the backup directory is private (0700)" test "$(stat -c %a "$B")" = 700
check "every file in it is private (0600)" \
  test "$(stat -c %a "$B"/* | sort -u)" = 600
check "it holds one LDIF per database and a manifest" \
  test "$(cd "$B" && ls | tr '\n' ' ')" = "accesslog.ldif accounts.ldif campaigns.ldif data.ldif manifest "
check "nothing half-written is left beside it" test "$(ls -A "$TEST_DIR/backups")" = b
check "the manifest names the base" has "$B/manifest" "^base=o=enlace$"
check "... the enlace version" has "$B/manifest" "^enlace-version=$(enlace-local --version | cut -d' ' -f2)$"
check "... the date" has "$B/manifest" "^date=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$"
check "... that it was taken while slapd ran" has "$B/manifest" "^taken-while-running=true$"
n=$(count_dn <"$B/data.ldif")
check "... and each database's entry count ($n in data.ldif)" \
  eval 'sed -n "/^\[data\]/,/^\[/p" "$B/manifest" | grep -qx "entries=$n"'
check "the directory's LDIF holds the registered liaison" has "$B/data.ldif" "^dn: enlaceId=$id,c=SV,o=enlace$"
check "the accounts' LDIF holds the account's hashed password" \
  eval 'grep -A30 "^dn: $staff\$" "$B/accounts.ldif" | grep -q "^userPassword:: "'
check "the campaigns' LDIF holds the campaign" has "$B/campaigns.ldif" "^dn: cn=2031,ou=campaigns,o=enlace$"
check "the history's LDIF holds the retirement" has "$B/accesslog.ldif" "^reqDN: enlaceId=GT-L-0001,c=GT,o=enlace$"
dump_dbs "$A" a || bail_out "slapcat of $A failed"

# --- restore into a directory that does not exist yet -------------------------
run_cmd enlace-local restore --dir "$R" "$B"
expect_rc 0 "restore into a new instance directory"
check "it says what it restored" has out "^  o=enlace: $n entries$"
check "the new instance directory is private (0700)" test "$(stat -c %a "$R")" = 700
check "it has the backup's base" has "$R/enlace-local.conf" "^base=o=enlace$"
check "no rebuild is left behind" test ! -e "$R/rebuild"
start_bg "$R"
expect_rc 0 "the restored instance starts"
check "its start found the history in agreement with the data" lacks err "disagree|could not be checked"
run_cmd enlace-local check --dir "$R"
expect_rc 0 "enlace-local check: the history agrees with the data"
dump_dbs "$R" r || bail_out "slapcat of $R failed"
check "every database is the same as the one backed up (entry by entry)" same_dbs a r
check "... the directory, the accounts and the campaigns byte for byte, in slapcat's own order" \
  eval 'for db in data accounts campaigns; do cmp -s a.$db.ldif r.$db.ldif || exit 1; done'
R_URI=$(ldapi_uri "$R")
run_cmd env ENLACE_URI="$R_URI" enlace show "$id"
check "the restored directory answers for the registered liaison" has out "Directora"
ldap_as "$R_URI" "$staff" pw ldapwhoami
check "the account's password binds on the restored instance" has out "^dn:$staff$"

# --- refusals ------------------------------------------------------------------
run_cmd enlace-local restore --dir "$R" "$B"
expect_rc 5 "a restore onto a running instance is refused"
check "... saying to stop it first" has err "slapd is running for $R \(pid [0-9]+\).*enlace-local stop --dir $R"
dump_dbs "$R" r2 || bail_out "slapcat of $R failed"
check "... and changes nothing" same_dbs r r2

mkdir -p full
echo keep >full/notes.txt
run_cmd enlace-local backup --dir "$A" full
expect_rc 5 "a backup into a non-empty directory is refused"
check "... saying so" has err "full is not empty; a backup goes into a new \(or empty\) directory"
check "... and leaves the directory as it was" test "$(ls -A full)" = notes.txt
echo keep >afile
run_cmd enlace-local backup --dir "$A" afile
expect_rc 5 "a backup onto a file is refused"
check "... and the file is untouched" test "$(cat afile)" = keep

run_cmd enlace-local stop --dir "$R"
expect_rc 0 "the restored instance stops"

# An instance with another base, backed up while stopped.
O=$TEST_DIR/o
start_bg "$O" --base "o=otra red"
enlace-local stop --dir "$O" >/dev/null || bail_out "stopping $O failed"
run_cmd enlace-local backup --dir "$O" "$TEST_DIR/backups/otra"
expect_rc 0 "backup of a stopped instance"
check "its manifest says it was stopped" has "$TEST_DIR/backups/otra/manifest" "^taken-while-running=false$"
run_cmd enlace-local restore --dir "$R" "$TEST_DIR/backups/otra"
expect_rc 2 "a restore from a backup of another base is refused"
check "... naming both bases" has err "is of a directory with base o=otra red, and $R holds one with base o=enlace"
dump_dbs "$R" r3 || bail_out "slapcat of $R failed"
check "... and changes nothing" same_dbs r r3

run_cmd enlace-local restore --dir "$R" "$TEST_DIR/full"
expect_rc 2 "a directory with no manifest is no backup"
check "... and says so" has err "is not an enlace-local backup: it has no manifest"

# A backup cut short: refused before anything is touched.
cp -a "$B" "$TEST_DIR/cut"
head -c "$(($(stat -c %s "$B/data.ldif") / 2))" "$B/data.ldif" >"$TEST_DIR/cut/data.ldif"
run_cmd enlace-local restore --dir "$R" "$TEST_DIR/cut"
expect_rc 2 "a restore from a truncated LDIF is refused"
check "... saying which file is damaged" has err "the backup in $TEST_DIR/cut is damaged: data.ldif is not the file its manifest describes"
check "... leaving no rebuild behind" test ! -e "$R/rebuild"
run_cmd enlace-local restore --dir "$TEST_DIR/never" "$TEST_DIR/cut"
expect_rc 2 "a truncated backup restored into a new directory is refused"
check "... and creates nothing" test ! -e "$TEST_DIR/never"

# A damaged backup whose manifest was made to match: the checks pass, and
# slapadd refuses it in the middle of the load.
cp -a "$B" "$TEST_DIR/bad"
sed -i '0,/^title: /s/^title: /enlaceNoSuchAttribute: /' "$TEST_DIR/bad/data.ldif"
sum=$(sha256sum "$TEST_DIR/bad/data.ldif" | cut -d' ' -f1)
sed -i "/^\[data\]/,/^\[/s/^sha256=.*/sha256=$sum/" "$TEST_DIR/bad/manifest"
run_cmd enlace-local restore --dir "$R" "$TEST_DIR/bad"
expect_rc 6 "a restore whose load fails fails"
check "... with slapadd's own words" has err "slapadd of o=enlace failed"
check "... naming the attribute" has err "enlaceNoSuchAttribute"
check "... and saying the instance is as it was" has err "the instance in $R is as it was"
check "... leaving no rebuild behind" test ! -e "$R/rebuild"
dump_dbs "$R" r4 || bail_out "slapcat of $R failed"
check "every database is as it was" same_dbs r r4

# Another enlace-local command holds the instance: the restore waits for nobody.
run_cmd flock -n "$R/lock" enlace-local restore --dir "$R" "$B"
expect_rc 5 "a restore while another command holds the instance is refused"
check "... saying so" has err "another enlace-local command is setting up, starting, restoring or backing up"

start_bg "$R"
expect_rc 0 "the instance starts after the refused restores"
run_cmd enlace-local check --dir "$R"
expect_rc 0 "... its history agrees with its data"
dump_dbs "$R" r5 || bail_out "slapcat of $R failed"
check "... and it holds what it held" same_dbs r r5
liaisons () { ldapsearch -H "$R_URI" -Y EXTERNAL -Q -LLL -b o=enlace "(objectClass=enlaceLiaison)" 1.1 | count_dn; }
before=$(liaisons)
enlace-local stop --dir "$R" >/dev/null

# --- a restore killed at any point: the old instance, or the restored one -----
enlace register --country PA --given-name "Iris" --surname "Segunda Copia" --title "Enlace" \
  --institution PA-I-0001 --role smuggling-focal-point --email iris.copia@x.pa.example >/dev/null \
  || bail_out "enlace register failed"
enlace-local backup --dir "$A" "$TEST_DIR/backups/b2" >/dev/null || bail_out "the second backup failed"
have=$before
for i in 1 2 3 4 5 6; do
  # Each restore goes to the other backup: b2 holds one liaison more.
  if [ $((i % 2)) -eq 1 ]; then from=b2 want=$((before + 1)); else from=b want=$before; fi
  # Its own session, so the kill takes slapadd with it, as a crash would.
  setsid enlace-local restore --dir "$R" "$TEST_DIR/backups/$from" >/dev/null 2>&1 &
  pid=$!
  delay=0.$((RANDOM % 9))
  sleep "$delay"
  kill -9 -- "-$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  start_bg "$R"
  expect_rc 0 "a start after a restore from $from killed after ${delay}s ($i)"
  n=$(liaisons)
  check "the instance is the old one or the restored one ($n liaisons; it had $have, $from has $want)" \
    eval '[ "$n" -eq "$have" ] || [ "$n" -eq "$want" ]'
  run_cmd enlace-local check --dir "$R"
  expect_rc 0 "... and its history agrees with its data ($i)"
  enlace-local stop --dir "$R" >/dev/null
  have=$n
done

run_cmd enlace-local restore --dir "$R" "$TEST_DIR/backups/b2"
expect_rc 0 "the second backup restores over the first"
start_bg "$R"
check "the instance then holds the liaison registered in between" test "$(liaisons)" -eq "$((before + 1))"
enlace-local stop --dir "$R" >/dev/null

# --- an instance an earlier release made, backed up before any start here ----
V=$TEST_DIR/v2
load_v2_instance "$V"
"$S" -T cat -g -F "$V/slapd.d" -n 3 -o ldif-wrap=no >v2-directory.ldif
"$S" -T cat -g -F "$V/slapd.d" -n 2 -o ldif-wrap=no >v2-campaigns.ldif
cp -a "$V/slapd.d" v2-config
run_cmd enlace-local backup --dir "$V" "$TEST_DIR/backups/v2"
expect_rc 0 "backup of an instance the previous release made"
check "... which it leaves as it was" diff -r "$V/slapd.d" v2-config
check "... its accounts (then in the directory's database) in accounts.ldif" \
  has "$TEST_DIR/backups/v2/accounts.ldif" "^dn: cn=gt-cancilleria,c=GT,ou=accounts,o=enlace$"
check "... and not in data.ldif too" lacks "$TEST_DIR/backups/v2/data.ldif" "^dn: .*ou=accounts,o=enlace$"
run_cmd enlace-local restore --dir "$TEST_DIR/v3" "$TEST_DIR/backups/v2"
expect_rc 0 "it restores into this release's layout"
check "... saying the passwords left the history" has out "^  cn=accesslog: [0-9]+ entries, 5 passwords taken out$"
check "... and the accounts' new seeds were added" has out "^  ou=accounts,o=enlace: 17 entries, 3 added from seeds/base.ldif$"
start_bg "$TEST_DIR/v3"
expect_rc 0 "the restored instance starts"
check "... without reconfiguring anything" lacks err "brought the configuration"
run_cmd enlace-local check --dir "$TEST_DIR/v3"
expect_rc 0 "... and its history agrees with its data"
expected=$(($(count_dn <v2-directory.ldif) + $(count_dn <v2-campaigns.ldif) + 3))
n=$(ldapsearch -H "$(ldapi_uri "$TEST_DIR/v3")" -Y EXTERNAL -Q -LLL -b o=enlace "(objectClass=*)" 1.1 | count_dn)
check "it holds every entry, once ($n of $expected)" test "$n" -eq "$expected"
enlace-local stop --dir "$TEST_DIR/v3" >/dev/null

done_testing
