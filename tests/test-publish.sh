# The printable directory: one self-contained HTML file from a snapshot
# through schema/enlace-publish.xsl, public fields only, grouped by country
# then role; and, opened in a real browser (headless Chromium), its search
# box, fed from the URL, shows exactly the matching entries.
. "$top_srcdir/tests/libtest.sh"

export ENLACE_NOW=2026-11-23
export XDG_CONFIG_HOME=$TEST_DIR/config
CHROMIUM=${CHROMIUM:-chromium}
command -v "$CHROMIUM" >/dev/null || bail_out "chromium is not installed (.ci/deps installs it)"

start_slapd
enlace init --demo >/dev/null || bail_out "enlace init --demo failed"
enlace update GT-L-0002 --mobile "+502 5555 0199" --notes "solo uso interno" >/dev/null || bail_out "update failed"
# One liaison whose confirmation lapsed: listed, and flagged.
ldapmodify -H "$ENLACE_URI" -Y EXTERNAL -Q >/dev/null <<EOF || bail_out "cannot mark an entry unverified"
dn: enlaceId=MX-L-0001,c=MX,$ENLACE_BASE
changetype: modify
replace: enlaceStatus
enlaceStatus: unverified
EOF
pending=$(enlace find --status pending --format json | /usr/bin/python3 -c 'import json,sys; print(" ".join(e["id"] for e in json.load(sys.stdin)["liaisons"]))')
retired=$(enlace find --status retired --format json | /usr/bin/python3 -c 'import json,sys; print(" ".join(e["id"] for e in json.load(sys.stdin)["liaisons"]))')
[ -n "$pending" ] && [ -n "$retired" ] || bail_out "the demo data should have pending and retired liaisons"

run_cmd enlace publish -o directory.html
expect_rc 0 "publish from the directory"
check "the page is HTML5" has directory.html '^<!DOCTYPE html'
check "it carries the snapshot's date" has directory.html 'Edición del <time datetime="2026-11-23">2026-11-23</time>'
check "it loads nothing from outside (no src, link or url())" lacks directory.html '<link|<img|<iframe| src=|url\(|@import'
check "its only links are mail and phone" test -z "$(grep -o 'href="[^"]*"' directory.html | grep -v 'href="mailto:' | grep -v 'href="tel:')"
check "no mobile number (restricted)" lacks directory.html '5555 ?0199|50255550199'
check "no notes (restricted)" lacks directory.html 'solo uso interno'
for id in $pending; do check "pending $id is not listed" lacks directory.html "data-id=\"$id\""; done
for id in $retired; do check "retired $id is not listed" lacks directory.html "data-id=\"$id\""; done
check "the unverified liaison is listed and flagged" has directory.html 'class="entry liaison unverified" id="MX-L-0001"'
check "with the words of the flag" has directory.html 'sin confirmar este año'

# Grouped by country (in the order of their Spanish names), then by role
# (in the vocabulary's order).
check "countries in alphabetical order, roles in vocabulary order" /usr/bin/python3 - directory.html <<'EOF'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
countries = re.findall(r'<section class="country" id="country-(..)"', html)
names = re.findall(r'<h2>([^<]*)<span class="code">', html)
if len(countries) != 11 or names != sorted(names, key=lambda s: s.replace("á", "a").replace("é", "e").replace("ú", "u")):
    sys.exit(1)
order = ["smuggling-focal-point", "intelligence-focal-point", "liaison-prosecutor",
         "permanent-contact-point", "cancilleria-coordinator", "migration-authority",
         "consular-officer", "interpol-focal-point"]
for block in html.split('<section class="country"')[1:]:
    roles = re.findall(r'data-role="([^"]*)"', block)
    if [r for r in roles if r] != [r for r in order if r in roles]:
        sys.exit(1)
EOF

enlace export -o snapshot.xml || bail_out "export failed"
run_cmd enlace publish snapshot.xml -o from-file.html
expect_rc 0 "publish from a snapshot file"
check "a snapshot gives the same page as the directory" cmp -s directory.html from-file.html
run_cmd enlace publish --lang en snapshot.xml -o english.html
expect_rc 0 "publish --lang en"
check "the English page speaks English" has english.html '<h1>Directory of liaison officers and focal points</h1>'
check "with English role names" has english.html 'Migrant-smuggling focal point'
run_cmd enlace publish --lang fr snapshot.xml -o french.html
expect_rc 2 "an unknown language is exit 2"
check "and writes nothing" test ! -e french.html
run_cmd enlace publish snapshot.xml
expect_rc 2 "publish without -o is exit 2"
printf '<directory/>\n' >not-a-snapshot.xml
run_cmd enlace publish not-a-snapshot.xml -o bad.html
expect_rc 2 "publishing an invalid snapshot is exit 2"
check "and writes nothing" test ! -e bad.html

# The browser: which liaison cards are visible for a URL's ?q=.
visible () {
  timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --user-data-dir="$TEST_DIR/chrome" --dump-dom "file://$TEST_DIR/directory.html$1" \
    2>"$TEST_DIR/chrome.err" >dom.html || return 1
  /usr/bin/python3 - dom.html <<'EOF'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    ids, nomatch = set(), None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "article" and "liaison" in a.get("class", "").split() and "hidden" not in a:
            self.ids.add(a["data-id"])
        if a.get("id") == "nomatch":
            P.nomatch = "hidden" not in a
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
print(" ".join(sorted(p.ids)))
print("nomatch" if P.nomatch else "")
EOF
}
# The IDs `enlace find` gives for the same question, listed ones only.
expected () {
  enlace find "$@" --status all --format json | /usr/bin/python3 -c '
import json, sys
print(" ".join(sorted(e["id"] for e in json.load(sys.stdin)["liaisons"] if e["status"] in ("active", "unverified"))))'
}

got=$(visible "?q=honduras+smuggling") || bail_out "chromium failed: $(head -c 300 chrome.err)"
want=$(expected --country HN --role smuggling-focal-point)
check "?q=honduras+smuggling shows exactly HN's smuggling focal points ($want)" test "$(echo "$got" | head -1)" = "$want" -a -n "$want"
got=$(visible "?q=mexico")
want=$(expected --country MX)
check "?q=mexico (no accent) shows exactly México's liaisons" test "$(echo "$got" | head -1)" = "$want" -a -n "$want"
got=$(visible "?q=GT-L-0002")
check "?q=ID shows that one liaison" test "$(echo "$got" | head -1)" = "GT-L-0002"
got=$(visible "")
want=$(expected)
check "without ?q every listed liaison shows ($(echo "$want" | wc -w))" test "$(echo "$got" | head -1)" = "$want"
got=$(visible "?q=zzzzzz")
check "a filter that matches nothing shows nothing, and says so" test "$(echo "$got" | head -1)" = "" -a "$(echo "$got" | tail -1)" = "nomatch"

done_testing
