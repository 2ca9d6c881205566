"""The harness itself, proven under the real engine before any governance resource exists.

The program under test carries its own dynamic provider that manages a stack tag on the emulator
through raw HTTP, so each engine step has an effect that can be checked on the service side.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from pulumi import automation as auto

from devtools.emulator import Emulator
from devtools.engine import (
    EngineEnv,
    exported_state,
    exported_state_text,
    preview_diff,
    resources_of_type,
    write_program,
)

ORG = "acme"  # the first organization of the session's emulator (conftest.py)

TAG_PROGRAM = """
import pulumi
import requests
from pulumi.dynamic import (
    ConfigureRequest, CreateResult, DiffResult, ReadResult, Resource, ResourceProvider,
    UpdateResult,
)

STACK = "{org}/web/prod"
SETTINGS = {{}}


class TagProvider(ResourceProvider):
    # Credentials come from stack config in the provider process; nothing on self is pickled.
    def configure(self, req: ConfigureRequest) -> None:
        SETTINGS["api"] = req.config.get("harness:apiUrl")
        SETTINGS["headers"] = {{
            "Authorization": "token " + req.config.get("harness:token"),
            "Accept": "application/vnd.pulumi+8",
        }}

    def _http(self, method, path, **kwargs):
        url = SETTINGS["api"] + "/api/stacks/" + STACK + path
        return requests.request(method, url, headers=SETTINGS["headers"], timeout=10, **kwargs)

    def _tags(self):
        r = self._http("GET", "")
        r.raise_for_status()
        return r.json().get("tags") or {{}}

    def _set(self, name, value):
        self._http("DELETE", "/tags/" + name)
        self._http("POST", "/tags", json={{"name": name, "value": value}}).raise_for_status()

    def create(self, props):
        self._set(props["name"], props["value"])
        return CreateResult(id_=props["name"], outs=dict(props))

    def diff(self, id_, olds, news):
        changes = [k for k in ("name", "value") if olds.get(k) != news.get(k)]
        return DiffResult(changes=bool(changes), replaces=["name"] if "name" in changes else [])

    def update(self, id_, olds, news):
        self._set(news["name"], news["value"])
        return UpdateResult(outs=dict(news))

    def read(self, id_, props):
        tags = self._tags()
        if id_ not in tags:
            return ReadResult("", {{}})
        return ReadResult(id_, {{"name": id_, "value": tags[id_]}})

    def delete(self, id_, props):
        r = self._http("DELETE", "/tags/" + id_)
        if r.status_code != 404:
            r.raise_for_status()


class StackTag(Resource):
    name: pulumi.Output[str]
    value: pulumi.Output[str]

    def __init__(self, resource_name, name, value):
        super().__init__(TagProvider(), resource_name, {{"name": name, "value": value}})


tag = StackTag("owner", "owner", pulumi.Config().require("owner"))
pulumi.export("owner", tag.value)
{extra}
"""


def tags_on_service(emulator: Emulator) -> dict[str, str]:
    response = requests.get(
        f"{emulator.url}/api/stacks/{ORG}/web/prod",
        headers={"Authorization": f"token {emulator.orgs[ORG]}"},
        timeout=10,
    )
    response.raise_for_status()
    tags: dict[str, str] = response.json().get("tags") or {}
    return tags


def tag_program(tmp_path: Path, extra: str = "") -> Path:
    return write_program(tmp_path / "program", "harness", TAG_PROGRAM.format(org=ORG, extra=extra))


def harness_stack(engine: EngineEnv, program: Path, emulator: Emulator) -> auto.Stack:
    return engine.stack(
        program,
        "dev",
        config={
            "harness:apiUrl": emulator.url,
            "harness:token": (emulator.orgs[ORG], True),
            "owner": "platform",
        },
    )


def test_dynamic_resource_through_up_preview_refresh_destroy(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    stack = harness_stack(engine, tag_program(tmp_path), emulator)

    up = stack.up(color="never")
    assert up.summary.result == "succeeded"
    assert up.outputs["owner"].value == "platform"
    assert tags_on_service(emulator)["owner"] == "platform"
    plugins = engine.home / "plugins"
    assert not plugins.exists() or not any(plugins.glob("resource-*")), "a plugin was installed"

    # The engine records stack config as the default provider's inputs: the token (secret config)
    # may only appear there encrypted.
    state = exported_state_text(stack)
    assert emulator.orgs[ORG] not in state, "the access token is in the state file in plain text"
    assert '"harness:token": {"4dabf18193072939515e22adb298388d"' in state

    stack.set_config("owner", auto.ConfigValue("payments"))
    diff = preview_diff(stack)
    assert '~ value: "platform" => "payments"' in diff
    assert "1 to update" in diff
    assert tags_on_service(emulator)["owner"] == "platform", "preview must not change anything"

    stack.up(color="never")
    assert tags_on_service(emulator)["owner"] == "payments"

    # Drift made directly on the service shows up on refresh.
    requests.delete(
        f"{emulator.url}/api/stacks/{ORG}/web/prod/tags/owner",
        headers={"Authorization": f"token {emulator.orgs[ORG]}"},
        timeout=10,
    ).raise_for_status()
    requests.post(
        f"{emulator.url}/api/stacks/{ORG}/web/prod/tags",
        headers={"Authorization": f"token {emulator.orgs[ORG]}"},
        json={"name": "owner", "value": "someone-else"},
        timeout=10,
    ).raise_for_status()
    refresh = stack.refresh(color="never")
    assert refresh.summary.result == "succeeded"
    refreshed = resources_of_type(exported_state(stack), "pulumi-python:dynamic:Resource")
    assert refreshed[0]["outputs"]["value"] == "someone-else"
    converge = stack.up(color="never")
    assert converge.summary.resource_changes == {"same": 1, "update": 1}
    assert tags_on_service(emulator)["owner"] == "payments"

    destroy = stack.destroy(color="never")
    assert destroy.summary.result == "succeeded"
    assert "owner" not in tags_on_service(emulator)


def test_broken_dynamic_provider_fails_with_the_engine_error(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    # A provider that captures an unpicklable object cannot be serialized into state.
    # (dill pickles locks and files, but not a live generator.)
    broken = 'TagProvider.pending = (n for n in range(3))\nStackTag("broken", "broken", "x")\n'
    stack = harness_stack(engine, tag_program(tmp_path, extra=broken), emulator)
    with pytest.raises(auto.CommandError) as failure:
        stack.up(color="never")
    message = str(failure.value)
    assert "pickle" in message and "generator" in message, message
    assert "broken" not in tags_on_service(emulator)
