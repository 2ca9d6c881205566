#!/usr/bin/env bash
# The demo: an emulated Pulumi Cloud organization governed by the programs in examples/.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

cli_dir="$(bash scripts/bootstrap.sh | tail -1)"
export PULUMI_GOVERNANCE_CLI_DIR="$cli_dir"
exec .venv/bin/python -m devtools.demo "$@"
