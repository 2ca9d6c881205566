"""pulumi-governance as users install it: built wheel and sdist, a fresh virtualenv with the wheel
and its `[emulator]` extra from the registry (no development dependencies, not editable), and a
governance program outside the repository run by the real CLI against the installed emulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.emulator import Emulator
from devtools.engine import REPO_ROOT, EngineEnv, pulumi_bin_dir

ORG = "acme"
# Modules only the emulator needs; a program importing pulumi_governance must load none of them.
EMULATOR_ONLY = ("fastapi", "starlette", "uvicorn", "pydantic", "anyio", "h11", "jsonschema")
EMULATOR_ONLY += ("sqlite3", "_sqlite3", "pulumi_governance.emulator")
DEV_ONLY = ("pytest", "ruff", "mypy", "openapi-core", "pulumi-policy", "build")


def run(*cmd: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"{cmd} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory outside the repository, for everything a user would have."""
    path = tmp_path_factory.mktemp("user")
    assert REPO_ROOT not in path.parents
    return path


@pytest.fixture(scope="module")
def dist(outside: Path) -> Path:
    out = outside / "dist"
    run(sys.executable, "-m", "build", "--outdir", out, REPO_ROOT, cwd=outside)
    return out


@pytest.fixture(scope="module")
def venv(outside: Path, dist: Path) -> Path:
    """A fresh virtualenv with the wheel and its emulator extra, as `pip install` gives them."""
    path = outside / "venv"
    run(sys.executable, "-m", "venv", path, cwd=outside)
    (wheel,) = dist.glob("*.whl")
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    run(path / "bin" / "python", "-m", "pip", "install", f"{wheel}[emulator]", cwd=outside, env=env)
    return path


@pytest.fixture(scope="module")
def emulator(outside: Path, venv: Path) -> Iterator[Emulator]:
    process = Emulator(
        outside / "emulator",
        stacks=[f"{ORG}/payments/prod"],
        python=str(venv / "bin" / "python"),
        cwd=outside,
    )
    process.start()
    yield process
    process.stop()


def test_sdist_and_wheel_carry_the_package_and_nothing_of_the_repository(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    (sdist,) = dist.glob("*.tar.gz")
    with zipfile.ZipFile(wheel) as archive:
        wheel_names = archive.namelist()
    for shipped in ("py.typed", "pulumi-plugin.json", "emulator/__main__.py", "functions.py"):
        assert f"pulumi_governance/{shipped}" in wheel_names
    assert not [n for n in wheel_names if n.split("/")[0] in ("tests", "devtools", "examples")]
    with tarfile.open(sdist) as archive:
        sdist_names = [n.split("/", 1)[-1] for n in archive.getnames()]
    for shipped in ("pyproject.toml", "README.md", "sdk/python/pulumi_governance/__init__.py"):
        assert shipped in sdist_names


def test_installs_without_development_dependencies(venv: Path) -> None:
    listed = run(venv / "bin" / "python", "-m", "pip", "list", "--format=json", cwd=venv)
    installed = {p["name"].lower().replace("_", "-") for p in json.loads(listed)}
    assert {"pulumi-governance", "pulumi", "fastapi", "uvicorn"} <= installed
    assert not installed & set(DEV_ONLY)


def test_import_loads_nothing_only_the_emulator_needs(venv: Path, outside: Path) -> None:
    # The bare import, and every public name touched (which loads the resources and the SDK).
    probe = textwrap.dedent(
        """
        import json, sys
        import pulumi_governance
        bare = sorted(sys.modules)
        for name in pulumi_governance.__all__:
            getattr(pulumi_governance, name)
        import pulumi_governance.api, pulumi_governance.config
        print(json.dumps([pulumi_governance.__file__, bare, sorted(sys.modules)]))
        """
    )
    location, bare, used = json.loads(run(venv / "bin" / "python", "-c", probe, cwd=outside))
    assert Path(location).is_relative_to(venv), "imported from the repository, not the wheel"
    assert "pulumi" not in bare, "the bare import loads the Pulumi SDK"
    for module in used:
        assert not module.startswith(EMULATOR_ONLY), f"importing pulumi_governance loads {module}"


PROGRAM = """
import pulumi
import pulumi_governance as governance
from pulumi_governance import functions

group = governance.PolicyGroup(
    "production", name="production", mode="audit", stacks=["payments/prod"], policy_packs=[]
)
schedule = governance.Schedule(
    "drift", kind="drift", project="payments", stack="prod", cron="0 */6 * * *"
)
pulumi.export("group", group.id)
pulumi.export("schedule", schedule.id)
pulumi.export("stacks", functions.get_stacks_output(project="payments").apply(len))
"""


def test_program_outside_the_repository_runs_with_the_installed_package(
    outside: Path, venv: Path, emulator: Emulator
) -> None:
    program = outside / "program"
    program.mkdir()
    (program / "Pulumi.yaml").write_text(
        "name: governance\nruntime:\n  name: python\n  options:\n"
        f"    toolchain: pip\n    virtualenv: {venv}\n"
    )
    (program / "__main__.py").write_text(PROGRAM)
    engine = EngineEnv(root=outside / "engine", bin_dir=pulumi_bin_dir())
    engine.prepare()
    # Only the CLI and the program's own virtualenv: not this interpreter, not the repository.
    env = {**engine.env_vars(), "PATH": f"{engine.bin_dir}{os.pathsep}/usr/bin:/bin"}
    del env["PULUMI_PYTHON_CMD"]
    pulumi = str(engine.bin_dir / "pulumi")

    run(pulumi, "stack", "init", "dev", cwd=program, env=env)
    run(pulumi, "config", "set", "governance:apiUrl", emulator.url, cwd=program, env=env)
    run(pulumi, "config", "set", "governance:organization", ORG, cwd=program, env=env)
    run(pulumi, "config", "set", "--secret", "governance:accessToken", emulator.token,
        cwd=program, env=env)  # fmt: skip
    run(pulumi, "up", "--yes", "--skip-preview", cwd=program, env=env)

    outputs = json.loads(run(pulumi, "stack", "output", "--json", cwd=program, env=env))
    assert outputs["group"] == f"{ORG}/production"
    assert outputs["stacks"] == 1
    group = emulator.request("GET", f"/api/orgs/{ORG}/policygroups/production").json()
    assert [(s["routingProject"], s["name"]) for s in group["stacks"]] == [("payments", "prod")]
    schedule_id = outputs["schedule"].rsplit("/", 1)[1]
    path = f"/api/stacks/{ORG}/payments/prod/deployments/schedules/{schedule_id}"
    assert emulator.request("GET", path).status_code == 200

    run(pulumi, "destroy", "--yes", "--skip-preview", cwd=program, env=env)
    gone = emulator.request("GET", f"/api/orgs/{ORG}/policygroups/production")
    assert gone.status_code == 404
    assert emulator.request("GET", path).status_code == 404
