# Every subcommand of both programs answers --help on stdout with exit 0;
# unknown commands and stray arguments fail with exit 2 on stderr; the man
# pages describe every subcommand.
. "$top_srcdir/tests/libtest.sh"

for prog in enlace enlace-local; do
  run_cmd "$prog" --help
  expect_rc 0 "$prog --help exits 0"
  check "$prog --help lists the exit codes" has out "5 +conflict"
  commands=$(sed -n '/^Commands:/,/^$/p' out | awk 'NF > 1 && $1 != "Commands:" { print $1 }')
  check "$prog --help lists commands" test -n "$commands"
  for c in $commands; do
    # A group ("enlace account") lists its own commands: walk those too.
    run_cmd "$prog" "$c" --help
    for sub in $(sed -n '/^Commands:/,/^$/p' out | awk 'NF > 1 && $1 != "Commands:" { print $1 }'); do
      run_cmd "$prog" "$c" "$sub" --help
      expect_rc 0 "$prog $c $sub --help exits 0"
      check "$prog $c $sub --help prints usage on stdout" has out "^Usage:"
      check "$prog $c $sub is in the man page" has "$top_srcdir/docs/$prog.1" "^\.SS \"?$c $sub"
    done
    run_cmd "$prog" "$c" --help
    expect_rc 0 "$prog $c --help exits 0"
    check "$prog $c --help prints usage on stdout" has out "^Usage:"
    check "$prog $c --help is quiet on stderr" test ! -s err
    check "$prog $c is in the man page" has "$top_srcdir/docs/$prog.1" "^\.SS \"?$c"
  done

  run_cmd "$prog" no-such-command
  expect_rc 2 "$prog rejects an unknown command"
  check "$prog names the unknown command on stderr" has err "unknown command 'no-such-command'"
  check "$prog prints nothing on stdout for an unknown command" test ! -s out

  run_cmd "$prog"
  expect_rc 2 "$prog without a command exits 2"

  run_cmd "$prog" --version
  expect_rc 0 "$prog --version exits 0"
  check "$prog --version names the program" has out "^$prog [0-9]"

  run_cmd "$prog" status --no-such-option
  expect_rc 2 "$prog status rejects an unknown option"
  check "$prog points at --help after a bad option" has err "try '$prog status --help'"

  run_cmd "$prog" status stray-argument
  expect_rc 2 "$prog status rejects a stray argument"
  check "$prog names the stray argument" has err "unexpected argument 'stray-argument'"
done

# The bash completion, run as bash would: COMP_WORDS in, COMPREPLY out.
complete_words () {
  bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _enlace; echo "${COMPREPLY[*]}"' \
    _ "$top_srcdir/docs/completion/enlace" "$@"
}
check "completion offers the commands" test "$(complete_words enlace fi)" = "find"
check "completion offers a command's options" test "$(complete_words enlace find --cou)" = "--country"
check "completion offers the global options" test "$(complete_words enlace status --ur)" = "--uri"
check "completion offers a group's commands" test "$(complete_words enlace account a)" = "add"
check "completion offers a group command's options" test "$(complete_words enlace account add --ki)" = "--kind"
check "completion offers enlace-local's options" test "$(complete_words enlace-local start --fo)" = "--foreground"
check "completion offers the formats" test "$(complete_words enlace find --format vc)" = "vcard"
check "completion offers enlace-local backup" test "$(complete_words enlace-local back)" = "backup"
mkdir -p backups-2026 backups-file-parent && touch backups-file
check "completion offers directories, not files, for a backup" \
  test "$(complete_words enlace-local backup backups- | tr ' ' '\n' | sort | tr '\n' ' ')" = "backups-2026 backups-file-parent "
check "... and for a restore" test "$(complete_words enlace-local restore --dir d backups-2)" = "backups-2026"
check "... and still the options" test "$(complete_words enlace-local restore --d)" = "--dir"

for page in enlace enlace-local; do
  LC_ALL=C.UTF-8 MANWIDTH=80 run_cmd man --warnings -E UTF-8 -l "$top_srcdir/docs/$page.1"
  expect_rc 0 "man renders $page(1)"
  check "$page(1) renders without groff warnings" test ! -s err
  check "$page(1) documents the exit codes" has out "EXIT STATUS"
done

done_testing
