# The trust model of docs/SECURITY.md, row by row, the way a hostile
# account would try it: with OpenLDAP's own tools (ldapadd, ldapmodify,
# ldapdelete, ldapmodrdn, ldappasswd, ldapsearch) bound over a loopback
# port, and with enlace. Each test point is named after its row.
. "$top_srcdir/tests/libtest.sh"
# "printf ... | lt ..." runs lt in this shell, so its $rc is seen.
shopt -s lastpipe

port=$(free_port)
start_slapd "$TEST_DIR/ldap" --port "$port"
TCP="ldap://127.0.0.1:$port/"
enlace init --demo >/dev/null || bail_out "init failed"
B=o=enlace

# One password for every account (-y takes a file's whole contents).
printf 'secret-pass-1' >pw
chmod 600 pw
st=$(enlace account add --kind secretariat --new-password-file pw st) || bail_out "account add"
gt=$(enlace account add --kind cancilleria --country GT --new-password-file pw gt-canc)
hn=$(enlace account add --kind cancilleria --country HN --new-password-file pw hn-canc)
staff=$(enlace account add --kind staff --new-password-file pw analista)
book=$(enlace account add --kind addressbook --new-password-file pw libreta)
[ -n "$book" ] || bail_out "no address-book account"

# lt WHO TOOL ARGS...: an OpenLDAP tool bound as WHO over TCP ("" for
# anonymous); as WHO CMD...: enlace bound as WHO over TCP.
lt () { ldap_as "$TCP" "$1" "$TEST_DIR/pw" "${@:2}"; }
as () { enlace_as "$TCP" "$1" "$TEST_DIR/pw" "${@:2}"; }
# modify DN ATTR VALUE...: an LDIF replacing ATTR with the VALUEs.
modify () {
  local dn=$1 attr=$2 v
  shift 2
  printf 'dn: %s\nchangetype: modify\nreplace: %s\n' "$dn" "$attr"
  for v in "$@"; do printf '%s: %s\n' "$attr" "$v"; done
}
# liaison ID PARENT-COUNTRY C DESIGNATED-BY [extra lines...]: an add.
liaison () {
  local id=$1 parent=$2 c=$3 by=$4 x
  shift 4
  printf 'dn: enlaceId=%s,c=%s,%s\nobjectClass: enlaceLiaison\nenlaceId: %s\nc: %s\n' \
    "$id" "$parent" "$B" "$id" "$c"
  printf 'cn: Prueba Intrusa\ngivenName: Prueba\nsn: Intrusa\nenlaceStatus: active\n'
  printf 'enlaceDesignatedBy: %s\n' "$by"
  for x in "$@"; do printf '%s\n' "$x"; done
}
entries () { count_dn <"$TEST_DIR/out"; }
gt1=enlaceId=GT-L-0001,c=GT,$B
gt3=enlaceId=GT-L-0003,c=GT,$B
hn1=enlaceId=HN-L-0001,c=HN,$B

# --- Reading ----------------------------------------------------------------
lt "" ldapsearch -LLL -s base -b "" namingContexts
check "R1: anonymous reads the root DSE" has out "^namingContexts: $B"
lt "" ldapsearch -LLL -o ldif-wrap=no -s base -b cn=Subschema objectClasses
check "R1: anonymous reads the schema" has out "NAME 'enlaceLiaison'"
lt "" ldapsearch -LLL -b "$B" "(objectClass=*)" 1.1
check "R2: anonymous reads no entry of the directory" test "$(entries)" -eq 0
lt "$staff" ldapsearch -LLL -b "$hn1" -s base mail
check "R2: staff reads another country's liaison" has out "^mail: "
lt "$gt" ldapsearch -LLL -b "$hn1" -s base mail
check "R2: a Cancillería reads another country's liaison" has out "^mail: "
lt "$book" ldapsearch -LLL -b "$gt1" -s base cn mail
check "R2: the address book reads a current liaison" has out "^mail: "
lt "$book" ldapsearch -LLL -b "enlaceId=HN-L-0005,c=HN,$B" -s base cn
check "R2: the address book does not see a pending liaison" test "$(entries)" -eq 0
lt "$book" ldapsearch -LLL -b "enlaceId=GT-L-0004,c=GT,$B" -s base cn
check "R2: the address book does not see a retired liaison" test "$(entries)" -eq 0
lt "$book" ldapsearch -LLL -b "$B" "(|(cn=*a*)(mail=*a*))" cn
book_n=$(entries)
current=$(ldap_root -b "$B" "(&(|(objectClass=enlaceLiaison)(objectClass=enlaceInstitution))(|(enlaceStatus=active)(enlaceStatus=unverified))(|(cn=*a*)(mail=*a*)))" 1.1 | count_dn)
check "R2: an address-book search finds exactly the current entries ($book_n of $current)" \
  test "$book_n" -eq "$current" -a "$current" -gt 0

ldapmodify -H "$ENLACE_URI" -Y EXTERNAL -Q >/dev/null <<EOF || bail_out "cannot set restricted fields"
$(modify "$gt3" enlaceMobile +50255550000)
-
replace: enlaceNotes
enlaceNotes: Solo de uso interno
EOF
for who in st:"$st":1 gt:"$gt":1 hn:"$hn":0 staff:"$staff":0 book:"$book":0; do
  IFS=: read -r name dn sees <<<"$who"
  lt "$dn" ldapsearch -LLL -b "$gt3" -s base enlaceMobile enlaceNotes cn
  if [ "$sees" = 1 ]; then
    check "R3: $name reads GT's restricted fields" has out "^enlaceMobile: \+50255550000"
  else
    check "R3: $name does not read GT's restricted fields" lacks out "^enlace(Mobile|Notes):"
  fi
done
printf 'dn: enlaceTermId=consular-officer,ou=roles,ou=vocabulary,%s\nchangetype: modify\nadd: objectClass\nobjectClass: extensibleObject\n-\nadd: enlaceNotes\nenlaceNotes: nota escondida\n' "$B" | lt "$st" ldapmodify
expect_rc 0 "R3: the Secretariat may note something on a term"
lt "$staff" ldapsearch -LLL -b "enlaceTermId=consular-officer,ou=roles,ou=vocabulary,$B" -s base enlaceNotes
check "R3: restricted fields anywhere are not for staff" lacks out "^enlaceNotes"
lt "$book" ldapsearch -LLL -b "ou=vocabulary,$B" "(objectClass=*)" 1.1
check "R4: the address book reads no vocabulary" test "$(entries)" -eq 0
lt "$staff" ldapsearch -LLL -b "ou=vocabulary,$B" "(objectClass=enlaceTerm)" 1.1
check "R4: staff read the vocabulary" test "$(entries)" -gt 30
lt "$st" ldapsearch -LLL -b "ou=accounts,$B" "(objectClass=person)" 1.1
check "R5: the Secretariat reads every account" test "$(entries)" -eq 5
lt "$staff" ldapsearch -LLL -b "$staff" -s base cn
check "R5: staff read their own account" has out "^cn: analista"
lt "$staff" ldapsearch -LLL -b "ou=accounts,$B" "(objectClass=*)" 1.1
check "R5: ... and no other" test -z "$(sed -n 's/^dn: //p' out | grep -vx "$staff")"
lt "$gt" ldapsearch -LLL -b "$st" -s base cn
check "R5: a Cancillería does not read the Secretariat's account" test "$(entries)" -eq 0
lt "$st" ldapsearch -LLL -b "$staff" -s base userPassword
check "R6: the Secretariat reads no password hash" lacks out "^userPassword"
lt "$staff" ldapsearch -LLL -b "$staff" -s base userPassword
check "R6: an account does not read its own password hash" lacks out "^userPassword"
lt "$st" ldapsearch -LLL -b cn=accesslog "(reqDN=$gt1)" 1.1
check "R7: the Secretariat reads the history" test "$(entries)" -gt 0
for who in gt:"$gt" staff:"$staff" book:"$book"; do
  lt "${who#*:}" ldapsearch -LLL -b cn=accesslog "(objectClass=*)" 1.1
  check "R7: ${who%%:*} reads nothing of the history" test "$(entries)" -eq 0
done
run_cmd enlace campaign open 2026
expect_rc 0 "a campaign is opened (for R8)"
lt "$st" ldapsearch -LLL -b "ou=campaigns,$B" "(objectClass=enlaceCampaignItem)" 1.1
check "R8: the Secretariat reads the campaigns" test "$(entries)" -gt 0
lt "$gt" ldapsearch -LLL -b "ou=campaigns,$B" "(objectClass=*)" 1.1
check "R8: a Cancillería reads nothing of the campaigns" test "$(entries)" -eq 0

# --- Limits: 600 more liaisons than the 500 an unpaged search returns -------
{
  for i in $(seq 1001 1600); do
    printf 'dn: enlaceId=GT-L-%04d,c=GT,%s\nobjectClass: enlaceLiaison\nenlaceId: GT-L-%04d\n' "$i" "$B" "$i"
    printf 'c: GT\ncn: Persona %d\nsn: Persona\nenlaceStatus: active\nenlaceRole: consular-officer\n\n' "$i"
  done
} >many.ldif
ldapadd -H "$ENLACE_URI" -Y EXTERNAL -Q -E txn=commit -f many.ldif >/dev/null || bail_out "cannot add 600 liaisons"
total=$(ldap_root -b "c=GT,$B" "(objectClass=enlaceLiaison)" 1.1 | count_dn)
lt "$staff" ldapsearch -LLL -E pr=1000/noprompt -b "$B" "(objectClass=enlaceLiaison)" 1.1
check "L1: staff page through all $total liaisons of GT and more" test "$(entries)" -gt "$total"
as "$staff" enlace find --country GT --format json
check "L1: enlace find as staff returns all $total of GT's liaisons" \
  test "$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["liaisons"]))' <out)" -eq "$((total - 1))"
as "$gt" enlace status
expect_rc 0 "L1: enlace status works for a Cancillería over $total liaisons"
as "$staff" enlace export -o staff.xml
expect_rc 0 "L1: enlace export works for staff"
check "L1: the export holds every current liaison of GT" test "$(grep -c '<liaison id="GT-L-' staff.xml)" -eq "$((total - 1))"
lt "$staff" ldapsearch -LLL -b "$B" "(objectClass=enlaceLiaison)" 1.1
expect_rc 4 "L2: an unpaged search stops with sizeLimitExceeded"
check "L2: ... after 500 entries" test "$(entries)" -eq 500

# --- A Cancillería of GT ----------------------------------------------------
liaison GT-L-0901 GT GT "$gt" | lt "$gt" ldapadd
expect_rc 0 "C1: a Cancillería adds a liaison of its own country (ldapadd)"
as "$gt" enlace register --country GT --given-name Nueva --surname Persona --title T \
  --institution GT-I-0001 --role consular-officer --email nueva.persona@x.example
expect_rc 0 "C1: ... and with enlace register"
liaison HN-L-0901 HN HN "$gt" | lt "$gt" ldapadd
expect_rc 50 "C2: a Cancillería cannot add under another country"
as "$gt" enlace register --country HN --given-name Nueva --surname Persona --title T \
  --institution HN-I-0001 --role consular-officer --email nueva.hn@x.example
expect_rc 4 "C2: ... nor with enlace register (exit 4)"
liaison HN-L-0902 GT GT "$gt" | lt "$gt" ldapadd
expect_rc 50 "C3: no other country's ID prefix under its own country"
liaison GT-L-0903 GT HN "$gt" | lt "$gt" ldapadd
expect_rc 50 "C4: no other country in c"
liaison GT-L-0904 GT GT "$gt" "userPassword: secret-pass-2" | lt "$gt" ldapadd
expect_rc 50 "C5: no userPassword: a Cancillería cannot make itself a login"
liaison GT-L-0905 GT GT "$gt" "objectClass: labeledURIObject" | lt "$gt" ldapadd
expect_rc 50 "C5: no other object class"
liaison GT-L-0906 GT GT "$gt" "uid: intruso" | lt "$gt" ldapadd
expect_rc 50 "C5: no attribute outside the enlace fields (uid)"
liaison GT-L-0907 GT GT "$gt" | sed 's/^enlaceStatus: active/enlaceStatus: retired/' | lt "$gt" ldapadd
expect_rc 50 "C6: not already retired"
liaison GT-L-0908 GT GT "$gt" | sed 's/^enlaceStatus: active/enlaceStatus: unverified/' | lt "$gt" ldapadd
expect_rc 50 "C6: not unverified"
liaison GT-L-0909 GT GT "$st" | lt "$gt" ldapadd
expect_rc 50 "C7: not designated by the Secretariat's DN"
liaison GT-L-0911 GT GT "$gt" | grep -v '^enlaceDesignatedBy' | lt "$gt" ldapadd
expect_rc 50 "C7: nor designated by no one"
printf 'dn: enlaceId=GT-I-0901,c=GT,%s\nobjectClass: enlaceInstitution\nenlaceId: GT-I-0901\no: Sin Pais\nenlaceStatus: active\nenlaceDesignatedBy: %s\n' "$B" "$gt" | lt "$gt" ldapadd
expect_rc 50 "C4: nor an institution without c"
liaison GT-L-0910 GT GT "$gt" "enlaceLastConfirmed: 20261127000000Z" | lt "$gt" ldapadd
expect_rc 50 "C8: no last-confirmed date"
gt2=enlaceId=GT-L-0002,c=GT,$B
modify "$gt2" title "Jefa de Enlace" | lt "$gt" ldapmodify
expect_rc 0 "C9: a Cancillería changes its own liaison's title"
modify "$gt2" facsimileTelephoneNumber +50222000000 | lt "$gt" ldapmodify
expect_rc 0 "C9: ... and its fax"
modify "$gt3" enlaceNotes "Nota nueva" | lt "$gt" ldapmodify
expect_rc 0 "C9: ... and its restricted fields"
as "$gt" enlace update GT-L-0002 --title "Directora"
expect_rc 0 "C9: ... and with enlace update"
modify "$gt2" enlaceInstitution "enlaceId=GT-I-0002,c=GT,$B" | lt "$gt" ldapmodify
expect_rc 0 "C9: an institution of its own country"
modify "$gt2" enlaceInstitution "enlaceId=OBS-I-0001,ou=observers,$B" | lt "$gt" ldapmodify
expect_rc 0 "C9: ... or an observer organisation"
modify "$gt2" enlaceInstitution "enlaceId=HN-I-0001,c=HN,$B" | lt "$gt" ldapmodify
expect_rc 50 "C9: not another country's institution"
modify "$gt2" enlacePredecessor "enlaceId=GT-L-0004,c=GT,$B" | lt "$gt" ldapmodify
expect_rc 0 "C9: a predecessor of its own country"
modify "$gt2" enlaceSuccessor "$hn1" | lt "$gt" ldapmodify
expect_rc 50 "C9: not a successor of another country"
modify "$gt2" userPassword secret-pass-3 | lt "$gt" ldapmodify
expect_rc 50 "C10: not userPassword"
printf 'dn: %s\nchangetype: modify\nadd: objectClass\nobjectClass: simpleSecurityObject\n-\nadd: userPassword\nuserPassword: secret-pass-3\n' "$gt2" | lt "$gt" ldapmodify
expect_rc 50 "C10: not an object class and a password (a login)"
modify "$gt2" c HN | lt "$gt" ldapmodify
expect_rc 50 "C10: not c"
modify "$gt2" enlaceId GT-L-0999 | lt "$gt" ldapmodify
expect_rc 50 "C10: not enlaceId"
modify "$hn1" title "Cambio ajeno" | lt "$gt" ldapmodify
expect_rc 50 "C11: not another country's liaison"
as "$gt" enlace update HN-L-0001 --title "Cambio ajeno"
expect_rc 4 "C11: ... nor with enlace update"
lt "$gt" ldapdelete "$gt2"
expect_rc 50 "C12: a Cancillería never deletes"
lt "$gt" ldapmodrdn "$gt2" enlaceId=GT-L-0998
expect_rc 50 "C13: a Cancillería never renames"
lt "$gt" ldapmodrdn -s "c=HN,$B" "$gt2" enlaceId=GT-L-0002
expect_rc 50 "C13: ... nor moves an entry to another country"
modify "$gt3" enlaceAuthorizedBy "$st" | lt "$gt" ldapmodify
expect_rc 50 "C14: 'authorised by' cannot name the Secretariat"
modify "$gt3" enlaceAuthorizedBy "$gt" | lt "$gt" ldapmodify
expect_rc 0 "C14: 'authorised by' can name itself"
modify "$gt3" enlaceRetiredBy "$hn" | lt "$gt" ldapmodify
expect_rc 50 "C14: 'retired by' cannot name another Cancillería"
modify "enlaceId=GT-L-0901,c=GT,$B" enlaceDesignatedBy "$gt" | lt "$gt" ldapmodify
expect_rc 50 "C14: 'designated by' is written once, with the entry"
modify "$gt3" enlaceStatus pending | lt "$gt" ldapmodify
expect_rc 0 "C15: active -> pending"
modify "$gt3" enlaceStatus active | lt "$gt" ldapmodify
expect_rc 0 "C15: pending -> active"
printf 'dn: %s\nchangetype: modify\nreplace: enlaceStatus\nenlaceStatus: unverified\n' "$gt2" | lt "$st" ldapmodify
expect_rc 0 "S2: the Secretariat flags an entry unverified (campaign close)"
modify "$gt2" enlaceStatus active | lt "$gt" ldapmodify
expect_rc 50 "C16: unverified -> active is refused (a campaign says confirmed)"
modify "$gt2" enlaceStatus pending | lt "$gt" ldapmodify
expect_rc 50 "C16: unverified -> pending is refused"
modify "enlaceId=GT-L-0901,c=GT,$B" enlaceStatus unverified | lt "$gt" ldapmodify
expect_rc 50 "C17: a Cancillería never sets unverified"
modify "$gt2" title "Sigue activa" | lt "$gt" ldapmodify
expect_rc 0 "C16: an unverified entry's fields can still be kept current"
as "$gt" enlace retire GT-L-0002 --reason "Traslado"
expect_rc 0 "C16: unverified -> retired (enlace retire)"
check "C14: the retirement names the Cancillería" has <(ldap_root -b "$gt2" -s base enlaceRetiredBy) "enlaceRetiredBy: $gt"
modify "$gt2" title "Vuelve" | lt "$gt" ldapmodify
expect_rc 50 "C18: a retired entry is frozen"
modify "$gt2" enlaceStatus active | lt "$gt" ldapmodify
expect_rc 50 "C18: a retired entry cannot come back"
modify "$gt1" enlaceLastConfirmed 20261127000000Z | lt "$gt" ldapmodify
expect_rc 50 "C19: not enlaceLastConfirmed"
item=$(ldap_root -b "ou=campaigns,$B" "(cn=GT-L-0001)" 1.1 | sed -n 's/^dn: //p' | head -1)
modify "$item" enlaceCampaignState confirmed | lt "$gt" ldapmodify
expect_rc 50 "C19: nothing of a campaign"
printf 'dn: cn=intruso,c=GT,ou=accounts,%s\nobjectClass: person\ncn: intruso\nsn: x\nuserPassword: secret-pass-9\n' "$B" | lt "$gt" ldapadd
expect_rc 50 "C20: a Cancillería creates no account"
lt "$gt" ldapdelete "$hn"
expect_rc 50 "C20: ... deletes none"
lt "$gt" ldappasswd -s secret-pass-8 "$hn"
check "C20: ... sets no other account's password" has out "Insufficient access"
as "$gt" enlace history GT-L-0001
expect_rc 4 "C20: ... and reads no history (exit 4)"

# --- The Secretariat ----------------------------------------------------------
liaison HN-L-0911 HN HN "$st" | lt "$st" ldapadd
expect_rc 0 "S1: the Secretariat adds a liaison to any country"
liaison GT-L-0912 HN HN "$st" | lt "$st" ldapadd
expect_rc 50 "S1: ... with its country's prefix only"
liaison HN-L-0913 HN GT "$st" | lt "$st" ldapadd
expect_rc 50 "S1: ... and its country in c"
modify "$hn1" enlaceLastConfirmed 20261127000000Z | lt "$st" ldapmodify
expect_rc 0 "S2: the Secretariat sets last-confirmed"
modify "$hn1" enlaceAuthorizedBy "$hn" | lt "$st" ldapmodify
expect_rc 50 "S3: the Secretariat cannot write another DN as 'authorised by'"
liaison HN-L-0914 HN HN "$hn" | lt "$st" ldapadd
expect_rc 50 "S3: ... nor as 'designated by'"
liaison HN-L-0915 HN HN "$st" | grep -v '^enlaceDesignatedBy' | lt "$st" ldapadd
expect_rc 50 "S3: ... nor leave 'designated by' out"
printf 'dn: ou=x,c=HN,%s\nobjectClass: organizationalUnit\nou: x\n' "$B" | lt "$st" ldapadd
expect_rc 50 "S1: the Secretariat adds nothing shaped otherwise (a branch under a country)"
printf 'dn: cn=Falsa+enlaceId=HN-L-0804,c=HN,%s\nobjectClass: enlaceLiaison\nobjectClass: extensibleObject\nenlaceId: HN-L-0804\nc: HN\ncn: Falsa\nsn: Falsa\nenlaceStatus: active\nenlaceDesignatedBy: %s\nenlaceMobile: +50477777777\n' "$B" "$st" | lt "$st" ldapadd
expect_rc 50 "S1: ... nor a liaison under a two-part name"
modify "$hn1" enlaceStatus "not-a-status" | lt "$st" ldapmodify
expect_rc 50 "S2: the Secretariat sets no status but the four"
lt "$st" ldapdelete "$hn1"
expect_rc 50 "S4: the Secretariat never deletes a liaison"
lt "$st" ldapmodrdn "$hn1" enlaceId=HN-L-0999
expect_rc 50 "S4: ... nor renames one"
modify "$hn1" userPassword secret-pass-4 | lt "$st" ldapmodify
expect_rc 50 "S5: no password on a directory entry, even by the Secretariat"
printf 'dn: enlaceTermId=test-role,ou=roles,ou=vocabulary,%s\nobjectClass: enlaceTerm\nenlaceTermId: test-role\nenlaceLabel;lang-es: Prueba\nenlaceLabel;lang-en: Test\n' "$B" | lt "$st" ldapadd
expect_rc 0 "S6: the Secretariat adds a vocabulary term"
lt "$st" ldapdelete "enlaceTermId=test-role,ou=roles,ou=vocabulary,$B"
expect_rc 0 "S6: ... and deletes it"
printf 'dn: cn=nueva,ou=staff,ou=accounts,%s\nobjectClass: person\ncn: nueva\nsn: staff\n' "$B" | lt "$st" ldapadd
expect_rc 0 "S7: the Secretariat creates an account"
lt "$st" ldappasswd -s secret-pass-5 "cn=nueva,ou=staff,ou=accounts,$B"
expect_rc 0 "S7: ... sets its password"
lt "$st" ldapdelete "cn=nueva,ou=staff,ou=accounts,$B"
expect_rc 0 "S7: ... and deletes it"
modify "cn=password-policy,ou=accounts,$B" pwdMinLength 1 | lt "$st" ldapmodify
expect_rc 50 "S8: the Secretariat cannot weaken the password policy"
modify "$staff" pwdPolicySubentry "cn=weak,ou=staff,ou=accounts,$B" | lt "$st" ldapmodify
expect_rc 50 "S8: ... nor give an account another policy"
printf 'dn: cn=sinpolitica,ou=staff,ou=accounts,%s\nobjectClass: person\ncn: sinpolitica\nsn: x\npwdPolicySubentry: cn=nada,ou=campaigns,%s\nuserPassword: x\n' "$B" "$B" | lt "$st" ldapadd
expect_rc 50 "S8: ... not even when it adds it"
printf 'dn: cn=otraclase,ou=staff,ou=accounts,%s\nobjectClass: inetOrgPerson\ncn: otraclase\nsn: x\nuid: otraclase\n' "$B" | lt "$st" ldapadd
expect_rc 50 "S8: an account is a person, nothing more"
modify "ou=staff,ou=accounts,$B" userPassword secret-pass-9 | lt "$st" ldapmodify
expect_rc 50 "S8: a branch of the accounts gets no password (no other login)"
printf 'dn: cn=login,ou=campaigns,%s\nobjectClass: person\ncn: login\nsn: x\nuserPassword: secret-pass-9\n' "$B" | lt "$st" ldapadd
expect_rc 50 "S9: nor does an entry of the campaigns"
printf 'dn: %s\nchangetype: modify\nadd: objectClass\nobjectClass: pwdPolicy\n-\nadd: pwdAttribute\npwdAttribute: userPassword\n' "$staff" | lt "$st" ldapmodify
expect_rc 50 "S8: ... nor another object class"
modify "$item" enlaceCampaignState confirmed | lt "$st" ldapmodify
expect_rc 0 "S9: the Secretariat writes the campaigns"
log=$(ldap_root -b cn=accesslog "(reqDN=$hn1)" 1.1 | sed -n 's/^dn: //p' | head -1)
lt "$st" ldapdelete "$log"
expect_rc 50 "S9: the Secretariat cannot delete from the history"

# --- Everyone else ------------------------------------------------------------
modify "$gt1" title X | lt "$staff" ldapmodify
expect_rc 50 "T1: staff modify nothing"
liaison GT-L-0920 GT GT "$staff" | lt "$staff" ldapadd
expect_rc 50 "T1: staff add nothing"
lt "$staff" ldapdelete "$gt1"
expect_rc 50 "T1: staff delete nothing"
lt "$staff" ldapmodrdn "$gt1" enlaceId=GT-L-0997
expect_rc 50 "T1: staff rename nothing"
modify "$gt1" title X | lt "$book" ldapmodify
expect_rc 50 "B1: an address book writes nothing"
modify "$gt1" title X | lt "" ldapmodify
expect_rc 8 "A1: anonymous writes nothing (strong authentication required)"

# P1: another local user's identity over the socket counts as nobody.
if [ "$(id -u)" -eq 0 ]; then
  chmod 711 "$TEST_DIR" "$SLAPD_DIR"
  setpriv --reuid=65534 --regid=65534 --clear-groups ldapwhoami -H "$ENLACE_URI" -Y EXTERNAL -Q \
    >out 2>err || true
  check "P1: another local user binds over the socket as itself" has out "uidNumber=65534,cn=peercred"
  setpriv --reuid=65534 --regid=65534 --clear-groups ldapsearch -H "$ENLACE_URI" -Y EXTERNAL -Q -LLL \
    -b "$B" "(objectClass=*)" 1.1 >out 2>err || true
  check "P1: ... and reads nothing (the base is not even there)" test "$(entries)" -eq 0
  setpriv --reuid=65534 --regid=65534 --clear-groups ldapsearch -H "$ENLACE_URI" -Y EXTERNAL -Q -LLL \
    -s base -b "" namingContexts >out 2>err || true
  check "P1: ... but the root DSE" has out "^namingContexts:"
  chmod 700 "$TEST_DIR" "$SLAPD_DIR"
else
  for i in 1 2 3; do ok "P1 # SKIP needs root to act as another local user"; done
fi

# --- Passwords ---------------------------------------------------------------
hash_of () { ldap_root -b "$1" -s base userPassword | sed -n 's/^userPassword:: //p' | base64 -d 2>/dev/null | cut -c1-8; }
check "W1: a password set by enlace account add is Argon2" test "$(hash_of "$staff")" = "{ARGON2}"
printf 'secret-pass-6' >pw6
chmod 600 pw6
rc=0
ldappasswd -x -H "$TCP" -D "$staff" -y pw -s secret-pass-6 >/dev/null 2>&1 || rc=$?
check "T2: staff change their own password (ldappasswd)" test "$rc" -eq 0
check "W1: ... hashed with Argon2" test "$(hash_of "$staff")" = "{ARGON2}"
rc=0
modify "$staff" userPassword secret-pass-1 | ldapmodify -x -H "$TCP" -D "$staff" -y pw6 >/dev/null 2>&1 || rc=$?
check "T2: ... or with a plain modify" test "$rc" -eq 0
check "W1: a clear-text password set by a plain modify is stored Argon2" test "$(hash_of "$staff")" = "{ARGON2}"
lt "$staff" ldappasswd -s short1 "$staff"
check "W2: a password of 6 characters is refused (Password Modify)" has out "Constraint violation"
modify "$staff" userPassword short1 | lt "$staff" ldapmodify
expect_rc 19 "W2: ... and by a plain modify"
modify "$staff" userPassword "{SSHA}98QIrNZ0StLJWSHSxnh7jVGiwEqedTqk" | lt "$staff" ldapmodify
expect_rc 19 "W3: a value already hashed is refused"
lt "$st" ldappasswd -s secret-pass-7 "$book"
expect_rc 0 "S7: the Secretariat sets another account's password"
check "W1: ... hashed with Argon2" test "$(hash_of "$book")" = "{ARGON2}"

victim=$(enlace account add --kind staff --new-password-file pw victima)
printf 'wrong-pass-0' >bad
for i in 1 2 3 4 5; do ldapwhoami -x -H "$TCP" -D "$victim" -y bad >/dev/null 2>&1; done
lt "$victim" ldapwhoami
expect_rc 49 "W4: after 5 failed binds even the right password fails"
as "$victim" enlace find --country GT
expect_rc 4 "W4: enlace says permission denied"
check "W4: ... because the account is locked" has err "locked after repeated failed binds"
as "$st" enlace account list
check "W4: account list shows it locked" has out "victima .*locked since"
as "$st" enlace account unlock victima
expect_rc 0 "W4: the Secretariat unlocks it"
lt "$victim" ldapwhoami
expect_rc 0 "W4: ... and it binds again"
as "$gt" enlace account unlock victima
expect_rc 1 "W4: a Cancillería cannot unlock (it sees no account)"
check "W5: the history holds no password, hashed or not" \
  test "$(ldap_root -b cn=accesslog "(objectClass=*)" reqMod reqOld | grep -ci userpassword)" -eq 0
chmod 644 pw
as "$staff" enlace find --country GT --format csv
check "W6: a password file others can read is warned about" has err "warning: .*readable or writable by others"
chmod 600 pw

# --- Files ---------------------------------------------------------------------
mkdir -m 777 open
run_cmd enlace-local start --dir "$TEST_DIR/open"
expect_rc 4 "F1: a directory others can write is refused"
check "F1: ... saying why and what to do" has err "open to other users .*chmod 700"
check "F1: ... and nothing is created in it" test -z "$(ls -A open)"
if [ "$(id -u)" -eq 0 ]; then
  mkdir -m 700 theirs && chown 65534 theirs
  run_cmd enlace-local start --dir "$TEST_DIR/theirs"
  expect_rc 4 "F1: a directory another user owns is refused"
else
  ok "F1 # SKIP needs root to give a directory to another user"
fi
check "F1: an instance directory enlace-local made is 0700" test "$(stat -c %a "$SLAPD_DIR")" = 700
mkdir -m 777 swappable
chmod -t swappable
run_cmd enlace-local start --dir "$TEST_DIR/swappable/i"
expect_rc 4 "F1: a directory whose parent others may write (not sticky) is refused"
check "F1: ... naming the parent" has err "swappable is writable by other users"

done_testing
