"""Reading the service's ScheduledAction objects as Schedule values: which kind one is, its
outputs, and whether a listed one is the schedule a resource declares. Paths and request bodies
are the API client's (`api/schedules.py`)."""

from __future__ import annotations

from typing import Any

from .kind import Props
from .times import as_written, same_instant, to_wire

KINDS = ("drift", "ttl", "deployment")
OPERATIONS = ("update", "preview", "refresh", "destroy")


def request_body(props: Props) -> dict[str, Any]:
    """The create/update body of the declared schedule, built by the API client."""
    from pulumi_governance.api import schedules

    kind = props["kind"]
    if kind == "drift":
        return schedules.drift_body(props["cron"], bool(props.get("auto_remediate")))
    if kind == "ttl":
        return schedules.ttl_body(to_wire(props["once"]), bool(props.get("delete_after_destroy")))
    operation = props.get("operation") or "update"
    if props.get("cron"):
        return schedules.deployment_body(operation, cron=props["cron"])
    return schedules.deployment_body(operation, once=to_wire(props["once"]))


def _request_of(action: dict[str, Any]) -> dict[str, Any]:
    definition = action.get("definition") or {}
    request = definition.get("request") if isinstance(definition, dict) else None
    return request if isinstance(request, dict) else {}


def _options_of(request: dict[str, Any]) -> dict[str, Any]:
    context = request.get("operationContext") or {}
    options = context.get("options") if isinstance(context, dict) else None
    return options if isinstance(options, dict) else {}


def kind_of(action: dict[str, Any], expected: str | None = None) -> str:
    """Which of our kinds a ScheduledAction is. A one-off destroy is a TTL when it carries the
    TTL option, or when a TTL is `expected` (the service may leave a false option out)."""
    request = _request_of(action)
    operation = request.get("operation")
    if operation in ("detect-drift", "remediate-drift"):
        return "drift"
    one_off_destroy = operation == "destroy" and bool(action.get("scheduleOnce"))
    ttl_marked = expected == "ttl" or "deleteAfterDestroy" in _options_of(request)
    return "ttl" if one_off_destroy and ttl_marked else "deployment"


def parse(action: dict[str, Any], olds: Props) -> Props:
    """A ScheduledAction as Schedule outputs; times keep the spelling of `olds` when equal."""
    request = _request_of(action)
    options = _options_of(request)
    kind = kind_of(action, olds.get("kind"))
    props: Props = {"kind": kind, "paused": bool(action.get("paused"))}
    if action.get("scheduleCron"):
        props["cron"] = action["scheduleCron"]
    if action.get("scheduleOnce"):
        props["once"] = as_written(action["scheduleOnce"], olds.get("once"))
    if kind == "drift":
        props["auto_remediate"] = bool(options.get("remediateIfDriftDetected"))
    elif kind == "ttl":
        props["delete_after_destroy"] = bool(options.get("deleteAfterDestroy"))
    else:
        props["operation"] = request.get("operation")
    return props


def matches(action: dict[str, Any], props: Props) -> bool:
    """Whether a listed schedule is the one `props` declares (kind; for raw ones, the timing and
    operation too: a stack has at most one drift and one TTL schedule, but any number of raw)."""
    kind = kind_of(action, props["kind"])
    if kind != props["kind"]:
        return False
    if kind in ("drift", "ttl"):
        return True
    request = _request_of(action)
    if request.get("operation") != (props.get("operation") or "update"):
        return False
    if props.get("cron"):
        return bool(action.get("scheduleCron") == props["cron"])
    return same_instant(action.get("scheduleOnce"), props.get("once"))
