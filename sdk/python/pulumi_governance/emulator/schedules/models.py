"""Deployment schedules of a stack: raw, drift-detection and TTL (all stored as ScheduledAction).

The drift and TTL endpoints are conveniences over raw schedules, as the API documents say: a
drift schedule is a cron `detect-drift` deployment, a TTL a one-off `destroy`. A stack has at
most one of each (a second is a 409), which is what the convenience endpoints imply.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from ..errors import BadRequest, Conflict, NotFound
from ..lookups import require_stack
from ..store import Tx
from . import cron

OPERATIONS = ("update", "preview", "refresh", "destroy", "detect-drift", "remediate-drift")


def _now() -> datetime:
    return datetime.now(UTC)


def _wire_time(moment: datetime) -> str:
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}"
    )


def _timestamp(value: object, field: str) -> datetime:
    if not isinstance(value, str):
        raise BadRequest(f"{field} must be an ISO 8601 timestamp")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(f"{field}: {value!r} is not an ISO 8601 timestamp") from None
    if moment.tzinfo is None:
        raise BadRequest(f"{field}: {value!r} has no timezone")
    return moment


def _timing(body: dict[str, Any]) -> tuple[str | None, datetime | None]:
    cron_text, once_text = body.get("scheduleCron"), body.get("scheduleOnce")
    if bool(cron_text) == bool(once_text):
        raise BadRequest("exactly one of scheduleCron and scheduleOnce must be set")
    if cron_text:
        if not isinstance(cron_text, str):
            raise BadRequest("scheduleCron must be a string")
        try:
            cron.next_after(cron_text, _now())  # parses, and rejects one that never fires
        except cron.CronError as error:
            raise BadRequest(f"invalid scheduleCron {cron_text!r}: {error}") from None
        return cron_text, None
    once = _timestamp(once_text, "scheduleOnce")
    if once <= _now():
        raise BadRequest("scheduleOnce must be in the future")
    return None, once


def _action(
    org: str, cron_text: str | None, once: datetime | None, request: dict[str, Any]
) -> dict[str, Any]:
    now = _wire_time(_now())
    action: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "orgID": org,
        "kind": "deployment",
        "paused": False,
        "definition": {"programID": str(uuid.uuid4()), "request": request},
        "created": now,
        "modified": now,
        "lastExecuted": "",
    }
    _set_timing(action, cron_text, once)
    return action


def _set_timing(action: dict[str, Any], cron_text: str | None, once: datetime | None) -> None:
    action.pop("scheduleCron", None)
    action.pop("scheduleOnce", None)
    if cron_text:
        action["scheduleCron"] = cron_text
        action["nextExecution"] = _wire_time(cron.next_after(cron_text, _now()))
    elif once is not None:
        action["scheduleOnce"] = _wire_time(once)
        action["nextExecution"] = _wire_time(once)
    action["modified"] = _wire_time(_now())


def _raw_request(body: dict[str, Any]) -> dict[str, Any]:
    request = body.get("request") or {}
    if not isinstance(request, dict):
        raise BadRequest("request must be an object")
    operation = request.get("operation")
    if operation not in OPERATIONS:
        raise BadRequest(f"request.operation must be one of {', '.join(OPERATIONS)}")
    return dict(request)


def _drift_request(body: dict[str, Any]) -> dict[str, Any]:
    remediate = body.get("autoRemediate", False)
    if not isinstance(remediate, bool):
        raise BadRequest("autoRemediate must be a boolean")
    return {
        "inheritSettings": True,
        "operation": "detect-drift",
        "operationContext": {"options": {"remediateIfDriftDetected": remediate}},
    }


def _ttl_request(body: dict[str, Any]) -> dict[str, Any]:
    delete_stack = body.get("deleteAfterDestroy", False)
    if not isinstance(delete_stack, bool):
        raise BadRequest("deleteAfterDestroy must be a boolean")
    return {
        "inheritSettings": True,
        "operation": "destroy",
        "operationContext": {"options": {"deleteAfterDestroy": delete_stack}},
    }


def _key(project: str, stack: str, schedule_id: str) -> str:
    return f"{project}/{stack}/{schedule_id}"


def _stack_schedules(tx: Tx, org: str, project: str, stack: str) -> list[dict[str, Any]]:
    return [doc for _, _, doc in tx.list("schedule", org, prefix=f"{project}/{stack}/")]


def _require(tx: Tx, org: str, project: str, stack: str, schedule_id: str) -> dict[str, Any]:
    require_stack(tx, org, project, stack)
    action = tx.get("schedule", org, _key(project, stack, schedule_id))
    if action is None:
        raise NotFound(f"scheduled action {schedule_id!r} not found")
    return action


def _operation(action: dict[str, Any]) -> str:
    return str(action["definition"]["request"].get("operation"))


def _only_one(tx: Tx, org: str, project: str, stack: str, operation: str, what: str) -> None:
    if any(_operation(a) == operation for a in _stack_schedules(tx, org, project, stack)):
        raise Conflict(f"stack {project}/{stack} already has a {what} schedule")


def _save(tx: Tx, org: str, project: str, stack: str, action: dict[str, Any]) -> dict[str, Any]:
    tx.put("schedule", org, _key(project, stack, action["id"]), action)
    return action


def stack_schedules(tx: Tx, org: str, project: str, stack: str) -> list[dict[str, Any]]:
    require_stack(tx, org, project, stack)
    return _stack_schedules(tx, org, project, stack)


def require(tx: Tx, org: str, project: str, stack: str, schedule_id: str) -> dict[str, Any]:
    return _require(tx, org, project, stack, schedule_id)


def _create(
    tx: Tx,
    org: str,
    project: str,
    stack: str,
    timing: tuple[str | None, datetime | None],
    request: dict[str, Any],
    single: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """Store a new schedule. `single` = (operation, what): the stack may have only one of it."""
    require_stack(tx, org, project, stack)
    if single is not None:
        _only_one(tx, org, project, stack, *single)
    return _save(tx, org, project, stack, _action(org, *timing, request))


def _replace(
    tx: Tx,
    org: str,
    project: str,
    stack: str,
    schedule_id: str,
    timing: tuple[str | None, datetime | None],
    request: dict[str, Any],
) -> dict[str, Any]:
    """Give an existing schedule a new definition and timing."""
    action = _require(tx, org, project, stack, schedule_id)
    action["definition"]["request"] = request
    _set_timing(action, *timing)
    return _save(tx, org, project, stack, action)


def _drift_cron(body: dict[str, Any]) -> str:
    cron_text, _ = _timing({"scheduleCron": body.get("scheduleCron")})
    assert cron_text is not None
    return cron_text


def _ttl_time(body: dict[str, Any]) -> datetime:
    moment = _timestamp(body.get("timestamp"), "timestamp")
    if moment <= _now():
        raise BadRequest("timestamp must be in the future")
    return moment


# What each kind of schedule reads from a request: (definition request, timing).
def raw_parts(body: dict[str, Any]) -> tuple[dict[str, Any], tuple[str | None, datetime | None]]:
    return _raw_request(body), _timing(body)


def drift_parts(body: dict[str, Any]) -> tuple[dict[str, Any], tuple[str | None, datetime | None]]:
    return _drift_request(body), (_drift_cron(body), None)


def ttl_parts(body: dict[str, Any]) -> tuple[dict[str, Any], tuple[str | None, datetime | None]]:
    return _ttl_request(body), (None, _ttl_time(body))


# The operation a stack may have only one schedule of, per kind (raw schedules: no limit).
SINGLE = {"drift": ("detect-drift", "drift detection"), "ttl": ("destroy", "TTL")}


def create(
    tx: Tx, org: str, project: str, stack: str, kind: str, body: dict[str, Any]
) -> dict[str, Any]:
    request, timing = PARTS[kind](body)
    return _create(tx, org, project, stack, timing, request, SINGLE.get(kind))


def replace(
    tx: Tx, org: str, project: str, stack: str, schedule_id: str, kind: str, body: dict[str, Any]
) -> dict[str, Any]:
    request, timing = PARTS[kind](body)
    return _replace(tx, org, project, stack, schedule_id, timing, request)


PARTS = {"raw": raw_parts, "drift": drift_parts, "ttl": ttl_parts}


def delete(tx: Tx, org: str, project: str, stack: str, schedule_id: str) -> None:
    _require(tx, org, project, stack, schedule_id)
    tx.delete("schedule", org, _key(project, stack, schedule_id))


def set_paused(tx: Tx, org: str, project: str, stack: str, schedule_id: str, paused: bool) -> None:
    action = _require(tx, org, project, stack, schedule_id)
    action["paused"] = paused
    action["modified"] = _wire_time(_now())
    _save(tx, org, project, stack, action)
