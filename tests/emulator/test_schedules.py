"""Emulator: raw, drift and TTL deployment schedules of a stack over real HTTP, OpenAPI-checked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from devtools.emulator import Emulator
from tests.emulator.helpers import create_stack, ok
from tests.emulator.openapi_check import check
from tests.support import unique


def new_stack(emu: Emulator) -> str:
    project, stack = unique("proj"), unique("dev")
    create_stack(emu, project, stack)
    return f"/api/stacks/{emu.org}/{project}/{stack}/deployments"


def error(resp: requests.Response, status: int) -> str:
    assert resp.status_code == status, resp.text
    check(resp)
    return str(resp.json()["message"])


def iso(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def raw(cron: str | None = None, once: str | None = None, op: str = "update") -> dict[str, Any]:
    body: dict[str, Any] = {"request": {"operation": op}}
    if cron is not None:
        body["scheduleCron"] = cron
    if once is not None:
        body["scheduleOnce"] = once
    return body


def test_raw_schedule_lifecycle(emulator: Emulator) -> None:
    base = new_stack(emulator)
    assert ok(emulator.request("GET", f"{base}/schedules"), 200) == {"schedules": []}
    created = ok(emulator.request("POST", f"{base}/schedules", json=raw("0 0 * * 0")), 200)
    assert created["scheduleCron"] == "0 0 * * 0" and created["paused"] is False
    assert created["kind"] == "deployment" and "scheduleOnce" not in created
    nxt = datetime.strptime(created["nextExecution"], "%Y-%m-%d %H:%M:%S.%f")
    assert nxt.weekday() == 6 and (nxt.hour, nxt.minute) == (0, 0)  # next Sunday midnight
    path = f"{base}/schedules/{created['id']}"
    assert ok(emulator.request("GET", path), 200) == created
    listed = ok(emulator.request("GET", f"{base}/schedules"), 200)["schedules"]
    assert [s["id"] for s in listed] == [created["id"]]

    once = iso(timedelta(days=3))
    updated = ok(emulator.request("POST", path, json=raw(once=once, op="refresh")), 200)
    assert updated["id"] == created["id"] and "scheduleCron" not in updated
    assert updated["scheduleOnce"] and updated["definition"]["request"]["operation"] == "refresh"

    for action, paused in (("pause", True), ("resume", False)):
        resp = emulator.request("POST", f"{path}/{action}")
        assert resp.status_code == 200, resp.text
        check(resp)
        assert ok(emulator.request("GET", path), 200)["paused"] is paused
    history = ok(emulator.request("GET", f"{path}/history"), 200)
    assert history == {"scheduleHistoryEvents": []}
    resp = emulator.request("DELETE", path)
    assert resp.status_code == 200, resp.text
    check(resp)
    error(emulator.request("GET", path), 404)
    for method, suffix in (("POST", ""), ("DELETE", ""), ("POST", "/pause"), ("GET", "/history")):
        kw = {"json": raw("0 * * * *")} if method == "POST" and not suffix else {}
        error(emulator.request(method, path + suffix, **kw), 404)


@pytest.mark.parametrize(
    "cron",
    ["*/15 * * * *", "0 9-17/2 * * MON-FRI", "30 4 1,15 JAN,jul *", "0 0 * * 7", "5 0 * 8 sun"],
)
def test_valid_cron(emulator: Emulator, cron: str) -> None:
    base = new_stack(emulator)
    ok(emulator.request("POST", f"{base}/schedules", json=raw(cron)), 200)


@pytest.mark.parametrize(
    "cron",
    [
        "* * * *",  # 4 fields
        "* * * * * *",  # 6 fields
        "60 * * * *",
        "* 24 * * *",
        "* * 0 * *",
        "* * 32 * *",
        "* * * 13 *",
        "* * * * 8",
        "*/0 * * * *",
        "5-1 * * * *",
        "MON * * * *",
        "1,,2 * * * *",
        "@daily",
        "0 0 31 2 *",  # never fires
    ],
)
def test_invalid_cron_is_400(emulator: Emulator, cron: str) -> None:
    base = new_stack(emulator)
    error(emulator.request("POST", f"{base}/schedules", json=raw(cron)), 400)


def test_timing_rules(emulator: Emulator) -> None:
    base = new_stack(emulator)
    future = iso(timedelta(hours=2))
    for body in (
        raw(),  # neither
        raw("0 0 * * *", future),  # both
        raw(once=iso(-timedelta(hours=1))),  # past
        raw(once="next tuesday"),
        raw(once="2030-01-01T00:00:00"),  # no timezone
        raw("0 0 * * *", op="explode"),
    ):
        error(emulator.request("POST", f"{base}/schedules", json=body), 400)
    created = ok(emulator.request("POST", f"{base}/schedules", json=raw(once=future)), 200)
    plus = iso(timedelta(hours=3)).replace("Z", "+02:00")  # RFC 3339 offsets are accepted
    ok(emulator.request("POST", f"{base}/schedules", json=raw(once=plus)), 200)
    assert created["nextExecution"] == created["scheduleOnce"]


def test_drift_schedule(emulator: Emulator) -> None:
    base = new_stack(emulator)
    body = {"scheduleCron": "0 */4 * * *", "autoRemediate": True}
    created = ok(emulator.request("POST", f"{base}/drift/schedules", json=body), 200)
    request = created["definition"]["request"]
    assert created["scheduleCron"] == "0 */4 * * *"
    assert request["operation"] == "detect-drift"
    assert request["operationContext"]["options"]["remediateIfDriftDetected"] is True
    path = f"{base}/drift/schedules/{created['id']}"
    body = {"scheduleCron": "0 0 * * *", "autoRemediate": False}
    updated = ok(emulator.request("POST", path, json=body), 200)
    assert updated["id"] == created["id"] and updated["scheduleCron"] == "0 0 * * *"
    # The generic endpoints see it too.
    assert ok(emulator.request("GET", f"{base}/schedules/{created['id']}"), 200) == updated
    error(emulator.request("POST", f"{base}/drift/schedules", json={"scheduleCron": "bad"}), 400)
    error(emulator.request("POST", f"{base}/drift/schedules", json={}), 400)
    missing = f"{base}/drift/schedules/00000000-0000-0000-0000-000000000000"
    error(emulator.request("POST", missing, json=body), 404)


def test_ttl_schedule(emulator: Emulator) -> None:
    base = new_stack(emulator)
    body = {"timestamp": iso(timedelta(days=7)), "deleteAfterDestroy": True}
    created = ok(emulator.request("POST", f"{base}/ttl/schedules", json=body), 200)
    request = created["definition"]["request"]
    assert request["operation"] == "destroy" and created["scheduleOnce"]
    assert request["operationContext"]["options"]["deleteAfterDestroy"] is True
    path = f"{base}/ttl/schedules/{created['id']}"
    later = {"timestamp": iso(timedelta(days=14)), "deleteAfterDestroy": False}
    updated = ok(emulator.request("POST", path, json=later), 200)
    assert updated["scheduleOnce"] != created["scheduleOnce"]
    past = {"timestamp": iso(-timedelta(minutes=1))}
    error(emulator.request("POST", path, json=past), 400)
    error(emulator.request("POST", f"{base}/ttl/schedules", json=past), 400)
    error(emulator.request("POST", f"{base}/ttl/schedules", json={"timestamp": "soon"}), 400)


def test_stack_must_exist_and_auth(emulator: Emulator) -> None:
    base = f"/api/stacks/{emulator.org}/nope/nope/deployments"
    error(emulator.request("GET", f"{base}/schedules"), 404)
    error(emulator.request("POST", f"{base}/schedules", json=raw("0 0 * * *")), 404)
    error(
        emulator.request("POST", f"{base}/drift/schedules", json={"scheduleCron": "0 0 * * *"}), 404
    )
    ttl = {"timestamp": iso(timedelta(days=1))}
    error(emulator.request("POST", f"{base}/ttl/schedules", json=ttl), 404)
    real = new_stack(emulator)
    error(requests.get(emulator.url + f"{real}/schedules", timeout=10), 401)
    error(emulator.request("GET", f"{real}/schedules", token=emulator.other_token), 403)


def test_schedules_survive_a_restart(emulator_factory) -> None:  # type: ignore[no-untyped-def]
    emu: Emulator = emulator_factory()
    base = new_stack(emu)
    created = ok(emu.request("POST", f"{base}/schedules", json=raw("15 3 * * *")), 200)
    ok(emu.request("POST", f"{base}/schedules/{created['id']}/pause"), 200)
    emu.restart(kill=True)
    after = ok(emu.request("GET", f"{base}/schedules/{created['id']}"), 200)
    assert after["paused"] is True and after["scheduleCron"] == "15 3 * * *"
