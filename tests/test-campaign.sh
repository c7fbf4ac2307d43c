# A whole simulated campaign year on the demo data, against a real SMTP
# server (aiosmtpd) and a real IMAP server (dovecot): open; send; replies
# confirm, one corrects; one address is refused with 5xx; remind at +14
# days; escalate at +30; close. Every message is parsed back with Python's
# email package, and the final state of every entry is checked.
. "$top_srcdir/tests/libtest.sh"

start_slapd
enlace init --demo >/dev/null || bail_out "enlace init --demo failed"
start_dovecot "$TEST_DIR/imap" st st-secret
start_smtp_sink "$TEST_DIR/sink" --archive archive@st.example \
  --maildir "$DOVECOT_MAILDIR/.Archive" --refuse contacto@policia.bz.example \
  --tempfail soledad.retamal@cancilleria.hn.example:2
printf 'st-secret\n' >"$TEST_DIR/mail-password"
export XDG_CONFIG_HOME=$TEST_DIR/config
mkdir -p "$XDG_CONFIG_HOME/enlace"
cat >"$XDG_CONFIG_HOME/enlace/enlace.conf" <<EOF
[mail]
from-name=Secretaría Técnica de la CRM
archive=archive@st.example
retry-delay-ms=20
EOF
export ENLACE_MAIL_FROM=st@st.example ENLACE_MAIL_PASSWORD_FILE=$TEST_DIR/mail-password
# Notices are tested in test-notice.sh; here they would only add mail.
printf 'notify=false\n' >>"$XDG_CONFIG_HOME/enlace/enlace.conf"

mailcheck () { /usr/bin/python3 "$top_srcdir/tests/mail-check.py" "$TEST_DIR/sink" >"$TEST_DIR/mails"; }
kind_count () { awk -F'\t' -v k="$1" '$1 == k' "$TEST_DIR/mails" | wc -l; }
reply () { # ID [mail-reply.py options]: the entry answers its initial message
  local id=$1 f
  shift
  f=$(grep -l "^X-Enlace-Id: $id" "$TEST_DIR"/sink/*.eml | head -1)
  /usr/bin/python3 "$top_srcdir/tests/mail-reply.py" "$f" "$@" | deliver_mail "$DOVECOT_MAILDIR"
}
state () { # ID: the entry's state in campaign 2026
  ldap_root -b "cn=$1,cn=2026,ou=campaigns,o=enlace" -s base enlaceCampaignState \
    | sed -n 's/^enlaceCampaignState: //p'
}

# Three Cancillería coordinators, so escalation has someone to write to.
n=0
for cc in GT HN SV; do
  n=$((n + 1))
  enlace register --country "$cc" --given-name "Marta $n" --surname "Núñez Ávila" \
    --title "Coordinadora" --institution "$cc-I-0001" --role cancilleria-coordinator \
    --email "coordinacion$n@cancilleria.$(echo "$cc" | tr A-Z a-z).example" >/dev/null \
    || bail_out "registering the $cc coordinator failed"
done

# --- open -------------------------------------------------------------------
export ENLACE_NOW=2026-02-02
run_cmd enlace campaign send
expect_rc 1 "send with no open campaign: exit 1"
check "... and says to open one" has err "enlace campaign open"
run_cmd enlace campaign open 20x6
expect_rc 2 "open with a bad year: exit 2"
run_cmd enlace campaign open 2026 --country XX
expect_rc 2 "open for a country that is not a member: exit 2"
run_cmd enlace campaign open 2026
expect_rc 0 "open 2026"
total=$(ldap_root -b o=enlace "(&(|(objectClass=enlaceLiaison)(objectClass=enlaceInstitution))(c=*)(enlaceStatus=active))" 1.1 | count_dn)
check "it fixes every active liaison and institution ($total)" has out "open: $total entries"
check "only hashes of tokens are stored" \
  test "$(ldap_root -b cn=2026,ou=campaigns,o=enlace '(enlaceTokenHash=*)' enlaceTokenHash | grep -c '^enlaceTokenHash: [0-9a-f]\{64\}$')" -eq "$total"
check "no token is stored in the clear" lacks <(ldap_root -b ou=campaigns,o=enlace) "ENL-"
run_cmd enlace campaign open 2027
expect_rc 5 "a second open campaign: exit 5"

# Only the Secretariat sees campaigns.
enlace account add --kind staff --new-password-file "$TEST_DIR/mail-password" lector >/dev/null
run_cmd ldapsearch -x -H "$ENLACE_URI" -D "cn=lector,ou=staff,ou=accounts,o=enlace" -y "$TEST_DIR/mail-password" \
  -LLL -b ou=campaigns,o=enlace "(objectClass=*)" 1.1
check "staff cannot read the campaign" lacks out "^dn:"

# --- send -------------------------------------------------------------------
run_cmd enlace campaign send --dry-run
expect_rc 0 "send --dry-run"
check "... lists every entry" test "$(grep -c 'initial' out)" -eq "$total"
check "... and sends nothing" test ! -s "$TEST_DIR/sink/log.jsonl"
run_cmd enlace campaign send --limit 10
expect_rc 0 "send --limit 10"
check "... sends 9, and BZ-I-0004's address is refused (5xx)" has err "^9 sent, 1 refused \(undeliverable\), $((total - 10)) still to send$"
run_cmd enlace campaign send
expect_rc 0 "send the rest"
check "... sends the rest" has err "^$((total - 10)) sent, 0 refused \(undeliverable\), 0 still to send$"
mailcheck
check "every deliverable entry got exactly one initial email" \
  test "$(awk -F'\t' '$1 == "initial" { print $2 }' "$TEST_DIR/mails" | sort | uniq -d | wc -l)" -eq 0 -a \
       "$(kind_count initial)" -eq $((total - 1))
check "the refused address got nothing" lacks "$TEST_DIR/mails" "contacto@policia.bz.example"
check "BZ-I-0004 is undeliverable" test "$(state BZ-I-0004)" = undeliverable
check "... with the server's reason" has <(ldap_root -b cn=BZ-I-0004,cn=2026,ou=campaigns,o=enlace enlaceDeliveryError) "550"
check "a 451 twice, then accepted: retried, and sent once" \
  test "$(grep -c 'soledad.retamal@cancilleria.hn.example' "$TEST_DIR/mails")" -eq 1
check "every message is clean (no injected or doubled header)" test "$(grep -vc '	ok$' "$TEST_DIR/mails")" -eq 0
check "the token is in every subject" test "$(awk -F'\t' '$1 == "initial" && $7 == "-"' "$TEST_DIR/mails" | wc -l)" -eq 0
check "... and in every body, the same" test "$(awk -F'\t' '$1 == "initial" && $7 != $8' "$TEST_DIR/mails" | wc -l)" -eq 0
check "tokens are unique" test "$(cut -f7 "$TEST_DIR/mails" | sort | uniq -d | wc -l)" -eq 0
check "accented names arrive intact in To" has "$TEST_DIR/mails" "	Marta 1 Núñez Ávila	coordinacion1@cancilleria.gt.example	"
check "an institution's name with an em dash arrives intact" \
  has "$TEST_DIR/mails" "	Cancillería — Dirección de Asuntos Migratorios \(demo\) — Guatemala	"
check "Spanish by default: the Spanish subject decodes" \
  has "$TEST_DIR/mails" "	Confirmación anual del directorio de enlaces 2026 \[ENL-"
check "English for an entry whose language is en" \
  test "$(awk -F'\t' '$1 == "initial" && $9 == "en"' "$TEST_DIR/mails" | wc -l)" -gt 0
check "the archive mailbox has a copy of each" \
  test "$(ls "$DOVECOT_MAILDIR/.Archive/new" | wc -l)" -eq $((total - 1))
run_cmd enlace campaign send
expect_rc 0 "send again"
check "... sends nothing more" has err "^0 sent, 0 refused \(undeliverable\), 0 still to send"
check "... and the sink got nothing more" test "$(wc -l <"$TEST_DIR/sink/log.jsonl")" -eq $((total - 1))

# --- replies ------------------------------------------------------------------
reply GT-L-0002
reply SV-L-0001
reply MX-I-0001 --outlook
reply HN-L-0001 --text "Mi nuevo teléfono directo es +504 2222-3333; el cargo cambió a Directora."
printf 'From: alguien@example.org\r\nTo: st@st.example\r\nSubject: consulta\r\n\r\nHola, una pregunta.\r\n' \
  | deliver_mail "$DOVECOT_MAILDIR"
run_cmd enlace campaign collect
expect_rc 0 "collect"
check "... three confirmations, one correction, one stranger" \
  has out "^3 confirmed, 1 need review, 1 without a known reference \(left unflagged\), 0 already read"
check "GT-L-0002 confirmed" test "$(state GT-L-0002)" = confirmed
check "MX-I-0001 (top-posted reply) confirmed" test "$(state MX-I-0001)" = confirmed
check "HN-L-0001 needs review" test "$(state HN-L-0001)" = needs-review
ldap_root -b cn=HN-L-0001,cn=2026,ou=campaigns,o=enlace enlaceReply | sed -n 's/^enlaceReply:: //p' | base64 -d >reply.txt
check "... and its correction is kept, accents and all" has reply.txt "^Mi nuevo teléfono directo es \+504 2222-3333; el cargo cambió a Directora\.$"
check "... but not the quoted original" lacks reply.txt "ENL-|Referencia"
run_cmd enlace campaign collect
expect_rc 0 "collect again"
check "... finds nothing new; the stranger stays unflagged" \
  has out "^0 confirmed, 0 need review, 1 without a known reference \(left unflagged\), 4 already read"

token=$(awk -F'\t' '$1 == "initial" && $2 == "CR-L-0001" { print $7 }' "$TEST_DIR/mails")
lower=$(echo "$token" | tr A-Z a-z | tr -d -)
run_cmd enlace campaign confirm "$lower" --note "Confirmado por teléfono"
expect_rc 0 "confirm by token (typed in lower case, without dashes)"
check "CR-L-0001 confirmed" test "$(state CR-L-0001)" = confirmed
run_cmd enlace campaign confirm PA-I-0002
expect_rc 0 "confirm by ID"
run_cmd enlace campaign confirm ENL-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA
expect_rc 1 "confirm an unknown token: exit 1"
run_cmd enlace campaign confirm "GT-L-0001)(cn=*"
expect_rc 2 "confirm a filter injection: exit 2"
run_cmd enlace campaign confirm HN-L-0005
expect_rc 1 "confirm a pending entry, not in the campaign: exit 1"

# --- remind at +14 days, escalate at +30 ---------------------------------------
export ENLACE_NOW=2026-02-15
run_cmd enlace campaign remind
expect_rc 0 "remind at +13 days"
check "... reminds nobody yet" has err "^0 reminders sent"
export ENLACE_NOW=2026-02-16
run_cmd enlace campaign remind
expect_rc 0 "remind at +14 days"
silent=$((total - 1 - 5 - 1))
check "... reminds the $silent silent entries" has err "^$silent reminders sent, 0 refused; escalated to the Cancillería: none"
mailcheck
check "$silent reminders arrived, each with the entry's token" \
  test "$(kind_count reminder)" -eq "$silent" -a \
       "$(awk -F'\t' '$1 == "reminder" && $7 != $8' "$TEST_DIR/mails" | wc -l)" -eq 0
check "nobody who answered was reminded" \
  test "$(awk -F'\t' '$1 == "reminder" && ($2 == "GT-L-0002" || $2 == "HN-L-0001" || $2 == "CR-L-0001")' "$TEST_DIR/mails" | wc -l)" -eq 0
run_cmd enlace campaign remind
expect_rc 0 "remind again"
check "... reminds nobody twice" has err "^0 reminders sent"

# A reply to the reminder counts too.
f=$(grep -l "^X-Enlace-Kind: reminder" "$TEST_DIR"/sink/*.eml | xargs grep -l "^X-Enlace-Id: NI-L-0001" | head -1)
/usr/bin/python3 "$top_srcdir/tests/mail-reply.py" "$f" | deliver_mail "$DOVECOT_MAILDIR"
run_cmd enlace campaign collect
check "a reply to the reminder confirms" test "$(state NI-L-0001)" = confirmed

export ENLACE_NOW=2026-03-04
run_cmd enlace campaign remind
expect_rc 0 "remind at +30 days"
check "... escalates GT, HN and SV to their Cancillería" has err "escalated to the Cancillería: GT, HN, SV$"
check "... and warns about countries without a contact" has err "warning: BZ has entries to escalate"
mailcheck
check "one escalation per country" test "$(kind_count escalation)" -eq 3
check "the GT escalation goes to the GT coordinator" \
  has "$TEST_DIR/mails" "^escalation	-	2026	Marta 1 Núñez Ávila	coordinacion1@cancilleria.gt.example	"
gt=$(grep -l "^X-Enlace-Kind: escalation" "$TEST_DIR"/sink/*.eml | xargs grep -l "coordinacion1@" | head -1)
/usr/bin/python3 -c 'import email, email.policy, sys; m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default); print(m.get_body(("plain",)).get_content())' "$gt" >escalation.txt
check "... lists GT's silent entries" has escalation.txt "^- GT-L-0003 "
check "... but not the confirmed one" lacks escalation.txt "GT-L-0002"
run_cmd enlace campaign remind
check "escalation happens once" has err "escalated to the Cancillería: none"

# --- status and close ----------------------------------------------------------
run_cmd enlace campaign status --format json
expect_rc 0 "status --format json"
check "... is JSON with the totals" /usr/bin/python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
t = s["total"]
assert s["year"] == "2026" and s["state"] == "open", s
assert t["entries"] == int(sys.argv[2]) and t["confirmed"] == 6 and t["needs_review"] == 1, t
assert t["undeliverable"] == 1 and t["waiting"] == t["entries"] - 8, t
assert sum(c["entries"] for c in s["countries"]) == t["entries"]
' out "$total"
run_cmd enlace campaign status
check "status as a table has a row per country" test "$(grep -c '^[A-Z][A-Z] ' out)" -eq 11

run_cmd enlace campaign close
expect_rc 0 "close"
unverified=$((total - 6 - 1))
check "... summary: 6 confirmed, 1 to review, $unverified unverified" \
  has out "closed: 6 confirmed, 1 corrections to review, $unverified now unverified"
run_cmd enlace campaign close
expect_rc 1 "close again: nothing open, exit 1"

# The final state of every entry.
for id in GT-L-0002 SV-L-0001 MX-I-0001 CR-L-0001 PA-I-0002 NI-L-0001; do
  ldap_root -b o=enlace "(enlaceId=$id)" enlaceStatus enlaceLastConfirmed >e.ldif
  check "$id: active, last confirmed on the day it answered" \
    has e.ldif "^enlaceLastConfirmed: 2026(0202|0216)000000Z$"
  check "$id: still active" has e.ldif "^enlaceStatus: active$"
done
ldap_root -b o=enlace "(enlaceId=HN-L-0001)" enlaceStatus enlaceLastConfirmed >e.ldif
check "HN-L-0001 (corrected): active, awaiting review, last confirmed still last year's" \
  test "$(grep -c '^enlaceStatus: active$' e.ldif)" -eq 1 -a "$(grep -c '^enlaceLastConfirmed: 2025' e.ldif)" -eq 1
check "BZ-I-0004 (refused) is unverified" \
  has <(ldap_root -b o=enlace "(enlaceId=BZ-I-0004)" enlaceStatus) "^enlaceStatus: unverified$"
check "exactly $unverified entries are unverified" \
  test "$(ldap_root -b o=enlace "(enlaceStatus=unverified)" 1.1 | count_dn)" -eq "$unverified"
check "the pending entry stays pending" \
  has <(ldap_root -b o=enlace "(enlaceId=HN-L-0005)" enlaceStatus) "^enlaceStatus: pending$"
check "the retired entry stays retired" \
  has <(ldap_root -b o=enlace "(enlaceId=GT-L-0004)" enlaceStatus) "^enlaceStatus: retired$"

# Unverified entries are still found, and flagged, in every format.
run_cmd enlace find --status unverified --format json
check "find --status unverified finds them" \
  test "$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' out)" -gt 0
run_cmd enlace find --country GT
check "a default lookup still lists GT-L-0003" has out "GT-L-0003"
for fmt in table tsv json csv vcard ldif; do
  run_cmd enlace show GT-L-0003 --format "$fmt"
  check "show --format $fmt flags GT-L-0003 unverified" has out "unverified"
done

# The next year starts from here: last year's unverified are asked again.
export ENLACE_NOW=2027-02-01
run_cmd enlace campaign open 2027
check "2027 asks the active and the unverified again" has out "open: $((total)) entries"
run_cmd enlace campaign status 2026
check "2026's status is still there, closed" has out "^total +$total "

done_testing
