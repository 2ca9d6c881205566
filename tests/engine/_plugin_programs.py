"""Programs that use the provider plugin (`governance:index:<Kind>`) under the real CLI.

`pulumi(engine, cwd, *args)` runs the CLI in an engine's isolated environment;
`yaml_program(...)` writes a YAML project whose Pulumi.yaml has the `packages:` entry that
`pulumi package add <repository>` wrote (the add runs once per project directory).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from pulumi import automation as auto

from devtools.emulator import Emulator
from devtools.engine import REPO_ROOT, EngineEnv

ORG = "acme"


def pulumi(engine: EngineEnv, cwd: Path, *args: str, check: bool = True) -> str:
    """Run `pulumi args...` in `cwd` with the engine's environment; returns stdout + stderr."""
    import os

    done = subprocess.run(
        ["pulumi", *args],
        cwd=cwd,
        env={**os.environ, **engine.env_vars()},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    output = done.stdout + done.stderr
    if check and done.returncode != 0:
        raise AssertionError(f"pulumi {' '.join(args)} failed ({done.returncode}):\n{output}")
    return output


def package_add(engine: EngineEnv, program: Path) -> None:
    """`pulumi package add` of this repository into the project in `program`."""
    pulumi(engine, program, "package", "add", str(REPO_ROOT))


def yaml_program(engine: EngineEnv, directory: Path, name: str, body: str) -> Path:
    """A YAML project (`body`: its config/resources/outputs sections) using the plugin."""
    directory.mkdir(parents=True, exist_ok=True)
    project = directory / "Pulumi.yaml"
    packages = _packages_section(project)
    project.write_text(f"name: {name}\nruntime: yaml\n{body.strip()}\n")
    if packages:
        project.write_text(project.read_text() + packages)
    else:
        package_add(engine, directory)
    return directory


def _packages_section(project: Path) -> str:
    if not project.exists():
        return ""
    text = project.read_text()
    index = text.find("\npackages:")
    return text[index + 1 :] if index >= 0 else ""


def plugin_stack(
    engine: EngineEnv, program: Path, emulator: Emulator, name: str = "dev"
) -> auto.Stack:
    """A stack of `program` configured through the plugin's config for the emulator's org."""
    return engine.stack(
        program,
        name,
        config={
            "governance:apiUrl": emulator.url,
            "governance:accessToken": (emulator.orgs[ORG], True),
            "governance:organization": ORG,
        },
    )
