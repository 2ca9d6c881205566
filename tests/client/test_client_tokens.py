"""Organization access tokens through the client."""

from __future__ import annotations

import time

import pytest

from devtools.emulator import Emulator
from pulumi_governance.api import Forbidden, PulumiCloudClient, Unauthorized
from tests.support import client_of, unique


def test_create_list_find_delete(client: PulumiCloudClient, org: str) -> None:
    name = unique("ci")
    created = client.org_tokens.create(org, name, "deploys from CI")
    assert created["id"] and created["tokenValue"]
    found = client.org_tokens.find_by_name(org, name)
    assert found is not None and found["id"] == created["id"]
    assert found["description"] == "deploys from CI"
    assert "tokenValue" not in found
    assert client.org_tokens.find_by_id(org, created["id"]) == found
    client.org_tokens.delete(org, created["id"])
    assert client.org_tokens.find_by_name(org, name) is None


def test_expired_tokens_listed_only_with_filter_all(client: PulumiCloudClient, org: str) -> None:
    name = unique("old")
    created = client.org_tokens.create(org, name, expires=int(time.time()) + 2)
    time.sleep(3)
    everything = client.org_tokens.list(org, include_expired=True)
    active = client.org_tokens.list(org, include_expired=False)
    assert created["id"] in [t["id"] for t in everything]
    assert created["id"] not in [t["id"] for t in active]


def test_listing_follows_pages(emulator_factory) -> None:  # type: ignore[no-untyped-def]
    emu: Emulator = emulator_factory(page_size=2)
    api = client_of(emu)
    names = {unique("t") for _ in range(5)}
    for name in names:
        api.org_tokens.create(emu.org, name)
    listed = {t["name"] for t in api.org_tokens.iter(emu.org, page_size=2)}
    assert names <= listed


def test_the_new_token_works_and_errors_are_typed(emulator: Emulator) -> None:
    admin = client_of(emulator)
    created = admin.org_tokens.create(emulator.org, unique("member"), admin=True)
    as_token = client_of(emulator, token=created["tokenValue"])
    as_token.policy_groups.list(emulator.org)
    admin.org_tokens.delete(emulator.org, created["id"])
    with pytest.raises(Unauthorized):
        as_token.policy_groups.list(emulator.org)
    with pytest.raises(Forbidden):
        client_of(emulator, token=emulator.other_token).org_tokens.list(emulator.org)
