"""The component `governance:index:StackGuardrails`, served by the plugin's `construct`.

The same shape as `pulumi_governance.StackGuardrails`: one policy group over explicit and
tag-selected stacks (tags resolved through the API while the program runs) and a set of packs with
per-policy enforcement overrides, plus an optional drift schedule and failure webhook per stack.
Its children are the plugin's own custom resources (`governance:index:PolicyGroup`, `Schedule`,
`Webhook`): dynamic resources would run without our virtualenv under a TypeScript or YAML caller.
Packs are given by name and version tag (a resource reference reaches a component as a URN).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from pulumi_governance.logic.kind import Field, ObjectType

COMPONENT_DESCRIPTION = (__doc__ or "").split("\n\n", 1)[1].strip()

GUARDRAIL_PACK = ObjectType(
    "GuardrailPack",
    "One pack in the group, by name and version tag, with its policies' configuration.",
    (
        Field("name", "string", "The policy pack's name."),
        Field("version_tag", "string", "The pack's version tag."),
        Field(
            "config",
            "map",
            "Per-policy configuration: a policy's name (or `all`) to an enforcement level "
            "(`advisory`, `mandatory`, `remediate`, `disabled`) or a config object.",
            optional=True,
        ),
        Field(
            "enforcement",
            "map",
            "Overrides of just the enforcement level of named policies.",
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
            "When drift detection runs (cron, UTC). Default: every 6 hours.",
            optional=True,
            default="0 */6 * * *",
        ),
        Field(
            "auto_remediate",
            "boolean",
            "Whether detected drift is remediated. Default: false.",
            optional=True,
            default=False,
        ),
    ),
)
FAILURE_WEBHOOK = ObjectType(
    "FailureWebhook",
    "A webhook on each enrolled stack that reports failed updates and previews.",
    (
        Field("url", "string", "Where the webhook posts."),
        Field(
            "format",
            "string",
            "`raw`, `slack`, `ms_teams`. Default: `raw`.",
            optional=True,
            default="raw",
        ),
        Field(
            "filters",
            "array",
            "The events. Default: `update_failed`, `preview_failed`.",
            optional=True,
            items="string",
        ),
        Field("secret", "string", "The HMAC key of the deliveries.", optional=True, secret=True),
    ),
)
COMPONENT_INPUTS = (
    Field("group_name", "string", "The policy group's name."),
    Field("packs", "array", "The packs the group enforces.", items=GUARDRAIL_PACK),
    Field("stacks", "array", "Stacks to enrol, as `project/stack`.", optional=True, items="string"),
    Field(
        "stack_tags",
        "map",
        "Enrol every stack that carries all of these tags.",
        optional=True,
        items="string",
    ),
    Field(
        "mode",
        "string",
        "`audit` or `preventative`. Default: `audit`.",
        optional=True,
        default="audit",
    ),
    Field(
        "drift_schedule",
        "object",
        "A drift schedule per stack.",
        optional=True,
        items=DRIFT_SCHEDULE,
    ),
    Field(
        "failure_webhook",
        "object",
        "A failure webhook per stack.",
        optional=True,
        items=FAILURE_WEBHOOK,
    ),
    Field(
        "organization",
        "string",
        "The organization. Default: the provider's `organization`, else the stack's.",
        optional=True,
    ),
)
COMPONENT_OUTPUTS = (
    Field("group_name", "string", "The policy group's name."),
    Field("stacks", "array", "The enrolled stacks, sorted.", items="string"),
    Field("schedule_ids", "map", "Each stack's drift schedule ID.", items="string"),
    Field("webhook_ids", "map", "Each stack's failure webhook ID.", items="string"),
)


def _pack_ref(spec: Mapping[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = dict(spec.get("config") or {})
    for policy, level in (spec.get("enforcement") or {}).items():
        current = config.get(policy)
        config[policy] = (
            {**current, "enforcementLevel": level} if isinstance(current, Mapping) else level
        )
    ref = {"name": spec["name"], "versionTag": spec["version_tag"]}
    return {**ref, "config": config} if config else ref


class StackGuardrails(pulumi.ComponentResource):
    """Built inside the plugin's `construct`, from the component's snake_case inputs."""

    def __init__(
        self,
        name: str,
        inputs: Mapping[str, Any],
        organization: str,
        enrolled: list[str],
        opts: pulumi.ResourceOptions,
    ) -> None:
        super().__init__("governance:index:StackGuardrails", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, depends_on=opts.depends_on)
        packs: Sequence[Mapping[str, Any]] = inputs.get("packs") or []
        pulumi.CustomResource(
            "governance:index:PolicyGroup",
            f"{name}-group",
            {
                "name": inputs["group_name"],
                "mode": inputs.get("mode") or "audit",
                "stacks": enrolled,
                "policyPacks": [_pack_ref(spec) for spec in packs],
                "organization": organization,
            },
            opts=child,
        )
        self.schedules: dict[str, pulumi.CustomResource] = {}
        self.webhooks: dict[str, pulumi.CustomResource] = {}
        drift, hook = inputs.get("drift_schedule"), inputs.get("failure_webhook")
        for ref in enrolled:
            project, _, stack = ref.partition("/")
            if drift is not None:
                self.schedules[ref] = pulumi.CustomResource(
                    "governance:index:Schedule",
                    f"{name}-drift-{project}-{stack}",
                    {
                        "kind": "drift",
                        "project": project,
                        "stack": stack,
                        "cron": drift.get("cron") or "0 */6 * * *",
                        "autoRemediate": bool(drift.get("auto_remediate")),
                        "organization": organization,
                    },
                    opts=child,
                )
            if hook is not None:
                self.webhooks[ref] = pulumi.CustomResource(
                    "governance:index:Webhook",
                    f"{name}-failures-{project}-{stack}",
                    {
                        "name": f"{name}-failures",
                        "displayName": f"{name}: failures of {project}/{stack}",
                        "project": project,
                        "stack": stack,
                        "payloadUrl": hook["url"],
                        "format": hook.get("format") or "raw",
                        "filters": list(hook.get("filters") or ["update_failed", "preview_failed"]),
                        "secret": pulumi.Output.secret(hook["secret"])
                        if hook.get("secret")
                        else None,
                        "organization": organization,
                    },
                    opts=child,
                )
        self.enrolled = enrolled
        self.register_outputs({})
