# The schema's two forms agree: slapd loaded with enlace.schema (slapd.conf)
# and slapd loaded with the generated enlace.ldif (cn=config, through
# enlace-local) publish the same definitions in cn=Subschema.
. "$top_srcdir/tests/libtest.sh"

arc=2.25.113587505074301990043996552978971161485

# ours URI: enlace's own definitions from the server's subschema, one a line.
ours () {
  ldapsearch -x -H "$1" -LLL -o ldif-wrap=no -s base -b cn=Subschema \
    attributeTypes objectClasses | grep -F "( $arc." | sort
}

start_plain_slapd "$TEST_DIR/conf" "$top_srcdir/schema/enlace.schema"
ours "$PLAIN_URI" >from-schema
start_slapd "$TEST_DIR/ldap"
ours "$ENLACE_URI" >from-ldif

check "the .schema form defines 39 attribute types" \
  test "$(grep -c '^attributeTypes:' from-schema)" -eq 39
check "the .schema form defines 8 object classes" \
  test "$(grep -c '^objectClasses:' from-schema)" -eq 8
if diff -u from-schema from-ldif >schema.diff; then
  ok "the cn=config form publishes exactly what the .schema form does"
else
  not_ok "the cn=config form publishes exactly what the .schema form does"
  sed 's/^/#   /' schema.diff
fi
awk -v name=enlace -f "$top_srcdir/schema/schema2ldif.awk" "$top_srcdir/schema/enlace.schema" >regenerated.ldif
check "the built enlace.ldif is generated from the current enlace.schema" \
  cmp -s regenerated.ldif "$top_builddir/schema/enlace.ldif"

# A liaison extends inetOrgPerson, so address-book clients see a person.
check "enlaceLiaison is a kind of inetOrgPerson" has from-ldif "NAME 'enlaceLiaison'.* SUP inetOrgPerson STRUCTURAL"
check "enlaceInstitution is a kind of organization" has from-ldif "NAME 'enlaceInstitution'.* SUP organization STRUCTURAL"
check "enlaceCountry is a kind of country" has from-ldif "NAME 'enlaceCountry'.* SUP country STRUCTURAL"
check "enlaceNetworkGroup lists members by DN" has from-ldif "NAME 'enlaceNetworkGroup'.*MAY \( member"
check "the schema carries its version" has from-ldif "enlace schema version 2"
check "enlaceId has an equality rule for lookups" has from-ldif "NAME 'enlaceId'.*EQUALITY caseIgnoreIA5Match"

# The server enforces it: a liaison without the required ID is refused.
printf 'dn: o=enlace\nobjectClass: organization\no: enlace\n\ndn: cn=No Id,o=enlace\nobjectClass: enlaceLiaison\ncn: No Id\nsn: Id\nc: GT\nenlaceStatus: active\n' >bad.ldif
run_cmd ldapadd -H "$ENLACE_URI" -Y EXTERNAL -Q -f bad.ldif
check "slapd refuses a liaison without enlaceId" has err "object class 'enlaceLiaison' requires attribute 'enlaceId'"

done_testing
