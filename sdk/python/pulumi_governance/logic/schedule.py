"""Schedule: a deployment schedule on a stack (drift detection, TTL, or a raw deployment schedule).

ID: `{organization}/{project}/{stack}/{scheduleId}`.
Replaces: `organization`, `project`, `stack`, `kind`. In place: `cron`, `once`,
`auto_remediate` (drift), `delete_after_destroy` (TTL), `operation` (raw), and `paused` (pause
or resume). `adopt=True` takes over the stack's existing schedule of that kind (for raw ones: the
same timing and operation) instead of creating another; without it, an existing drift or TTL
schedule is an error, never silently taken over. Create goes through `create_then_look`: after an
ambiguous failure, a schedule matching the declaration that was not there before is the one made.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from . import schedule_actions as actions
from .checks import check_choice
from .cron import validate_cron
from .kind import (
    Created,
    Failure,
    Field,
    Plan,
    Props,
    Read,
    Updated,
    changed_keys,
    inputs_of,
    is_unknown,
)
from .plans import plan_of_changes
from .times import same_instant, time_error

if TYPE_CHECKING:
    from pulumi_governance.api import PulumiCloudClient

FIELDS: tuple[Field, ...] = (
    Field("organization", "string", "The organization. Default: stack config "
          "`governance:organization`, else the stack's organization.", replaces=True),
    Field("project", "string", "The project of the stack.", replaces=True),
    Field("stack", "string", "The stack the schedule deploys.", replaces=True),
    Field("kind", "string", "drift (drift detection), ttl (destroy the stack at `once`) or "
          "deployment (a raw schedule of `operation`).", replaces=True,
          choices=actions.KINDS),
    Field("cron", "string", "A five-field cron expression (UTC); drift and deployment "
          "schedules. A deployment schedule takes exactly one of `cron` and `once`.",
          optional=True),
    Field("once", "string", "An RFC 3339 time; ttl and deployment schedules (a TTL's must be "
          "in the future).", optional=True),
    Field("auto_remediate", "boolean", "drift only: run an update when drift is found. "
          "Default: false.", optional=True),
    Field("delete_after_destroy", "boolean", "ttl only: delete the stack after destroying "
          "it. Default: false.", optional=True),
    Field("operation", "string", "deployment only: what to run. Default: update.",
          optional=True, choices=actions.OPERATIONS),
    Field("paused", "boolean", "Whether the schedule is paused. Default: false.", optional=True,
          default=False),
    Field("adopt", "boolean", "Take over the stack's existing schedule of this kind instead "
          "of failing (raw ones: the same timing and operation). Default: false.",
          optional=True, default=False),
    Field("schedule_id", "string", "The service's schedule ID.", output_only=True),
)  # fmt: skip

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


def _content_changed(olds: Props, news: Props) -> bool:
    return bool(changed_keys(olds, news, UPDATE_KEYS)) or not same_instant(
        olds.get("once"), news.get("once")
    )


class ScheduleLogic:
    kind = "Schedule"
    fields = FIELDS

    def check(self, olds: Props, news: Props) -> tuple[Props, list[Failure]]:
        failures: list[Failure] = []
        kind = news.get("kind")
        if is_unknown(kind):
            return news, failures
        if kind not in actions.KINDS:
            failures.append(Failure("kind", f"must be one of {', '.join(actions.KINDS)}"))
            return news, failures
        for key in ("organization", "project", "stack"):
            _check_name(news, key, failures)
        for key in sorted(set().union(*KIND_FIELDS.values()) - KIND_FIELDS[kind]):
            if news.get(key) is not None:
                failures.append(Failure(key, f"does not apply to a {kind} schedule"))
        _check_timing(news, kind, failures)
        operation = news.get("operation")
        if operation is not None:
            failures += check_choice("operation", operation, actions.OPERATIONS)
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
        return plan_of_changes(FIELDS, olds, news, changes, replaces)

    def create(self, api: PulumiCloudClient, news: Props) -> Created:
        from pulumi_governance.api import create_then_look

        org, project, stack, kind = (news[k] for k in ("organization", "project", "stack", "kind"))
        before = api.schedules.list(org, project, stack)
        existing = [a for a in before if actions.matches(a, news)]
        if existing and kind in ("drift", "ttl") and not news.get("adopt"):
            raise ValueError(
                f"{self._where(news)} already has a {kind} schedule "
                f"({existing[0].get('id')}); set `adopt` to true to manage it, or delete it"
            )
        body = actions.request_body(news)
        if existing and news.get("adopt"):
            schedule_id = str(existing[0]["id"])
            api.schedules.update(org, project, stack, kind, schedule_id, body)
            self._set_paused(api, news, schedule_id, bool(existing[0].get("paused")))
            message = f"adopted the existing {kind} schedule {schedule_id}"
            return Created(self._id(news, schedule_id), self._outs(news, schedule_id), [message])
        known = {str(a.get("id")) for a in before}

        def find() -> dict[str, Any] | None:
            return next(
                (
                    a
                    for a in api.schedules.list(org, project, stack)
                    if str(a.get("id")) not in known and actions.matches(a, news)
                ),
                None,
            )

        made = create_then_look(
            lambda: api.schedules.create(org, project, stack, kind, body), find, api.retry
        )
        schedule_id = str(made["id"])
        self._set_paused(api, news, schedule_id, False)
        return Created(self._id(news, schedule_id), self._outs(news, schedule_id))

    def read(self, api: PulumiCloudClient, id: str, olds: Props) -> Read | None:
        from pulumi_governance.api import NotFound

        where, schedule_id = self._parse_id(id, olds)
        try:
            action = api.schedules.get(
                where["organization"], where["project"], where["stack"], schedule_id
            )
        except NotFound:
            return None
        outs = {**olds, **where, **actions.parse(action, olds), "schedule_id": schedule_id}
        return Read(id, outs, inputs_of(FIELDS, outs))

    def update(self, api: PulumiCloudClient, id: str, olds: Props, news: Props) -> Updated:
        _, schedule_id = self._parse_id(id, olds)
        if _content_changed(olds, news):
            api.schedules.update(
                news["organization"], news["project"], news["stack"], news["kind"],
                schedule_id, actions.request_body(news),
            )  # fmt: skip
        self._set_paused(api, news, schedule_id, bool(olds.get("paused")))
        return Updated(self._outs(news, schedule_id))

    def delete(self, api: PulumiCloudClient, id: str, olds: Props) -> None:
        from pulumi_governance.api import NotFound

        where, schedule_id = self._parse_id(id, olds)
        with contextlib.suppress(NotFound):
            api.schedules.delete(
                where["organization"], where["project"], where["stack"], schedule_id
            )

    @staticmethod
    def _set_paused(api: PulumiCloudClient, news: Props, schedule_id: str, was: bool) -> None:
        want = bool(news.get("paused"))
        if want != was:
            where = (news["organization"], news["project"], news["stack"], schedule_id)
            (api.schedules.pause if want else api.schedules.resume)(*where)

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


LOGIC = ScheduleLogic()
