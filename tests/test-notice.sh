# Change notices: register, authorise, a change of contact data and retire
# each mail the Secretariat and the country's Cancillería contacts, through
# a real SMTP server; read back with Python's email package. And header
# injection through directory data is impossible.
. "$top_srcdir/tests/libtest.sh"

start_slapd
enlace init --demo >/dev/null || bail_out "enlace init --demo failed"
start_smtp_sink "$TEST_DIR/sink"
SMTP_PORT_FIRST=$SMTP_PORT
export XDG_CONFIG_HOME=$TEST_DIR/config
mkdir -p "$XDG_CONFIG_HOME/enlace"
printf '[mail]\nfrom-name=Secretaría Técnica\nsecretariat=registro@st.example\nretry-delay-ms=10\n' \
  >"$XDG_CONFIG_HOME/enlace/enlace.conf"
export ENLACE_MAIL_FROM=st@st.example

mails () { /usr/bin/python3 "$top_srcdir/tests/mail-check.py" "$TEST_DIR/sink" >"$TEST_DIR/mails"; }
sent () { wc -l <"$TEST_DIR/sink/log.jsonl"; }
body_of_last () {
  /usr/bin/python3 -c 'import email, email.policy, sys, json
rec = [json.loads(l) for l in open(sys.argv[1] + "/log.jsonl")][-1]
m = email.message_from_binary_file(open(sys.argv[1] + "/" + rec["file"], "rb"), policy=email.policy.default)
print(m.get_body(("plain",)).get_content())' "$TEST_DIR/sink"
}

run_cmd enlace register --country GT --given-name "Marta" --surname "Núñez Ávila" --title Coordinadora \
  --institution GT-I-0001 --role cancilleria-coordinator --email coordinacion@cancilleria.gt.example
expect_rc 0 "register the GT Cancillería coordinator"
coord=$(cat out)
mails
check "a notice went to the Secretariat" has "$TEST_DIR/mails" "^notice	$coord	-	Secretaría Técnica	registro@st.example	"
check "... and to the coordinator, the accented name intact" \
  has "$TEST_DIR/mails" "^notice	$coord	-	Marta Núñez Ávila	coordinacion@cancilleria.gt.example	"
check "... subject: alta" has "$TEST_DIR/mails" "Directorio de enlaces: alta $coord \(GT\)"

run_cmd enlace register --country GT --given-name "José Ángel" --surname "Quiñónez" --title Fiscal \
  --institution GT-I-0003 --role liaison-prosecutor --email jose.quinonez@mp.gt.example
expect_rc 0 "register a prosecutor (pending)"
id=$(cat out)
mails
check "the Cancillería hears of the new designation" \
  has "$TEST_DIR/mails" "^notice	$id	-	Marta Núñez Ávila	coordinacion@cancilleria.gt.example	Directorio de enlaces: alta $id"
body_of_last >body.txt
check "the notice lists the data, accents intact" has body.txt "Nombre: +José Ángel Quiñónez"
check "... and says who made the change" has body.txt "^Cambio registrado por: "
run_cmd enlace authorize "$id"
expect_rc 0 "authorize"
check "... notice: autorización" has <(mails; cat "$TEST_DIR/mails") "autorización $id"
n=$(sent)
run_cmd enlace update "$id" --notes "habla inglés"
check "a change of notes alone sends no notice" test "$(sent)" -eq "$n"
run_cmd enlace update "$id" --phone "2411-9000"
check "a change of phone sends one" has <(mails; cat "$TEST_DIR/mails") "cambio de datos $id"
run_cmd enlace retire "$id" --reason "Traslado"
check "retire sends one" has <(mails; cat "$TEST_DIR/mails") "baja $id"
run_cmd enlace institution add --country HN --name "Albergue Nueva Esperanza" --type shelter \
  --email albergue@example.org
check "institutions are notified too" has <(mails; cat "$TEST_DIR/mails") "alta HN-I-"
check "every notice is clean" test "$(grep -vc '	ok$' "$TEST_DIR/mails")" -eq 0

# Templates are data: a directory of overrides wins, file by file.
mkdir -p "$TEST_DIR/tpl"
printf 'Subject: Aviso propio: {{change}} {{id}}\n\nTexto propio para {{country}}.\n{{data}}\n' \
  >"$TEST_DIR/tpl/notice.es.txt"
ENLACE_TEMPLATES=$TEST_DIR/tpl run_cmd enlace update "$coord" --phone "2200-0001"
expect_rc 0 "an update with overriding templates"
check "... the notice uses the override" has <(mails; cat "$TEST_DIR/mails") "Aviso propio: cambio de datos $coord"
body_of_last >body.txt
check "... its body too" has body.txt "^Texto propio para GT\.$"
printf 'Subject: roto {{nonexistent}}\n\nx\n' >"$TEST_DIR/tpl/notice.es.txt"
ENLACE_TEMPLATES=$TEST_DIR/tpl run_cmd enlace update "$coord" --phone "2200-0002"
check "a broken template is named in the warning" has err "unknown placeholder \{\{nonexistent\}\}"

printf 'notify=false\n' >>"$XDG_CONFIG_HOME/enlace/enlace.conf"
n=$(sent)
run_cmd enlace update "$coord" --title "Coordinadora General"
expect_rc 0 "with notify=false"
check "... nothing is sent" test "$(sent)" -eq "$n"
sed -i '/^notify=false$/d' "$XDG_CONFIG_HOME/enlace/enlace.conf"

# A server that wants a login: the user in the URL, the password from the file.
start_smtp_sink "$TEST_DIR/sink-auth" --auth "st:clave secreta"
auth_url=$ENLACE_SMTP_URL
printf 'clave secreta\n' >"$TEST_DIR/mail-password"
ENLACE_SMTP_URL=${auth_url/smtp:\/\//smtp://st@} ENLACE_MAIL_PASSWORD_FILE=$TEST_DIR/mail-password \
  run_cmd enlace update "$coord" --title "Coordinadora Adjunta"
expect_rc 0 "with SMTP AUTH and the right password"
check "... the notice is accepted" test "$(wc -l <"$TEST_DIR/sink-auth/log.jsonl")" -eq 1
printf 'otra\n' >"$TEST_DIR/wrong-password"
ENLACE_SMTP_URL=${auth_url/smtp:\/\//smtp://st@} ENLACE_MAIL_PASSWORD_FILE=$TEST_DIR/wrong-password \
  run_cmd enlace update "$coord" --title "Coordinadora"
check "with a wrong password the warning says the login was refused" has err "refused the login"
ENLACE_SMTP_URL=${auth_url/smtp:\/\//smtp://st@} run_cmd env -u ENLACE_MAIL_PASSWORD_FILE enlace update "$coord" --title "Coordinadora"
check "without a password the server's refusal is reported" has err "not sent"
export ENLACE_SMTP_URL=smtp://127.0.0.1:$SMTP_PORT_FIRST

ENLACE_SMTP_URL=smtp://127.0.0.1:$(free_port) run_cmd enlace update "$coord" --title "Coordinadora"
expect_rc 0 "with the mail server down, the change is still made"
check "... and a warning says the notice was not sent" has err "warning: the change is recorded, but the notice was not sent"
check "... the change is there" has <(enlace show "$coord" --format tsv) "Coordinadora"

# Header injection through directory data: a liaison added with ldapadd
# whose name carries CR LF and a header of its own.
name=$(printf 'Eve Mallory\r\nBcc: spy@attacker.example' | base64 -w0)
ldapadd -H "$ENLACE_URI" -Y EXTERNAL -Q >/dev/null <<LDIF || bail_out "ldapadd failed"
dn: enlaceId=SV-L-0901,c=SV,o=enlace
objectClass: enlaceLiaison
enlaceId: SV-L-0901
c: SV
enlaceStatus: active
cn:: $name
sn: Mallory
mail: eve@sv.example
enlaceRole: cancilleria-coordinator
LDIF
run_cmd enlace register --country SV --given-name "Ana" --surname "Ruiz" --title Oficial \
  --institution SV-I-0001 --role smuggling-focal-point --email ana.ruiz@rree.sv.example
expect_rc 0 "a registration in SV succeeds"
check "... the notice is refused, naming the header" has err "not sent: To: a line break is not allowed"
export ENLACE_NOW=2026-02-02
enlace campaign open 2026 --country sv >/dev/null  # any case
ENLACE_MAIL_PASSWORD_FILE=$TEST_DIR/wrong-password ENLACE_SMTP_URL=${auth_url/smtp:\/\//smtp://st@} \
  run_cmd enlace campaign send
expect_rc 4 "campaign send whose login the server refuses: exit 4"
check "... says so" has err "refused the login"
check "... and records nobody as undeliverable for it" \
  test "$(ldap_root -b cn=2026,ou=campaigns,o=enlace "(enlaceCampaignState=undeliverable)" 1.1 | count_dn)" -eq 0
run_cmd enlace campaign send
expect_rc 0 "a campaign with that entry in it runs"
check "... and marks it undeliverable, for the same reason" \
  has <(ldap_root -b cn=SV-L-0901,cn=2026,ou=campaigns,o=enlace enlaceDeliveryError enlaceCampaignState) "line break"
mails
check "no message carries an injected header" test "$(grep -vc '	ok$' "$TEST_DIR/mails")" -eq 0
check "nothing went to the injected address" lacks "$TEST_DIR/sink/log.jsonl" "attacker"
check "nothing went to Eve either" lacks "$TEST_DIR/sink/log.jsonl" "eve@sv.example"

done_testing
