"""The provider plugin from a TypeScript program (`pulumi package add` generates the SDK
`@pulumi/governance`): a stack webhook created, changed in place, and destroyed."""

from __future__ import annotations

from pathlib import Path

from pulumi import automation as auto

from devtools.emulator import Emulator
from devtools.engine import EngineEnv
from devtools.plugin_programs import ORG, plugin_stack, typescript_program

HOOK = f"/api/stacks/{ORG}/web/prod/hooks/ts-deploys"
INDEX_TS = """
import * as pulumi from "@pulumi/pulumi";
import * as governance from "@pulumi/governance";

const config = new pulumi.Config();
const hook = new governance.Webhook("deploys", {
    project: "web",
    stack: "prod",
    name: "ts-deploys",
    displayName: config.get("displayName") ?? "Deploys",
    payloadUrl: "https://hooks.example.com/deploys",
    filters: ["update_succeeded", "update_failed"],
});
export const hookId = hook.id;
"""


def test_plugin_typescript_up_update_destroy(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    program = typescript_program(engine, tmp_path / "program", "plugin-ts", INDEX_TS)
    stack = plugin_stack(engine, program, emulator)
    up = stack.up(color="never")
    assert up.outputs["hookId"].value == f"{ORG}/web/prod/ts-deploys", up.stdout
    created = emulator.request("GET", HOOK).json()
    assert created["displayName"] == "Deploys"
    assert sorted(created["filters"]) == ["update_failed", "update_succeeded"]

    stack.set_config("displayName", auto.ConfigValue("Deploys of web/prod"))
    update = stack.up(color="never")
    assert update.summary.resource_changes == {"same": 1, "update": 1}, update.stdout
    assert emulator.request("GET", HOOK).json()["displayName"] == "Deploys of web/prod"

    destroy = stack.destroy(color="never")
    assert destroy.summary.resource_changes == {"delete": 2}, destroy.stdout
    assert emulator.request("GET", HOOK).status_code == 404
