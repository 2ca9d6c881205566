#!/usr/bin/env bash
# Sets up what the demo and the tests need, and is cheap to run again: the virtual environment in
# .venv with pulumi-governance and its development dependencies (runtime dependencies at their
# floor; PULUMI_GOVERNANCE_DEPS=newest makes .venv-newest with the newest instead), the pulumi
# CLI with its language hosts (built once into a cache outside the repository), and the npm cache
# warmed with the @pulumi/pulumi SDK of the same version, so that `npm install --offline` works.
# Prints one line per step on stderr, and the CLI's directory as its last line on stdout.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
# shellcheck source=lib/steps.sh
source scripts/lib/steps.sh
# shellcheck source=lib/versions.sh
source scripts/lib/versions.sh
steps_log_init "$repo_root"

python="${PYTHON:-python3}"
# Which versions of the runtime dependencies: "floor" pins each to the lowest version pyproject.toml
# allows (scripts/floor_constraints.py), "newest" takes the newest the registry serves (refreshed
# daily). The pulumi CLI is the same for both.
deps="${PULUMI_GOVERNANCE_DEPS:-floor}"
case "$deps" in
    floor) venv=.venv ;;
    newest) venv=.venv-newest ;;
    *) echo "setup: PULUMI_GOVERNANCE_DEPS must be floor or newest, not '$deps'" >&2; exit 2 ;;
esac
if [[ -x "$venv/bin/python" ]]; then
    step_done "virtualenv $venv" "present"
else
    step "virtualenv $venv ($($python --version))" "$python" -m venv "$venv"
fi

# Reinstall only when the dependency declaration changed (and, for "newest", once a day).
stamp="$venv/.pulumi-governance-deps"
want="$deps $(sha256sum pyproject.toml scripts/floor_constraints.py | sha256sum | cut -c1-16)"
[[ "$deps" != newest ]] || want="$want $(date -u +%F)"
if [[ "$(cat "$stamp" 2>/dev/null || true)" == "$want" ]]; then
    step_done "dependencies in $venv ($deps)" "up to date"
else
    install_deps() {
        export PIP_DISABLE_PIP_VERSION_CHECK=1
        local pip=("$venv/bin/python" -m pip install)
        # pulumi declares pip>=24.3.1,<26 (its language host runs pip)
        "${pip[@]}" 'pip>=24.3.1,<26'
        if [[ "$deps" == floor ]]; then
            "$venv/bin/python" scripts/floor_constraints.py >"$venv/floor-constraints.txt"
            cat "$venv/floor-constraints.txt"
            "${pip[@]}" -c "$venv/floor-constraints.txt" -e '.[dev]'
        else
            "${pip[@]}" --upgrade --upgrade-strategy eager -e '.[dev]'
        fi
        "$venv/bin/python" -m pip list
    }
    step "dependencies into $venv ($deps)" install_deps
    echo "$want" >"$stamp"
fi
versions="$("$venv/bin/python" - <<'PY'
import subprocess
import sys
from importlib.metadata import version
pins = subprocess.run([sys.executable, "scripts/floor_constraints.py"], capture_output=True, text=True)
names = [line.split("==")[0] for line in pins.stdout.split()]
print(", ".join(f"{name} {version(name)}" for name in names))
PY
)"
step_note "$versions"

cli_dir="$(bash scripts/install-pulumi-cli.sh | tail -1)"

# The TypeScript consumer's `npm install --offline` finds the SDK and its dependencies here.
cli_version="$(pulumi_cli_version "$repo_root")"
npm_dir="${PULUMI_GOVERNANCE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-governance}/npm/pulumi-$cli_version"
if ! command -v npm >/dev/null 2>&1; then
    step_done "npm cache: @pulumi/pulumi@$cli_version" "skipped (no npm on PATH)"
elif [[ -f "$npm_dir/.complete" ]]; then
    step_done "npm cache: @pulumi/pulumi@$cli_version" "present"
else
    warm_npm_cache() {
        rm -rf "$npm_dir"
        mkdir -p "$npm_dir"
        echo '{"name": "npm-cache-warmer", "version": "0.0.0", "private": true}' >"$npm_dir/package.json"
        npm install --prefix "$npm_dir" --no-audit --no-fund "@pulumi/pulumi@$cli_version"
        touch "$npm_dir/.complete"
    }
    step "npm cache: @pulumi/pulumi@$cli_version" warm_npm_cache
fi

echo "$cli_dir"
