# An instance the previous release made (tests/fixtures/v2) is brought up
# to this release's configuration by enlace-local start: every entry kept
# (UUIDs and CSNs too), passwords out of the history, the new rules in
# force; a second start changes nothing; a start killed mid-way leaves an
# instance that the next start completes.
. "$top_srcdir/tests/libtest.sh"
shopt -s lastpipe

I=$TEST_DIR/i
load_v2_instance "$I"
S=$ENLACE_SLAPD
"$S" -T cat -g -F "$I/slapd.d" -n 3 -o ldif-wrap=no >before-directory.ldif
"$S" -T cat -g -F "$I/slapd.d" -n 2 -o ldif-wrap=no >before-campaigns.ldif
"$S" -T cat -g -F "$I/slapd.d" -n 1 -o ldif-wrap=no >before-history.ldif
check "the v2 history holds password hashes" test "$(grep -ci '^reqMod: userPassword' before-history.ldif)" -gt 0

# start_local: enlace-local start (in the background, as a user would),
# its slapd stopped by pid at the end.
start_local () {
  run_cmd enlace-local start --dir "$I"
  if [ -f "$I/slapd.pid" ]; then _pids="$_pids $(cat "$I/slapd.pid")"; fi
}
start_local
expect_rc 0 "enlace-local start upgrades the v2 instance"
check "it says what it did" has err "brought the configuration of .* up to this release's"
check "it says the passwords left the history" has err "cn=accesslog: [0-9]+ entries kept, 5 passwords taken out"
check "it says the accounts' seeds were added" has err "ou=accounts,o=enlace: 17 entries kept, 3 added"
check "the v2 history agrees with its data" lacks err "disagreed"
eval "$(enlace-local env --dir "$I")"
export ENLACE_URI ENLACE_BASE
run_cmd enlace-local stop --dir "$I"
expect_rc 0 "and stops"

# Every entry, every attribute (entryUUID and entryCSN included) is kept.
"$S" -T cat -g -F "$I/slapd.d" -b o=enlace -o ldif-wrap=no >after.ldif
"$S" -T cat -g -F "$I/slapd.d" -b ou=accounts,o=enlace -o ldif-wrap=no >>after.ldif
"$S" -T cat -g -F "$I/slapd.d" -b ou=campaigns,o=enlace -o ldif-wrap=no >after-campaigns.ldif
"$S" -T cat -g -F "$I/slapd.d" -b cn=accesslog -o ldif-wrap=no >after-history.ldif
compare () { # BEFORE AFTER: "same" when every entry of BEFORE is in AFTER unchanged; extra DNs listed
  /usr/bin/python3 - "$1" "$2" <<'PY'
import sys
def entries(path, skip=()):
    out = {}
    for block in open(path, encoding="utf-8").read().split("\n\n"):
        lines = [l for l in block.splitlines() if l and not l.startswith("#")]
        if not lines: continue
        kept = sorted(l for l in lines[1:] if not any(l.lower().startswith(s) for s in skip))
        out[lines[0].lower()] = kept
    return out
# contextCSN: what slapo-syncprov keeps on a database's suffix for replicas.
skip = ("reqmod: userpassword", "reqold: userpassword", "contextcsn:")
a, b = entries(sys.argv[1], skip), entries(sys.argv[2], skip)
changed = [dn for dn in a if a[dn] != b.get(dn)]
print("same" if not changed else "changed: " + " ".join(changed[:5]))
print("extra: " + " ".join(sorted(set(b) - set(a))))
PY
}
compare before-directory.ldif after.ldif >cmp
check "every directory and account entry is kept, attribute for attribute" has cmp "^same$"
check "the only new entries are the address-book and replica branches and the password policy" \
  test "$(sed -n 's/^extra: //p' cmp)" = "dn: cn=password-policy,ou=accounts,o=enlace dn: ou=addressbook,ou=accounts,o=enlace dn: ou=replica,ou=accounts,o=enlace"
compare before-campaigns.ldif after-campaigns.ldif >cmp
check "every campaign entry is kept" has cmp "^same$"
compare before-history.ldif after-history.ldif >cmp
check "every history record is kept, but for its passwords" has cmp "^same$"
check "the history holds no password any more" test "$(grep -ci userpassword after-history.ldif)" -eq 0
check "the accounts are a database of their own" test -s "$I/accounts/data.mdb"
check "no rebuild is left behind" test ! -e "$I/rebuild"

cp -a "$I/slapd.d" config-after-upgrade
start_local
expect_rc 0 "a second start"
check "changes nothing (no notice)" lacks err "brought the configuration"
check "and leaves the configuration as it was" diff -r "$I/slapd.d" config-after-upgrade

# The new rules are in force for the old accounts (and their old passwords).
printf 'fixture-pass-1' >pw1
chmod 600 pw1
gt=cn=gt-cancilleria,c=GT,ou=accounts,o=enlace
lt () { ldap_as "$ENLACE_URI" "$gt" pw1 "$@"; }
printf 'dn: enlaceId=HN-L-0001,c=HN,o=enlace\nchangetype: modify\nreplace: title\ntitle: x\n' | lt ldapmodify
expect_rc 50 "an old Cancillería account may not change another country's liaison"
printf 'dn: enlaceId=GT-L-0002,c=GT,o=enlace\nchangetype: modify\nreplace: enlaceLastConfirmed\nenlaceLastConfirmed: 20261127000000Z\n' | lt ldapmodify
expect_rc 50 "... nor set last-confirmed"
printf 'dn: enlaceId=GT-L-0002,c=GT,o=enlace\nchangetype: modify\nreplace: title\ntitle: Tras la actualizacion\n' | lt ldapmodify
expect_rc 0 "... but keeps its own current (its old password still binds)"
lt ldappasswd -s short1 "$gt"
check "the password policy is in force" has out "Constraint violation"
lt ldappasswd -s fixture-pass-3 "$gt"
check "a new password is accepted" test "$rc" -eq 0
check "and stored with Argon2" test "$(ldap_root -b "$gt" -s base userPassword | sed -n 's/^userPassword:: //p' | base64 -d | cut -c1-8)" = "{ARGON2}"
run_cmd enlace history GT-L-0001
expect_rc 0 "the history of the v2 instance still reads"
check "with the retirement the previous release recorded" has out "enlaceStatus: retired"
run_cmd enlace-local stop --dir "$I"

# A start killed while it rebuilds: the next start finishes or redoes it.
expected=$(($(count_dn <before-directory.ldif) + $(count_dn <before-campaigns.ldif) + 3))
for i in 1 2 3 4 5; do
  rm -rf "$I" "$I".*.ldif
  load_v2_instance "$I"
  enlace-local start --dir "$I" >/dev/null 2>&1 &
  pid=$!
  delay=0.$((RANDOM % 6))
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  # If it got as far as starting slapd, stop that slapd by its pid.
  if [ -f "$I/slapd.pid" ] && running "$(cat "$I/slapd.pid")"; then stop_pid "$(cat "$I/slapd.pid")"; fi
  start_local
  expect_rc 0 "a start after one killed after ${delay}s ($i)"
  n=$(ldap_root -b o=enlace "(objectClass=*)" 1.1 | count_dn)
  check "the directory holds every entry ($n of $expected)" test "$n" -eq "$expected"
  enlace-local stop --dir "$I" >/dev/null
done

done_testing
