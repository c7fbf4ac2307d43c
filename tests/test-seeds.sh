# The seeds hold what the product brief (../shared/DOMAIN.md) asks for:
# every member country, body, network, role, institution type and
# referral competence with both labels; and a demo data set with liaisons
# in every country, a retired liaison with a successor and a prosecutor
# pending authorisation. OpenLDAP's own ldapadd reads the files too.
. "$top_srcdir/tests/libtest.sh"

start_slapd "$TEST_DIR/ldap"
run_cmd ldapadd -H "$ENLACE_URI" -Y EXTERNAL -Q -f "$top_srcdir/seeds/base.ldif"
expect_rc 0 "ldapadd loads seeds/base.ldif"
run_cmd ldapadd -H "$ENLACE_URI" -Y EXTERNAL -Q -f "$top_srcdir/seeds/demo.ldif"
expect_rc 0 "ldapadd loads seeds/demo.ldif"
run_cmd enlace init --demo
check "enlace init finds ldapadd's load complete" has out "^Nothing to do"

V="ou=vocabulary,$ENLACE_BASE"
# term_ids OU: the term IDs under ou=OU.
term_ids () { ldap_root -b "ou=$1,$V" -s one enlaceTermId | sed -n 's/^enlaceTermId: //p' | sort; }

for cc in BZ CA CR SV US GT HN MX NI PA DO; do
  run_cmd ldap_root -b "c=$cc,$ENLACE_BASE" -s base "enlaceLabel;lang-es" "enlaceLabel;lang-en" enlaceCallingCode enlaceBody
  check "$cc is a member country with labels and a calling code" \
    sh -c 'grep -q "^enlaceLabel;lang-es::\? " out && grep -q "^enlaceLabel;lang-en::\? " out && grep -q "^enlaceCallingCode: [0-9]" out && grep -q "^enlaceBody: crm$" out'
done
run_cmd ldap_root -b "$ENLACE_BASE" "(&(objectClass=enlaceCountry)(enlaceBody=corett))" c
check "nine countries belong to CORETT" test "$(count_dn <out)" -eq 9
run_cmd ldap_root -b "c=MX,$ENLACE_BASE" -s base "enlaceLabel;lang-es"
check "labels keep their accents (UTF-8)" has out "^enlaceLabel;lang-es:: $(printf 'México' | base64)$"

check "the roles are the brief's" test "$(term_ids roles | tr '\n' ' ')" = \
  "cancilleria-coordinator consular-officer intelligence-focal-point interpol-focal-point liaison-prosecutor migration-authority permanent-contact-point smuggling-focal-point "
check "the networks are the brief's" test "$(term_ids networks | tr '\n' ' ')" = \
  "corett crm-liaison-network intelligence-focal-points interpol redtram "
check "the institution types are the brief's" test "$(term_ids institution-types | tr '\n' ' ')" = \
  "child-protection foreign-ministry health-service international-organisation migration-authority national-commission ngo police prosecutor-office refugee-commission shelter women-protection "
check "the referral competences are the brief's" test "$(term_ids competences | tr '\n' ' ')" = \
  "extra-continental-migrants gender-violence health-psychosocial indigenous-afro-lgbti legal-aid older-adults pregnant-women refugees-asylum repatriation shelter trafficking-victims unaccompanied-children violence-in-transit "
run_cmd ldap_root -b "$V" "(&(objectClass=enlaceTerm)(|(!(enlaceLabel;lang-es=*))(!(enlaceLabel;lang-en=*))))" 1.1
check "every term has a Spanish and an English label" test "$(count_dn <out)" -eq 0
run_cmd ldap_root -b "$V" "(enlaceNeedsAuthorization=TRUE)" enlaceTermId
check "only liaison-prosecutor needs authorisation" test "$(sed -n 's/^enlaceTermId: //p' out)" = "liaison-prosecutor"
run_cmd ldap_root -b "enlaceTermId=crm-liaison-network,ou=networks,$V" -s base member
check "the CRM network lists its eleven countries by DN" test "$(grep -c '^member: c=' out)" -eq 11
run_cmd ldap_root -b "ou=observers,$ENLACE_BASE" -s one o
check "the seven observer organisations are there" test "$(count_dn <out)" -eq 7

# Demo data.
for cc in BZ CA CR SV US GT HN MX NI PA DO; do
  ldap_root -b "c=$cc,$ENLACE_BASE" "(&(objectClass=enlaceLiaison)(!(enlaceStatus=retired)))" enlaceRole >liaisons
  n=$(count_dn <liaisons)
  roles=$(sed -n 's/^enlaceRole: //p' liaisons | sort -u | wc -l)
  check "$cc has at least three current liaisons ($n) across several roles ($roles)" test "$n" -ge 3 -a "$roles" -ge 3
  ldap_root -b "c=$cc,$ENLACE_BASE" "(&(objectClass=enlaceInstitution)(enlaceCompetence=*))" 1.1 >inst
  check "$cc has referral institutions with competences" test "$(count_dn <inst)" -ge 2
done
run_cmd ldap_root -b "$ENLACE_BASE" "(&(objectClass=enlaceLiaison)(enlaceStatus=retired))" enlaceSuccessor enlaceRetirementDate enlaceRetirementReason
check "exactly one liaison is retired" test "$(count_dn <out)" -eq 1
retired=$(sed -n 's/^dn: //p' out)
check "the retired liaison has a date and a reason" sh -c 'grep -q "^enlaceRetirementDate: " out && grep -q "^enlaceRetirementReason::\? " out'
successor=$(sed -n 's/^enlaceSuccessor: //p' out)
run_cmd ldap_root -b "$successor" -s base enlaceStatus enlacePredecessor
check "the successor exists and is active" has out "^enlaceStatus: active$"
check "the successor links back to the retired liaison" has out "^enlacePredecessor: $retired$"
run_cmd ldap_root -b "$ENLACE_BASE" "(&(objectClass=enlaceLiaison)(enlaceStatus=pending))" enlaceRole enlaceAuthorizationDate
check "one liaison is pending" test "$(count_dn <out)" -eq 1
check "the pending liaison is a prosecutor" has out "^enlaceRole: liaison-prosecutor$"
check "the pending liaison is not yet authorised" lacks out "enlaceAuthorizationDate"
run_cmd ldap_root -b "$ENLACE_BASE" "(&(objectClass=enlaceLiaison)(enlaceRole=liaison-prosecutor)(enlaceStatus=active)(!(enlaceAuthorizationDate=*)))" 1.1
check "every active prosecutor was authorised" test "$(count_dn <out)" -eq 0
run_cmd ldap_root -b "$ENLACE_BASE" "(mail=*)" mail
check "every mail address is in a reserved .example domain" test "$(grep '^mail: ' out | grep -vc '\.example$')" -eq 0
run_cmd ldap_root -b "$ENLACE_BASE" "(objectClass=enlaceLiaison)" enlaceInstitution
missing=0
for inst in $(sed -n 's/^enlaceInstitution: //p' out | sort -u); do
  ldap_root -b "$inst" -s base 1.1 >/dev/null 2>&1 || { echo "# missing: $inst"; missing=$((missing + 1)); }
done
check "every liaison's institution exists" test "$missing" -eq 0

done_testing
