"""The example programs type-check under `mypy --strict`: what a user's editor and type checker
see of the package's inputs (TypedDict `...Args`, `pulumi.Input` types) is enough for them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("example", ["governance-stack", "team-guardrails"])
def test_example_passes_mypy_strict(example: str, tmp_path: Path) -> None:
    program = EXAMPLES / example / "__main__.py"
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path), str(program)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
