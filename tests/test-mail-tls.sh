# Mail over TLS, by the directory's rule: beyond this machine (here
# 127.0.0.2, which is not "local" however it routes) only TLS, smtps:// and
# imaps:// or STARTTLS, with the certificate and the host name checked
# against [mail] cafile or else the system's store. A real SMTP server
# (aiosmtpd, tests/smtp-sink.py) speaks SMTPS or STARTTLS, and dovecot
# requires TLS, with certificates from a test CA (enlace-local test-ca);
# what arrives is parsed back, and what the server saw, and how, is
# logged by it. A refusal is exit 3, says why in words, sends nothing and
# writes nothing.
. "$top_srcdir/tests/libtest.sh"

start_slapd
enlace init --demo >/dev/null || bail_out "enlace init --demo failed"

ca=$TEST_DIR/ca
enlace-local test-ca "$ca" --host 127.0.0.2 >/dev/null || bail_out "test-ca failed"
enlace-local test-ca "$ca" --name expired --expired --host 127.0.0.2 >/dev/null \
  || bail_out "test-ca --expired failed"
enlace-local test-ca "$ca" --name other --host mail.st.example >/dev/null \
  || bail_out "test-ca --name other failed"
enlace-local test-ca "$ca" --name local --host 127.0.0.1 >/dev/null \
  || bail_out "test-ca --name local failed"

start_dovecot "$TEST_DIR/imap" st st-secret --host 127.0.0.2 --tls "$ca/server.pem" "$ca/server.key"
imap_starttls=$ENLACE_IMAP_URL
imaps=imaps://st@127.0.0.2:$IMAPS_PORT
unset ENLACE_IMAP_URL

printf 'st-secret\n' >"$TEST_DIR/mail-password"
chmod 600 "$TEST_DIR/mail-password"
export XDG_CONFIG_HOME=$TEST_DIR/config
mkdir -p "$XDG_CONFIG_HOME/enlace"
printf '[mail]\nnotify=false\nretry-delay-ms=20\n' >"$XDG_CONFIG_HOME/enlace/enlace.conf"
export ENLACE_MAIL_FROM=st@st.example ENLACE_MAIL_PASSWORD_FILE=$TEST_DIR/mail-password
export ENLACE_NOW=2026-02-02
unset ENLACE_MAIL_CAFILE

# show_err: the last command's stderr, as TAP comments (the words a user reads).
show_err () { sed 's/^/#   /' "$TEST_DIR/err"; }
# delivered SINK: how many messages SINK took.
delivered () { if [ -f "$1/log.jsonl" ]; then wc -l <"$1/log.jsonl"; else echo 0; fi; }
# campaign_csn: the campaign database's contextCSN, which any write to it
# moves (syncprov keeps it).
campaign_csn () { ldap_root -b ou=campaigns,o=enlace -s base contextCSN | sed -n 's/^contextCSN: //p'; }
items () { # FILTER: how many items of campaign 2026 match
  ldap_root -b cn=2026,ou=campaigns,o=enlace "(&(objectClass=enlaceCampaignItem)$1)" 1.1 | count_dn
}
# snapshot, then nothing_written DESCRIPTION: since the snapshot (taken
# before a run that fails), no entry was left marked in flight, sent or
# undeliverable, and no write reached the campaign database at all (no
# mark made and taken back either: the server is checked first).
snapshot () { csn0=$(campaign_csn) sent0=$(items "(enlaceCampaignState=sent)"); }
nothing_written () {
  check "$1: no entry is left marked, sent or undeliverable" \
    test "$(items "(enlaceMailPending=*)")" -eq 0 \
         -a "$(items "(enlaceCampaignState=sent)")" -eq "$sent0" \
         -a "$(items "(enlaceCampaignState=undeliverable)")" -eq 0
  check "... and nothing was written to the campaign at all" test "$(campaign_csn)" = "$csn0"
}
# parsed SINK N: the sink's messages, parsed back, are N clean initial ones.
parsed () {
  /usr/bin/python3 "$top_srcdir/tests/mail-check.py" "$1" >"$1.mails"
  test "$(awk -F'\t' '$1 == "initial" && $10 == "ok"' "$1.mails" | wc -l)" -eq "$2" \
    -a "$(wc -l <"$1.mails")" -eq "$2"
}

run_cmd enlace campaign open 2026
expect_rc 0 "open 2026"
check "the campaign database has a contextCSN to watch" test -n "$(campaign_csn)"

# --- SMTPS --------------------------------------------------------------------
start_smtp_sink "$TEST_DIR/smtps" --host 127.0.0.2 --tls implicit \
  --cert "$ca/server.pem" --key "$ca/server.key" --auth "st:st-secret"
export ENLACE_SMTP_URL=${ENLACE_SMTP_URL/smtps:\/\//smtps://st@}
check "the SMTPS server is at smtps://st@127.0.0.2" has <(echo "$ENLACE_SMTP_URL") "^smtps://st@127\.0\.0\.2:[0-9]+$"

snapshot
run_cmd enlace campaign send --limit 2
expect_rc 3 "smtps:// with no cafile (the system's store): exit 3"
show_err
check "... names the server" has err "refused the mail server at smtps://st@127\.0\.0\.2:$SMTP_PORT"
check "... says its CA is one the system's store does not hold" \
  has err "signed by \"[^\"]+\", a CA the system's certificate store does not hold"
check "... and how to name another CA file" has err "\[mail\] cafile or ENLACE_MAIL_CAFILE"
check "... nothing was delivered" test "$(delivered "$TEST_DIR/smtps")" -eq 0
check "... and no password or mail went out" lacks "$TEST_DIR/smtps/commands.log" "^(AUTH|MAIL|RCPT|DATA)"
nothing_written "smtps:// with no cafile"

ENLACE_MAIL_CAFILE=$TEST_DIR/nonexistent.pem run_cmd enlace campaign send --limit 2
expect_rc 2 "a cafile that is not there: exit 2"
show_err
check "... says so" has err "\[mail\] cafile $TEST_DIR/nonexistent\.pem: no such file"

ENLACE_MAIL_CAFILE=$ca/ca.pem run_cmd enlace campaign send --limit 2
expect_rc 0 "smtps:// with cafile set: sends"
check "... 2 sent" has err "^2 sent, 0 refused"
check "... both arrived, parsed back whole and clean" parsed "$TEST_DIR/smtps" 2
check "... every command went over TLS" \
  test "$(grep -c ' tls$' "$TEST_DIR/smtps/commands.log")" -gt 0 -a \
       "$(grep -vc ' tls$' "$TEST_DIR/smtps/commands.log")" -eq 0
check "... and the entries are recorded as sent" test "$(items "(enlaceCampaignState=sent)")" -eq 2
stop_pid "$SMTP_PID"

# --- STARTTLS -----------------------------------------------------------------
start_smtp_sink "$TEST_DIR/starttls" --host 127.0.0.2 --tls starttls \
  --cert "$ca/server.pem" --key "$ca/server.key" --auth "st:st-secret"
starttls_sink=${ENLACE_SMTP_URL/smtp:\/\//smtp://st@}
export ENLACE_SMTP_URL=$starttls_sink

snapshot
run_cmd enlace campaign send --limit 2
expect_rc 3 "smtp:// + STARTTLS with no cafile: exit 3"
show_err
check "... says the CA is unknown" has err "a CA the system's certificate store does not hold"
check "... nothing was delivered" test "$(delivered "$TEST_DIR/starttls")" -eq 0
check "... and no password or mail went out" lacks "$TEST_DIR/starttls/commands.log" "^(AUTH|MAIL|RCPT|DATA)"
nothing_written "smtp:// + STARTTLS with no cafile"

ENLACE_MAIL_CAFILE=$ca/ca.pem run_cmd enlace campaign send --limit 2
expect_rc 0 "smtp:// + STARTTLS with cafile set: sends"
check "... 2 sent" has err "^2 sent, 0 refused"
check "... both arrived, parsed back whole and clean" parsed "$TEST_DIR/starttls" 2
check "... one login, over TLS: the server was checked on the connection that then sent" \
  test "$(grep -c '^AUTH' "$TEST_DIR/starttls/commands.log")" -eq 1 -a \
       "$(grep -c '^AUTH tls$' "$TEST_DIR/starttls/commands.log")" -eq 1
check "... both messages over TLS, and nothing but EHLO in clear" \
  test "$(grep -c '^MAIL tls$' "$TEST_DIR/starttls/commands.log")" -eq 2 -a \
       "$(grep -v '^EHLO' "$TEST_DIR/starttls/commands.log" | grep -vc ' tls$')" -eq 0
stop_pid "$SMTP_PID"

# --- certificates that do not check -------------------------------------------
export ENLACE_MAIL_CAFILE=$ca/ca.pem
start_smtp_sink "$TEST_DIR/expired" --host 127.0.0.2 --tls implicit \
  --cert "$ca/expired.pem" --key "$ca/expired.key"
snapshot
run_cmd enlace campaign send --limit 2
expect_rc 3 "an expired certificate: exit 3"
show_err
check "... says it expired, and when" has err "refused the mail server at smtps://127\.0\.0\.2:$SMTP_PORT: its certificate expired on [0-9]{4}-[0-9]{2}-[0-9]{2}"
check "... names the CA file used" has err "certificates are checked against $ca/ca\.pem"
check "... nothing was delivered" test "$(delivered "$TEST_DIR/expired")" -eq 0
nothing_written "an expired certificate"
stop_pid "$SMTP_PID"

start_smtp_sink "$TEST_DIR/other" --host 127.0.0.2 --tls starttls \
  --cert "$ca/other.pem" --key "$ca/other.key"
snapshot
run_cmd enlace campaign send --limit 2
expect_rc 3 "a certificate for another host: exit 3"
show_err
check "... says for which host it is, and which was asked for" \
  has err "its certificate is for mail\.st\.example, not for 127\.0\.0\.2, the host in the URL"
check "... nothing was delivered" test "$(delivered "$TEST_DIR/other")" -eq 0
check "... and nothing went out after the handshake" lacks "$TEST_DIR/other/commands.log" "^(MAIL|RCPT|DATA)"
nothing_written "a certificate for another host"
stop_pid "$SMTP_PID"

# --- no STARTTLS ----------------------------------------------------------------
start_smtp_sink "$TEST_DIR/clear" --host 127.0.0.2 --auth "st:st-secret"
export ENLACE_SMTP_URL=${ENLACE_SMTP_URL/smtp:\/\//smtp://st@}
check "a server without TLS is at smtp://st@127.0.0.2" has <(echo "$ENLACE_SMTP_URL") "^smtp://st@127\.0\.0\.2:"
snapshot
run_cmd enlace campaign send --limit 2
expect_rc 3 "a server on 127.0.0.2 that does not offer STARTTLS: exit 3"
show_err
check "... says so, and what to do" \
  has err "the mail server at smtp://st@127\.0\.0\.2:$SMTP_PORT does not offer STARTTLS .*: enlace sends nothing in clear text beyond this machine; use smtps://"
check "... the server heard one EHLO, and nothing more (no retry, no login, no mail)" \
  test "$(cat "$TEST_DIR/clear/commands.log")" = "EHLO clear"
check "... nothing was delivered" test "$(delivered "$TEST_DIR/clear")" -eq 0
nothing_written "no STARTTLS"
stop_pid "$SMTP_PID"

# --- this machine: clear text allowed, unless [mail] starttls=true -------------
start_smtp_sink "$TEST_DIR/local"
check "the same server on 127.0.0.1" has <(echo "$ENLACE_SMTP_URL") "^smtp://127\.0\.0\.1:"
run_cmd enlace campaign send --limit 1
expect_rc 0 "on 127.0.0.1 clear text is still allowed"
check "... and the message arrived, in clear" \
  test "$(delivered "$TEST_DIR/local")" -eq 1 -a "$(grep -c '^MAIL clear$' "$TEST_DIR/local/commands.log")" -eq 1
printf 'starttls=true\n' >>"$XDG_CONFIG_HOME/enlace/enlace.conf"
snapshot
run_cmd enlace campaign send --limit 1
expect_rc 3 "with [mail] starttls=true, a local server without STARTTLS is refused: exit 3"
show_err
check "... says starttls=true requires it" has err "does not offer STARTTLS .*, which \[mail\] starttls=true requires"
check "... nothing more was delivered" test "$(delivered "$TEST_DIR/local")" -eq 1
nothing_written "starttls=true, no STARTTLS"
stop_pid "$SMTP_PID"
start_smtp_sink "$TEST_DIR/local-tls" --tls starttls --cert "$ca/local.pem" --key "$ca/local.key"
run_cmd enlace campaign send --limit 1
expect_rc 0 "with [mail] starttls=true, a local server with STARTTLS (its certificate checked) takes it"
check "... over TLS" test "$(delivered "$TEST_DIR/local-tls")" -eq 1 -a \
  "$(grep -c '^MAIL tls$' "$TEST_DIR/local-tls/commands.log")" -eq 1
stop_pid "$SMTP_PID"
sed -i '/^starttls=true$/d' "$XDG_CONFIG_HOME/enlace/enlace.conf"

# --- IMAP: collect over imaps:// and imap:// + STARTTLS -------------------------
# state ID: the entry's state in campaign 2026.
state () {
  ldap_root -b "cn=$1,cn=2026,ou=campaigns,o=enlace" -s base enlaceCampaignState \
    | sed -n 's/^enlaceCampaignState: //p'
}
# reply_to FILE: the entry FILE was sent to answers it; prints the ID.
reply_to () {
  /usr/bin/python3 "$top_srcdir/tests/mail-reply.py" "$1" | deliver_mail "$DOVECOT_MAILDIR"
  sed -n 's/^X-Enlace-Id: //p' "$1" | tr -d '\r'
}
smtps_files=("$TEST_DIR"/smtps/*.eml)
starttls_files=("$TEST_DIR"/starttls/*.eml)
first=$(reply_to "${smtps_files[0]}")

unset ENLACE_MAIL_CAFILE
run_cmd enlace campaign collect --imap "$imaps/INBOX"
expect_rc 3 "collect over imaps:// with no cafile: exit 3"
show_err
check "... says which server, and that its CA is unknown" \
  has err "refused the mail server at imaps://st@127\.0\.0\.2:$IMAPS_PORT/INBOX: its certificate is signed by \"[^\"]+\", a CA the system's certificate store does not hold"
check "... and the reply is not read" test "$(state "$first")" = sent
run_cmd enlace campaign collect --imap "$imap_starttls/INBOX"
expect_rc 3 "collect over imap:// + STARTTLS with no cafile: exit 3"
show_err
check "... says the CA is unknown" has err "refused the mail server at imap://st@127\.0\.0\.2:$IMAP_PORT/INBOX: .*a CA the system's certificate store does not hold"
check "... and the reply is not read" test "$(state "$first")" = sent

export ENLACE_MAIL_CAFILE=$ca/ca.pem
run_cmd enlace campaign collect --imap "$imaps/INBOX"
expect_rc 0 "collect over imaps:// with cafile set"
check "... confirms the entry that answered" has out "^1 confirmed, 0 need review"
check "... $first confirmed" test "$(state "$first")" = confirmed

second=$(reply_to "${starttls_files[0]}")
unset ENLACE_MAIL_CAFILE
printf 'imap-url=%s\ncafile=%s\n' "$imap_starttls" "$ca/ca.pem" >>"$XDG_CONFIG_HOME/enlace/enlace.conf"
run_cmd enlace campaign collect
expect_rc 0 "collect over imap:// + STARTTLS with [mail] imap-url and cafile in the config file"
check "... confirms the entry that answered, and reads the first no more" \
  has out "^1 confirmed, 0 need review, 0 without a known reference \(left unflagged\), 1 already read"
check "... $second confirmed" test "$(state "$second")" = confirmed

done_testing
