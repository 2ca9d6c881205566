"""Policy packs, policy groups, stack policy views and violations through the client."""

from __future__ import annotations

import pytest

from devtools.emulator import Emulator
from pulumi_governance.api import (
    Conflict,
    InvalidRequest,
    NotFound,
    PulumiCloudClient,
)
from tests.support import client_of, pack_body, unique


def test_publish_list_get_schema_and_find_version(client: PulumiCloudClient, org: str) -> None:
    name = unique("pack")
    v1 = client.policy_packs.publish(org, pack_body(name, "1.0.0"), b"archive-1")
    v2 = client.policy_packs.publish(org, pack_body(name, "1.1.0"), b"archive-2")
    assert v2 > v1
    (listed,) = client.policy_packs.list(org, name=name)
    assert listed["name"] == name and set(listed["versionTags"]) == {"1.0.0", "1.1.0"}
    assert client.policy_packs.get_latest(org, name)["version"] == v2
    got = client.policy_packs.get_version(org, name, v1)
    assert got["versionTag"] == "1.0.0" and got["policies"][0]["name"] == "no-public-buckets"
    schema = client.policy_packs.get_schema(org, name, v1)
    assert "no-public-buckets" in str(schema["configSchema"])
    assert client.policy_packs.find_version(org, name, "1.1.0") == v2
    assert client.policy_packs.find_version(org, name, "9.9.9") is None


def test_create_returns_upload_target_then_complete(client: PulumiCloudClient, org: str) -> None:
    name = unique("pack")
    created = client.policy_packs.create(org, pack_body(name, "0.1.0"))
    assert set(created) >= {"version", "uploadURI"}
    client.policy_packs.upload(created, b"tarball")
    client.policy_packs.complete(org, name, created["version"])
    assert client.policy_packs.get_latest(org, name)["version"] == created["version"]


def test_bad_pack_is_invalid_request(client: PulumiCloudClient, org: str) -> None:
    with pytest.raises(InvalidRequest):
        client.policy_packs.create(org, {"name": unique("pack")})


def test_apply_to_default_group_then_delete_version_and_pack(
    client: PulumiCloudClient, org: str
) -> None:
    name = unique("pack")
    v1 = client.policy_packs.publish(org, pack_body(name, "1.0.0"), b"a")
    v2 = client.policy_packs.publish(org, pack_body(name, "2.0.0"), b"b")
    client.policy_packs.apply_latest_to_default_group(org, name)
    default = client.policy_groups.get(org, "default-policy-group")
    assert any(p["name"] == name for p in default["appliedPolicyPacks"])
    client.policy_packs.delete_version(org, name, v1)
    with pytest.raises(NotFound):
        client.policy_packs.get_version(org, name, v1)
    assert client.policy_packs.get_latest(org, name)["version"] == v2
    client.policy_groups.update(
        org, "default-policy-group", {"removePolicyPack": {"name": name, "version": v2}}
    )
    client.policy_packs.delete(org, name)
    assert client.policy_packs.list(org, name=name) == []
    with pytest.raises(NotFound):
        client.policy_packs.get_latest(org, name)


def test_group_lifecycle_membership_and_full_lists(client: PulumiCloudClient, org: str) -> None:
    name, project = unique("group"), unique("proj")
    for stack in ("a", "b", "c"):
        client.stacks.create(org, project, stack)
    pack = unique("pack")
    version = client.policy_packs.publish(org, pack_body(pack, "1.0.0"), b"x")

    client.policy_groups.create(org, name, entity_type="stacks", mode="audit")
    assert client.policy_groups.find(org, name) is not None
    with pytest.raises(Conflict):
        client.policy_groups.create(org, name)

    ref = {"name": "a", "routingProject": project}
    client.policy_groups.update(org, name, {"addStack": ref})
    client.policy_groups.update(
        org, name, {"addPolicyPack": {"name": pack, "version": version, "versionTag": "1.0.0"}}
    )
    got = client.policy_groups.get(org, name)
    assert [s["name"] for s in got["stacks"]] == ["a"]
    assert [p["name"] for p in got["appliedPolicyPacks"]] == [pack]
    stack_groups = client.policy_results.stack_policy_groups(org, project, "a")
    assert name in [g["name"] for g in stack_groups]
    required = client.policy_results.stack_policy_packs(org, project, "a")
    assert any(p["name"] == pack for p in required)

    full = [{"name": s, "routingProject": project} for s in ("b", "c")]
    client.policy_groups.update(org, name, {"stacks": full})
    assert sorted(s["name"] for s in client.policy_groups.get(org, name)["stacks"]) == ["b", "c"]

    client.policy_groups.batch_update(
        org, name, [{"removeStack": {"name": "b", "routingProject": project}}]
    )
    assert [s["name"] for s in client.policy_groups.get(org, name)["stacks"]] == ["c"]

    new_name = unique("renamed")
    client.policy_groups.update(org, name, {"newName": new_name})
    with pytest.raises(NotFound):
        client.policy_groups.get(org, name)
    client.policy_groups.delete(org, new_name)
    assert client.policy_groups.find(org, new_name) is None
    with pytest.raises(NotFound):
        client.policy_groups.delete(org, new_name)


def test_group_with_bad_mode_is_invalid(client: PulumiCloudClient, org: str) -> None:
    with pytest.raises(InvalidRequest):
        client.policy_groups.create(org, unique("group"), mode="sometimes")


def test_violations_across_pages(emulator_factory) -> None:  # type: ignore[no-untyped-def]
    emu: Emulator = emulator_factory(page_size=4)
    emu.seed_violations([{"message": f"v{n}"} for n in range(10)])
    api = client_of(emu)
    messages = [v["message"] for v in api.policy_results.violations(emu.org)]
    assert sorted(messages) == sorted(f"v{n}" for n in range(10))
