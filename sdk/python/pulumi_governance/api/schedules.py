"""Deployment schedules of a stack: raw, drift detection and TTL.

Bodies (wire JSON): raw `{"scheduleCron"|"scheduleOnce", "request": CreateDeploymentRequest}`,
drift `{"scheduleCron", "autoRemediate"}`, TTL `{"timestamp", "deleteAfterDestroy"}`. Every kind is
read, listed, paused, resumed, deleted and its history listed through the generic
`.../deployments/schedules/{id}` paths; create and update go to the kind's own path. Update is a
POST that sets the whole schedule, so it is marked idempotent; so are pause and resume. Create is
never retried after an ambiguous failure: look with `find` (a predicate on the listed schedules).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ._paths import Items, stack_path

if TYPE_CHECKING:
    from .client import PulumiCloudClient

KIND_SEGMENTS = {"deployment": (), "drift": ("drift",), "ttl": ("ttl",)}


def drift_body(cron: str, auto_remediate: bool) -> dict[str, Any]:
    return {"scheduleCron": cron, "autoRemediate": auto_remediate}


def ttl_body(timestamp: str, delete_after_destroy: bool) -> dict[str, Any]:
    """`timestamp`: RFC 3339, when the stack is destroyed."""
    return {"timestamp": timestamp, "deleteAfterDestroy": delete_after_destroy}


def deployment_body(
    operation: str, *, cron: str | None = None, once: str | None = None
) -> dict[str, Any]:
    """A raw schedule: `operation` (update, preview, refresh, destroy) on a `cron` schedule or
    `once` at an RFC 3339 time."""
    timing: dict[str, str | None] = {"scheduleCron": cron} if cron else {"scheduleOnce": once}
    return {**timing, "request": {"operation": operation}}


class SchedulesApi:
    def __init__(self, client: PulumiCloudClient) -> None:
        self._client = client

    def _path(self, org: str, project: str, stack: str, kind: str, *rest: str) -> str:
        segments = KIND_SEGMENTS[kind]
        return stack_path(org, project, stack, "deployments", *segments, "schedules", *rest)

    def list(self, org: str, project: str, stack: str) -> Items:
        body = self._client.request("GET", self._path(org, project, stack, "deployment")) or {}
        # `schedules` per OpenAPI; the prose documents say `scheduledDeployments`.
        listed = body.get("schedules")
        if listed is None:
            listed = body.get("scheduledDeployments")
        return [s for s in listed or [] if isinstance(s, dict)]

    def find(
        self, org: str, project: str, stack: str, match: Callable[[dict[str, Any]], bool]
    ) -> dict[str, Any] | None:
        """The first schedule of the stack for which `match(schedule)` is true, or None. E.g.
        `lambda s: s.get("scheduleCron") == "0 3 * * *" and s.get("kind") == ...`."""
        return next((s for s in self.list(org, project, stack) if match(s)), None)

    def get(self, org: str, project: str, stack: str, schedule_id: str) -> dict[str, Any]:
        result: dict[str, Any] = self._client.request(
            "GET", self._path(org, project, stack, "deployment", schedule_id)
        )
        return result

    def create(
        self, org: str, project: str, stack: str, kind: str, body: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Create a `deployment` (raw), `drift` or `ttl` schedule. Not retried blindly: after
        AmbiguousWriteError, `list` and match before sending it again."""
        result: dict[str, Any] = self._client.request(
            "POST", self._path(org, project, stack, kind), json=dict(body)
        )
        return result

    def update(
        self,
        org: str,
        project: str,
        stack: str,
        kind: str,
        schedule_id: str,
        body: Mapping[str, Any],
    ) -> dict[str, Any]:
        result: dict[str, Any] = self._client.request(
            "POST",
            self._path(org, project, stack, kind, schedule_id),
            json=dict(body),
            idempotent=True,
        )
        return result

    def delete(self, org: str, project: str, stack: str, schedule_id: str) -> None:
        self._client.request("DELETE", self._path(org, project, stack, "deployment", schedule_id))

    def pause(self, org: str, project: str, stack: str, schedule_id: str) -> None:
        route = self._path(org, project, stack, "deployment", schedule_id, "pause")
        self._client.request("POST", route, idempotent=True)

    def resume(self, org: str, project: str, stack: str, schedule_id: str) -> None:
        route = self._path(org, project, stack, "deployment", schedule_id, "resume")
        self._client.request("POST", route, idempotent=True)

    def history(self, org: str, project: str, stack: str, schedule_id: str) -> Items:
        route = self._path(org, project, stack, "deployment", schedule_id, "history")
        body = self._client.request("GET", route) or {}
        events: Items = body.get("scheduleHistoryEvents") or []
        return events
