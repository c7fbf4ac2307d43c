# enlace report coverage: country x role for liaisons, country x referral
# competence for institutions; active, pending and unverified counts, days
# since the stalest confirmation; gaps marked in every format.
. "$top_srcdir/tests/libtest.sh"

export ENLACE_NOW=2026-11-23
export XDG_CONFIG_HOME=$TEST_DIR/config

start_slapd
enlace init --demo >/dev/null || bail_out "enlace init --demo failed"
# Known changes: Canada's smuggling focal point is retired (a gap); Panama's
# lapses to unverified (a gap too: nobody active); Costa Rica's was
# confirmed 41 days ago.
enlace retire CA-L-0001 --reason "Fin de funciones" >/dev/null || bail_out "retire failed"
ldapmodify -H "$ENLACE_URI" -Y EXTERNAL -Q >/dev/null <<EOF || bail_out "ldapmodify failed"
dn: enlaceId=PA-L-0001,c=PA,$ENLACE_BASE
changetype: modify
replace: enlaceStatus
enlaceStatus: unverified

dn: enlaceId=CR-L-0001,c=CR,$ENLACE_BASE
changetype: modify
replace: enlaceLastConfirmed
enlaceLastConfirmed: 20261013000000Z
EOF
for cc in CA PA CR; do
  roles=$(enlace show "$cc-L-0001" --format json | /usr/bin/python3 -c 'import json,sys; print(",".join(json.load(sys.stdin)["roles"]))')
  case ",$roles," in *,smuggling-focal-point,*) ;; *) bail_out "$cc-L-0001 is not a smuggling focal point ($roles)" ;; esac
done

run_cmd enlace report coverage --format json
expect_rc 0 "report coverage --format json"
cp out coverage.json
cell () { # cell SECTION COUNTRY COLUMN FIELD
  /usr/bin/python3 -c '
import json, sys
d = json.load(open("coverage.json"))
key = "role" if sys.argv[1] == "liaisons" else "competence"
for c in d[sys.argv[1]]["cells"]:
    if c["country"] == sys.argv[2] and c[key] == sys.argv[3]:
        print(json.dumps(c[sys.argv[4]]))' "$@"
}
count_liaisons () { # count_liaisons COUNTRY ROLE STATUS
  enlace find --country "$1" --role "$2" --status "$3" --format json 2>/dev/null \
    | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["liaisons"]))' 2>/dev/null || echo 0
}
check "the report is for ENLACE_NOW's date" has coverage.json '"date": "2026-11-23"'
check "a retired holder leaves a gap (CA, smuggling-focal-point)" \
  test "$(cell liaisons CA smuggling-focal-point gap)" = true -a "$(cell liaisons CA smuggling-focal-point active)" = 0
check "an unverified holder is counted as such, and is a gap" \
  test "$(cell liaisons PA smuggling-focal-point unverified)" = 1 -a "$(cell liaisons PA smuggling-focal-point gap)" = true
check "days since confirmation (CR, confirmed 2026-10-13): 41" test "$(cell liaisons CR smuggling-focal-point days_since_confirmed)" = 41
check "a cell nobody holds has no days" test "$(cell liaisons CA smuggling-focal-point days_since_confirmed)" = null
hn_active=$(count_liaisons HN liaison-prosecutor active)
hn_pending=$(count_liaisons HN liaison-prosecutor pending)
check "pending designations are counted apart (HN liaison prosecutors: $hn_active active, $hn_pending pending)" \
  test "$(cell liaisons HN liaison-prosecutor active)" = "$hn_active" -a "$(cell liaisons HN liaison-prosecutor pending)" = "$hn_pending" -a "$hn_pending" -gt 0
check "every cell agrees with enlace find" /usr/bin/python3 - coverage.json <<'EOF'
import json, subprocess, sys
d = json.load(open(sys.argv[1]))
for c in d["liaisons"]["cells"]:
    found = subprocess.run(["enlace", "find", "--country", c["country"], "--role", c["role"],
                            "--status", "all", "--format", "json"], capture_output=True, text=True)
    rows = json.loads(found.stdout)["liaisons"] if found.returncode == 0 else []
    for status in ("active", "pending", "unverified"):
        if sum(1 for r in rows if r["status"] == status) != c[status]:
            print("#", c, status); sys.exit(1)
    if c["gap"] != (c["active"] == 0):
        sys.exit(1)
EOF
check "the gap total is the number of empty cells" /usr/bin/python3 - coverage.json <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for s in ("liaisons", "institutions"):
    if d[s]["gaps"] != sum(1 for c in d[s]["cells"] if c["active"] == 0):
        sys.exit(1)
EOF
gt_children=$(enlace institution find --country GT --competence unaccompanied-children --format json \
  | /usr/bin/python3 -c 'import json,sys; print(sum(1 for e in json.load(sys.stdin)["institutions"] if e["status"] == "active"))')
check "institutions by competence agree with institution find (GT, unaccompanied-children: $gt_children)" \
  test "$(cell institutions GT unaccompanied-children active)" = "$gt_children"

run_cmd enlace report coverage
expect_rc 0 "report coverage (table)"
check "the table has a column per country" has out '^ +BZ +CA +CR +DO +GT +HN +MX +NI +PA +SV +US$'
check "the table marks the CA gap" has out '^smuggling-focal-point +1 +0! '
check "the table shows pending as +N" has out "^liaison-prosecutor .* $hn_active\\+$hn_pending "
check "the table shows unverified as ~N" has out '^smuggling-focal-point( +[0-9!~+]+){8} +0~1! '

run_cmd enlace report coverage --format html
expect_rc 0 "report coverage --format html"
check "the HTML marks gaps" has out '<td class="gap">0!<small>-</small></td>'
check "the HTML is self-contained" lacks out '<link|<script| src=|url\('
check "the HTML parses" /usr/bin/python3 -c 'import sys, html.parser; html.parser.HTMLParser().feed(open(sys.argv[1]).read())' out

run_cmd enlace report coverage --format csv
expect_rc 2 "an unknown format is exit 2"
check "the message names the format" has err "csv"
run_cmd enlace report
expect_rc 2 "report without a report name is exit 2"
run_cmd enlace report nothing
expect_rc 2 "an unknown report is exit 2"

done_testing
