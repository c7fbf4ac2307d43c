# libenlace exports exactly the symbols lib/libenlace.sym lists.
. "$top_srcdir/tests/libtest.sh"

so=$top_builddir/lib/.libs/libenlace.so
check "the shared library was built" test -f "$so"
nm -D --defined-only "$so" | awk '$2 == "T" || $2 == "D" || $2 == "B" { sub(/@.*/, "", $3); print $3 }' | sort >exported
sed -n 's/^ *\(enlace_[a-z0-9_]*\);$/\1/p' "$top_srcdir/lib/libenlace.sym" | sort >listed
if diff -u listed exported >symbols.diff; then
  ok "exported symbols equal lib/libenlace.sym"
else
  not_ok "exported symbols equal lib/libenlace.sym"
  sed 's/^/#   /' symbols.diff
fi
check "every exported symbol has the enlace_ prefix" test "$(grep -vc '^enlace_' exported)" -eq 0

done_testing
