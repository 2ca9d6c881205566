"""Stacks and tags through the client, against the emulator over loopback."""

from __future__ import annotations

import pytest

from devtools.emulator import Emulator
from pulumi_governance.api import Conflict, Forbidden, NotFound, PulumiCloudClient, Unauthorized
from tests.support import client_of, unique


def test_create_get_delete(client: PulumiCloudClient, org: str) -> None:
    project, stack = unique("proj"), unique("dev")
    client.stacks.create(org, project, stack, tags={"team": "platform"})
    got = client.stacks.get(org, project, stack)
    assert (got["orgName"], got["projectName"], got["stackName"]) == (org, project, stack)
    assert got["tags"]["team"] == "platform"
    client.stacks.delete(org, project, stack)
    with pytest.raises(NotFound) as caught:
        client.stacks.get(org, project, stack)
    assert caught.value.status == 404 and caught.value.method == "GET"


def test_create_twice_is_conflict(client: PulumiCloudClient, org: str) -> None:
    project, stack = unique("proj"), unique("dev")
    client.stacks.create(org, project, stack)
    with pytest.raises(Conflict):
        client.stacks.create(org, project, stack)


def test_list_filters_by_org_project_and_tag(client: PulumiCloudClient, org: str) -> None:
    project, value = unique("proj"), unique("v")
    for name in ("a", "b", "c"):
        client.stacks.create(org, project, name)
    client.stacks.set_tag(org, project, "b", "tier", value)
    in_project = client.stacks.list(organization=org, project=project)
    assert sorted(s["stackName"] for s in in_project) == ["a", "b", "c"]
    tagged = client.stacks.list(organization=org, tag_name="tier", tag_value=value)
    assert [(s["projectName"], s["stackName"]) for s in tagged] == [(project, "b")]


def test_list_follows_pages(emulator_factory) -> None:  # type: ignore[no-untyped-def]
    emu = emulator_factory(page_size=3)
    api = client_of(emu)
    for n in range(8):
        api.stacks.create(emu.org, "paged", f"s{n}")
    pages = list(api.stacks.iter(organization=emu.org, project="paged", page_size=3))
    assert sorted(s["stackName"] for s in pages) == [f"s{n}" for n in range(8)]


def test_set_tag_adds_then_changes_and_delete_tag(client: PulumiCloudClient, org: str) -> None:
    project, stack = unique("proj"), unique("dev")
    client.stacks.create(org, project, stack)
    client.stacks.set_tag(org, project, stack, "owner", "alice")
    client.stacks.set_tag(org, project, stack, "owner", "bob")
    assert client.stacks.get(org, project, stack)["tags"]["owner"] == "bob"
    client.stacks.delete_tag(org, project, stack, "owner")
    assert "owner" not in (client.stacks.get(org, project, stack).get("tags") or {})
    with pytest.raises(NotFound):
        client.stacks.delete_tag(org, project, stack, "owner")


def test_bad_token_is_unauthorized_and_other_org_forbidden(emulator: Emulator) -> None:
    project, stack = unique("proj"), unique("dev")
    client_of(emulator).stacks.create(emulator.org, project, stack)
    with pytest.raises(Unauthorized):
        client_of(emulator, token="not-a-token").stacks.get(emulator.org, project, stack)
    with pytest.raises(Forbidden):
        client_of(emulator, token=emulator.other_token).stacks.get(emulator.org, project, stack)
