"""Deployment schedules (raw, drift, TTL) through the client."""

from __future__ import annotations

import pytest

from pulumi_governance.api import InvalidRequest, NotFound, PulumiCloudClient
from tests.support import unique


def new_stack(client: PulumiCloudClient, org: str) -> tuple[str, str]:
    project, stack = unique("proj"), unique("dev")
    client.stacks.create(org, project, stack)
    return project, stack


def test_drift_schedule_lifecycle(client: PulumiCloudClient, org: str) -> None:
    project, stack = new_stack(client, org)
    body = {"scheduleCron": "0 3 * * *", "autoRemediate": False}
    created = client.schedules.create(org, project, stack, "drift", body)
    sid = created["id"]
    assert created["scheduleCron"] == "0 3 * * *" and created["paused"] is False
    found = client.schedules.find(org, project, stack, lambda s: s["id"] == sid)
    assert found is not None
    assert client.schedules.get(org, project, stack, sid)["id"] == sid
    updated = client.schedules.update(
        org, project, stack, "drift", sid, {"scheduleCron": "0 4 * * *", "autoRemediate": True}
    )
    assert updated["scheduleCron"] == "0 4 * * *"
    client.schedules.pause(org, project, stack, sid)
    assert client.schedules.get(org, project, stack, sid)["paused"] is True
    client.schedules.resume(org, project, stack, sid)
    assert client.schedules.get(org, project, stack, sid)["paused"] is False
    assert isinstance(client.schedules.history(org, project, stack, sid), list)
    client.schedules.delete(org, project, stack, sid)
    with pytest.raises(NotFound):
        client.schedules.get(org, project, stack, sid)


def test_ttl_schedule(client: PulumiCloudClient, org: str) -> None:
    project, stack = new_stack(client, org)
    body = {"timestamp": "2030-01-01T00:00:00Z", "deleteAfterDestroy": True}
    created = client.schedules.create(org, project, stack, "ttl", body)
    assert created["scheduleOnce"].startswith("2030-01-01")
    body2 = {"timestamp": "2031-01-01T00:00:00Z", "deleteAfterDestroy": False}
    updated = client.schedules.update(org, project, stack, "ttl", created["id"], body2)
    assert updated["scheduleOnce"].startswith("2031-01-01")
    assert [s["id"] for s in client.schedules.list(org, project, stack)] == [created["id"]]


def test_raw_schedule(client: PulumiCloudClient, org: str) -> None:
    project, stack = new_stack(client, org)
    body = {"scheduleCron": "30 1 * * 1", "request": {"operation": "refresh"}}
    created = client.schedules.create(org, project, stack, "deployment", body)
    assert created["scheduleCron"] == "30 1 * * 1"
    client.schedules.update(
        org,
        project,
        stack,
        "deployment",
        created["id"],
        {"scheduleCron": "30 2 * * 1", "request": {"operation": "preview"}},
    )
    assert client.schedules.get(org, project, stack, created["id"])["scheduleCron"] == "30 2 * * 1"


def test_bad_cron_is_invalid_and_missing_stack_not_found(
    client: PulumiCloudClient, org: str
) -> None:
    project, stack = new_stack(client, org)
    with pytest.raises(InvalidRequest):
        client.schedules.create(org, project, stack, "drift", {"scheduleCron": "every day"})
    with pytest.raises(NotFound):
        client.schedules.list(org, project, unique("missing"))
