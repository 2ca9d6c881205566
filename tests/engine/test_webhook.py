"""Webhook under the real engine: organization, stack and environment hooks; every in-place update
in one PATCH, replacement by scope, a secret changed outside Pulumi found on refresh and put back,
removal of the secret, ping on apply against a loopback receiver, deliveries look-up, adoption,
validation in preview and faults on the service.

The scenarios of one stack's life share it (`story`, a `_governance.Story`), one rule per test."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from devtools.emulator import Emulator
from devtools.engine import EngineEnv, exported_state_text, preview_diff
from pulumi_governance.api import PulumiCloudClient
from pulumi_governance.config import resolve_settings
from pulumi_governance.functions_webhooks import get_webhook_deliveries
from tests.engine import _governance as governance
from tests.engine._governance import ORG, Step, declare, ok
from tests.engine._governance import governance_stack as shared_governance_stack
from tests.support import Delivery, WebhookReceiver

ORG_HOOKS = f"/api/orgs/{ORG}/hooks"
PROD_HOOKS = f"/api/stacks/{ORG}/web/prod/hooks"
STAGING_HOOKS = f"/api/stacks/{ORG}/web/staging/hooks"
ENV_HOOKS = f"/api/esc/environments/{ORG}/infra/prod/hooks"
SCOPES = (ORG_HOOKS, PROD_HOOKS, STAGING_HOOKS, ENV_HOOKS)


# The shared governance program, but a `secret` of "$hook_secret" is the secret stack config
# value `hookSecret` (so the test's own config holds no plain secret).
PROGRAM = """
import json
import pulumi
import pulumi_governance

config = pulumi.Config()
for name, spec in json.loads(config.require("resources")).items():
    if spec.get("secret") == "$hook_secret":
        spec["secret"] = config.require_secret("hookSecret")
    kind = getattr(pulumi_governance, spec.pop("type"))
    pulumi.export(name, kind(name, **spec).id)
"""


def hooks_stack(
    engine: EngineEnv, tmp_path: Path, emulator: Emulator, resources: dict[str, Any]
) -> auto.Stack:
    stack = shared_governance_stack(engine, tmp_path, emulator, resources, PROGRAM)
    stack.set_config("hookSecret", auto.ConfigValue("hmac-key-1", secret=True))
    return stack


def hooks(emulator: Emulator, path: str) -> dict[str, dict[str, Any]]:
    return {h["name"]: h for h in ok(emulator, "GET", path)}


def clear(emulator: Emulator) -> None:
    for path in SCOPES:
        for name in hooks(emulator, path):
            ok(emulator, "DELETE", f"{path}/{name}")


@pytest.fixture
def sink(webhook_receiver: WebhookReceiver) -> str:
    return webhook_receiver.url + "/hook"


Hooks = dict[str, dict[str, dict[str, Any]]]  # by scope path, by name


class Story(governance.Story[Hooks]):
    """One stack with an organization, a stack and an environment hook, told in steps."""

    def __init__(self, stack: auto.Stack, emulator: Emulator, receiver: WebhookReceiver):
        super().__init__(stack, emulator)
        self.receiver = receiver
        self.sink = receiver.url + "/hook"
        self.alerts = {"type": "Webhook", "name": "alerts", "display_name": "Alerts",
                       "payload_url": self.sink, "filters": ["stack_created", "update_failed"],
                       "secret": "$hook_secret", "ping_on_apply": True}  # fmt: skip
        self.deploys = {"type": "Webhook", "project": "web", "stack": "prod", "name": "deploys",
                        "display_name": "Deploy staging", "payload_url": "web/staging",
                        "format": "pulumi_deployments",
                        "filters": ["update_succeeded"]}  # fmt: skip
        self.env = {"type": "Webhook", "project": "infra", "environment": "prod", "name": "env",
                    "display_name": "Env changes", "payload_url": self.sink,
                    "groups": ["environments"]}  # fmt: skip
        self.declared = {"alerts": self.alerts, "deploys": self.deploys, "env": self.env}
        self.pings: list[Delivery] = []  # what the receiver got during create
        self.deliveries: list[dict[str, Any]] = []  # what the deliveries look-up found after it

    def live(self) -> Hooks:
        return {path: hooks(self.emulator, path) for path in SCOPES}

    @cached_property
    def created(self) -> Step[Hooks]:
        clear(self.emulator)
        self.receiver.received.clear()
        created = self.apply(self.declared)
        # (later updates ping again: keep what this step delivered)
        self.pings = list(self.receiver.received)
        api = PulumiCloudClient(
            resolve_settings(api_url=self.emulator.url, token=self.emulator.token)
        )
        self.deliveries = get_webhook_deliveries("alerts", organization=ORG, client=api)
        return created

    @cached_property
    def refreshed(self) -> dict[str, int]:
        assert self.created
        return self.refresh()

    @cached_property
    def drift(self) -> tuple[dict[str, int], Step[Hooks]]:
        """The secret and display name of `alerts` changed on the service; refresh, then up."""
        assert self.refreshed
        hook = self.created.after[ORG_HOOKS]["alerts"]
        body = {**{k: hook[k] for k in ("organizationName", "name", "payloadUrl", "active",
                                        "format", "filters")},
                "displayName": "Hand-edited", "secret": "someone-elses"}  # fmt: skip
        ok(self.emulator, "PATCH", f"{ORG_HOOKS}/alerts", json=body)
        return self.refresh(), self.apply(self.declared)

    @cached_property
    def updated(self) -> Step[Hooks]:
        """Every in-place field of `alerts` changed, its secret removed."""
        assert self.drift
        self.alerts.update(display_name="Alerts (Teams)", payload_url=self.sink + "/v2",
                           active=False, format="ms_teams", filters=["update_failed"],
                           groups=["deployments"])  # fmt: skip
        del self.alerts["secret"]
        return self.apply(self.declared)

    @cached_property
    def replaced(self) -> tuple[str, Step[Hooks]]:
        """The preview of a new name for `env`, then `deploys` moved to another stack."""
        assert self.updated
        declare(self.stack, {**self.declared, "env": {**self.env, "name": "env2"}})
        renamed = preview_diff(self.stack)
        self.deploys.update(stack="staging", payload_url="web/prod")
        return renamed, self.apply(self.declared)

    @cached_property
    def deleted_outside(self) -> dict[str, int]:
        assert self.replaced
        ok(self.emulator, "DELETE", f"{ENV_HOOKS}/env")
        return self.refresh()


@pytest.fixture(scope="module")
def story(
    module_engine: EngineEnv, tmp_path_factory: pytest.TempPathFactory, emulator: Emulator
) -> Iterator[Story]:
    receiver = WebhookReceiver()
    stack = hooks_stack(module_engine, tmp_path_factory.mktemp("webhook"), emulator, {})
    yield from governance.told(Story(stack, emulator, receiver))
    receiver.close()


def test_webhook_preview_shows_every_hook_to_create_without_the_secret(story: Story) -> None:
    diff = story.created.diff
    assert "4 to create" in diff and '"Alerts"' in diff and "hmac-key-1" not in diff, diff


def test_webhook_create_makes_an_org_a_stack_and_an_environment_hook(story: Story) -> None:
    created = story.created
    assert created.changes == {"create": 4}
    assert created.outputs == {"alerts": f"{ORG}/alerts", "deploys": f"{ORG}/web/prod/deploys",
                               "env": f"{ORG}/env/infra/prod/env"}  # fmt: skip
    org_hook = created.after[ORG_HOOKS]["alerts"]
    assert org_hook["hasSecret"] and org_hook["filters"] == ["stack_created", "update_failed"]
    assert created.after[PROD_HOOKS]["deploys"]["format"] == "pulumi_deployments"
    assert created.after[ENV_HOOKS]["env"]["groups"] == ["environments"]


def test_webhook_ping_on_apply_reaches_the_receiver_signed(story: Story) -> None:
    assert story.created
    (delivery,) = story.pings
    assert "Pulumi-Webhook-Signature" in delivery.headers
    (ping,) = story.deliveries  # the deliveries look-up
    assert (ping["kind"], ping["response_code"]) == ("ping", 202)


def test_webhook_secret_is_never_in_plain_state_or_output(story: Story) -> None:
    assert "hmac-key-1" not in story.created.stdout
    assert "hmac-key-1" not in exported_state_text(story.stack)


def test_webhook_refresh_right_after_create_changes_nothing(story: Story) -> None:
    assert set(story.refreshed) == {"same"}, story.refreshed


def test_webhook_drift_restored_secret_and_name_changed_outside_pulumi(story: Story) -> None:
    refresh, up = story.drift
    assert refresh == {"same": 3, "update": 1}
    assert "1 to update" in up.diff and "secret: changed outside Pulumi" in up.diff, up.diff
    assert "display_name: 'Hand-edited' => 'Alerts'" in up.diff, up.diff
    back, before = up.after[ORG_HOOKS]["alerts"], story.created.after[ORG_HOOKS]["alerts"]
    assert back["displayName"] == "Alerts"
    assert back["secretCiphertext"] == before["secretCiphertext"]


def test_webhook_update_in_place_changes_every_field_in_one_update(story: Story) -> None:
    up = story.updated
    assert "1 to update" in up.diff and "replace" not in up.diff, up.diff
    for key in ("display_name", "payload_url", "active", "format", "filters", "groups", "secret"):
        assert key in up.diff, (key, up.diff)
    assert up.changes == {"update": 1, "same": 3}
    changed = up.after[ORG_HOOKS]["alerts"]
    assert (changed["displayName"], changed["payloadUrl"], changed["active"], changed["format"],
            changed["filters"], changed["groups"], changed["hasSecret"]) == (
        "Alerts (Teams)", story.sink + "/v2", False, "ms_teams", ["update_failed"],
        ["deployments"], False)  # fmt: skip


def test_webhook_replace_by_new_name_or_stack(story: Story) -> None:
    renamed, moved = story.replaced
    assert "1 to replace" in renamed and "name" in renamed, renamed
    assert "1 to replace" in moved.diff and "stack" in moved.diff, moved.diff
    assert moved.changes == {"replace": 1, "same": 3}
    assert moved.after[PROD_HOOKS] == {} and "deploys" in moved.after[STAGING_HOOKS]
    assert moved.outputs["deploys"] == f"{ORG}/web/staging/deploys"


def test_webhook_deleted_outside_pulumi_is_dropped_by_refresh(story: Story) -> None:
    assert story.deleted_outside == {"same": 3, "delete": 1}


def test_webhook_destroy_leaves_nothing(story: Story) -> None:
    assert story.deleted_outside
    story.destroy_leaves_nothing(*(lambda p=p: hooks(story.emulator, p) for p in SCOPES))


def test_webhook_rejects_bad_input_in_preview(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator, sink: str
) -> None:
    clear(emulator)
    bad = {"type": "Webhook", "project": "web", "stack": "prod", "display_name": "",
           "payload_url": "not a url", "filters": ["stack_created", "bogus"],
           "groups": ["environments"]}  # fmt: skip
    stack = hooks_stack(engine, tmp_path, emulator, {"bad": bad})
    with pytest.raises(auto.CommandError) as failure:
        stack.preview(color="never")
    message = str(failure.value)
    for text in ("display_name", "payload_url", "filters[0]", "organization only",
                 "filters[1]", "unknown filter", "groups[0]"):  # fmt: skip
        assert text in message, (text, message)
    org_deploy = {"type": "Webhook", "display_name": "x", "payload_url": "web/prod",
                  "format": "pulumi_deployments"}  # fmt: skip
    declare(stack, {"org_deploy": org_deploy})
    with pytest.raises(auto.CommandError) as failure:
        stack.preview(color="never")
    assert "format" in str(failure.value) and "stack or environment" in str(failure.value)


def test_webhook_adopts_an_existing_hook_only_when_asked(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator, sink: str
) -> None:
    clear(emulator)
    stack = hooks_stack(engine, tmp_path, emulator, {})
    # Adoption: an existing hook of the same name is an error unless adopt=True.
    ok(emulator, "POST", ORG_HOOKS, json={"organizationName": ORG, "name": "legacy",
                                          "displayName": "Old", "payloadUrl": sink,
                                          "active": True, "secret": "old"})  # fmt: skip
    legacy: dict[str, Any] = {"type": "Webhook", "name": "legacy", "display_name": "Managed",
                              "payload_url": sink}  # fmt: skip
    declared: dict[str, Any] = {"legacy": legacy}
    declare(stack, declared)
    with pytest.raises(auto.CommandError) as failure:
        stack.up(color="never")
    assert "adopt" in str(failure.value)
    legacy["adopt"] = True
    declare(stack, declared)
    up = stack.up(color="never")
    assert "adopted the existing webhook legacy" in up.stdout + up.stderr
    (adopted,) = hooks(emulator, ORG_HOOKS).values()
    assert adopted["displayName"] == "Managed" and not adopted["hasSecret"]


def test_webhook_create_whose_ping_fails_leaves_no_hook(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    clear(emulator)
    stack = hooks_stack(engine, tmp_path, emulator, {})
    # A ping that fails fails the create, and leaves no hook behind.
    dead = {"type": "Webhook", "name": "dead", "display_name": "Dead",
            "payload_url": "http://127.0.0.1:9/nothing", "ping_on_apply": True}  # fmt: skip
    declare(stack, {"dead": dead})
    with pytest.raises(auto.CommandError) as failure:
        stack.up(color="never")
    assert "ping of webhook dead failed" in str(failure.value)
    assert set(hooks(emulator, ORG_HOOKS)) == set()


def test_webhook_leaves_no_duplicate_under_random_faults(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator, sink: str
) -> None:
    clear(emulator)
    stack = hooks_stack(engine, tmp_path, emulator, {})
    declared: dict[str, Any] = {}
    # Faults: a create that commits but whose reply is dropped, 429s and 5xx: no duplicates.
    declared.update({f"h{n}": {"type": "Webhook", "name": f"h{n}", "display_name": f"H{n}",
                               "payload_url": sink} for n in range(3)})  # fmt: skip
    declare(stack, declared)
    emulator.set_faults(next_drop=1, rate_429=0.2, rate_5xx=0.1, retry_after_s=0)
    try:
        stack.up(color="never")
    finally:
        emulator.clear_faults()
    assert emulator.faults()["injected"]["drop"] >= 1
    assert sorted(hooks(emulator, ORG_HOOKS)) == ["h0", "h1", "h2"]
    stack.destroy(color="never")
    assert hooks(emulator, ORG_HOOKS) == {}
