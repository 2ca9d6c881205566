"""Requests read as the service reads them: null is absent, unknown fields are ignored, match rules
are refused only when set, defaults follow the OpenAPI document, and {version} path segments take
the version tag or the integer version."""

from __future__ import annotations

from devtools.emulator import Emulator
from tests.emulator.helpers import create_stack, group, ok, publish_pack
from tests.support import unique


def groups_url(emu: Emulator) -> str:
    return f"/api/orgs/{emu.org}/policygroups"


def test_null_is_absent_and_unknown_fields_are_ignored(emulator: Emulator) -> None:
    stack = unique("s")
    body = {"stackName": stack, "tags": None, "teams": None, "config": None, "someday": 1}
    ok(emulator.request("POST", f"/api/stacks/{emulator.org}/proj", json=body), 200)
    got = ok(emulator.request("GET", f"/api/stacks/{emulator.org}/proj/{stack}"), 200)
    assert got["tags"] == {}
    name = unique("g")
    new = {"name": name, "entityType": "stacks", "mode": None, "agentPoolId": None, "x": True}
    ok(emulator.request("POST", groups_url(emulator), json=new), 204)
    update = {
        "addStack": {"name": stack, "routingProject": "proj", "extra": 1},
        "newName": None,
        "removeStack": None,
        "stacks": None,
        "unknownOperation": {"a": 1},
    }
    ok(emulator.request("PATCH", f"{groups_url(emulator)}/{name}", json=update), 204)
    assert group(emulator, name)["stacks"] == [{"name": stack, "routingProject": "proj"}]


def test_mode_defaults_by_entity_type(emulator: Emulator) -> None:
    stacks, accounts = unique("g"), unique("g")
    ok(emulator.request("POST", groups_url(emulator), json={"name": stacks}), 204)
    body = {"name": accounts, "entityType": "accounts"}
    ok(emulator.request("POST", groups_url(emulator), json=body), 204)
    assert group(emulator, stacks)["mode"] == "preventative"
    assert group(emulator, accounts)["mode"] == "audit"


def test_match_rules_refused_only_when_set(emulator: Emulator) -> None:
    name = unique("g")
    ruled = {"name": name, "entityType": "stacks", "stackMatchRule": {"literal": True}}
    refused = ok(emulator.request("POST", groups_url(emulator), json=ruled), 400)
    assert "stackMatchRule" in refused["message"] and "does not support" in refused["message"]
    plain = {"name": name, "entityType": "stacks", "stackMatchRule": None, "accountMatchRule": None}
    ok(emulator.request("POST", groups_url(emulator), json=plain), 204)
    url = f"{groups_url(emulator)}/{name}"
    unset = {"stackMatchRule": None, "removeStackMatchRule": False, "accountMatchRule": None}
    ok(emulator.request("PATCH", url, json={**unset, "removeAccountMatchRule": False}), 204)
    # No rule is ever held, so removing one leaves the group as it is.
    ok(emulator.request("PATCH", url, json={"removeStackMatchRule": True}), 204)
    batch = [{"accountMatchRule": {"literal": True}}]
    assert (
        "accountMatchRule"
        in ok(emulator.request("PATCH", url + "/batch", json=batch), 400)["message"]
    )


def test_add_policy_pack_without_version_is_the_latest(emulator: Emulator) -> None:
    pack = unique("pack")
    publish_pack(emulator, pack, "1.0.0")
    latest = publish_pack(emulator, pack, "1.1.0")
    name = unique("g")
    ok(emulator.request("POST", groups_url(emulator), json={"name": name}), 204)
    add = {"name": pack, "displayName": "", "version": 0, "versionTag": ""}
    ok(
        emulator.request("PATCH", f"{groups_url(emulator)}/{name}", json={"addPolicyPack": add}),
        204,
    )
    applied = group(emulator, name)["appliedPolicyPacks"]
    assert [(p["version"], p["versionTag"]) for p in applied] == [(latest, "1.1.0")]
    # Disabling by tag removes just that version; an empty tag and version 0 remove every version.
    remove = {"name": pack, "displayName": "", "version": 0, "versionTag": "1.0.0"}
    url = f"{groups_url(emulator)}/{name}"
    ok(emulator.request("PATCH", url, json={"removePolicyPack": remove}), 204)
    assert len(group(emulator, name)["appliedPolicyPacks"]) == 1
    ok(emulator.request("PATCH", url, json={"removePolicyPack": {**remove, "versionTag": ""}}), 204)
    assert group(emulator, name)["appliedPolicyPacks"] == []


def test_version_path_takes_the_tag_or_the_number(emulator: Emulator) -> None:
    pack = unique("pack")
    base = f"/api/orgs/{emulator.org}/policypacks/{pack}/versions"
    first = publish_pack(emulator, pack, "0.9.0", complete=False)
    ok(emulator.request("POST", f"{base}/0.9.0/complete"), 204)  # the CLI completes by tag
    assert ok(emulator.request("GET", f"{base}/0.9.0"), 200)["version"] == first
    assert ok(emulator.request("GET", f"{base}/{first}"), 200)["versionTag"] == "0.9.0"
    assert "configSchema" in ok(emulator.request("GET", f"{base}/0.9.0/schema"), 200)
    # A tag that looks like a number names the version with that tag before version number 2.
    second = publish_pack(emulator, pack, str(first))
    assert second != first
    assert ok(emulator.request("GET", f"{base}/{first}"), 200)["version"] == second
    ok(emulator.request("GET", f"{base}/999"), 404)
    ok(emulator.request("DELETE", f"{base}/0.9.0"), 200)
    ok(emulator.request("GET", f"{base}/0.9.0"), 404)


def test_stack_create_with_only_required_fields_lands_in_default_group(emulator: Emulator) -> None:
    stack = unique("s")
    create_stack(emulator, "proj", stack)
    default = group(emulator, "default-policy-group")
    assert {"name": stack, "routingProject": "proj"} in default["stacks"]
