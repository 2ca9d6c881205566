"""Provider config `adoptExisting`: the text of stack config or a program's bool, read in
configure; under it `adopt` defaults to true for every kind that has it, and an explicit `adopt`
wins. A value that is not a boolean fails check_config, and configure."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from pulumi.runtime.proto import provider_pb2

from devtools.emulator import Emulator
from tests.plugin._plugin import Plugin, plain, wire

HOOK = {"name": "adopt-default", "displayName": "Hook", "payloadUrl": "https://hooks.example.com"}
ATTACHMENT = {"policyGroup": "g", "stack": "web/prod"}


@pytest.fixture
def fresh(emulator: Emulator) -> Iterator[Plugin]:
    process = Plugin()
    process.start()
    yield process
    process.stop()


def adopt_of(plugin: Plugin, kind: str, news: dict[str, Any]) -> Any:
    response = plugin.check(kind, news)
    assert list(response.failures) == []
    return plain(response.inputs).get("adopt", "absent")


def configure(plugin: Plugin, emulator: Emulator, variables: dict[str, str], **args: Any) -> None:
    args = {"apiUrl": emulator.url, "accessToken": emulator.token, "organization": "acme", **args}
    request = provider_pb2.ConfigureRequest(
        args=wire(args), variables=variables, acceptSecrets=True, acceptResources=True
    )
    plugin.stub.Configure(request)


def test_plugin_adopt_existing_defaults_adopt(fresh: Plugin, emulator: Emulator) -> None:
    configure(fresh, emulator, {})
    assert adopt_of(fresh, "Webhook", HOOK) is False

    configure(fresh, emulator, {}, adoptExisting="true")  # stack config: always text
    assert adopt_of(fresh, "Webhook", HOOK) is True
    assert adopt_of(fresh, "PolicyGroup", {"name": "adopt-default"}) is True
    assert adopt_of(fresh, "Webhook", {**HOOK, "adopt": False}) is False
    assert adopt_of(fresh, "PolicyGroupStack", ATTACHMENT) == "absent"

    configure(fresh, emulator, {}, adoptExisting=False)  # a program's provider: a bool
    assert adopt_of(fresh, "Webhook", HOOK) is False
    configure(fresh, emulator, {"governance:config:adoptExisting": "true"})
    assert adopt_of(fresh, "Webhook", HOOK) is True


def test_plugin_adopt_existing_must_be_a_boolean(fresh: Plugin, emulator: Emulator) -> None:
    request = provider_pb2.CheckRequest(urn="urn", news=wire({"adoptExisting": "yes"}))
    failures = fresh.stub.CheckConfig(request).failures
    assert [(f.property, f.reason) for f in failures] == [
        ("adoptExisting", "must be true or false, not 'yes'")
    ]
    checked = fresh.stub.CheckConfig(
        provider_pb2.CheckRequest(urn="urn", news=wire({"adoptExisting": True}))
    )
    assert list(checked.failures) == []
    with pytest.raises(grpc.RpcError) as raised:
        configure(fresh, emulator, {}, adoptExisting="yes")
    assert raised.value.details() == "adoptExisting: must be true or false, not 'yes'"
