#!/usr/bin/env bash
# The test command: unit, API (client + emulator over loopback HTTP) and engine (real pulumi CLI)
# tests in one run, after lint. Extra arguments go to pytest.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

cli_dir="$(bash scripts/bootstrap.sh | tail -1)"
export PULUMI_GOVERNANCE_CLI_DIR="$cli_dir"

echo "== lint and types" >&2
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy

echo "== tests" >&2
exec .venv/bin/python -m pytest -p no:cacheprovider -ra "$@"
