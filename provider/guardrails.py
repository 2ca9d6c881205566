"""The component `governance:index:StackGuardrails`, served by the plugin's `construct`.

The same shape as `pulumi_governance.StackGuardrails`: one policy group over explicit and
tag-selected stacks (tags resolved through the API while the program runs) and a set of packs with
per-policy enforcement overrides, plus an optional drift schedule and failure webhook per stack.
Its children are the plugin's own custom resources (`governance:index:PolicyGroup`, `Schedule`,
`Webhook`): dynamic resources would run without our virtualenv under a TypeScript or YAML caller.
Packs are given by name and version tag (a resource reference reaches a component as a URN).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import pulumi

from pulumi_governance.logic import stack_guardrails as component
from pulumi_governance.logic.kind import Field, ObjectType

from .values import camel

COMPONENT_DESCRIPTION = (__doc__ or "").split("\n\n", 1)[1].strip()

# The component's inputs are the Python component's table (logic/stack_guardrails.py), but for
# packs: a resource reference reaches a component as a URN, so a pack is named by `name` and
# `version_tag`, both required, and there is no `pack` field.
_PACK_NAMES = {"name": "The policy pack's name.", "version_tag": "The pack's version tag."}
GUARDRAIL_PACK = ObjectType(
    "GuardrailPack",
    "One pack in the group, by name and version tag, with its policies' configuration.",
    tuple(
        replace(f, optional=False, description=_PACK_NAMES[f.name]) if f.name in _PACK_NAMES else f
        for f in component.GUARDRAIL_PACK.fields
        if f.name != "pack"
    ),
)


def _plugin_input(field: Field) -> Field:
    if field.name == "packs":
        return replace(field, description="The packs the group applies.", items=GUARDRAIL_PACK)
    if field.name == "organization":
        return replace(
            field,
            description="The organization. Default: the provider's `organization`, else the "
            "stack's. Changing it replaces every child.",
        )
    # The Python table names its TypedDicts ("(DriftScheduleArgs)"): not types of the schema.
    return replace(field, description=re.sub(r" \(\w+Args\)", "", field.description))


COMPONENT_INPUTS = tuple(_plugin_input(f) for f in component.FIELDS)
COMPONENT_OUTPUTS = (
    Field("group_name", "string", "The policy group's name."),
    Field("stacks", "array", "The enrolled stacks, sorted.", items="string"),
    Field("schedule_ids", "map", "Each stack's drift schedule ID.", items="string"),
    Field("webhook_ids", "map", "Each stack's failure webhook ID.", items="string"),
)


def _pack_ref(spec: Mapping[str, Any]) -> dict[str, Any]:
    ref = {"name": spec["name"], "versionTag": spec["version_tag"]}
    config = component.pack_config(spec.get("config"), spec.get("enforcement"))
    return {**ref, "config": config} if config else ref


def _child(
    kind: str,
    name: str,
    inputs: Mapping[str, Any],
    organization: str,
    opts: pulumi.ResourceOptions,
) -> pulumi.CustomResource:
    """One of the plugin's own resources, from a child's snake_case inputs (the schedule's and
    the webhook's inputs hold no objects, so only their own names change case)."""
    props = {camel(key): value for key, value in inputs.items()}
    return pulumi.CustomResource(
        f"governance:index:{kind}", name, {**props, "organization": organization}, opts=opts
    )


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
            component.group_child_name(name),
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
            if drift is not None:
                child_name, props = component.drift_schedule_child(name, ref, drift)
                self.schedules[ref] = _child("Schedule", child_name, props, organization, child)
            if hook is not None:
                child_name, props = component.failure_webhook_child(name, ref, hook)
                if props["secret"]:
                    props["secret"] = pulumi.Output.secret(props["secret"])
                self.webhooks[ref] = _child("Webhook", child_name, props, organization, child)
        self.enrolled = enrolled
        self.register_outputs({})
