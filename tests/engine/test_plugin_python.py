"""The provider plugin from a Python program, through the SDK that `pulumi package add`
generates (`pulumi_governance_plugin`): a token whose value is secret in state; and the move of a
stack's webhook from the dynamic resource to the plugin's, without recreating it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from devtools.emulator import Emulator
from devtools.engine import EngineEnv, exported_state, exported_state_text, resources_of_type
from devtools.plugin_programs import ORG, plugin_stack, pulumi, python_program

HOOKS = f"/api/orgs/{ORG}/hooks"

TOKEN_PROGRAM = """
import pulumi
import pulumi_governance_plugin as governance

token = governance.OrgToken("ci", name="plugin-ci", description="CI", expiry="30d")
pulumi.export("token_id", token.id)
pulumi.export("token", token.value)
"""

WEBHOOK = """
    name="moved-hook",
    display_name="Alerts",
    payload_url="https://hooks.example.com/alerts",
    filters=["update_failed"],
    organization="acme",
"""
DYNAMIC = (
    f"import pulumi_governance as governance\n\ngovernance.Webhook(\n    'alerts',{WEBHOOK})\n"
)
PLUGIN = DYNAMIC.replace("pulumi_governance ", "pulumi_governance_plugin ")


@pytest.fixture(scope="module")
def shared_engine(tmp_path_factory: pytest.TempPathFactory, engine_bin_dir: Path) -> EngineEnv:
    env = EngineEnv(root=tmp_path_factory.mktemp("plugin-python"), bin_dir=engine_bin_dir)
    env.prepare()
    return env


@pytest.fixture(scope="module")
def program(shared_engine: EngineEnv) -> Path:
    """One Python project with its venv and the generated SDK (the package is added once)."""
    return python_program(shared_engine, shared_engine.root / "program", "plugin-py", DYNAMIC)


def hook(emulator: Emulator, name: str) -> dict[str, Any] | None:
    response = emulator.request("GET", f"{HOOKS}/{name}")
    return response.json() if response.status_code == 200 else None


def test_plugin_python_token_secret_in_state(
    shared_engine: EngineEnv, program: Path, emulator: Emulator
) -> None:
    (program / "__main__.py").write_text(TOKEN_PROGRAM)
    stack = plugin_stack(shared_engine, program, emulator, "token")
    try:
        up = stack.up(color="never")
        assert up.outputs["token"].secret and up.outputs["token"].value
        state = exported_state(stack)
        (token,) = resources_of_type(state, "governance:index:OrgToken")
        assert "ciphertext" in token["outputs"]["value"]
        assert up.outputs["token"].value not in exported_state_text(stack)
    finally:
        stack.destroy(color="never")
        stack.workspace.remove_stack("token")


def test_plugin_python_moves_dynamic_webhook(
    shared_engine: EngineEnv, program: Path, emulator: Emulator
) -> None:
    (program / "__main__.py").write_text(DYNAMIC)
    stack = plugin_stack(shared_engine, program, emulator, "move")
    try:
        stack.up(color="never")
        before = hook(emulator, "moved-hook")
        assert before is not None
        (dynamic,) = resources_of_type(
            exported_state(stack), "pulumi-python:dynamic/governance:Webhook"
        )

        # The recipe of the README: the program uses the plugin's type; the state forgets the
        # dynamic resource (the object stays); the plugin imports the object by its ID.
        (program / "__main__.py").write_text(PLUGIN)
        pulumi(
            shared_engine, program, "state", "delete", dynamic["urn"], "--yes", "--stack", "move"
        )
        pulumi(shared_engine, program, "import", "governance:index:Webhook", "alerts",
               dynamic["id"], "--yes", "--protect=false", "--stack", "move")  # fmt: skip
        preview = stack.preview(color="never", diff=True)
        changes = {k: v for k, v in preview.change_summary.items() if k != "same"}
        assert changes in ({}, {"delete": 1}), preview.stdout  # at most the unused dynamic provider
        up = stack.up(color="never")
        assert "create" not in (up.summary.resource_changes or {}), up.stdout
        (moved,) = resources_of_type(exported_state(stack), "governance:index:Webhook")
        assert moved["id"] == dynamic["id"]
        assert hook(emulator, "moved-hook") == before
    finally:
        stack.destroy(color="never")
        stack.workspace.remove_stack("move")
        (program / "__main__.py").write_text(DYNAMIC)
    assert hook(emulator, "moved-hook") is None
