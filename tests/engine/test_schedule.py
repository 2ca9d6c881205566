"""Schedule under the real engine: every kind, in-place updates, pause/resume, replacements,
refresh after out-of-band changes, adoption, validation in preview, and faults on the service.

The scenarios of one stack's life share it (`story`, a `_governance.Story`), one rule per test."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from devtools.emulator import Emulator
from devtools.engine import EngineEnv, preview_diff, shows_change
from tests.engine import _governance as governance
from tests.engine._governance import ORG, Step, declare, governance_stack, ok

STACKS = ("web/prod", "web/staging", "api/prod")
Schedules = dict[str, list[dict[str, Any]]]  # by stack


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


def only(found_by_stack: Emulator | Schedules, stack: str) -> dict[str, Any]:
    """The one schedule of `stack`, live on the emulator or as a step saw it."""
    if isinstance(found_by_stack, Emulator):
        found = schedules(found_by_stack, stack)
    else:
        found = found_by_stack[stack]
    assert len(found) == 1, found
    return found[0]


def clear(emulator: Emulator) -> None:
    for stack in STACKS:
        for action in schedules(emulator, stack):
            path = f"/api/stacks/{ORG}/{stack}/deployments/schedules/{action['id']}"
            ok(emulator, "DELETE", path)


DRIFT = {"type": "Schedule", "kind": "drift", "project": "web", "stack": "prod",
         "cron": "0 0 * * *", "auto_remediate": True}  # fmt: skip
TTL = {"type": "Schedule", "kind": "ttl", "project": "web", "stack": "staging",
       "once": "2030-01-01T00:00:00Z", "delete_after_destroy": True}  # fmt: skip
RAW = {"type": "Schedule", "kind": "deployment", "project": "api", "stack": "prod",
       "cron": "0 6 * * 1", "operation": "refresh"}  # fmt: skip


class Story(governance.Story[Schedules]):
    """One stack with a drift (web/prod), a TTL (web/staging) and a raw (api/prod) schedule."""

    def __init__(self, stack: auto.Stack, emulator: Emulator):
        super().__init__(stack, emulator)
        self.declared = {"drift": dict(DRIFT), "ttl": dict(TTL), "raw": dict(RAW)}

    def live(self) -> Schedules:
        return {name: schedules(self.emulator, name) for name in STACKS}

    @cached_property
    def created(self) -> Step[Schedules]:
        clear(self.emulator)
        return self.apply(self.declared, preview=False)

    @cached_property
    def unchanged(self) -> tuple[dict[str, int], str]:
        """A refresh right after create, then a preview."""
        assert self.created
        return self.refresh(), preview_diff(self.stack)

    @cached_property
    def updated(self) -> tuple[Step[Schedules], dict[str, int]]:
        """Every in-place field changed, pause included: up, then a refresh."""
        assert self.unchanged
        self.declared["drift"].update(cron="0 */4 * * *", auto_remediate=False)
        self.declared["ttl"].update(once="2030-06-01T02:00:00+02:00", delete_after_destroy=False)
        self.declared["raw"].update(cron=None, once="2030-02-01T12:00:00Z", operation="preview",
                                    paused=True)  # fmt: skip
        up = self.apply(self.declared)
        return up, self.refresh()

    @cached_property
    def resumed(self) -> Step[Schedules]:
        assert self.updated
        self.declared["raw"]["paused"] = False
        return self.apply(self.declared)

    @cached_property
    def drift_restored(self) -> tuple[dict[str, int], Step[Schedules]]:
        """The drift schedule's cron changed and the raw one deleted on the service."""
        assert self.resumed
        drift, raw = only(self.created.after, "web/prod"), only(self.created.after, "api/prod")
        base = f"/api/stacks/{ORG}/web/prod/deployments"
        ok(self.emulator, "POST", f"{base}/drift/schedules/{drift['id']}",
           json={"scheduleCron": "30 1 * * *", "autoRemediate": False})  # fmt: skip
        ok(self.emulator, "DELETE", f"/api/stacks/{ORG}/api/prod/deployments/schedules/{raw['id']}")
        return self.refresh(), self.apply(self.declared)

    @cached_property
    def replaced(self) -> Step[Schedules]:
        """The kind changed (drift -> raw on web/prod) and the TTL moved to api/prod."""
        assert self.drift_restored
        self.declared["drift"] = {**RAW, "project": "web", "stack": "prod", "cron": "0 3 * * *"}
        self.declared["ttl"].update(project="api", stack="prod")
        return self.apply(self.declared)


@pytest.fixture(scope="module")
def story(
    module_engine: EngineEnv, tmp_path_factory: pytest.TempPathFactory, emulator: Emulator
) -> Iterator[Story]:
    stack = governance_stack(module_engine, tmp_path_factory.mktemp("schedule"), emulator, {})
    yield from governance.told(Story(stack, emulator))


def test_schedule_create_makes_one_of_each_kind(story: Story) -> None:
    up = story.created
    assert up.changes == {"create": 4}
    drift, ttl, raw = (only(up.after, s) for s in STACKS)
    assert (drift["scheduleCron"], operation(drift)) == ("0 0 * * *", "detect-drift")
    assert options(drift)["remediateIfDriftDetected"] is True
    assert operation(ttl) == "destroy" and options(ttl)["deleteAfterDestroy"] is True
    assert (raw["scheduleCron"], operation(raw), raw["paused"]) == ("0 6 * * 1", "refresh", False)
    assert up.outputs["drift"] == f"{ORG}/web/prod/{drift['id']}"


def test_schedule_refresh_right_after_create_changes_nothing(story: Story) -> None:
    # the service's time format must not show up as a change
    refresh, diff = story.unchanged
    assert set(refresh) == {"same"}, refresh
    assert "no changes" in diff.lower() or "4 unchanged" in diff, diff


def test_schedule_update_in_place_keeps_each_schedule_and_moves_only_on_up(story: Story) -> None:
    up, refresh = story.updated
    assert shows_change(up.diff, "cron", '"0 0 * * *"', '"0 */4 * * *"'), up.diff
    assert "3 to update" in up.diff and "replace" not in up.diff.split("Resources:")[-1], up.diff
    assert only(up.before, "web/prod")["scheduleCron"] == "0 0 * * *"
    assert up.changes == {"same": 1, "update": 3}
    drift, ttl, raw = (only(up.after, s) for s in STACKS)
    assert [drift["id"], ttl["id"], raw["id"]] == [
        only(story.created.after, s)["id"] for s in STACKS
    ]
    assert drift["scheduleCron"] == "0 */4 * * *"
    assert not options(drift).get("remediateIfDriftDetected")
    assert ttl["scheduleOnce"].startswith("2030-06-01")
    assert not options(ttl).get("deleteAfterDestroy")
    assert (raw.get("scheduleCron"), operation(raw), raw["paused"]) == (None, "preview", True)
    assert raw["scheduleOnce"].startswith("2030-02-01")
    assert set(refresh) == {"same"}, refresh


def test_schedule_resume_alone_is_an_update_in_place(story: Story) -> None:
    up = story.resumed
    assert shows_change(up.diff, "paused", "true", "false"), up.diff
    assert up.changes == {"same": 3, "update": 1}
    assert only(up.after, "api/prod")["paused"] is False


def test_schedule_drift_restored_after_a_change_and_a_delete_outside_pulumi(story: Story) -> None:
    refresh, up = story.drift_restored
    assert refresh == {"same": 2, "update": 1, "delete": 1}
    assert "1 to create" in up.diff and "1 to update" in up.diff, up.diff
    assert only(up.after, "web/prod")["scheduleCron"] == "0 */4 * * *"
    assert operation(only(up.after, "api/prod")) == "preview"


def test_schedule_replace_by_kind_or_stack(story: Story) -> None:
    up = story.replaced
    assert "2 to replace" in up.diff and "kind" in up.diff and "project" in up.diff, up.diff
    replaced = only(up.after, "web/prod")
    assert (operation(replaced), replaced["scheduleCron"]) == ("refresh", "0 3 * * *")
    assert up.after["web/staging"] == []
    assert {operation(a) for a in up.after["api/prod"]} == {"preview", "destroy"}


def test_schedule_destroy_leaves_nothing(story: Story) -> None:
    assert story.replaced
    story.destroy_leaves_nothing(*(lambda s=s: schedules(story.emulator, s) for s in STACKS))


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
