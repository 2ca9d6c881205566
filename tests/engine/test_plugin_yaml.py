"""The provider plugin from a YAML program (`pulumi package add` of this repository): up, a
one-field change previewed as that field only, drift found by refresh shown as the drifted field
only, `pulumi import` of an existing webhook whose generated code previews no change, destroy."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from devtools.emulator import Emulator
from devtools.engine import REPO_ROOT, EngineEnv, exported_state_text, preview_diff
from devtools.plugin_programs import ORG, changed_lines, plugin_stack, pulumi, yaml_program
from provider.schema import SCHEMA_PATH

HOOKS = f"/api/orgs/{ORG}/hooks"
PROGRAM = """
config:
  hookName:
    type: string
  displayName:
    type: string
    default: Alerts
resources:
  alerts:
    type: governance:Webhook
    properties:
      name: ${hookName}
      displayName: ${displayName}
      payloadUrl: https://hooks.example.com/alerts
      filters: [stack_created, update_failed]
      secret: ${hookSecret}
outputs:
  id: ${alerts.id}
"""


@pytest.fixture(scope="module")
def shared_engine(tmp_path_factory: pytest.TempPathFactory, engine_bin_dir: Path) -> EngineEnv:
    """One backend and one YAML project for the module (the package is added once)."""
    env = EngineEnv(root=tmp_path_factory.mktemp("plugin-yaml"), bin_dir=engine_bin_dir)
    env.prepare()
    return env


@pytest.fixture(scope="module")
def program(shared_engine: EngineEnv) -> Path:
    return yaml_program(shared_engine, shared_engine.root / "program", "plugin-yaml", PROGRAM)


@pytest.fixture
def hook_stack(
    request: pytest.FixtureRequest, shared_engine: EngineEnv, program: Path, emulator: Emulator
) -> Iterator[auto.Stack]:
    """A stack (named after the test) declaring one organization webhook of the same name."""
    name = request.node.name.removeprefix("test_plugin_yaml_").replace("_", "-")[:40]
    stack = plugin_stack(shared_engine, program, emulator, name)
    stack.set_config("hookName", auto.ConfigValue(name))
    stack.set_config("hookSecret", auto.ConfigValue("hmac-key-1", secret=True))
    yield stack
    stack.destroy(color="never")
    stack.workspace.remove_stack(name)


def hook(emulator: Emulator, name: str) -> dict[str, Any] | None:
    response = emulator.request("GET", f"{HOOKS}/{name}")
    return response.json() if response.status_code == 200 else None


def test_plugin_yaml_one_field_change(hook_stack: auto.Stack, emulator: Emulator) -> None:
    up = hook_stack.up(color="never")
    assert up.summary.resource_changes == {"create": 2}, up.stdout
    created = hook(emulator, hook_stack.name)
    assert created is not None and created["displayName"] == "Alerts" and created["hasSecret"]
    assert up.outputs["id"].value == f"{ORG}/{hook_stack.name}"
    state = exported_state_text(hook_stack)
    assert "hmac-key-1" not in state and emulator.orgs[ORG] not in state

    hook_stack.set_config("displayName", auto.ConfigValue("Paged"))
    diff = preview_diff(hook_stack)
    assert changed_lines(diff) == ['~ displayName: "Alerts" => "Paged"'], diff
    hook_stack.up(color="never")
    changed = hook(emulator, hook_stack.name)
    assert changed is not None and changed["displayName"] == "Paged"


def test_plugin_yaml_refresh_shows_drifted_field(
    hook_stack: auto.Stack, shared_engine: EngineEnv, program: Path, emulator: Emulator
) -> None:
    hook_stack.up(color="never")
    live = hook(emulator, hook_stack.name)
    assert live is not None
    kept = ("organizationName", "name", "payloadUrl", "active", "format", "filters")
    body = {**{k: live[k] for k in kept}, "displayName": "Hand-edited"}
    patched = emulator.request("PATCH", f"{HOOKS}/{hook_stack.name}", json=body)
    assert patched.status_code < 300, patched.text

    refresh = pulumi(shared_engine, program, "refresh", "--diff", "--yes", "--color=never",
                     f"--stack={hook_stack.name}")  # fmt: skip
    # (the output holds the refresh's preview and the refresh itself)
    assert set(changed_lines(refresh)) == {'~ displayName: "Alerts" => "Hand-edited"'}, refresh
    diff = preview_diff(hook_stack)
    assert changed_lines(diff) == ['~ displayName: "Hand-edited" => "Alerts"'], diff


def test_plugin_yaml_import_webhook(
    shared_engine: EngineEnv, emulator: Emulator, tmp_path: Path
) -> None:
    name = "yaml-imported"
    body = {"organizationName": ORG, "name": name, "displayName": "Made by hand",
            "payloadUrl": "https://hooks.example.com/by-hand", "active": True,
            "format": "slack", "filters": ["update_failed"]}  # fmt: skip
    made = emulator.request("POST", HOOKS, json=body)
    assert made.status_code < 300, made.text
    program = yaml_program(shared_engine, tmp_path / "import", "plugin-import", "resources: {}")
    stack = plugin_stack(shared_engine, program, emulator, "import")
    generated = tmp_path / "generated.yaml"
    pulumi(shared_engine, program, "import", "governance:index:Webhook", "byhand",
           f"{ORG}/{name}", "--yes", "--protect=false", "--out", str(generated),
           "--stack", "import")  # fmt: skip
    code = generated.read_text()
    assert "type: governance:Webhook" in code and "Made by hand" in code, code

    # The generated code, pasted into the program, previews no change.
    project = program / "Pulumi.yaml"
    project.write_text(project.read_text().replace("resources: {}\n", code))
    preview = stack.preview(color="never", diff=True)
    assert preview.change_summary == {"same": 2}, preview.stdout
    stack.destroy(color="never")
    assert hook(emulator, name) is None


def test_plugin_yaml_destroy(hook_stack: auto.Stack, emulator: Emulator) -> None:
    hook_stack.up(color="never")
    assert hook(emulator, hook_stack.name) is not None
    destroy = hook_stack.destroy(color="never")
    assert destroy.summary.resource_changes == {"delete": 2}, destroy.stdout
    assert hook(emulator, hook_stack.name) is None


def test_plugin_yaml_get_schema_prints_committed_schema(shared_engine: EngineEnv) -> None:
    printed = pulumi(shared_engine, shared_engine.root, "package", "get-schema", str(REPO_ROOT))
    schema = json.loads(printed[printed.index("{") : printed.rindex("}") + 1])
    committed = json.loads(SCHEMA_PATH.read_text())
    # The CLI prints the schema normalized (defaults filled in): compare what it declares.
    for part in ("resources", "functions"):
        assert sorted(schema[part]) == sorted(committed[part])
    for token, resource in committed["resources"].items():
        printed_inputs = schema["resources"][token]["inputProperties"]
        assert {k: v["description"] for k, v in printed_inputs.items()} == {
            k: v["description"] for k, v in resource["inputProperties"].items()
        }, token
    assert schema["language"]["python"]["packageName"] == "pulumi_governance_plugin"
