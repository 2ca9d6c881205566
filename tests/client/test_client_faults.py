"""The client under injected faults and restarts of the emulator: retries that succeed,
commit-then-drop creates that leave exactly one object, and state that survives a restart."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from devtools.emulator import Emulator
from pulumi_governance.api import (
    AmbiguousWriteError,
    PulumiCloudClient,
    RetryPolicy,
    create_then_look,
)
from tests.support import client_of, unique


def test_reads_succeed_through_injected_5xx(
    emulator: Emulator, client: PulumiCloudClient, org: str
) -> None:
    project, stack = unique("proj"), unique("dev")
    client.stacks.create(org, project, stack)
    emulator.set_faults(next_5xx=3, status_5xx=503)
    assert client.stacks.get(org, project, stack)["stackName"] == stack
    assert emulator.faults()["next_5xx"] == 0


def test_writes_succeed_through_injected_429(
    emulator: Emulator, client: PulumiCloudClient, org: str
) -> None:
    emulator.set_faults(next_429=2, retry_after_s=0)
    project, stack = unique("proj"), unique("dev")
    client.stacks.create(org, project, stack)  # a POST: 429 is safe to resend
    assert client.stacks.get(org, project, stack)["stackName"] == stack
    assert emulator.faults()["next_429"] == 0


def test_idempotent_patch_succeeds_through_injected_5xx(
    emulator: Emulator, client: PulumiCloudClient, org: str
) -> None:
    name = unique("group")
    client.policy_groups.create(org, name)
    emulator.set_faults(next_5xx=2, status_5xx=504)
    client.policy_groups.update(org, name, {"newName": name + "-x"})
    assert client.policy_groups.get(org, name + "-x")["name"] == name + "-x"


def test_post_under_5xx_is_ambiguous(
    emulator: Emulator, client: PulumiCloudClient, org: str
) -> None:
    emulator.set_faults(next_5xx=1, status_5xx=502)
    with pytest.raises(AmbiguousWriteError) as caught:
        client.policy_groups.create(org, unique("group"))
    assert caught.value.status == 502


def test_random_faults_do_not_break_reads(
    emulator: Emulator, client: PulumiCloudClient, org: str
) -> None:
    # 40% of requests fail: with 5 attempts a call gives up 1% of the time (0.4**5), so 20
    # calls would fail the test about one run in five; 14 attempts make that 1 in 10**4.
    patient = PulumiCloudClient(
        client.settings, retry=RetryPolicy(max_attempts=14, base_delay=0.001, max_delay=0.005)
    )
    before = emulator.faults()["injected"]
    emulator.set_faults(rate_5xx=0.2, rate_429=0.2, retry_after_s=0)
    for _ in range(20):
        patient.policy_groups.list(org)
    after = emulator.faults()["injected"]
    # 20 calls at a 40% fault rate: no fault at all is a 1 in 27,000 event.
    assert after["429"] + after["5xx"] > before["429"] + before["5xx"]


def test_dropped_create_is_ambiguous_and_the_finder_sees_it(
    emulator: Emulator, client: PulumiCloudClient, org: str
) -> None:
    name = unique("group")
    emulator.set_faults(next_drop=1)
    with pytest.raises(AmbiguousWriteError) as caught:
        client.policy_groups.create(org, name)
    assert caught.value.status is None and caught.value.method == "POST"
    found = client.policy_groups.find(org, name)
    assert found is not None and found["name"] == name


# An area's create, its look-up by name and its listing, each called as (client, org, name).
AREAS: dict[str, tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any]]] = {
    "policy group": (
        lambda c, org, name: c.policy_groups.create(org, name),
        lambda c, org, name: c.policy_groups.find(org, name),
        lambda c, org: c.policy_groups.list(org),
    ),
    "org token": (
        lambda c, org, name: c.org_tokens.create(org, name, "deploys"),
        lambda c, org, name: c.org_tokens.find_by_name(org, name),
        lambda c, org: c.org_tokens.list(org),
    ),
}


@pytest.mark.parametrize("area", list(AREAS))
def test_create_then_look_under_commit_then_drop_leaves_one(
    emulator: Emulator, client: PulumiCloudClient, org: str, area: str
) -> None:
    create, find, listing = AREAS[area]
    name = unique(area.replace(" ", "-"))
    emulator.set_faults(next_drop=1)
    found = create_then_look(lambda: create(client, org, name), lambda: find(client, org, name))
    assert found is not None and found["name"] == name
    assert [item["name"] for item in listing(client, org)].count(name) == 1


def test_restart_between_write_and_read(emulator_factory) -> None:  # type: ignore[no-untyped-def]
    emu: Emulator = emulator_factory()
    api = client_of(emu)
    name, project = unique("group"), unique("proj")
    api.stacks.create(emu.org, project, "dev")
    api.policy_groups.create(emu.org, name, mode="preventative")
    api.policy_groups.update(
        emu.org, name, {"addStack": {"name": "dev", "routingProject": project}}
    )
    port = emu.port
    emu.restart(kill=True)
    if emu.port == port:
        # Same pooled session: its connection died with the old process and is replaced.
        assert api.policy_groups.get(emu.org, name)["mode"] == "preventative"
    api = client_of(emu)
    group = api.policy_groups.get(emu.org, name)
    assert group["mode"] == "preventative"
    assert [s["name"] for s in group["stacks"]] == ["dev"]
    assert api.stacks.get(emu.org, project, "dev")["stackName"] == "dev"
