"""Emulator: webhooks at org, stack and environment scope over real HTTP, OpenAPI-checked."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest
import requests

from devtools.emulator import Emulator
from tests.emulator.helpers import create_stack, ok
from tests.emulator.openapi_check import check
from tests.support import WebhookReceiver, unique


def body(org: str, name: str | None = None, **extra: Any) -> dict[str, Any]:
    out = {"organizationName": org, "displayName": "Hook", "active": True, **extra}
    out.setdefault("payloadUrl", "https://example.com/hook")
    if name:
        out["name"] = name
    return out


def error(resp: requests.Response, status: int) -> str:
    assert resp.status_code == status, resp.text
    check(resp)
    return str(resp.json()["message"])


def scopes(emu: Emulator) -> dict[str, tuple[str, dict[str, str]]]:
    project, stack = unique("proj"), unique("dev")
    create_stack(emu, project, stack)
    env = unique("env")
    return {
        "org": (f"/api/orgs/{emu.org}/hooks", {}),
        "stack": (
            f"/api/stacks/{emu.org}/{project}/{stack}/hooks",
            {"projectName": project, "stackName": stack},
        ),
        "env": (
            f"/api/esc/environments/{emu.org}/infra/{env}/hooks",
            {"projectName": "infra", "envName": env},
        ),
        "preview-env": (f"/api/preview/environments/{emu.org}/{env}/hooks", {"envName": env}),
    }


@pytest.mark.parametrize("scope", ["org", "stack", "env", "preview-env"])
def test_crud_in_every_scope(emulator: Emulator, scope: str) -> None:
    base, where = scopes(emulator)[scope]
    name = unique("hook")
    # The session's emulator is shared: other tests' hooks may be in this scope already.
    before = {h["name"] for h in ok(emulator.request("GET", base), 200)}
    created = ok(emulator.request("POST", base, json=body(emulator.org, name, **where)), 201)
    assert created["name"] == name and created["format"] == "raw"
    assert created["hasSecret"] is False and created["secretCiphertext"] == ""
    assert {k: created[k] for k in where} == where
    again = emulator.request("POST", base, json=body(emulator.org, name, **where))
    assert "already exists" in error(again, 409)
    assert {h["name"] for h in ok(emulator.request("GET", base), 200)} == before | {name}
    assert ok(emulator.request("GET", f"{base}/{name}"), 200) == created
    patch = body(emulator.org, name, active=False, displayName="Renamed", **where)
    updated = ok(emulator.request("PATCH", f"{base}/{name}", json=patch), 200)
    assert (updated["active"], updated["displayName"]) == (False, "Renamed")
    assert ok(emulator.request("GET", f"{base}/{name}"), 200) == updated
    resp = emulator.request("DELETE", f"{base}/{name}")
    assert resp.status_code == 204 and not resp.content
    error(emulator.request("GET", f"{base}/{name}"), 404)
    error(emulator.request("PATCH", f"{base}/{name}", json=patch), 404)
    error(emulator.request("DELETE", f"{base}/{name}"), 404)
    assert {h["name"] for h in ok(emulator.request("GET", base), 200)} == before


def test_generated_names_and_scopes_are_separate(emulator: Emulator) -> None:
    s = scopes(emulator)
    org_hook = ok(emulator.request("POST", s["org"][0], json=body(emulator.org)), 201)
    assert len(org_hook["name"]) == 8
    name = unique("same")
    for scope in ("org", "stack", "env"):
        base, where = s[scope]
        ok(emulator.request("POST", base, json=body(emulator.org, name, **where)), 201)
    # The older preview path is the same environment in ESC's "default" project.
    env = s["env"][1]["envName"]
    preview = s["preview-env"][0]
    ok(emulator.request("POST", preview, json=body(emulator.org, name, envName=env)), 201)
    esc_default = f"/api/esc/environments/{emulator.org}/default/{env}/hooks/{name}"
    assert ok(emulator.request("GET", esc_default), 200)["envName"] == env


def test_validation(emulator: Emulator) -> None:
    s = scopes(emulator)
    org, (stack_base, stack_where), (env_base, env_where) = s["org"][0], s["stack"], s["env"]
    bad: list[tuple[str, dict[str, Any], str]] = [
        (org, {"format": "xml"}, "format"),
        (org, {"format": "pulumi_deployments", "payloadUrl": "p/s"}, "pulumi_deployments"),
        (org, {"filters": ["no_such_event"]}, "no_such_event"),
        (org, {"groups": ["no_such_group"]}, "no_such_group"),
        (org, {"payloadUrl": "ftp://example.com"}, "payloadUrl"),
        (org, {"payloadUrl": "not a url"}, "payloadUrl"),
        (org, {"displayName": ""}, "displayName"),
        (org, {"active": "yes"}, "active"),
        (org, {"name": "bad name!"}, "name"),
        (org, {"organizationName": emulator.other_org}, "Organization"),
        (stack_base, {"filters": ["stack_created"], **stack_where}, "stack_created"),
        (stack_base, {"filters": ["environment_revision_created"], **stack_where}, "environment"),
        (stack_base, {"groups": ["environments"], **stack_where}, "environments"),
        (stack_base, {"stackName": "other", "projectName": stack_where["projectName"]}, "stack"),
        (
            stack_base,
            {"format": "pulumi_deployments", "payloadUrl": "https://x.io", **stack_where},
            "project/stack",
        ),
        (env_base, {"filters": ["update_failed"], **env_where}, "update_failed"),
        (env_base, {"groups": ["stacks"], **env_where}, "stacks"),
    ]
    for base, extra, word in bad:
        payload = body(emulator.org, **extra)
        if "payloadUrl" in extra and extra["payloadUrl"] is None:
            del payload["payloadUrl"]
        assert word in error(emulator.request("POST", base, json=payload), 400), extra
    missing = body(emulator.org)
    del missing["payloadUrl"]
    error(emulator.request("POST", org, json=missing), 400)
    good = [
        (org, {"filters": ["stack_created", "environment_created", "policy_violation_mandatory"]}),
        (org, {"groups": ["stacks", "deployments", "environments"], "format": "ms_teams"}),
        (stack_base, {"filters": ["update_failed", "drift_detected"], **stack_where}),
        (
            stack_base,
            {"format": "pulumi_deployments", "payloadUrl": "downstream/prod", **stack_where},
        ),
        (env_base, {"filters": ["environment_revision_created"], "format": "slack", **env_where}),
    ]
    for base, extra in good:
        created = ok(emulator.request("POST", base, json=body(emulator.org, **extra)), 201)
        for key, value in extra.items():
            assert created[key] == value


def test_secret_is_write_only(emulator: Emulator) -> None:
    base = f"/api/orgs/{emulator.org}/hooks"
    name = unique("signed")
    created = ok(emulator.request("POST", base, json=body(emulator.org, name, secret="s1")), 201)
    assert created["hasSecret"] is True and created["secretCiphertext"]
    assert "secret" not in created and "s1" not in json.dumps(created)
    # A PATCH without a secret keeps it; a new one changes the ciphertext; "" removes it.
    kept = ok(emulator.request("PATCH", f"{base}/{name}", json=body(emulator.org, name)), 200)
    assert kept["secretCiphertext"] == created["secretCiphertext"]
    patch = body(emulator.org, name, secret="s2")
    changed = ok(emulator.request("PATCH", f"{base}/{name}", json=patch), 200)
    assert changed["hasSecret"] and changed["secretCiphertext"] != created["secretCiphertext"]
    patch = body(emulator.org, name, secret="")
    cleared = ok(emulator.request("PATCH", f"{base}/{name}", json=patch), 200)
    assert (cleared["hasSecret"], cleared["secretCiphertext"]) == (False, "")
    listed = ok(emulator.request("GET", base), 200)
    assert all("secret" not in h for h in listed)


def test_ping_delivers_to_loopback_and_redeliver(
    emulator: Emulator, webhook_receiver: WebhookReceiver
) -> None:
    base = f"/api/orgs/{emulator.org}/hooks"
    name = unique("ping")
    hook = body(emulator.org, name, payloadUrl=webhook_receiver.url + "/in?x=1", secret="k")
    ok(emulator.request("POST", base, json=hook), 201)
    delivery = ok(emulator.request("POST", f"{base}/{name}/ping"), 200)
    assert (delivery["kind"], delivery["responseCode"], delivery["responseBody"]) == (
        "ping",
        202,
        "thanks",
    )
    assert "X-Seen: yes" in delivery["responseHeaders"]
    ((path, headers, raw),) = webhook_receiver.received
    assert path == "/in?x=1" and raw.decode() == delivery["payload"]
    assert headers["Pulumi-Webhook-Kind"] == "ping"
    assert headers["Pulumi-Webhook-Id"] == delivery["id"]
    expected = hmac.new(b"k", raw, hashlib.sha256).hexdigest()
    assert headers["Pulumi-Webhook-Signature"] == expected
    assert "Just a friendly ping" in json.loads(raw)["message"]

    again = ok(
        emulator.request("POST", f"{base}/{name}/deliveries/{delivery['id']}/redeliver"), 200
    )
    assert again["id"] != delivery["id"] and again["payload"] == delivery["payload"]
    assert len(webhook_receiver.received) == 2
    listed = ok(emulator.request("GET", f"{base}/{name}/deliveries"), 200)
    assert [d["id"] for d in listed] == [again["id"], delivery["id"]]  # newest first
    error(emulator.request("POST", f"{base}/{name}/deliveries/nope/redeliver"), 404)
    error(emulator.request("POST", f"{base}/{unique('none')}/ping"), 404)


def test_ping_never_leaves_the_machine(
    emulator: Emulator, webhook_receiver: WebhookReceiver
) -> None:
    base = f"/api/orgs/{emulator.org}/hooks"
    for url in ("https://example.com/hook", "http://10.0.0.1/hook", "http://[::2]/x"):
        name = unique("remote")
        ok(emulator.request("POST", base, json=body(emulator.org, name, payloadUrl=url)), 201)
        delivery = ok(emulator.request("POST", f"{base}/{name}/ping"), 200)
        assert delivery["responseCode"] == 0 and "loopback" in delivery["responseBody"]
        assert delivery["requestUrl"] == url
    # A refused loopback connection is a failed delivery, not an error of the ping call.
    name = unique("closed")
    closed = body(emulator.org, name, payloadUrl="http://127.0.0.1:9/hook")
    ok(emulator.request("POST", base, json=closed), 201)
    delivery = ok(emulator.request("POST", f"{base}/{name}/ping"), 200)
    assert delivery["responseCode"] == 0 and "failed" in delivery["responseBody"]
    assert webhook_receiver.received == []


def test_not_found_and_auth(emulator: Emulator) -> None:
    error(emulator.request("GET", f"/api/stacks/{emulator.org}/nope/nope/hooks"), 404)
    stack_hook = body(emulator.org, projectName="nope", stackName="nope")
    error(
        emulator.request("POST", f"/api/stacks/{emulator.org}/nope/nope/hooks", json=stack_hook),
        404,
    )
    base = f"/api/orgs/{emulator.org}/hooks"
    error(requests.get(emulator.url + base, timeout=10), 401)
    error(emulator.request("GET", base, token=emulator.other_token), 403)
    other = emulator.request("POST", base, json=body(emulator.org), token=emulator.other_token)
    error(other, 403)
    error(emulator.request("GET", "/api/orgs/no-such-org/hooks"), 404)


def test_hooks_and_deliveries_survive_a_restart(emulator_factory) -> None:  # type: ignore[no-untyped-def]
    emu: Emulator = emulator_factory()
    base = f"/api/orgs/{emu.org}/hooks"
    ok(emu.request("POST", base, json=body(emu.org, "durable", secret="x")), 201)
    delivery = ok(emu.request("POST", f"{base}/durable/ping"), 200)
    emu.restart(kill=True)
    hook = ok(emu.request("GET", f"{base}/durable"), 200)
    assert hook["hasSecret"] is True
    assert ok(emu.request("GET", f"{base}/durable/deliveries"), 200) == [delivery]
    assert "durable" in emu.state()["orgs"][emu.org]["webhook"]["org/durable"]["name"]


def test_policy_violation_events_and_group_on_org_and_stack_hooks(emulator: Emulator) -> None:
    """The OpenAPI document names policy violation events (mandatory, advisory) for webhooks."""
    events = ["policy_violation_mandatory", "policy_violation_advisory"]
    for scope, (path, fields) in scopes(emulator).items():
        subscribed = body(emulator.org, unique("h"), filters=events, groups=["policies"], **fields)
        created = emulator.request("POST", path, json=subscribed)
        if scope in ("org", "stack"):
            assert ok(created, 201)["groups"] == ["policies"]
        else:
            assert "not valid for environment webhooks" in error(created, 400)
