"""The real `pulumi` CLI, isolated and offline, driven through the Automation API.

Every engine run here uses a local file backend, a private PULUMI_HOME, a passphrase secrets
provider, no update checks and no plugin downloads, and runs Python programs (and their dynamic
provider processes) with the interpreter that has pulumi-governance installed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi import automation as auto

from devtools.cli_run import run_pulumi

REPO_ROOT = Path(__file__).resolve().parents[1]
PASSPHRASE = "pulumi-governance-tests"


def pulumi_bin_dir() -> Path:
    """The directory with `pulumi` and `pulumi-language-python`, building them if needed."""
    preset = os.environ.get("PULUMI_GOVERNANCE_CLI_DIR")
    if preset:
        return Path(preset)
    script = REPO_ROOT / "scripts" / "install-pulumi-cli.sh"
    done = subprocess.run(
        ["bash", str(script)], stdout=subprocess.PIPE, stderr=None, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{script} failed with exit code {done.returncode} (output above)")
    return Path(done.stdout.strip().splitlines()[-1])


@dataclass
class EngineEnv:
    """An isolated, offline home for engine runs: one backend, one PULUMI_HOME."""

    root: Path
    bin_dir: Path
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def home(self) -> Path:
        return self.root / "pulumi-home"

    @property
    def backend(self) -> Path:
        return self.root / "backend"

    def env_vars(self) -> dict[str, str]:
        python_bin = Path(sys.executable).parent
        path = os.pathsep.join([str(self.bin_dir), str(python_bin), os.environ.get("PATH", "")])
        return {
            "PATH": path,
            "PULUMI_HOME": str(self.home),
            "PULUMI_BACKEND_URL": self.backend.as_uri(),
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK": "true",
            "PULUMI_SKIP_CONFIRMATIONS": "true",
            "PULUMI_PYTHON_CMD": sys.executable,
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PYTHONUNBUFFERED": "1",
            # The engine must never reach a real Pulumi Cloud from here.
            "PULUMI_ACCESS_TOKEN": "",
            **self.extra_env,
        }

    def prepare(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self.backend.mkdir(parents=True, exist_ok=True)

    def command(self) -> auto.PulumiCommand:
        return auto.PulumiCommand(root=str(self.bin_dir.parent), skip_version_check=True)

    def stack(
        self,
        program_dir: Path,
        stack_name: str,
        config: Mapping[str, str | tuple[str, bool]] | None = None,
    ) -> auto.Stack:
        """Select (or create) `stack_name` for the Pulumi project in `program_dir`.

        `config` values are strings, or (value, secret) pairs.
        """
        self.prepare()
        options = auto.LocalWorkspaceOptions(
            work_dir=str(program_dir),
            pulumi_home=str(self.home),
            env_vars=self.env_vars(),
            secrets_provider="passphrase",
            pulumi_command=self.command(),
        )
        stack = auto.create_or_select_stack(stack_name, work_dir=str(program_dir), opts=options)
        for key, value in (config or {}).items():
            text, secret = value if isinstance(value, tuple) else (value, False)
            stack.set_config(key, auto.ConfigValue(value=text, secret=secret))
        return stack


def write_program(directory: Path, name: str, main_py: str) -> Path:
    """Write a Python Pulumi project (`Pulumi.yaml` + `__main__.py`) and return its directory."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text(
        f"name: {name}\nruntime:\n  name: python\n  options:\n    toolchain: pip\n"
    )
    (directory / "__main__.py").write_text(textwrap.dedent(main_py).lstrip())
    return directory


def preview_diff(stack: auto.Stack) -> str:
    """The text of `pulumi preview --diff`, as a reviewer reads it in a pull request."""
    return stack.preview(diff=True, color="never").stdout


def exported_state(stack: auto.Stack) -> dict[str, Any]:
    """The stack's checkpoint as `pulumi stack export` writes it: secrets stay encrypted.

    (The Automation API's `export_stack` passes `--show-secrets`, which would decrypt them.)
    """
    workspace = stack.workspace
    assert isinstance(workspace, auto.LocalWorkspace)
    done = run_pulumi(
        ["stack", "export", "--stack", stack.name],
        cwd=Path(workspace.work_dir),
        env={**os.environ, **workspace.env_vars},
    )
    if done.returncode != 0:
        raise RuntimeError(f"pulumi stack export failed: {done.stderr}")
    state: dict[str, Any] = json.loads(done.stdout)
    return state


def exported_state_text(stack: auto.Stack) -> str:
    return json.dumps(exported_state(stack), sort_keys=True)


def resources_of_type(state: Mapping[str, Any], type_token: str) -> list[dict[str, Any]]:
    resources = state.get("deployment", state).get("resources") or []
    return [r for r in resources if r.get("type") == type_token]


def shows_change(diff: str, prop: str, old: str, new: str) -> bool:
    """Whether a `preview --diff` text shows `prop` changing from `old` to `new` (values as the
    diff prints them, e.g. '"a"' for a string), whatever the column alignment."""
    pattern = rf"~ {re.escape(prop)}\s*: {re.escape(old)} => {re.escape(new)}"
    return re.search(pattern, diff) is not None
