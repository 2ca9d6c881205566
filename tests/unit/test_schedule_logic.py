"""Pure logic behind Schedule: the cron validator and timestamp normalisation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pulumi_governance.logic.cron import validate_cron
from pulumi_governance.logic.times import (
    as_written,
    canonical,
    parse_time,
    same_instant,
    time_error,
    to_wire,
)


@pytest.mark.parametrize(
    "expression",
    [
        "0 0 * * *",
        "*/15 * * * *",
        "0 */4 * * *",
        "0 9-17 * * MON-FRI",
        "5,10,15 0 1 jan,jul sun",
        "0 0 1-31/2 * 7",
        "59 23 31 12 6",
        "  0   0 * * 0 ",
    ],
)
def test_valid_cron(expression: str) -> None:
    assert validate_cron(expression) is None


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ("0 0 * *", "4 fields"),
        ("0 0 * * * *", "6 fields"),
        ("60 0 * * *", "minute: 60 is outside 0-59"),
        ("0 24 * * *", "hour: 24"),
        ("0 0 0 * *", "day of month: 0"),
        ("0 0 * 13 *", "month: 13"),
        ("0 0 * * 8", "day of week: 8"),
        ("*/0 * * * *", "step '0'"),
        ("*/61 * * * *", "larger than"),
        ("0 5-1 * * *", "backwards"),
        ("a 0 * * *", "'a' is not a number"),
        ("0 0 * FOO *", "'FOO'"),
        ("0,,1 0 * * *", "is not a value"),
        ("@daily", "macros"),
        ("", "0 fields"),
    ],
)
def test_invalid_cron(expression: str, fragment: str) -> None:
    reason = validate_cron(expression)
    assert reason is not None and fragment in reason, reason


def test_service_time_forms_name_the_same_instant() -> None:
    written = "2026-12-01T00:00:00Z"
    for service in (
        "2026-12-01T00:00:00.000Z",
        "2026-12-01 00:00:00.000",
        "2026-12-01T01:00:00+01:00",
        "2026-11-30T19:00:00.000-05:00",
    ):
        assert same_instant(service, written), service
        assert as_written(service, written) == written
    assert not same_instant("2026-12-01T00:00:01Z", written)
    assert as_written("2026-12-02 00:00:00.000", written) == "2026-12-02T00:00:00Z"
    assert as_written(None, written) is None


def test_wire_and_canonical_forms() -> None:
    assert to_wire("2026-12-01T01:00:00+01:00") == "2026-12-01T00:00:00.000Z"
    assert canonical("2026-12-01 00:00:00.250") == "2026-12-01T00:00:00.250Z"
    assert parse_time("2026-12-01 00:00:00") == datetime(2026, 12, 1, tzinfo=UTC)
    assert parse_time("not a time") is None


def test_user_timestamps_are_checked() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert time_error("2026-12-01T00:00:00Z", now, future=True) is None
    assert "in the past" in (time_error("2025-12-01T00:00:00Z", now, future=True) or "")
    assert "no timezone" in (time_error("2026-12-01T00:00:00", now) or "")
    assert "not an ISO 8601" in (time_error("tomorrow", now) or "")
    assert "string" in (time_error(5, now) or "")


def _action(operation: str, **fields: object) -> dict[str, object]:
    request: dict[str, object] = {"operation": operation}
    options = fields.pop("options", None)
    if options is not None:
        request["operationContext"] = {"options": options}
    return {"id": "s1", "paused": False, "definition": {"request": request}, **fields}


def test_service_schedules_parse_back_to_what_the_user_wrote() -> None:
    from pulumi_governance.logic import schedule_actions as wire

    drift = _action("detect-drift", scheduleCron="0 0 * * *",
                    options={"remediateIfDriftDetected": True})  # fmt: skip
    assert wire.parse(drift, {}) == {
        "kind": "drift", "paused": False, "cron": "0 0 * * *", "auto_remediate": True,
    }  # fmt: skip
    ttl = _action("destroy", scheduleOnce="2030-01-01 00:00:00.000",
                  options={"deleteAfterDestroy": False})  # fmt: skip
    olds = {"once": "2030-01-01T01:00:00+01:00"}
    assert wire.parse(ttl, olds) == {
        "kind": "ttl", "paused": False, "once": olds["once"], "delete_after_destroy": False,
    }  # fmt: skip
    raw = _action("destroy", scheduleOnce="2030-01-01T00:00:00.000Z", paused=True)
    assert wire.parse(raw, olds)["kind"] == "deployment"
    assert wire.parse(raw, {})["once"] == "2030-01-01T00:00:00Z"


def test_listed_schedules_match_the_declared_one() -> None:
    from pulumi_governance.logic import schedule_actions as wire

    declared = {"kind": "deployment", "cron": "0 6 * * 1", "operation": "refresh"}
    assert wire.matches(_action("refresh", scheduleCron="0 6 * * 1"), declared)
    assert not wire.matches(_action("update", scheduleCron="0 6 * * 1"), declared)
    assert not wire.matches(_action("detect-drift", scheduleCron="0 6 * * 1"), declared)
    once = {"kind": "deployment", "once": "2030-01-01T00:00:00Z", "operation": "update"}
    assert wire.matches(_action("update", scheduleOnce="2030-01-01 00:00:00.000"), once)
    assert wire.matches(_action("detect-drift", scheduleCron="1 1 * * *"), {"kind": "drift"})
    assert wire.request_body({"kind": "ttl", "once": "2030-01-01T01:00:00+01:00"}) == {
        "timestamp": "2030-01-01T00:00:00.000Z", "deleteAfterDestroy": False,
    }  # fmt: skip
