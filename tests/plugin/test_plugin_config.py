"""The provider's own config: a change of it is a change of the provider, as the engine reads it."""

from __future__ import annotations

from typing import Any

from pulumi.runtime.proto import provider_pb2

from tests.plugin._plugin import Plugin, wire


def test_plugin_config_change_is_a_provider_change(plugin: Plugin) -> None:
    """The engine configures a provider in state again only when its config changed: a new token
    or URL must read as a change (DIFF_SOME), or the run keeps calling with the old one; and
    `adoptExisting` turned on, or the recovery's `up` would not adopt."""
    olds = {"apiUrl": "http://a", "organization": "acme"}

    def changes(news: dict[str, Any]) -> int:
        request = provider_pb2.DiffRequest(urn="urn", olds=wire(olds), news=wire(news))
        answer: int = plugin.stub.DiffConfig(request).changes
        return answer

    assert changes(olds) == provider_pb2.DiffResponse.DIFF_NONE
    assert changes({**olds, "apiUrl": "http://b"}) == provider_pb2.DiffResponse.DIFF_SOME
    assert changes({**olds, "adoptExisting": "true"}) == provider_pb2.DiffResponse.DIFF_SOME
