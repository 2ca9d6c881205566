"""Schedule under the real engine: every kind, in-place updates, pause/resume, replacements,
refresh after out-of-band changes, adoption, validation in preview, and faults on the service."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from devtools.emulator import Emulator
from devtools.engine import EngineEnv, preview_diff, shows_change
from tests.engine._governance import ORG, declare, governance_stack, ok


def schedules(emulator: Emulator, stack: str) -> list[dict[str, Any]]:
    listed = ok(emulator, "GET", f"/api/stacks/{ORG}/{stack}/deployments/schedules")
    items: list[dict[str, Any]] = listed.get("schedules") or []
    return items


def operation(action: dict[str, Any]) -> str:
    return str(action["definition"]["request"]["operation"])


def options(action: dict[str, Any]) -> dict[str, Any]:
    request = action["definition"]["request"]
    found: dict[str, Any] = (request.get("operationContext") or {}).get("options") or {}
    return found


def only(emulator: Emulator, stack: str) -> dict[str, Any]:
    found = schedules(emulator, stack)
    assert len(found) == 1, found
    return found[0]


def clear(emulator: Emulator) -> None:
    for stack in ("web/prod", "web/staging", "api/prod"):
        for action in schedules(emulator, stack):
            path = f"/api/stacks/{ORG}/{stack}/deployments/schedules/{action['id']}"
            ok(emulator, "DELETE", path)


DRIFT = {"type": "Schedule", "kind": "drift", "project": "web", "stack": "prod",
         "cron": "0 0 * * *", "auto_remediate": True}  # fmt: skip
TTL = {"type": "Schedule", "kind": "ttl", "project": "web", "stack": "staging",
       "once": "2030-01-01T00:00:00Z", "delete_after_destroy": True}  # fmt: skip
RAW = {"type": "Schedule", "kind": "deployment", "project": "api", "stack": "prod",
       "cron": "0 6 * * 1", "operation": "refresh"}  # fmt: skip


def test_schedule_lifecycle(tmp_path: Path, engine: EngineEnv, emulator: Emulator) -> None:
    clear(emulator)
    declared = {"drift": dict(DRIFT), "ttl": dict(TTL), "raw": dict(RAW)}
    stack = governance_stack(engine, tmp_path, emulator, declared)

    # Create: one schedule of each kind.
    up = stack.up(color="never")
    assert up.summary.resource_changes == {"create": 4}
    drift, ttl, raw = (only(emulator, s) for s in ("web/prod", "web/staging", "api/prod"))
    assert (drift["scheduleCron"], operation(drift)) == ("0 0 * * *", "detect-drift")
    assert options(drift)["remediateIfDriftDetected"] is True
    assert operation(ttl) == "destroy" and options(ttl)["deleteAfterDestroy"] is True
    assert (raw["scheduleCron"], operation(raw), raw["paused"]) == ("0 6 * * 1", "refresh", False)
    assert up.outputs["drift"].value == f"{ORG}/web/prod/{drift['id']}"

    # Refresh right after: the service's time format must not show up as a change.
    refresh = stack.refresh(color="never")
    assert set(refresh.summary.resource_changes or {}) == {"same"}, refresh.stdout
    assert "no changes" in preview_diff(stack).lower() or "4 unchanged" in preview_diff(stack)

    # Every in-place update, pause included; preview first, nothing moves until up.
    declared["drift"].update(cron="0 */4 * * *", auto_remediate=False)
    declared["ttl"].update(once="2030-06-01T02:00:00+02:00", delete_after_destroy=False)
    declared["raw"].update(cron=None, once="2030-02-01T12:00:00Z", operation="preview", paused=True)
    declare(stack, declared)
    diff = preview_diff(stack)
    assert shows_change(diff, "cron", '"0 0 * * *"', '"0 */4 * * *"'), diff
    assert "3 to update" in diff and "replace" not in diff.split("Resources:")[-1], diff
    assert only(emulator, "web/prod")["scheduleCron"] == "0 0 * * *"
    up = stack.up(color="never")
    assert up.summary.resource_changes == {"same": 1, "update": 3}
    drift2, ttl2, raw2 = (only(emulator, s) for s in ("web/prod", "web/staging", "api/prod"))
    assert [drift2["id"], ttl2["id"], raw2["id"]] == [drift["id"], ttl["id"], raw["id"]]
    assert drift2["scheduleCron"] == "0 */4 * * *"
    assert not options(drift2).get("remediateIfDriftDetected")
    assert ttl2["scheduleOnce"].startswith("2030-06-01")
    assert not options(ttl2).get("deleteAfterDestroy")
    assert (raw2.get("scheduleCron"), operation(raw2), raw2["paused"]) == (None, "preview", True)
    assert raw2["scheduleOnce"].startswith("2030-02-01")
    assert set(stack.refresh(color="never").summary.resource_changes or {}) == {"same"}

    # Resume alone.
    declared["raw"]["paused"] = False
    declare(stack, declared)
    assert shows_change(preview_diff(stack), "paused", "true", "false")
    stack.up(color="never")
    assert only(emulator, "api/prod")["paused"] is False

    # Out-of-band: the drift schedule's cron changed and the raw one deleted, on the service.
    base = f"/api/stacks/{ORG}/web/prod/deployments"
    ok(emulator, "POST", f"{base}/drift/schedules/{drift['id']}",
       json={"scheduleCron": "30 1 * * *", "autoRemediate": False})  # fmt: skip
    ok(emulator, "DELETE", f"/api/stacks/{ORG}/api/prod/deployments/schedules/{raw['id']}")
    refresh = stack.refresh(color="never")
    assert refresh.summary.resource_changes == {"same": 2, "update": 1, "delete": 1}
    diff = preview_diff(stack)
    assert "1 to create" in diff and "1 to update" in diff, diff
    stack.up(color="never")
    assert only(emulator, "web/prod")["scheduleCron"] == "0 */4 * * *"
    assert operation(only(emulator, "api/prod")) == "preview"

    # Replacements: the kind (drift -> raw on web/prod) and the stack (TTL web/staging -> api/prod
    # would clash with nothing: api/prod has only a raw schedule).
    declared["drift"] = {**RAW, "project": "web", "stack": "prod", "cron": "0 3 * * *"}
    declared["ttl"]["stack"] = "prod"
    declared["ttl"]["project"] = "api"
    declare(stack, declared)
    diff = preview_diff(stack)
    assert "2 to replace" in diff and "kind" in diff and "project" in diff, diff
    stack.up(color="never")
    replaced = only(emulator, "web/prod")
    assert (operation(replaced), replaced["scheduleCron"]) == ("refresh", "0 3 * * *")
    assert schedules(emulator, "web/staging") == []
    assert {operation(a) for a in schedules(emulator, "api/prod")} == {"preview", "destroy"}

    stack.destroy(color="never")
    for name in ("web/prod", "web/staging", "api/prod"):
        assert schedules(emulator, name) == [], name


def test_schedule_rejects_bad_input_in_preview(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    clear(emulator)
    # The engine stops a preview at the first resource whose check fails: one at a time.
    stack = governance_stack(engine, tmp_path, emulator, {})
    for bad, expected in (
        ({**DRIFT, "cron": "0 25 * * *"}, ("cron", "hour: 25")),
        ({**TTL, "once": "2001-01-01T00:00:00Z"}, ("once", "in the past")),
        ({**RAW, "once": "2030-01-01T00:00:00Z"}, ("exactly one of cron and once",)),
    ):
        declare(stack, {"bad": bad})
        with pytest.raises(auto.CommandError) as failure:
            stack.preview(color="never")
        message = str(failure.value)
        assert all(part in message for part in expected), message


def test_schedule_adopts_an_existing_schedule_only_when_asked(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    clear(emulator)
    stack = governance_stack(engine, tmp_path, emulator, {})
    # An existing drift schedule is never silently taken over ...
    path = f"/api/stacks/{ORG}/web/prod/deployments/drift/schedules"
    existing = ok(emulator, "POST", path, json={"scheduleCron": "0 5 * * *", "autoRemediate": True})
    declare(stack, {"drift": DRIFT})
    with pytest.raises(auto.CommandError) as failure:
        stack.up(color="never")
    assert "adopt" in str(failure.value)
    # ... but adopted on request, and brought to the declared state.
    declare(stack, {"drift": {**DRIFT, "adopt": True}})
    up = stack.up(color="never")
    adopted = only(emulator, "web/prod")
    assert adopted["id"] == existing["id"] and adopted["scheduleCron"] == "0 0 * * *"
    assert up.outputs["drift"].value.endswith(existing["id"])


def test_schedule_leaves_no_duplicate_under_random_faults(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    clear(emulator)
    stack = governance_stack(engine, tmp_path, emulator, {})
    # Under 429s, 5xx and commits whose responses are dropped, no schedule is duplicated.
    emulator.set_faults(rate_429=0.2, rate_5xx=0.1, retry_after_s=0, next_drop=3)
    try:
        declare(stack, {
            "drift": {**DRIFT, "adopt": True},
            "ttl": TTL,
            "raw1": RAW,
            "raw2": {**RAW, "cron": "0 7 * * 1", "paused": True},
        })  # fmt: skip
        stack.up(color="never")
    finally:
        emulator.clear_faults()
    assert len(schedules(emulator, "web/prod")) == 1
    assert len(schedules(emulator, "web/staging")) == 1
    raws = schedules(emulator, "api/prod")
    assert sorted((a["scheduleCron"], a["paused"]) for a in raws) == [
        ("0 6 * * 1", False),
        ("0 7 * * 1", True),
    ]
    stack.destroy(color="never")
    assert schedules(emulator, "web/prod") == []
