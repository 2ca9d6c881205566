"""scripts/floor_constraints.py: every runtime dependency pinned to its declared lower bound."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "floor_constraints.py"


def floor_pins(pyproject: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(pyproject)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_pins_every_runtime_dependency_and_extra_but_not_dev() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    runtime = project["dependencies"] + project["optional-dependencies"]["emulator"]
    pins = floor_pins(REPO / "pyproject.toml")
    assert len(pins) == len(runtime)
    assert "pulumi==3.188.0" in pins
    assert not [p for p in pins if p.startswith(("pytest", "ruff", "mypy", "pulumi-governance"))]


def test_reads_the_lower_bound_whatever_the_order(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n'
        'dependencies = ["a<3,>=1.2", "b[extra] >= 0.5 ; python_version > \'3\'"]\n'
        '[project.optional-dependencies]\nserver = ["c>=2"]\ndev = ["d>=9"]\n'
    )
    assert floor_pins(tmp_path / "pyproject.toml") == ["a==1.2", "b==0.5", "c==2"]


def test_refuses_a_dependency_without_lower_bound(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["a<3"]\n')
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path / "pyproject.toml")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode != 0
    assert "'a<3' has no lower bound" in done.stderr
