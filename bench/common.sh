# Shared by the benchmarks: a private enlace instance from the build tree,
# timing by wall clock, medians.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$top/tools/enlace" ] || { echo "build enlace first (make)" >&2; exit 1; }
# In the build tree tools/enlace is libtool's wrapper script; time the real
# binary, as installed, not a shell starting up.
if [ -x "$top/tools/.libs/enlace" ]; then
  export PATH="$top/tools/.libs:$PATH" LD_LIBRARY_PATH="$top/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
else
  export PATH="$top/tools:$PATH"
fi
export ENLACE_DATA_PATH="$top" LDAPNOINIT=1
work=$(mktemp -d /tmp/enlace-bench.XXXXXX)
cleanup () {
  enlace-local stop --dir "$work/i" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

now () { date +%s.%N; }
# median of the numbers on stdin
median () { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratio () { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# peak_kib CMD...: the command's peak resident memory (KiB), from GNU time.
peak_kib () {
  /usr/bin/time -f %M -o "$work/peak" "$@" >/dev/null
  cat "$work/peak"
}
