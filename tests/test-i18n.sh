# Messages for people go through gettext, and the Spanish translation is
# complete: under es_ES.UTF-8 enlace speaks Spanish.
. "$top_srcdir/tests/libtest.sh"

locale -a 2>/dev/null | grep -qi '^es_ES\.utf-\?8$' ||
  bail_out "the es_ES.UTF-8 locale is missing (.ci/deps generates it)"
: "${ENLACE_LOCALEDIR:?}"

# Every message in the sources has a translation, and none is fuzzy.
xgettext --keyword=_ --keyword=N_ --keyword=ngettext:1,2 --keyword=g_dngettext:2,3 --from-code=UTF-8 -o current.pot \
  "$top_srcdir"/lib/*.c "$top_srcdir"/tools/*.c
run_cmd msgcmp "$top_srcdir/po/es.po" current.pot
expect_rc 0 "po/es.po translates every message in the sources"
run_cmd msgfmt --check --statistics -o /dev/null "$top_srcdir/po/es.po"
check "po/es.po has no fuzzy or untranslated message" lacks err "fuzzy|untranslated"
check "the catalogue the tests use was built" test -f "$ENLACE_LOCALEDIR/es/LC_MESSAGES/enlace.mo"

es () { LC_ALL=es_ES.UTF-8 LANG=es_ES.UTF-8 run_cmd "$@"; }
es enlace --help
check "enlace --help speaks Spanish" has out "^Uso: enlace ORDEN"
check "the commands are described in Spanish" has out "Registrar un enlace de su país"
check "so are the exit codes" has out "4  permiso denegado"
es enlace-local start --help
check "enlace-local start --help speaks Spanish" has out "ejecutar slapd en primer plano"

start_slapd "$TEST_DIR/ldap"
enlace init --demo >/dev/null
es enlace find --status bogus
expect_rc 2 "a bad status is still exit 2 in Spanish"
check "the error is in Spanish" has err "^enlace: error: el estado 'bogus' no es pending"
es enlace register --country GT --given-name Ana --surname " Peña" --title T --institution GT-I-0001 \
  --role consular-officer --email ana@x.example
check "field names are translated too" has err "apellido ' Peña' empieza o termina con un espacio"
es enlace find --country ZZ
expect_rc 1 "nothing found is exit 1 in Spanish"
check "and says so in Spanish" has err "ningún enlace coincide"
es enlace status
check "status labels are in Spanish" has out "^países: +11$"
es enlace init
check "init reports in Spanish" has out "Nada que hacer"
LC_ALL=C.UTF-8 run_cmd enlace find --country ZZ
check "the C locale keeps English" has err "no liaison matches"

done_testing
