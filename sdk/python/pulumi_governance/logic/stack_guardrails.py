"""StackGuardrails, the component: its inputs' table and the pure part of its children.

The component builds one PolicyGroup over the enrolled stacks and packs, and optional per-stack
Schedule and Webhook resources; its children decide what a change replaces, so the descriptions
here say which child a change replaces. Two adapters build it (components/guardrails.py with the
dynamic resources, provider/guardrails.py with the plugin's own): the children's names and
inputs come from here, so both make the same resources under the same names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .kind import Field, ObjectType
from .policy_group import ORGANIZATION

GUARDRAIL_PACK = ObjectType(
    "GuardrailPack",
    "One pack in the group: a PolicyPack resource (`pack`), or `name` + `version_tag`.",
    (
        Field(
            "pack",
            "object",
            "A PolicyPack resource; its name and version tag are used.",
            optional=True,
        ),
        Field("name", "string", "The pack's name, when `pack` is not given.", optional=True),
        Field(
            "version_tag",
            "string",
            "The pack's version tag, when `pack` is not given.",
            optional=True,
        ),
        Field(
            "config",
            "map",
            "Per-policy config: a policy name (or 'all') to an enforcement level or a config "
            "object. Default: the pack's own levels.",
            optional=True,
        ),
        Field(
            "enforcement",
            "map",
            "Policy name to enforcement level (advisory, mandatory, remediate, disabled), "
            "overriding just the level of those policies.",
            optional=True,
            items="string",
        ),
    ),
)

DRIFT_SCHEDULE = ObjectType(
    "DriftSchedule",
    "A drift-detection schedule for each enrolled stack.",
    (
        Field(
            "cron",
            "string",
            "When to run, as a 5-field cron expression in UTC. Default: '0 */6 * * *'.",
            optional=True,
            default="0 */6 * * *",
        ),
        Field(
            "auto_remediate",
            "boolean",
            "Run an update when drift is found. Default: False.",
            optional=True,
            default=False,
        ),
    ),
)

FAILURE_WEBHOOK = ObjectType(
    "FailureWebhook",
    "A webhook on each enrolled stack that reports failed updates and previews.",
    (
        Field("url", "string", "Where the service posts the events."),
        Field(
            "format",
            "string",
            "The payload format, as a stack Webhook's `format` (e.g. raw, slack, ms_teams). "
            "Default: 'raw'.",
            optional=True,
            default="raw",
        ),
        Field(
            "filters",
            "array",
            "The events to send. Default: ['update_failed', 'preview_failed'].",
            optional=True,
            items="string",
            default=("update_failed", "preview_failed"),
        ),
        Field(
            "secret",
            "string",
            "The secret the service signs payloads with. Default: none.",
            optional=True,
            secret=True,
        ),
    ),
)

FIELDS: tuple[Field, ...] = (
    Field(
        "group_name",
        "string",
        "The policy group's name. A new name renames the group in place.",
    ),
    Field(
        "packs",
        "array",
        "The packs the group applies (GuardrailPackArgs).",
        items=GUARDRAIL_PACK,
    ),
    Field(
        "stacks",
        "array",
        "Stacks to enroll, as 'project/stack'. Default: none.",
        optional=True,
        items="string",
    ),
    Field(
        "stack_tags",
        "map",
        "Also enroll every stack carrying all of these tags (looked up while the program runs, "
        "previews included, so a stack tagged later joins on the next update). Default: none.",
        optional=True,
        items="string",
    ),
    Field(
        "mode",
        "string",
        "The group's mode: 'audit' or 'preventative'. Default: 'audit'. Changing it replaces "
        "the policy group.",
        optional=True,
        default="audit",
        choices=("audit", "preventative"),
    ),
    Field(
        "drift_schedule",
        "object",
        "A drift-detection schedule per enrolled stack (DriftScheduleArgs). Default: none.",
        optional=True,
        items=DRIFT_SCHEDULE,
    ),
    Field(
        "failure_webhook",
        "object",
        "A failure webhook per enrolled stack (FailureWebhookArgs). Default: none.",
        optional=True,
        items=FAILURE_WEBHOOK,
    ),
    Field(
        ORGANIZATION.name,
        ORGANIZATION.type,
        ORGANIZATION.description + " Changing it replaces every child.",
        optional=True,
    ),
)


def pack_config(
    config: Mapping[str, Any] | None, enforcement: Mapping[str, str] | None
) -> dict[str, Any]:
    """A pack entry's config with `enforcement`'s levels merged in (a config object keeps its
    settings and gets the new level; a bare level is replaced)."""
    merged: dict[str, Any] = dict(config or {})
    for policy, level in (enforcement or {}).items():
        current = merged.get(policy)
        if isinstance(current, Mapping):
            merged[policy] = {**current, "enforcementLevel": level}
        else:
            merged[policy] = level
    return merged


Child = tuple[str, dict[str, Any]]  # a child's resource name and its snake_case inputs


def group_child_name(component: str) -> str:
    return f"{component}-group"


def _default(object_type: ObjectType, name: str) -> Any:
    return next(f.default for f in object_type.fields if f.name == name)


def _given(spec: Mapping[str, Any], object_type: ObjectType, name: str) -> Any:
    """The spec's value of the field `name`, else the field's default."""
    value = spec.get(name)
    return _default(object_type, name) if value is None else value


def drift_schedule_child(component: str, ref: str, spec: Mapping[str, Any]) -> Child:
    """The drift schedule of the enrolled stack `ref` (`project/stack`)."""
    project, _, stack = ref.partition("/")
    return f"{component}-drift-{project}-{stack}", {
        "kind": "drift",
        "project": project,
        "stack": stack,
        "cron": _given(spec, DRIFT_SCHEDULE, "cron"),
        "auto_remediate": _given(spec, DRIFT_SCHEDULE, "auto_remediate"),
    }


def failure_webhook_child(component: str, ref: str, spec: Mapping[str, Any]) -> Child:
    """The failure webhook of the enrolled stack `ref`; its `secret` is the spec's, or None."""
    project, _, stack = ref.partition("/")
    return f"{component}-failures-{project}-{stack}", {
        "name": f"{component}-failures",
        "display_name": f"{component}: failures of {project}/{stack}",
        "project": project,
        "stack": stack,
        "payload_url": spec["url"],
        "format": _given(spec, FAILURE_WEBHOOK, "format"),
        # (an empty list means the default too)
        "filters": list(spec.get("filters") or _default(FAILURE_WEBHOOK, "filters")),
        "secret": spec.get("secret"),
    }
