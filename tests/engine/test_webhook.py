"""Webhook under the real engine: organization, stack and environment hooks; every in-place update
in one PATCH, replacement by scope, a secret changed outside Pulumi found on refresh and put back,
removal of the secret, ping on apply against a loopback sink, deliveries look-up, adoption,
validation in preview and faults on the service."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from pulumi import automation as auto

from devtools.emulator import Emulator
from devtools.engine import EngineEnv, exported_state_text, preview_diff
from pulumi_governance.api import PulumiCloudClient
from pulumi_governance.config import resolve_settings
from pulumi_governance.functions_webhooks import get_webhook_deliveries
from tests.engine._governance import ORG, declare, ok
from tests.engine._governance import governance_stack as shared_governance_stack

ORG_HOOKS = f"/api/orgs/{ORG}/hooks"
PROD_HOOKS = f"/api/stacks/{ORG}/web/prod/hooks"
STAGING_HOOKS = f"/api/stacks/{ORG}/web/staging/hooks"
ENV_HOOKS = f"/api/esc/environments/{ORG}/infra/prod/hooks"


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


class Sink(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, str]]] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        Sink.received.append(dict(self.headers))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def sink() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


def hooks(emulator: Emulator, path: str) -> dict[str, dict[str, Any]]:
    return {h["name"]: h for h in ok(emulator, "GET", path)}


def clear(emulator: Emulator) -> None:
    for path in (ORG_HOOKS, PROD_HOOKS, STAGING_HOOKS, ENV_HOOKS):
        for name in hooks(emulator, path):
            ok(emulator, "DELETE", f"{path}/{name}")


def test_webhook_lifecycle(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator, sink: str
) -> None:
    clear(emulator)
    alerts = {"type": "Webhook", "name": "alerts", "display_name": "Alerts", "payload_url": sink,
              "filters": ["stack_created", "update_failed"], "secret": "$hook_secret",
              "ping_on_apply": True}  # fmt: skip
    deploys = {"type": "Webhook", "project": "web", "stack": "prod", "name": "deploys",
               "display_name": "Deploy staging", "payload_url": "web/staging",
               "format": "pulumi_deployments", "filters": ["update_succeeded"]}  # fmt: skip
    env = {"type": "Webhook", "project": "infra", "environment": "prod", "name": "env",
           "display_name": "Env changes", "payload_url": sink,
           "groups": ["environments"]}  # fmt: skip
    declared: dict[str, Any] = {"alerts": alerts, "deploys": deploys, "env": env}
    stack = hooks_stack(engine, tmp_path, emulator, declared)

    diff = preview_diff(stack)
    assert "4 to create" in diff and '"Alerts"' in diff and "hmac-key-1" not in diff, diff
    Sink.received.clear()
    up = stack.up(color="never")
    assert up.summary.resource_changes == {"create": 4}
    outs = {k: v.value for k, v in up.outputs.items()}
    assert outs == {"alerts": f"{ORG}/alerts", "deploys": f"{ORG}/web/prod/deploys",
                    "env": f"{ORG}/env/infra/prod/env"}  # fmt: skip
    org_hook = hooks(emulator, ORG_HOOKS)["alerts"]
    assert org_hook["hasSecret"] and org_hook["filters"] == ["stack_created", "update_failed"]
    assert hooks(emulator, PROD_HOOKS)["deploys"]["format"] == "pulumi_deployments"
    assert hooks(emulator, ENV_HOOKS)["env"]["groups"] == ["environments"]
    # ping_on_apply reached the sink, signed with the secret; the secret is never in plain state.
    assert len(Sink.received) == 1 and "Pulumi-Webhook-Signature" in Sink.received[0]
    assert "hmac-key-1" not in exported_state_text(stack) and "hmac-key-1" not in up.stdout
    api = PulumiCloudClient(resolve_settings(api_url=emulator.url, token=emulator.token))
    (ping,) = get_webhook_deliveries("alerts", organization=ORG, client=api)
    assert (ping["kind"], ping["response_code"]) == ("ping", 200)

    refresh = stack.refresh(color="never")
    assert set(refresh.summary.resource_changes or {}) == {"same"}, refresh.stdout

    # Out of band: the secret and display name changed on the service. Refresh sees both (the
    # secret through its fingerprint); the next update puts them back.
    body = {**{k: org_hook[k] for k in ("organizationName", "name", "payloadUrl", "active",
                                        "format", "filters")},
            "displayName": "Hand-edited", "secret": "someone-elses"}  # fmt: skip
    ok(emulator, "PATCH", f"{ORG_HOOKS}/alerts", json=body)
    refresh = stack.refresh(color="never")
    assert refresh.summary.resource_changes == {"same": 3, "update": 1}, refresh.stdout
    diff = preview_diff(stack)
    assert "1 to update" in diff and "secret: changed outside Pulumi" in diff, diff
    assert "display_name: 'Hand-edited' => 'Alerts'" in diff, diff
    stack.up(color="never")
    back = hooks(emulator, ORG_HOOKS)["alerts"]
    assert (
        back["displayName"] == "Alerts" and back["secretCiphertext"] == org_hook["secretCiphertext"]
    )

    # Every in-place change in one PATCH, the secret removed; the reviewer sees each field.
    alerts.update(display_name="Alerts (Teams)", payload_url=sink + "/v2", active=False,
                  format="ms_teams", filters=["update_failed"], groups=["deployments"])  # fmt: skip
    del alerts["secret"]
    declare(stack, declared)
    diff = preview_diff(stack)
    assert "1 to update" in diff and "replace" not in diff, diff
    for key in ("display_name", "payload_url", "active", "format", "filters", "groups", "secret"):
        assert key in diff, (key, diff)
    up = stack.up(color="never")
    assert up.summary.resource_changes == {"update": 1, "same": 3}
    changed = hooks(emulator, ORG_HOOKS)["alerts"]
    assert (changed["displayName"], changed["payloadUrl"], changed["active"], changed["format"],
            changed["filters"], changed["groups"], changed["hasSecret"]) == (
        "Alerts (Teams)", sink + "/v2", False, "ms_teams", ["update_failed"], ["deployments"],
        False)  # fmt: skip

    # Replacements: another stack, another name.
    declare(stack, {**declared, "env": {**env, "name": "env2"}})
    diff = preview_diff(stack)
    assert "1 to replace" in diff and "name" in diff, diff
    deploys["stack"] = "staging"
    deploys["payload_url"] = "web/prod"
    declare(stack, declared)
    diff = preview_diff(stack)
    assert "1 to replace" in diff and "stack" in diff, diff
    up = stack.up(color="never")
    assert up.summary.resource_changes == {"replace": 1, "same": 3}
    assert hooks(emulator, PROD_HOOKS) == {} and "deploys" in hooks(emulator, STAGING_HOOKS)
    assert up.outputs["deploys"].value == f"{ORG}/web/staging/deploys"

    # Gone out of band: refresh drops it, destroy of the rest succeeds.
    ok(emulator, "DELETE", f"{ENV_HOOKS}/env")
    refresh = stack.refresh(color="never")
    assert refresh.summary.resource_changes == {"same": 3, "delete": 1}, refresh.stdout
    stack.destroy(color="never")
    assert hooks(emulator, ORG_HOOKS) == {} and hooks(emulator, STAGING_HOOKS) == {}


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
