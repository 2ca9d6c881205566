"""`pulumi import` at the adapter: for every kind, a read from the ID alone gives inputs that,
checked and diffed against the object's outputs, show no change (so the code the CLI prints from
them previews no change), with the IDs the README documents."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from pulumi.runtime.proto import provider_pb2

from devtools.engine import REPO_ROOT
from tests.plugin._plugin import Plugin, plain


def imported_without_change(plugin: Plugin, kind: str, declared: dict[str, Any]) -> str:
    """Create `declared`, import it by ID, and check the imported inputs diff as no change."""
    checked = plugin.check(kind, declared)
    assert list(checked.failures) == []
    created = plugin.create(kind, plain(checked.inputs))
    outs = plain(created.properties)

    read = plugin.read(kind, created.id)
    assert read.id == created.id
    inputs = plain(read.inputs)
    again = plugin.check(kind, inputs)
    assert list(again.failures) == [], again.failures
    diff = plugin.diff(kind, created.id, plain(read.properties), plain(again.inputs))
    assert diff.changes == provider_pb2.DiffResponse.DIFF_NONE, dict(diff.detailedDiff)
    plugin.delete(kind, created.id, outs)
    return str(created.id)


@pytest.mark.parametrize(
    ("kind", "declared", "id_pattern"),
    [
        ("OrgToken", {"name": "grpc-import", "description": "CI", "expiry": "30d"},
         "acme/"),
        ("Schedule", {"kind": "drift", "project": "web", "stack": "prod",
                      "cron": "0 */6 * * *"}, "acme/web/prod/"),
        ("OidcIssuer", {"name": "grpc-github", "url": "https://token.actions.example.com",
                        "maxExpiration": 3600}, "acme/"),
        ("PolicyGroup", {"name": "grpc-import", "stacks": ["web/prod"], "mode": "audit"},
         "acme/grpc-import"),
        ("Webhook", {"project": "web", "stack": "prod", "name": "grpc-import",
                     "displayName": "Deploys", "payloadUrl": "https://hooks.example.com/d",
                     "filters": ["update_failed"]}, "acme/web/prod/grpc-import"),
    ],
)  # fmt: skip
def test_plugin_import_previews_no_change(
    plugin: Plugin, kind: str, declared: dict[str, Any], id_pattern: str
) -> None:
    assert imported_without_change(plugin, kind, declared).startswith(id_pattern)


def test_plugin_import_policy_pack_and_attachments(plugin: Plugin, tmp_path: Path) -> None:
    pack = tmp_path / "baseline"
    shutil.copytree(REPO_ROOT / "examples" / "policy-packs" / "baseline", pack)
    checked = plugin.check("PolicyPack", {"source": str(pack)})
    assert list(checked.failures) == []
    created = plugin.create("PolicyPack", plain(checked.inputs))
    assert created.id == "acme/baseline/1.0.0"
    read = plugin.read("PolicyPack", created.id)
    assert plain(read.properties)["versionTag"] == "1.0.0"

    group = plugin.create(
        "PolicyGroup", plain(plugin.check("PolicyGroup", {"name": "grpc-att"}).inputs)
    )
    assert (
        imported_without_change(
            plugin, "PolicyGroupStack", {"policyGroup": "grpc-att", "stack": "web/prod"}
        )
        == "acme/grpc-att/web/prod"
    )
    assert imported_without_change(
        plugin, "PolicyGroupPack",
        {"policyGroup": "grpc-att", "name": "baseline", "versionTag": "1.0.0"},
    ) == "acme/grpc-att/baseline"  # fmt: skip
    plugin.delete("PolicyGroup", group.id, plain(group.properties))
    plugin.delete("PolicyPack", created.id, plain(created.properties))
