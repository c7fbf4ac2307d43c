# Shared by the benchmarks: a private enlace instance from the build tree,
# timing by wall clock, medians.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$top/tools/enlace" ] || { echo "build enlace first (make)" >&2; exit 1; }
work=$(mktemp -d /tmp/enlace-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
# In the build tree tools/enlace is libtool's wrapper script; time the real
# binary, as installed, not a shell starting up. A copy of it, its library,
# its helper and its data files, taken now: a rebuild of the tree while a
# benchmark runs neither breaks a run nor changes what is measured.
# $bindir holds the tools (and enlace-xml, for ENLACE_LIBEXECDIR).
if [ -x "$top/tools/.libs/enlace" ]; then
  bindir=$work/bin
  mkdir -p "$bindir" "$work/lib" "$work/data"
  cp "$top"/tools/.libs/enlace "$top"/tools/.libs/enlace-local "$top"/tools/.libs/enlace-xml "$bindir"/
  cp -P "$top"/lib/.libs/libenlace.so* "$work/lib"/
  cp -r "$top"/schema "$top"/seeds "$top"/templates "$work/data"/
  export PATH="$bindir:$PATH" LD_LIBRARY_PATH="$work/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export ENLACE_DATA_PATH="$work/data"
else
  bindir=$top/tools
  export PATH="$bindir:$PATH" ENLACE_DATA_PATH="$top"
fi
export ENLACE_LIBEXECDIR="$bindir" LDAPNOINIT=1

# stop_instance DIR: stop the instance's slapd by the pid in DIR/slapd.pid
# (enlace-local stop checks that pid is that instance's slapd; if it could
# not stop it, signal that pid, and only it).
stop_instance () {
  [ -f "$1/slapd.pid" ] || return 0
  local pid
  pid=$(cat "$1/slapd.pid" 2>/dev/null || true)
  enlace-local stop --dir "$1" >/dev/null 2>&1 || true
  if [ -n "$pid" ] && grep -qF "$1/slapd.d" "/proc/$pid/cmdline" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
  fi
}
# Every instance a benchmark starts lives in a directory of $work.
cleanup () {
  local d
  for d in "$work"/*/; do stop_instance "${d%/}"; done
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
# free_port [ADDRESS]: a TCP port nobody listens on now, on 127.0.0.1 or
# ADDRESS (another loopback address: 127.0.0.2 stands for a remote host).
free_port () {
  /usr/bin/python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' "${1:-127.0.0.1}"
}
# new_password FILE: a random password, no newline (ldapwhoami -y sends the
# file's bytes as they are), readable by its owner only.
new_password () {
  (umask 077; head -c 24 /dev/urandom | base64 | tr -d '\n' >"$1")
}
