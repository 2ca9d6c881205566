"""A webhook through the plugin's gRPC interface, against the emulator: check, preview (nothing
written), create, the field-level diff, update, import's read, delete, and error text."""

from __future__ import annotations

from typing import Any

import grpc
import pytest
from pulumi.runtime.proto import provider_pb2

from devtools.emulator import Emulator
from tests.plugin._plugin import UNKNOWN, Plugin, Secret, plain, urn

HOOKS = "/api/orgs/acme/hooks"
DECLARED = {
    "name": "grpc-alerts",
    "displayName": "Alerts",
    "payloadUrl": "https://hooks.example.com/alerts",
    "filters": ["update_failed", "stack_created"],
    "secret": Secret("hmac-key-1"),
}


def hook(emulator: Emulator, name: str) -> dict[str, Any] | None:
    response = emulator.request("GET", f"{HOOKS}/{name}")
    return response.json() if response.status_code == 200 else None


def checked(plugin: Plugin, news: dict[str, Any], olds: dict[str, Any] | None = None) -> Any:
    response = plugin.check("Webhook", news, olds)
    assert list(response.failures) == []
    return plain(response.inputs)


def diff_kinds(response: Any) -> dict[str, int]:
    return {path: change.kind for path, change in response.detailedDiff.items()}


def test_plugin_webhook_check_names_the_field(plugin: Plugin) -> None:
    response = plugin.check("Webhook", {**DECLARED, "format": "fax"})
    assert [f.property for f in response.failures] == ["format"]
    inputs = checked(plugin, DECLARED)
    assert inputs["organization"] == "acme" and inputs["active"] is True
    assert inputs["secret"] == Secret("hmac-key-1")


def test_plugin_webhook_preview_writes_nothing(plugin: Plugin, emulator: Emulator) -> None:
    inputs = checked(plugin, {**DECLARED, "name": "grpc-preview"})
    response = plugin.create("Webhook", inputs, preview=True)
    assert response.id == "" and hook(emulator, "grpc-preview") is None
    assert plain(response.properties)["hasSecret"] == UNKNOWN


def test_plugin_webhook_lifecycle(plugin: Plugin, emulator: Emulator) -> None:
    inputs = checked(plugin, DECLARED)
    created = plugin.create("Webhook", inputs)
    assert created.id == "acme/grpc-alerts"
    outs = plain(created.properties)
    assert outs["secret"] == Secret("hmac-key-1") and outs["hasSecret"] is True
    live = hook(emulator, "grpc-alerts")
    assert live is not None and live["displayName"] == "Alerts"

    # One changed field: that field only, updated in place.
    renamed = checked(plugin, {**DECLARED, "displayName": "Paged"}, inputs)
    diff = plugin.diff("Webhook", created.id, outs, renamed)
    assert diff.changes == provider_pb2.DiffResponse.DIFF_SOME
    assert diff_kinds(diff) == {"displayName": provider_pb2.PropertyDiff.UPDATE}
    assert list(diff.replaces) == []
    # A filter added to the set: one added element, no shifted indices.
    more = checked(plugin, {**DECLARED, "filters": [*DECLARED["filters"], "drift_detected"]})
    assert diff_kinds(plugin.diff("Webhook", created.id, outs, more)) == {
        "filters[2]": provider_pb2.PropertyDiff.ADD
    }
    # The name is the identity: a new name replaces.
    moved = checked(plugin, {**DECLARED, "name": "grpc-other"}, inputs)
    diff = plugin.diff("Webhook", created.id, outs, moved)
    assert list(diff.replaces) == ["name"]
    assert diff_kinds(diff) == {"name": provider_pb2.PropertyDiff.UPDATE_REPLACE}

    preview = plugin.update("Webhook", created.id, outs, renamed, preview=True)
    assert plain(preview.properties)["displayName"] == "Paged"
    assert hook(emulator, "grpc-alerts")["displayName"] == "Alerts"  # type: ignore[index]
    updated = plain(plugin.update("Webhook", created.id, outs, renamed).properties)
    assert updated["displayName"] == "Paged"
    assert hook(emulator, "grpc-alerts")["displayName"] == "Paged"  # type: ignore[index]

    # Import: the ID alone gives the inputs that declare the hook as it is.
    imported = plugin.read("Webhook", created.id)
    assert imported.id == created.id
    declared = plain(imported.inputs)
    assert declared["displayName"] == "Paged" and declared["organization"] == "acme"
    assert sorted(declared["filters"]) == sorted(DECLARED["filters"])

    plugin.delete("Webhook", created.id, updated)
    assert hook(emulator, "grpc-alerts") is None
    assert plugin.read("Webhook", created.id, updated).id == ""


def test_plugin_webhook_error_names_operation(plugin: Plugin, emulator: Emulator) -> None:
    body = {"organizationName": "acme", "name": "grpc-taken", "displayName": "Taken",
            "payloadUrl": "https://hooks.example.com/x", "active": True}  # fmt: skip
    assert emulator.request("POST", HOOKS, json=body).status_code < 300
    inputs = checked(plugin, {**DECLARED, "name": "grpc-taken"})
    with pytest.raises(grpc.RpcError) as raised:
        plugin.create("Webhook", inputs)
    details = raised.value.details() or ""
    assert details.startswith("create Webhook: a webhook named 'grpc-taken' exists"), details
    assert "Exception calling application" not in details
    assert urn("Webhook", "r") not in details


def test_plugin_webhook_adopt_message_on_resource(plugin: Plugin, emulator: Emulator) -> None:
    body = {"organizationName": "acme", "name": "grpc-adopted", "displayName": "By hand",
            "payloadUrl": "https://hooks.example.com/x", "active": True}  # fmt: skip
    assert emulator.request("POST", HOOKS, json=body).status_code < 300
    inputs = checked(plugin, {**DECLARED, "name": "grpc-adopted", "adopt": True})
    created = plugin.create("Webhook", inputs)
    assert (urn("Webhook", "r"), "adopted the existing webhook grpc-adopted (By hand)") in (
        plugin.sink.messages
    )
    plugin.delete("Webhook", created.id, plain(created.properties))


def test_plugin_webhook_generated_name_follows_the_resource(plugin: Plugin) -> None:
    """Without `name`, the generated name derives from the resource's identity, as in the SDK."""
    unnamed = {k: v for k, v in DECLARED.items() if k != "name"}
    first, again = checked(plugin, unnamed), checked(plugin, unnamed)
    assert first["name"].startswith("hook-") and first["name"] == again["name"]
    assert first["nameSeed"] == "acme/governance/dev/r"
