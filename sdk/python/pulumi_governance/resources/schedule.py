"""Schedule: a deployment schedule on a stack (drift detection, TTL, or a raw deployment schedule).

ID: `{organization}/{project}/{stack}/{scheduleId}`.
Replaces: `organization`, `project`, `stack`, `kind`. In place: `cron`, `once`,
`auto_remediate` (drift), `delete_after_destroy` (TTL), `operation` (raw), and `paused` (pause
or resume). `adopt=True` takes over the stack's existing schedule of that kind (for raw ones: the
same timing and operation) instead of creating another; without it, an existing drift or TTL
schedule is an error, never silently taken over.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

import pulumi
from pulumi.dynamic import Resource

from . import _schedule_wire as wire
from ._cron import validate_cron
from ._dynamic import GovernanceProvider, default_organization
from ._http_calls import delete, get, http_errors, post, send_idempotent
from ._logic import Created, Failure, Plan, Props, changed_keys, is_unknown
from ._times import same_instant, time_error

if TYPE_CHECKING:
    from pulumi_governance.api import PulumiCloudClient

REPLACE_KEYS = ("organization", "project", "stack", "kind")
UPDATE_KEYS = ("cron", "auto_remediate", "delete_after_destroy", "operation")
KIND_FIELDS = {
    "drift": {"cron", "auto_remediate"},
    "ttl": {"once", "delete_after_destroy"},
    "deployment": {"cron", "once", "operation"},
}
DEFAULTS: dict[str, Props] = {
    "drift": {"auto_remediate": False},
    "ttl": {"delete_after_destroy": False},
    "deployment": {"operation": "update"},
}
CREATE_ATTEMPTS = 3


def _check_name(props: Props, key: str, failures: list[Failure]) -> None:
    value = props.get(key)
    if is_unknown(value):
        return
    if not isinstance(value, str) or not value or "/" in value:
        failures.append(Failure(key, "must be a non-empty name without '/'"))


def _check_timing(props: Props, kind: str, failures: list[Failure]) -> None:
    cron, once = props.get("cron"), props.get("once")
    if kind == "deployment" and (cron is None) == (once is None):
        failures.append(Failure("cron", "set exactly one of cron and once"))
    if kind == "drift" and cron is None:
        failures.append(Failure("cron", "a drift schedule needs a cron expression"))
    if kind == "ttl" and once is None:
        failures.append(Failure("once", "a TTL schedule needs the time (once) to destroy at"))
    if cron is not None and not is_unknown(cron):
        reason = validate_cron(cron)
        if reason:
            failures.append(Failure("cron", reason))
    if once is not None and not is_unknown(once):
        reason = time_error(once, future=kind == "ttl")
        if reason:
            failures.append(Failure("once", reason))


class ScheduleLogic:
    kind = "Schedule"

    def check(self, news: Props) -> tuple[Props, list[Failure]]:
        failures: list[Failure] = []
        kind = news.get("kind")
        if is_unknown(kind):
            return news, failures
        if kind not in wire.KINDS:
            failures.append(Failure("kind", f"must be one of {', '.join(wire.KINDS)}"))
            return news, failures
        for key in ("organization", "project", "stack"):
            _check_name(news, key, failures)
        for key in sorted(set().union(*KIND_FIELDS.values()) - KIND_FIELDS[kind]):
            if news.get(key) is not None:
                failures.append(Failure(key, f"does not apply to a {kind} schedule"))
        _check_timing(news, kind, failures)
        operation = news.get("operation")
        if operation is not None and not is_unknown(operation) and operation not in wire.OPERATIONS:
            failures.append(Failure("operation", f"must be one of {', '.join(wire.OPERATIONS)}"))
        for key in ("auto_remediate", "delete_after_destroy", "paused", "adopt"):
            value = news.get(key)
            if value is not None and not is_unknown(value) and not isinstance(value, bool):
                failures.append(Failure(key, "must be true or false"))
        inputs = {**DEFAULTS[kind], "paused": False, "adopt": False}
        inputs.update({k: v for k, v in news.items() if v is not None})
        return inputs, failures

    def diff(self, id: str, olds: Props, news: Props) -> Plan:
        replaces = changed_keys(olds, news, REPLACE_KEYS)
        changes = [*replaces, *changed_keys(olds, news, (*UPDATE_KEYS, "paused"))]
        once = news.get("once")
        if is_unknown(once) or not same_instant(olds.get("once"), once):
            changes.append("once")
        return Plan(changes=changes, replaces=replaces)

    def create(self, api: PulumiCloudClient, news: Props) -> Created:
        before = self._list(api, news)
        existing = [a for a in before if wire.matches(a, news)]
        if existing and news["kind"] in ("drift", "ttl") and not news.get("adopt"):
            raise ValueError(
                f"{self._where(news)} already has a {news['kind']} schedule "
                f"({existing[0].get('id')}); set adopt=True to manage it, or delete it"
            )
        if existing and news.get("adopt"):
            schedule_id = str(existing[0]["id"])
            send_idempotent(
                api, "POST", wire.item_path(news, schedule_id, update=True), wire.body(news)
            )
            self._set_paused(api, news, schedule_id, bool(existing[0].get("paused")))
            message = f"adopted the existing {news['kind']} schedule {schedule_id}"
            return Created(self._id(news, schedule_id), self._outs(news, schedule_id), [message])
        schedule_id = self._create(api, news, {str(a.get("id")) for a in before})
        self._set_paused(api, news, schedule_id, False)
        return Created(self._id(news, schedule_id), self._outs(news, schedule_id))

    def _create(self, api: PulumiCloudClient, news: Props, known: set[str]) -> str:
        for attempt in range(CREATE_ATTEMPTS):
            try:
                created = post(api, wire.create_path(news), wire.body(news))
                return str(created["id"])
            except http_errors().AmbiguousWriteError:
                # The service may have made it: look before trying again.
                for action in self._list(api, news):
                    if str(action.get("id")) not in known and wire.matches(action, news):
                        return str(action["id"])
                if attempt == CREATE_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def read(self, api: PulumiCloudClient, id: str, olds: Props) -> Props | None:
        where, schedule_id = self._parse_id(id, olds)
        try:
            action = get(api, wire.item_path(where, schedule_id))
        except http_errors().NotFound:
            return None
        return {**olds, **where, **wire.parse(action, olds), "schedule_id": schedule_id}

    def update(self, api: PulumiCloudClient, id: str, olds: Props, news: Props) -> Props:
        _, schedule_id = self._parse_id(id, olds)
        if changed_keys(olds, news, UPDATE_KEYS) or not same_instant(
            olds.get("once"), news.get("once")
        ):
            send_idempotent(
                api, "POST", wire.item_path(news, schedule_id, update=True), wire.body(news)
            )
        self._set_paused(api, news, schedule_id, bool(olds.get("paused")))
        return self._outs(news, schedule_id)

    def delete(self, api: PulumiCloudClient, id: str, olds: Props) -> None:
        where, schedule_id = self._parse_id(id, olds)
        with contextlib.suppress(http_errors().NotFound):
            delete(api, wire.item_path(where, schedule_id))

    # helpers ----------------------------------------------------------------------------
    def _list(self, api: PulumiCloudClient, props: Props) -> list[dict[str, Any]]:
        return wire.listed(get(api, f"{wire.stack_path(props)}/schedules"))

    def _set_paused(self, api: PulumiCloudClient, news: Props, schedule_id: str, was: bool) -> None:
        want = bool(news.get("paused"))
        if want != was:
            action = "pause" if want else "resume"
            send_idempotent(api, "POST", f"{wire.item_path(news, schedule_id)}/{action}", None)

    @staticmethod
    def _where(props: Props) -> str:
        return f"{props['organization']}/{props['project']}/{props['stack']}"

    def _id(self, props: Props, schedule_id: str) -> str:
        return f"{self._where(props)}/{schedule_id}"

    @staticmethod
    def _parse_id(id: str, olds: Props) -> tuple[Props, str]:
        parts = id.split("/")
        if len(parts) != 4:
            raise ValueError(f"schedule id {id!r} is not organization/project/stack/scheduleId")
        where = dict(zip(("organization", "project", "stack"), parts[:3], strict=True))
        return {**olds, **where}, parts[3]

    @staticmethod
    def _outs(news: Props, schedule_id: str) -> Props:
        return {**news, "schedule_id": schedule_id}


class ScheduleProvider(GovernanceProvider):
    logic = ScheduleLogic()


class Schedule(Resource, module="governance", name="Schedule"):
    """A drift-detection, TTL or raw deployment schedule on a stack (see the module docs)."""

    organization: pulumi.Output[str]
    project: pulumi.Output[str]
    stack: pulumi.Output[str]
    kind: pulumi.Output[str]
    # No `X | None` in Output annotations: pulumi 3.188 cannot translate outputs through them.
    cron: pulumi.Output[str]
    once: pulumi.Output[str]
    auto_remediate: pulumi.Output[bool]
    delete_after_destroy: pulumi.Output[bool]
    operation: pulumi.Output[str]
    paused: pulumi.Output[bool]
    schedule_id: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        kind: pulumi.Input[str],
        project: pulumi.Input[str],
        stack: pulumi.Input[str],
        cron: pulumi.Input[str] | None = None,
        once: pulumi.Input[str] | None = None,
        auto_remediate: pulumi.Input[bool] | None = None,
        delete_after_destroy: pulumi.Input[bool] | None = None,
        operation: pulumi.Input[str] | None = None,
        paused: pulumi.Input[bool] | None = None,
        adopt: bool | None = None,
        organization: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "organization": default_organization(organization),
            "project": project,
            "stack": stack,
            "kind": kind,
            "cron": cron,
            "once": once,
            "auto_remediate": auto_remediate,
            "delete_after_destroy": delete_after_destroy,
            "operation": operation,
            "paused": paused,
            "adopt": adopt,
            "schedule_id": None,
        }
        super().__init__(ScheduleProvider(), resource_name, props, opts)
