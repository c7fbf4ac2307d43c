# enlace import: RFC 4180 CSV, every row checked before anything is
# written, no duplicates on a second run, whole transactions only when the
# server dies mid-import.
. "$top_srcdir/tests/libtest.sh"

start_slapd "$TEST_DIR/ldap"
enlace init --demo >/dev/null
writes () { ldap_root -b cn=accesslog "(objectClass=auditWriteObject)" 1.1 | count_dn; }
liaisons () { ldap_root -b o=enlace "(objectClass=enlaceLiaison)" 1.1 | count_dn; }
header='country,given_name,surname,title,institution,role,network,email,phone,fax,mobile,language'

# A good file: BOM, CRLF, quoted commas and quotes, several values a cell,
# an institution by name, a messy legacy phone, columns in another order.
{
  printf '\xef\xbb\xbf%s\r\n' "$header"
  printf 'GT,Rosa,"Prueba, ""Uno""",Enlace,GT-I-0001,smuggling-focal-point;permanent-contact-point,crm-liaison-network;corett,rosa.uno@x.gt.example,2200 1111,2200 1112,,es;en\r\n'
  printf 'hn,Luis,Dos,Enlace,HN-I-0002,migration-authority,,luis.dos@x.hn.example,ext 44 (old),,,es\r\n'
  printf '\r\n'
  printf 'MX,Ana,Tres,Enlace,"%s",consular-officer,,ana.tres@x.mx.example,,,,\r\n' \
    "$(sed -n 's/^o: \(Dirección General de Migración (demo) — México\)$/\1/p' "$top_srcdir/seeds/demo.ldif")"
} >good.csv
before=$(liaisons)
run_cmd enlace import --dry-run good.csv
expect_rc 0 "import --dry-run checks a good file"
check "it says what it would add" has out "3 rows: would add 3; 0 already present; 1 warnings"
check "and writes nothing" test "$(liaisons)" -eq "$before"
run_cmd enlace import good.csv
expect_rc 0 "import loads a good file"
check "it reports what it added" has out "3 rows: added 3; 0 already present; 1 warnings"
check "the messy phone is a warning naming the line" has err "good.csv: line 3: warning: phone 'ext 44 \(old\)' is not a phone number.*kept as written"
check "three liaisons more" test "$(liaisons)" -eq $((before + 3))
run_cmd enlace find --name "Prueba" --format json
check "quotes and commas survive" has out '"surname" : "Prueba, \\"Uno\\""'
check "several roles in one cell" has out '"permanent-contact-point"'
check "the phone is normalised" has out '"phone" : "\+50222001111"'
run_cmd enlace find --name "Dos" --format json
check "a phone that cannot be normalised is kept as written" has out '"ext 44 \(old\)"'
check "the country code is upper-cased" has out '"country" : "HN"'
run_cmd enlace find --name "Tres" --format json
check "an institution given by its exact name is linked" has out '"id" : "MX-I-0002"'

log=$(writes)
run_cmd enlace import good.csv
expect_rc 0 "importing the same file again succeeds"
check "and adds nothing" has out "3 rows: added 0; 3 already present"
check "and writes nothing" test "$(writes)" -eq "$log"

# Bad rows: every one reported by line, nothing written.
{
  echo "$header"
  echo "GT,Bien,Uno,Enlace,GT-I-0001,consular-officer,,bien.uno@x.gt.example,,,,"
  echo "GT,Mal,Correo,Enlace,GT-I-0001,consular-officer,,no-es-correo,,,,"
  echo "GT,Mal,Rol,Enlace,GT-I-0001,espia,,mal.rol@x.gt.example,,,,"
  printf 'GT,Mal,Nul\0o,Enlace,GT-I-0001,consular-officer,,mal.nul@x.gt.example,,,,\n'
  printf 'GT,Mal,\xffUtf,Enlace,GT-I-0001,consular-officer,,mal.utf@x.gt.example,,,,\n'
  echo "ZZ,Mal,Pais,Enlace,GT-I-0001,consular-officer,,mal.pais@x.example,,,,"
  echo "GT,Bien,Dos,Enlace,GT-I-0001,consular-officer,,bien.uno@x.gt.example,,,,"
  echo "GT,Mal,Inst,Enlace,HN-I-0001,consular-officer,,mal.inst@x.gt.example,,,,"
} >bad.csv
log=$(writes)
run_cmd enlace import bad.csv
expect_rc 2 "a file with bad rows is refused"
check "the error counts the bad rows" has err "bad.csv: 7 bad rows; nothing was written"
check "line 3: the email" has err "^line 3: email 'no-es-correo'"
check "line 4: the role" has err "^line 4: role 'espia' is not in the vocabulary"
check "line 5: the NUL byte" has err "^line 5: a cell holds a NUL byte"
check "line 6: invalid UTF-8" has err "^line 6: surname '.*' is not valid UTF-8"
check "line 7: the country" has err "^line 7: country 'ZZ' is not a member country"
check "line 8: a repeated row" has err "^line 8: repeats line 2"
check "line 9: another country's institution" has err "^line 9: institution 'HN-I-0001' is not one of GT's"
check "the good row was not written either" test "$(writes)" -eq "$log"

printf 'country,given_name,surname\nGT,A,B\n' >short.csv
run_cmd enlace import short.csv
expect_rc 2 "a header without the format's columns is refused"
check "naming the missing columns" has err "lacks the column\(s\) title, institution, role, network, email, phone, fax, mobile, language"
printf '%s\nGT,"Abierta,B\n' "$header" >quote.csv
run_cmd enlace import quote.csv
expect_rc 2 "an unclosed quote is refused"
check "naming its line" has err "line 2: a quoted field is never closed"
: >empty.csv
run_cmd enlace import empty.csv
expect_rc 2 "an empty file is refused"
run_cmd enlace import missing.csv
expect_rc 2 "a missing file is bad input"
printf '%s\nHN,Otro,Pais,Enlace,HN-I-0001,consular-officer,,rosa.uno@x.gt.example,,,,\n' "$header" >taken.csv
run_cmd enlace import taken.csv
expect_rc 5 "an email a current liaison of another country uses is a conflict"
check "naming who uses it" has err "line 2: email 'rosa.uno@x.gt.example' is already used by GT-L-"

# Transactions: the server dies mid-import; whole batches stay; a rerun
# adds the rest, with no duplicates.
rows=3000 batch=100
{
  echo "$header"
  for i in $(seq "$rows"); do
    echo "PA,Persona,Número $i,Enlace,PA-I-0001,consular-officer,,persona.$i@x.pa.example,+507 2000 $((1000 + i % 9000)),,,es"
  done
} >big.csv
pa () { ldap_root -b "c=PA,o=enlace" "(mail=persona.*)" 1.1 | count_dn; }
enlace import --batch "$batch" big.csv >import.out 2>import.err &
import_pid=$!
for i in $(seq 600); do
  [ "$(pa)" -ge "$batch" ] && break
  kill -0 "$import_pid" 2>/dev/null || break
  sleep 0.05
done
kill -9 "$SLAPD_PID"
wait "$import_pid"
import_rc=$?
wait "$SLAPD_PID" 2>/dev/null
start_slapd "$TEST_DIR/ldap"
landed=$(pa)
echo "# $landed of $rows rows landed before slapd was killed (import exit $import_rc)"
check "only whole batches landed ($landed rows)" test $((landed % batch)) -eq 0
if [ "$import_rc" -ne 0 ]; then
  check "the interrupted import failed with 'unreachable'" test "$import_rc" -eq 3
  check "naming the batch that was not written" has import.err "batch [0-9]+ \(lines [0-9]+-[0-9]+\) was not written"
fi
run_cmd enlace import --batch "$batch" big.csv
expect_rc 0 "a rerun completes the import"
check "the rerun adds exactly the rest" has out "$rows rows: added $((rows - landed)); $landed already present"
check "every row is there once" test "$(pa)" -eq "$rows"
run_cmd ldap_root -b "c=PA,o=enlace" "(mail=persona.*)" enlaceId
check "no ID is used twice" test "$(grep '^enlaceId:' out | sort | uniq -d | wc -l)" -eq 0

done_testing
