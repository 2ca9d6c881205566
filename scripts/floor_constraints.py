"""Prints a pip constraints file pinning every runtime dependency to its lowest allowed version.

Runtime dependencies are `[project].dependencies` and every optional-dependency group but `dev`
in pyproject.toml. Each must declare a lower bound (`>=X`); that bound is what gets pinned, so the
floor the package declares is the floor the tests run at.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;]*)")


def runtime_requirements(pyproject: dict[str, object]) -> list[str]:
    project = pyproject["project"]
    assert isinstance(project, dict)
    requirements = list(project.get("dependencies", []))
    for group, entries in project.get("optional-dependencies", {}).items():
        if group != "dev":
            requirements.extend(entries)
    own_name = str(project["name"])
    return [r for r in requirements if not r.strip().startswith(own_name)]


def floor_pin(requirement: str) -> str:
    match = REQUIREMENT.match(requirement)
    if match is None:
        raise ValueError(f"cannot read the requirement {requirement!r}")
    name, _extras, specifiers = match.groups()
    for specifier in specifiers.split(","):
        specifier = specifier.strip()
        if specifier.startswith(">="):
            return f"{name}=={specifier[2:].strip()}"
    raise ValueError(f"{requirement!r} has no lower bound (>=): its floor cannot be tested")


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("pyproject.toml")
    pyproject = tomllib.loads(path.read_text())
    for requirement in runtime_requirements(pyproject):
        print(floor_pin(requirement))


if __name__ == "__main__":
    main()
