"""The provider plugin from a TypeScript program (`pulumi package add` generates the SDK
`@pulumi/governance`): the webhook scenarios of plugin_webhook_scenarios.py with a stack webhook.
One program for the module (npm install and the SDK's generation run once), one stack per test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pulumi import automation as auto

from devtools.emulator import Emulator
from devtools.engine import EngineEnv
from devtools.plugin_programs import plugin_stack, typescript_program
from tests.engine import plugin_webhook_scenarios as scenarios
from tests.engine.plugin_webhook_scenarios import WebhookProgram

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
def program(shared_engine: EngineEnv) -> WebhookProgram:
    directory = typescript_program(
        shared_engine, shared_engine.root / "program", "plugin-ts", INDEX_TS
    )

    @contextmanager
    def pasting(code: str) -> Iterator[None]:
        # The generated code's imports are the program's own.
        index = directory / "index.ts"
        pasted = "\n".join(line for line in code.splitlines() if not line.startswith("import "))
        index.write_text(INDEX_TS + pasted + "\n")
        try:
            yield
        finally:
            index.write_text(INDEX_TS)

    return WebhookProgram(
        shared_engine, directory, scope="web/prod", display_name="Deploys", id_output="hookId",
        generated_marker='new governance.Webhook("byhand"', pasting=pasting,
    )  # fmt: skip


@pytest.fixture
def hook_stack(
    request: pytest.FixtureRequest, program: WebhookProgram, emulator: Emulator
) -> Iterator[auto.Stack]:
    """A stack (named after the test) declaring one stack webhook of the same name."""
    name = "ts-" + request.node.name.removeprefix("test_plugin_typescript_").replace("_", "-")
    with scenarios.hook_stack(program, emulator, name) as stack:
        yield stack


def test_plugin_typescript_one_field_change(
    program: WebhookProgram, hook_stack: auto.Stack, emulator: Emulator
) -> None:
    scenarios.one_field_change(program, hook_stack, emulator)
    live = program.hook(emulator, hook_stack.name)
    assert live is not None
    assert sorted(live["filters"]) == ["update_failed", "update_succeeded"]


def test_plugin_typescript_refresh_shows_drifted_field(
    program: WebhookProgram, hook_stack: auto.Stack, emulator: Emulator
) -> None:
    scenarios.refresh_shows_drifted_field(program, hook_stack, emulator)


def test_plugin_typescript_import_webhook(
    shared_engine: EngineEnv, program: WebhookProgram, emulator: Emulator, tmp_path: Path
) -> None:
    # Without `hookName` the module's program declares nothing of its own.
    stack = plugin_stack(shared_engine, program.directory, emulator, "ts-import")
    scenarios.import_webhook(program, stack, emulator, "ts-imported", tmp_path)


def test_plugin_typescript_destroy(
    program: WebhookProgram, hook_stack: auto.Stack, emulator: Emulator
) -> None:
    scenarios.destroy(program, hook_stack, emulator)
