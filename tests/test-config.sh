# Where enlace finds its directory: --flags, then ENLACE_* variables, then
# the config file, then the local instance; and clear errors for each
# kind of bad setting.
. "$top_srcdir/tests/libtest.sh"

export XDG_STATE_HOME=$TEST_DIR/state XDG_CONFIG_HOME=$TEST_DIR/config
unset ENLACE_URI ENLACE_BASE ENLACE_BIND_DN ENLACE_PASSWORD_FILE

run_cmd enlace status
expect_rc 3 "with nothing configured, enlace says the directory is unreachable"
check "and how to get one" has err "no directory configured: run 'enlace-local start'"

# Instance A in the default place, instance B elsewhere.
start_slapd "$XDG_STATE_HOME/enlace"
uri_a=$ENLACE_URI
start_slapd "$TEST_DIR/b" --base "o=bee"
uri_b=$ENLACE_URI
unset ENLACE_URI ENLACE_BASE

run_cmd enlace status
expect_rc 0 "the local instance is the last resort"
check "status names the local instance as the source" has out "^server: +$uri_a \(local instance\)$"
check "and takes its base from it" has out "^base: +o=enlace \(local instance\)$"

mkdir -p "$XDG_CONFIG_HOME/enlace"
printf '[directory]\nuri=%s\nbase=o=bee\n' "$uri_b" >"$XDG_CONFIG_HOME/enlace/enlace.conf"
run_cmd enlace status
check "the config file comes before the local instance" has out "^server: +$uri_b \(.*/config/enlace/enlace.conf\)$"
check "the base comes from the config file too" has out "^base: +o=bee \(.*enlace.conf\)$"

ENLACE_URI=$uri_a ENLACE_BASE=o=enlace run_cmd enlace status
check "the environment comes before the config file" has out "^server: +$uri_a \(ENLACE_URI\)$"
check "ENLACE_BASE is reported as the base's source" has out "^base: +o=enlace \(ENLACE_BASE\)$"

ENLACE_URI=$uri_a run_cmd enlace status --uri "$uri_b"
check "a flag comes before the environment" has out "^server: +$uri_b \(--uri\)$"

printf '[directory]\nuri=%s\n' "$uri_a" >explicit.conf
run_cmd enlace status --config explicit.conf
check "--config names another config file" has out "^server: +$uri_a \(explicit.conf\)$"

run_cmd enlace status --config missing.conf
expect_rc 2 "a missing --config file is an error"
check "that names the file" has err "config file missing.conf"

printf '[directory\nuri=x\n' >broken.conf
run_cmd enlace status --config broken.conf
expect_rc 2 "a malformed config file is an error"

run_cmd enlace status --uri "http://example.org/"
expect_rc 2 "a URI that is not LDAP is refused"
check "the message names the setting and its source" has err "uri 'http://example.org/' \(from --uri\) is not an LDAP URL"

ENLACE_BASE="not a dn" run_cmd enlace status
expect_rc 2 "a base that is not a DN is refused"
check "the message names the base and its source" has err "base 'not a dn' \(from ENLACE_BASE\) is not a valid DN"

run_cmd enlace status --bind-dn "cn=someone,o=enlace"
expect_rc 2 "a bind DN without a password file is refused"
check "the message says passwords come from files" has err "never taken on the command line"

run_cmd enlace status --password secret
expect_rc 2 "there is no option to give a password on the command line"

run_cmd enlace status --bind-dn "cn=someone,o=enlace" --password-file nowhere.txt
expect_rc 2 "a missing password file is an error"
check "that names the setting" has err "password-file \(from --password-file\)"

printf 'wrong\n' >pw.txt
run_cmd enlace status --uri "$uri_a" --bind-dn "cn=nobody,o=enlace" --password-file pw.txt
expect_rc 4 "a wrong password is permission denied"
check "the message quotes the server" has err "Invalid credentials"

port=$(free_port)
run_cmd enlace status --uri "ldap://127.0.0.1:$port/"
expect_rc 3 "a server that is not there is unreachable"
check "the message names the URI" has err "cannot reach the directory at ldap://127.0.0.1:$port/"

run_cmd enlace status --uri "$(ldapi_uri "$TEST_DIR/nowhere")"
expect_rc 3 "a socket that is not there is unreachable"

done_testing
