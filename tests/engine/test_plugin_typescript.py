"""The provider plugin from a TypeScript program (`pulumi package add` generates the SDK
`@pulumi/governance`), as test_plugin_yaml.py does for YAML: a one-field change previewed as that
field only, drift found by refresh shown as the drifted field only, `pulumi import` of an existing
stack webhook whose generated code previews no change, destroy. One program for the module (npm
install and the SDK's generation run once), one stack per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from devtools.emulator import Emulator
from devtools.engine import EngineEnv, preview_diff
from devtools.plugin_programs import ORG, changed_lines, plugin_stack, pulumi, typescript_program

HOOKS = f"/api/stacks/{ORG}/web/prod/hooks"
# Without `hookName` the program declares nothing (the import test's stack pastes its own code).
INDEX_TS = """
import * as pulumi from "@pulumi/pulumi";
import * as governance from "@pulumi/governance";

const config = new pulumi.Config();
const hookName = config.get("hookName");
export const hookId = hookName === undefined ? undefined : new governance.Webhook("deploys", {
    project: "web",
    stack: "prod",
    name: hookName,
    displayName: config.get("displayName") ?? "Deploys",
    payloadUrl: "https://hooks.example.com/deploys",
    filters: ["update_succeeded", "update_failed"],
}).id;
"""


@pytest.fixture(scope="module")
def shared_engine(tmp_path_factory: pytest.TempPathFactory, engine_bin_dir: Path) -> EngineEnv:
    env = EngineEnv(root=tmp_path_factory.mktemp("plugin-ts"), bin_dir=engine_bin_dir)
    env.prepare()
    return env


@pytest.fixture(scope="module")
def program(shared_engine: EngineEnv) -> Path:
    return typescript_program(shared_engine, shared_engine.root / "program", "plugin-ts", INDEX_TS)


@pytest.fixture
def hook_stack(
    request: pytest.FixtureRequest, shared_engine: EngineEnv, program: Path, emulator: Emulator
) -> Iterator[auto.Stack]:
    """A stack (named after the test) declaring one stack webhook of the same name."""
    name = "ts-" + request.node.name.removeprefix("test_plugin_typescript_").replace("_", "-")
    stack = plugin_stack(shared_engine, program, emulator, name[:40])
    stack.set_config("hookName", auto.ConfigValue(stack.name))
    yield stack
    stack.destroy(color="never")
    stack.workspace.remove_stack(stack.name)


def hook(emulator: Emulator, name: str) -> dict[str, Any] | None:
    response = emulator.request("GET", f"{HOOKS}/{name}")
    return response.json() if response.status_code == 200 else None


def test_plugin_typescript_one_field_change(hook_stack: auto.Stack, emulator: Emulator) -> None:
    up = hook_stack.up(color="never")
    assert up.summary.resource_changes == {"create": 2}, up.stdout
    assert up.outputs["hookId"].value == f"{ORG}/web/prod/{hook_stack.name}", up.stdout
    created = hook(emulator, hook_stack.name)
    assert created is not None and created["displayName"] == "Deploys"
    assert sorted(created["filters"]) == ["update_failed", "update_succeeded"]

    hook_stack.set_config("displayName", auto.ConfigValue("Paged"))
    diff = preview_diff(hook_stack)
    assert changed_lines(diff) == ['~ displayName: "Deploys" => "Paged"'], diff
    update = hook_stack.up(color="never")
    assert update.summary.resource_changes == {"same": 1, "update": 1}, update.stdout
    changed = hook(emulator, hook_stack.name)
    assert changed is not None and changed["displayName"] == "Paged"


def test_plugin_typescript_refresh_shows_drifted_field(
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
    assert set(changed_lines(refresh)) == {'~ displayName: "Deploys" => "Hand-edited"'}, refresh
    diff = preview_diff(hook_stack)
    assert changed_lines(diff) == ['~ displayName: "Hand-edited" => "Deploys"'], diff


def test_plugin_typescript_import_webhook(
    shared_engine: EngineEnv, program: Path, emulator: Emulator, tmp_path: Path
) -> None:
    name = "ts-imported"
    body = {"organizationName": ORG, "name": name, "displayName": "Made by hand",
            "payloadUrl": "https://hooks.example.com/by-hand", "active": True,
            "format": "slack", "filters": ["update_failed"]}  # fmt: skip
    made = emulator.request("POST", HOOKS, json=body)
    assert made.status_code < 300, made.text
    stack = plugin_stack(shared_engine, program, emulator, "ts-import")
    generated = tmp_path / "generated.ts"
    pulumi(shared_engine, program, "import", "governance:index:Webhook", "byhand",
           f"{ORG}/web/prod/{name}", "--yes", "--protect=false", "--out", str(generated),
           "--stack", "ts-import")  # fmt: skip
    code = generated.read_text()
    assert 'new governance.Webhook("byhand"' in code and "Made by hand" in code, code

    # The generated code, pasted into the program (its imports are the program's), previews
    # no change.
    index = program / "index.ts"
    pasted = "\n".join(line for line in code.splitlines() if not line.startswith("import "))
    index.write_text(INDEX_TS + pasted + "\n")
    try:
        preview = stack.preview(color="never", diff=True)
        assert preview.change_summary == {"same": 2}, preview.stdout
        stack.destroy(color="never")
    finally:
        index.write_text(INDEX_TS)
    assert hook(emulator, name) is None


def test_plugin_typescript_destroy(hook_stack: auto.Stack, emulator: Emulator) -> None:
    hook_stack.up(color="never")
    assert hook(emulator, hook_stack.name) is not None
    destroy = hook_stack.destroy(color="never")
    assert destroy.summary.resource_changes == {"delete": 2}, destroy.stdout
    assert hook(emulator, hook_stack.name) is None
    listed = emulator.request("GET", HOOKS).json()
    assert hook_stack.name not in [h["name"] for h in listed], listed
