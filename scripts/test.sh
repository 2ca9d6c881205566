#!/usr/bin/env bash
# The test command: unit, API (client + emulator over loopback HTTP) and engine (real pulumi CLI)
# tests in one run, after lint. Extra arguments go to pytest.
#
# PULUMI_GOVERNANCE_DEPS=newest runs them in .venv-newest, with the newest versions of the runtime
# dependencies instead of their floor (lint and types are checked in the floor run only: the code
# is the same, and the newest linters may bring new rules).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

cli_dir="$(bash scripts/bootstrap.sh | tail -1)"
export PULUMI_GOVERNANCE_CLI_DIR="$cli_dir"
venv=.venv
[[ "${PULUMI_GOVERNANCE_DEPS:-floor}" != newest ]] || venv=.venv-newest

if [[ "$venv" == .venv ]]; then
    echo "== lint and types" >&2
    .venv/bin/ruff check .
    .venv/bin/ruff format --check .
    .venv/bin/mypy
fi

echo "== tests ($("$venv/bin/python" -c 'from importlib.metadata import version; print("pulumi SDK", version("pulumi"))'), pulumi CLI $("$cli_dir/pulumi" version))" >&2
exec "$venv/bin/python" -m pytest -p no:cacheprovider -ra "$@"
