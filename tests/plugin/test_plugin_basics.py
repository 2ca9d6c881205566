"""The plugin process: its schema, configuration, look-ups, and how its errors read."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import grpc
import pytest
from pulumi.runtime.proto import provider_pb2

from devtools.emulator import Emulator
from provider.schema import SCHEMA_PATH
from tests.plugin._plugin import Plugin, plain, urn


def test_plugin_serves_the_committed_schema(plugin: Plugin) -> None:
    served = plugin.stub.GetSchema(provider_pb2.GetSchemaRequest(version=0)).schema
    assert json.loads(served) == json.loads(SCHEMA_PATH.read_text())
    assert json.loads(served)["name"] == "governance"


def test_plugin_get_stacks_by_tag(plugin: Plugin, emulator: Emulator) -> None:
    tagged = emulator.request(
        "POST", "/api/stacks/acme/web/prod/tags", json={"name": "team", "value": "web"}
    )
    assert tagged.status_code == 204, tagged.text
    response = plugin.invoke("getStacks", {"tagName": "team", "tagValue": "web"})
    answer = plain(getattr(response, "return"))
    assert [(s["project"], s["stack"]) for s in answer["items"]] == [("web", "prod")]


def test_plugin_error_reads_as_its_own_text(plugin: Plugin) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        plugin.check("Nothing", {})
    assert raised.value.details() == "unknown resource type governance:index:Nothing"


def test_plugin_stops_at_once_on_interrupt() -> None:
    """The engine stops a plugin with SIGINT and waits up to 5 s before killing it."""
    process = Plugin()
    process.start()
    assert process.process is not None
    started = time.monotonic()
    process.process.send_signal(signal.SIGINT)
    assert process.process.wait(timeout=5) == 0
    assert time.monotonic() - started < 2
    process.stop()


def test_plugin_token_from_environment(emulator: Emulator, tmp_path: Path) -> None:
    """Without `governance:accessToken`, PULUMI_ACCESS_TOKEN; without either, an error that
    says where the token was looked for (and the `pulumi login` credentials, none here)."""
    env = {**os.environ, "PULUMI_HOME": str(tmp_path), "PULUMI_ACCESS_TOKEN": emulator.token}
    process = Plugin(env=env)
    process.start()
    try:
        process.configure(apiUrl=emulator.url, organization="acme")
        answer = plain(getattr(process.invoke("getStacks", {}), "return"))
        assert ("web", "prod") in [(s["project"], s["stack"]) for s in answer["items"]]
    finally:
        process.stop()

    process = Plugin(env={**env, "PULUMI_ACCESS_TOKEN": ""})
    process.start()
    try:
        process.configure(apiUrl=emulator.url, organization="acme")
        with pytest.raises(grpc.RpcError) as raised:
            process.invoke("getStacks", {})
        details = raised.value.details() or ""
        assert "PULUMI_ACCESS_TOKEN" in details and "credentials.json" in details, details
    finally:
        process.stop()


def test_plugin_token_from_login_credentials(emulator: Emulator, tmp_path: Path) -> None:
    """No token in provider config or PULUMI_ACCESS_TOKEN: the `pulumi login` credentials for
    the plugin's API URL (PULUMI_API here), not those of another URL, nor the current login."""
    credentials = {
        "current": "https://api.pulumi.com",
        "accessTokens": {"https://api.pulumi.com": "pul-other", f"{emulator.url}/": emulator.token},
    }
    (tmp_path / "credentials.json").write_text(json.dumps(credentials))
    env = {**os.environ, "PULUMI_HOME": str(tmp_path), "PULUMI_API": emulator.url}
    env.pop("PULUMI_ACCESS_TOKEN", None)
    process = Plugin(env=env)
    process.start()
    try:
        process.configure()
        answer = plain(getattr(process.invoke("getStacks", {"organization": "acme"}), "return"))
        assert ("web", "prod") in [(s["project"], s["stack"]) for s in answer["items"]]
    finally:
        process.stop()


def test_plugin_delete_message_on_resource(plugin: Plugin, emulator: Emulator) -> None:
    """A delete the logic declines (the org default group stays) says so under the resource."""
    group_id = "acme/default-policy-group"
    imported = plugin.read("PolicyGroup", group_id)
    assert imported.id == group_id
    plugin.delete("PolicyGroup", group_id, plain(imported.properties))
    said = [m for u, m in plugin.sink.messages if u == urn("PolicyGroup", "r")]
    assert any("is the org default group: it is left in place" in m for m in said), said
    assert emulator.request("GET", "/api/orgs/acme/policygroups/default-policy-group").ok
