"""Programs that use the provider plugin (`governance:index:<Kind>`), for tests and benchmarks.

- `pulumi(engine, cwd, *args)`: the CLI in an engine's isolated environment.
- `yaml_program(engine, dir, name, body)`: a YAML project whose Pulumi.yaml carries the
  `packages:` entry that `pulumi package add <repository>` wrote (the add runs once per directory).
- `python_program(engine, dir, name, main_py)`: a Python project (`toolchain: pip`, its own
  `venv`) into which `pulumi package add` installs the generated SDK `pulumi_governance_plugin`.
  The venv sees the repository's .venv packages through a .pth file, so nothing is downloaded and
  the SDK is never installed into the repository's own environment (where every dynamic program
  would then demand the plugin).
- `typescript_program(engine, dir, name, index_ts)`: a Node.js project with the generated SDK
  `@pulumi/governance`.
- `changed_lines(diff)`: the property lines a `preview --diff` marks as changed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

from pulumi import automation as auto

from devtools.cli_run import run_pulumi
from devtools.emulator import Emulator
from devtools.engine import REPO_ROOT, EngineEnv

ORG = "acme"
# `~ displayName: ...`, `+ [2]: ...`, but not a resource's own line (`~ governance:index:...`).
PROPERTY_LINE = re.compile(r'^[~+-] [\w\[\]"]+\s*: ')


def pulumi(engine: EngineEnv, cwd: Path, *args: str, check: bool = True) -> str:
    """Run `pulumi args...` in `cwd` with the engine's environment; returns stdout + stderr."""
    done = run_pulumi(args, cwd=cwd, env={**os.environ, **engine.env_vars()})
    output = done.stdout + done.stderr
    if check and done.returncode != 0:
        raise RuntimeError(f"pulumi {' '.join(args)} failed ({done.returncode}):\n{output}")
    return output


def package_add(engine: EngineEnv, program: Path) -> None:
    """`pulumi package add` of this repository into the project in `program`."""
    pulumi(engine, program, "package", "add", str(REPO_ROOT))


def yaml_program(engine: EngineEnv, directory: Path, name: str, body: str) -> Path:
    """A YAML project (`body`: its config/resources/outputs sections) using the plugin."""
    directory.mkdir(parents=True, exist_ok=True)
    project = directory / "Pulumi.yaml"
    packages = _packages_section(project)
    project.write_text(f"name: {name}\nruntime: yaml\n{body.strip()}\n{packages}")
    if not packages:
        package_add(engine, directory)
    return directory


def _packages_section(project: Path) -> str:
    if not project.exists():
        return ""
    text = project.read_text()
    index = text.find("\npackages:")
    return text[index + 1 :] if index >= 0 else ""


def python_program(
    engine: EngineEnv, directory: Path, name: str, main_py: str, add_package: bool = True
) -> Path:
    """A Python project using the plugin through its generated SDK (`pulumi_governance_plugin`);
    with `add_package=False`, the same project layout without it (for the dynamic resources)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "__main__.py").write_text(textwrap.dedent(main_py).lstrip())
    project = directory / "Pulumi.yaml"
    packages = _packages_section(project)
    project.write_text(
        f"name: {name}\nruntime:\n  name: python\n  options:\n    toolchain: pip\n"
        f"    virtualenv: venv\n{packages}"
    )
    if packages:
        return directory
    venv = directory / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    site = Path(sysconfig.get_paths()["purelib"])
    # (.pth files are not read from a directory a .pth file adds: our editable install's path
    # is listed as well)
    paths = f"{site}\n{REPO_ROOT / 'sdk' / 'python'}\n"
    (next(venv.glob("lib/python*/site-packages")) / "repository.pth").write_text(paths)
    (directory / "requirements.txt").touch()  # `package add` appends the SDK's path to it
    if add_package:
        package_add(engine, directory)
    return directory


def typescript_program(engine: EngineEnv, directory: Path, name: str, index_ts: str) -> Path:
    """A TypeScript project using the plugin through its generated SDK (`@pulumi/governance`).

    `@pulumi/pulumi` of the CLI's version comes from the npm cache that `scripts/bootstrap.sh`
    fills (offline)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "index.ts").write_text(textwrap.dedent(index_ts).lstrip())
    project = directory / "Pulumi.yaml"
    if project.exists():
        return directory
    project.write_text(f"name: {name}\nruntime: nodejs\n")
    version = pulumi(engine, directory, "version").strip().splitlines()[-1].removeprefix("v")
    (directory / "package.json").write_text(
        f'{{"name": "{name}", "main": "index.ts", "private": true, '
        f'"dependencies": {{"@pulumi/pulumi": "{version}"}}}}\n'
    )
    subprocess.run(
        ["npm", "install", "--offline", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=directory, check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    package_add(engine, directory)
    return directory


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


def changed_lines(diff: str) -> list[str]:
    """The property lines of a `preview --diff` marked as changed (`~`, `+`, `-`)."""
    return [line.strip() for line in diff.splitlines() if PROPERTY_LINE.match(line.strip())]
