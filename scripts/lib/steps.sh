# Sourced by the setup scripts: one line per setup step on stderr, the full output of every step
# in one log file (printed once). A failing step shows its whole output and stops the script.
#
# Steps run in a subshell with `set -e`, so they pass results on through files, not variables.

steps_log_init() {
    local repo_root="$1"
    if [[ -z "${PULUMI_GOVERNANCE_SETUP_LOG:-}" ]]; then
        mkdir -p "$repo_root/.work"
        export PULUMI_GOVERNANCE_SETUP_LOG="$repo_root/.work/setup.log"
        : >"$PULUMI_GOVERNANCE_SETUP_LOG"
        echo "setup: full output in $PULUMI_GOVERNANCE_SETUP_LOG" >&2
    fi
}

# step_note "text": a line of its own, e.g. what a long first build is about to do.
step_note() {
    echo "setup:   $*" >&2
}

# step_done "what" "outcome": a step that needed no work.
step_done() {
    printf 'setup: %-54s %s\n' "$1" "$2" >&2
}

# step "what" command [args...]: runs the command with its output in the log.
step() {
    local what="$1"
    shift
    local log="$PULUMI_GOVERNANCE_SETUP_LOG"
    local started=$SECONDS offset rc
    offset="$(stat -c %s "$log")"
    printf '\n==== %s %s\n' "$(date -u +%FT%TZ)" "$what" >>"$log"
    set +e
    (
        set -eo pipefail
        "$@"
    ) >>"$log" 2>&1 </dev/null
    rc=$?
    set -e
    if [[ $rc -ne 0 ]]; then
        printf 'setup: %-54s FAILED after %d s (exit %d); its output:\n' \
            "$what" $((SECONDS - started)) "$rc" >&2
        tail -c +"$((offset + 1))" "$log" >&2
        echo "setup: (the whole log: $log)" >&2
        exit "$rc"
    fi
    printf 'setup: %-54s %4d s\n' "$what" $((SECONDS - started)) >&2
}
