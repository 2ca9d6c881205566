"""The provider plugin's webhook scenarios, run from each consumer language's program (YAML,
TypeScript): a one-field change previewed as that field only, drift found by refresh shown as the
drifted field only, `pulumi import` of an existing webhook whose generated code, pasted into the
program, previews no change, and destroy.

A language's test module builds its program (declaring one webhook named by the stack config
`hookName`, its `displayName` from the config `displayName`) and describes it with a
`WebhookProgram`; the scenarios are the same for every language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pulumi import automation as auto

from devtools.emulator import Emulator
from devtools.engine import EngineEnv, preview_diff
from devtools.plugin_programs import ORG, changed_lines, plugin_stack, pulumi


@dataclass(frozen=True)
class WebhookProgram:
    engine: EngineEnv
    directory: Path
    scope: str  # "" for organization webhooks, else "PROJECT/STACK" of a stack's webhooks
    display_name: str  # the program's displayName without the config
    id_output: str  # the stack output holding the webhook's ID
    generated_marker: str  # how `pulumi import`'s generated code declares the webhook
    # Puts `pulumi import`'s generated code into the program, and takes it out again on exit.
    pasting: Callable[[str], AbstractContextManager[None]]

    @property
    def hooks(self) -> str:
        """The API path of the webhooks the program declares."""
        if not self.scope:
            return f"/api/orgs/{ORG}/hooks"
        return f"/api/stacks/{ORG}/{self.scope}/hooks"

    def hook_id(self, name: str) -> str:
        return "/".join(part for part in (ORG, self.scope, name) if part)

    def hook(self, emulator: Emulator, name: str) -> dict[str, Any] | None:
        response = emulator.request("GET", f"{self.hooks}/{name}")
        return response.json() if response.status_code == 200 else None


@contextmanager
def hook_stack(
    program: WebhookProgram, emulator: Emulator, name: str, **config: auto.ConfigValue
) -> Iterator[auto.Stack]:
    """A stack `name` of the program, declaring one webhook of the same name (with `config`
    besides); destroyed and removed afterwards."""
    stack = plugin_stack(program.engine, program.directory, emulator, name[:40])
    stack.set_config("hookName", auto.ConfigValue(stack.name))
    for key, value in config.items():
        stack.set_config(key, value)
    yield stack
    stack.destroy(color="never")
    stack.workspace.remove_stack(stack.name)


def one_field_change(program: WebhookProgram, stack: auto.Stack, emulator: Emulator) -> None:
    up = stack.up(color="never")
    assert up.summary.resource_changes == {"create": 2}, up.stdout
    assert up.outputs[program.id_output].value == program.hook_id(stack.name), up.stdout
    created = program.hook(emulator, stack.name)
    assert created is not None and created["displayName"] == program.display_name

    stack.set_config("displayName", auto.ConfigValue("Paged"))
    diff = preview_diff(stack)
    assert changed_lines(diff) == [f'~ displayName: "{program.display_name}" => "Paged"'], diff
    update = stack.up(color="never")
    assert update.summary.resource_changes == {"same": 1, "update": 1}, update.stdout
    changed = program.hook(emulator, stack.name)
    assert changed is not None and changed["displayName"] == "Paged"


def refresh_shows_drifted_field(
    program: WebhookProgram, stack: auto.Stack, emulator: Emulator
) -> None:
    stack.up(color="never")
    live = program.hook(emulator, stack.name)
    assert live is not None
    kept = ("organizationName", "name", "payloadUrl", "active", "format", "filters")
    body = {**{k: live[k] for k in kept}, "displayName": "Hand-edited"}
    patched = emulator.request("PATCH", f"{program.hooks}/{stack.name}", json=body)
    assert patched.status_code < 300, patched.text

    refresh = pulumi(program.engine, program.directory, "refresh", "--diff", "--yes",
                     "--color=never", f"--stack={stack.name}")  # fmt: skip
    # (the output holds the refresh's preview and the refresh itself)
    drifted = f'~ displayName: "{program.display_name}" => "Hand-edited"'
    assert set(changed_lines(refresh)) == {drifted}, refresh
    diff = preview_diff(stack)
    assert changed_lines(diff) == [f'~ displayName: "Hand-edited" => "{program.display_name}"']


def import_webhook(
    program: WebhookProgram, stack: auto.Stack, emulator: Emulator, name: str, tmp_path: Path
) -> None:
    """`stack` declares no webhook of its own."""
    body = {"organizationName": ORG, "name": name, "displayName": "Made by hand",
            "payloadUrl": "https://hooks.example.com/by-hand", "active": True,
            "format": "slack", "filters": ["update_failed"]}  # fmt: skip
    made = emulator.request("POST", program.hooks, json=body)
    assert made.status_code < 300, made.text
    generated = tmp_path / "generated"
    pulumi(program.engine, program.directory, "import", "governance:index:Webhook", "byhand",
           program.hook_id(name), "--yes", "--protect=false", "--out", str(generated),
           "--stack", stack.name)  # fmt: skip
    code = generated.read_text()
    assert program.generated_marker in code and "Made by hand" in code, code

    with program.pasting(code):
        preview = stack.preview(color="never", diff=True)
        assert preview.change_summary == {"same": 2}, preview.stdout
        stack.destroy(color="never")
    assert program.hook(emulator, name) is None


def destroy(program: WebhookProgram, stack: auto.Stack, emulator: Emulator) -> None:
    stack.up(color="never")
    assert program.hook(emulator, stack.name) is not None
    destroyed = stack.destroy(color="never")
    assert destroyed.summary.resource_changes == {"delete": 2}, destroyed.stdout
    assert program.hook(emulator, stack.name) is None
    listed = emulator.request("GET", program.hooks).json()
    assert stack.name not in [h["name"] for h in listed], listed
