# lib.sh - TAP helpers shared by the tests/reliability scripts (bash, sourced).
#
# A script calls rel_init with its own arguments (SENTRAJ SOURCE_ROOT ...),
# then for each test records failures with `fail MESSAGE` (and notes with
# `note MESSAGE`) and ends it with `result NAME`; `skip NAME REASON` prints a
# skipped test; rel_finish prints the plan and returns the exit status.
# Names are path-like: reliability/<script>/<case>.
#
# tests/reliability/known-failures names tests that fail because of a known
# bug in src/ (one "NAME reason" a line): they are reported as TAP TODO, so
# the suite stays green and the bug stays visible. Delete the line when the
# bug is fixed; until then a pass shows as an unexpected pass.

set -u
export LC_ALL=C

rel_count=0
rel_failures=0

# rel_init SENTRAJ SOURCE_ROOT: sets $exe (absolute), cds to SOURCE_ROOT,
# makes $scratch (removed on exit) and $diag.
rel_init() {
    if [ $# -lt 2 ]; then
        echo "usage: $0 SENTRAJ SOURCE_ROOT" >&2
        exit 2
    fi
    case $1 in
    /*) exe=$1 ;;
    *) exe=$PWD/$1 ;;
    esac
    cd "$2" || exit 2
    root=$PWD
    if [ ! -x "$exe" ]; then
        echo "Bail out! $exe is not an executable"
        exit 1
    fi
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/sentraj-rel.XXXXXX") || exit 2
    rel_cleanup_hooks=
    trap 'rel_cleanup' EXIT
    diag=$scratch/.diag
    : > "$diag"
}

# rel_on_exit COMMAND: run COMMAND (a string) before the scratch directory goes.
rel_on_exit() {
    rel_cleanup_hooks="$1; $rel_cleanup_hooks"
}

rel_cleanup() {
    eval "$rel_cleanup_hooks"
    rm -rf "$scratch"
}

# known NAME -> prints the reason when NAME is a known failure.
known() {
    local name reason file=$root/tests/reliability/known-failures
    [ -f "$file" ] || return 1
    while read -r name reason; do
        case $name in '' | '#'*) continue ;; esac
        if [ "$name" = "$1" ]; then
            printf '%s' "$reason"
            return 0
        fi
    done < "$file"
    return 1
}

# fail MESSAGE...: record why the current test failed.
fail() {
    printf '%s\n' "$*" >> "$diag"
}

# note MESSAGE...: a TAP diagnostic line now (measurements and the like).
note() {
    printf '# %s\n' "$*"
}

# result NAME: one TAP line for the current test; its failures follow as
# comments.
result() {
    local name=$1 todo
    rel_count=$((rel_count + 1))
    if todo=$(known "$name"); then
        todo=" # TODO $todo"
    else
        todo=
    fi
    if [ ! -s "$diag" ]; then
        echo "ok $rel_count - $name$todo"
    else
        echo "not ok $rel_count - $name$todo"
        sed 's/^/# /' "$diag"
        [ -n "$todo" ] || rel_failures=$((rel_failures + 1))
    fi
    : > "$diag"
}

# skip NAME REASON: a skipped test.
skip() {
    rel_count=$((rel_count + 1))
    echo "ok $rel_count - $1 # SKIP $2"
    : > "$diag"
}

rel_finish() {
    echo "1..$rel_count"
    [ "$rel_failures" -eq 0 ]
}

# same WHAT EXPECTED-FILE GOT-FILE: compare two files, recording a diff.
same() {
    if ! cmp -s "$2" "$3"; then
        fail "$1 differs (--- expected, +++ got):"
        diff -u "$2" "$3" | tail -n +3 | head -n 40 >> "$diag"
    fi
}

# expect_exit EXPECTED GOT
expect_exit() {
    [ "$1" = "$2" ] || fail "exit status: expected $1, got $2"
}

# no_temps DIR: no temporary output file (.NAME.tmp*) is left in DIR.
no_temps() {
    local left
    left=$(find "$1" -maxdepth 1 -name '.*.tmp*' 2> /dev/null | head -n 5)
    [ -z "$left" ] || fail "temporary files left behind: $left"
}

# one_line FILE REGEX: FILE is exactly one line and matches the extended REGEX.
one_line() {
    local n
    n=$(wc -l < "$1")
    [ "$n" -eq 1 ] || fail "stderr has $n lines, expected one: $(head -c 600 "$1")"
    grep -Eq -- "$2" "$1" || fail "stderr does not match /$2/: $(head -c 600 "$1")"
}

# field CSV-LINE N: the Nth comma-separated field (unquoted CSV only).
field() {
    printf '%s\n' "$1" | cut -d, -f"$2"
}
