"""The provider plugin from a YAML program (`pulumi package add` of this repository): the webhook
scenarios of plugin_webhook_scenarios.py with an organization webhook and a secret input, and
`pulumi package get-schema` printing the committed schema."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pulumi import automation as auto

from devtools.emulator import Emulator
from devtools.engine import REPO_ROOT, EngineEnv, exported_state_text
from devtools.plugin_programs import ORG, plugin_stack, pulumi, yaml_program
from provider.schema import SCHEMA_PATH
from tests.engine import plugin_webhook_scenarios as scenarios
from tests.engine.plugin_webhook_scenarios import WebhookProgram

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
def program(shared_engine: EngineEnv) -> WebhookProgram:
    directory = yaml_program(shared_engine, shared_engine.root / "program", "plugin-yaml", PROGRAM)
    return webhook_program(shared_engine, directory)


def webhook_program(engine: EngineEnv, directory: Path) -> WebhookProgram:
    @contextmanager
    def pasting(code: str) -> Iterator[None]:
        project = directory / "Pulumi.yaml"
        original = project.read_text()
        project.write_text(original.replace("resources: {}\n", code))
        try:
            yield
        finally:
            project.write_text(original)

    return WebhookProgram(
        engine, directory, scope="", display_name="Alerts", id_output="id",
        generated_marker="type: governance:Webhook", pasting=pasting,
    )  # fmt: skip


@pytest.fixture
def hook_stack(
    request: pytest.FixtureRequest, program: WebhookProgram, emulator: Emulator
) -> Iterator[auto.Stack]:
    """A stack (named after the test) declaring one organization webhook of the same name."""
    name = request.node.name.removeprefix("test_plugin_yaml_").replace("_", "-")
    secret = auto.ConfigValue("hmac-key-1", secret=True)
    with scenarios.hook_stack(program, emulator, name, hookSecret=secret) as stack:
        yield stack


def test_plugin_yaml_one_field_change(
    program: WebhookProgram, hook_stack: auto.Stack, emulator: Emulator
) -> None:
    scenarios.one_field_change(program, hook_stack, emulator)
    # The secret input reaches the service and stays out of the state, as does the token.
    live = program.hook(emulator, hook_stack.name)
    assert live is not None and live["hasSecret"]
    state = exported_state_text(hook_stack)
    assert "hmac-key-1" not in state and emulator.orgs[ORG] not in state


def test_plugin_yaml_refresh_shows_drifted_field(
    program: WebhookProgram, hook_stack: auto.Stack, emulator: Emulator
) -> None:
    scenarios.refresh_shows_drifted_field(program, hook_stack, emulator)


def test_plugin_yaml_import_webhook(
    shared_engine: EngineEnv, emulator: Emulator, tmp_path: Path
) -> None:
    # A program of its own: the module's program always declares a webhook.
    directory = yaml_program(shared_engine, tmp_path / "import", "plugin-import", "resources: {}")
    stack = plugin_stack(shared_engine, directory, emulator, "import")
    importing = webhook_program(shared_engine, directory)
    scenarios.import_webhook(importing, stack, emulator, "yaml-imported", tmp_path)


def test_plugin_yaml_destroy(
    program: WebhookProgram, hook_stack: auto.Stack, emulator: Emulator
) -> None:
    scenarios.destroy(program, hook_stack, emulator)


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
