#!/usr/bin/env bash
# Sets up what the demo and the tests need, and is cheap to run again: the virtual environment in
# .venv with pulumi-governance and its development dependencies, and the pulumi CLI (built once
# into a cache outside the repository). Prints the CLI's directory as its last line.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
log() { echo "bootstrap: $*" >&2; }

python="${PYTHON:-python3}"
if [[ ! -x .venv/bin/python ]]; then
    log "creating .venv with $($python --version)"
    "$python" -m venv .venv
fi

# Reinstall only when the dependency declaration changed.
stamp=".venv/.pulumi-governance-deps"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [[ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]]; then
    log "installing pulumi-governance and its development dependencies into .venv"
    export PIP_DISABLE_PIP_VERSION_CHECK=1
    # pulumi 3.188 declares pip>=24.3.1,<26 (its language host runs pip)
    .venv/bin/python -m pip install --quiet 'pip>=24.3.1,<26'
    .venv/bin/python -m pip install --quiet -e '.[dev]'
    echo "$want" > "$stamp"
fi

bash scripts/install-pulumi-cli.sh
