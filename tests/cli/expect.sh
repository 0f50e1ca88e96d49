#!/usr/bin/env bash
# expect.sh CODE REGEX [--stdout FILE] [--multiline] -- COMMAND ARGS...
# Runs COMMAND (standard output sent to FILE when given, e.g. /dev/full) and passes
# when it exits with CODE and its output (stderr, then stdout) matches the extended
# regular expression REGEX. A failing command must also print exactly one line on
# stderr, "adma: error: ..." or "<program>: error: ...", with no source file:line
# in it (those are for internal errors and ADMA_DEBUG=1); --multiline lifts the
# one-line rule for messages that list several problems; --forbid REGEX fails the
# test when the output matches REGEX (e.g. "nan|inf" in what a command printed).
# An argument @EMPTY@ becomes the empty string (CMake cannot pass one).
set -u
code="$1" regex="$2"
shift 2
out="" multiline=0 forbid=""
while [ "$1" != "--" ]; do
  case "$1" in
    --stdout) out="$2"; shift 2 ;;
    --multiline) multiline=1; shift ;;
    --forbid) forbid="$2"; shift 2 ;;
    *) echo "expect.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
shift
args=()
for a in "$@"; do [ "$a" = "@EMPTY@" ] && args+=("") || args+=("$a"); done
set -- "${args[@]}"
cmdline="$*"
err_file="$(mktemp)" out_file="$(mktemp)"
trap 'rm -f "$err_file" "$out_file"' EXIT
if [ -n "$out" ]; then
  "$@" >"$out" 2>"$err_file"
else
  "$@" >"$out_file" 2>"$err_file"
fi
rc=$?
all="$(cat "$err_file" "$out_file")"
fail() {
  echo "FAIL: $*"
  echo "command: $cmdline"
  echo "--- exit $rc; stderr:"; cat "$err_file"
  echo "--- stdout (first 20 lines):"; head -n 20 "$out_file"
  exit 1
}
[ "$rc" -eq "$code" ] || fail "exit status $rc, expected $code"
grep -Ezq -- "$regex" <<<"$all" || fail "output does not match /$regex/"
[ -z "$forbid" ] || ! grep -Eiq -- "$forbid" <<<"$all" || fail "output matches the forbidden /$forbid/"
if [ "$code" -ne 0 ]; then
  lines="$(wc -l <"$err_file")"
  [ "$multiline" -eq 1 ] || [ "$lines" -eq 1 ] || fail "$lines lines on stderr, expected one"
  grep -Eq '^[a-z_-]+: error: ' "$err_file" || fail "stderr does not start with '<program>: error: '"
  if [ -z "${ADMA_DEBUG:-}" ]; then
    ! grep -Eq '\[[a-z_/]+\.(cpp|cu|h):[0-9]+\]' "$err_file" || fail "source location in a user error"
  fi
fi
echo "ok: exit $rc, output matches /$regex/"
