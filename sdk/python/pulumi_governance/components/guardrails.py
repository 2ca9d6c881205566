"""StackGuardrails: put a set of stacks under one policy group, with its packs and their config.

Stacks are given explicitly (`project/stack`) and/or selected by stack tag; tag selection is
resolved through the API while the program runs (so at preview time too): a stack tagged later
joins the group on the next `up`, and the preview shows it in the group's `stacks` diff.

Membership is one PolicyGroup resource, whatever the number of stacks: 2,000 stacks are one
membership change sent in one request. The only per-stack resources are the optional extras: a
drift-detection schedule and a failure webhook for each stack, created only when asked for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict

import pulumi

from pulumi_governance import functions
from pulumi_governance.logic.stack_guardrails import (
    drift_schedule_child,
    failure_webhook_child,
    group_child_name,
    pack_config,
)
from pulumi_governance.resources.policy_group import PolicyGroup, PolicyPackRefArgs
from pulumi_governance.resources.schedule import Schedule
from pulumi_governance.resources.webhook import Webhook

if TYPE_CHECKING:
    from pulumi_governance.api import PulumiCloudClient


class GuardrailPackArgs(TypedDict, total=False):
    """One pack in the group: a PolicyPack resource (`pack`), or `name` + `version_tag`.

    Args:
        pack: A PolicyPack resource; its name and version tag are used.
        name: The pack's name, when `pack` is not given.
        version_tag: The pack's version tag, when `pack` is not given.
        config: Per-policy config: a policy name (or 'all') to an enforcement level or a config
            object. Default: the pack's own levels.
        enforcement: Policy name to enforcement level (advisory, mandatory, remediate,
            disabled), overriding just the level of those policies.
    """

    pack: Any
    name: pulumi.Input[str]
    version_tag: pulumi.Input[str]
    config: Mapping[str, Any]
    enforcement: Mapping[str, str]


class DriftScheduleArgs(TypedDict, total=False):
    """A drift-detection schedule for each enrolled stack.

    Args:
        cron: When to run, as a 5-field cron expression in UTC. Default: '0 */6 * * *'.
        auto_remediate: Run an update when drift is found. Default: False.
    """

    cron: str
    auto_remediate: bool


class FailureWebhookArgs(TypedDict, total=False):
    """A webhook on each enrolled stack that reports failed updates and previews.

    Args:
        url: Where the service posts the events.
        format: The payload format, as a stack Webhook's `format` (e.g. raw, slack, ms_teams).
            Default: 'raw'.
        filters: The events to send. Default: ['update_failed', 'preview_failed'].
        secret: The secret the service signs payloads with. Default: none. Stored as a secret.
    """

    url: pulumi.Input[str]
    format: str
    filters: Sequence[str]
    secret: pulumi.Input[str]


def _pack_ref(spec: GuardrailPackArgs) -> PolicyPackRefArgs:
    config = pack_config(spec.get("config"), spec.get("enforcement"))
    pack = spec.get("pack")
    name = pack.name if pack is not None else spec.get("name")
    version_tag = pack.version_tag if pack is not None else spec.get("version_tag")
    if name is None or version_tag is None:
        raise ValueError("each pack needs a PolicyPack `pack`, or `name` and `version_tag`")
    ref = PolicyPackRefArgs(name=name, version_tag=version_tag)
    if config:
        ref["config"] = config
    return ref


def select_stacks(
    organization: str | None,
    explicit: Sequence[str],
    tags: Mapping[str, str] | None,
    client: PulumiCloudClient | None = None,
) -> list[str]:
    """The explicit stacks plus every stack carrying all of `tags`, sorted, without repeats."""
    chosen = set(explicit)
    if tags:
        matches: set[str] | None = None
        for key, value in sorted(tags.items()):
            found = {
                s["project"] + "/" + s["stack"]
                for s in functions.get_stacks(
                    organization, tag_name=key, tag_value=value, client=client
                )
            }
            matches = found if matches is None else matches & found
        chosen |= matches or set()
    return sorted(chosen)


class StackGuardrails(pulumi.ComponentResource):
    """One policy group over a set of stacks and packs, with optional per-stack extras."""

    group_name: pulumi.Output[str]
    stacks: pulumi.Output[list[str]]
    packs: pulumi.Output[list[dict[str, Any]]]
    schedule_ids: pulumi.Output[dict[str, str]]
    webhook_ids: pulumi.Output[dict[str, str]]

    def __init__(
        self,
        resource_name: str,
        *,
        group_name: pulumi.Input[str],
        packs: Sequence[GuardrailPackArgs],
        stacks: Sequence[str] = (),
        stack_tags: Mapping[str, str] | None = None,
        mode: pulumi.Input[str] = "audit",
        drift_schedule: DriftScheduleArgs | None = None,
        failure_webhook: FailureWebhookArgs | None = None,
        organization: str | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """One policy group over the enrolled stacks, with optional per-stack extras.

        Args:
            resource_name: The resource's name in the Pulumi program (unique per kind).
            group_name: The policy group's name. A new name renames the group in place.
            packs: The packs the group applies (GuardrailPackArgs). Changes in place.
            stacks: Stacks to enroll, as 'project/stack'. Default: none. Changes in place.
            stack_tags: Also enroll every stack carrying all of these tags (looked up while the
                program runs, previews included, so a stack tagged later joins on the next update).
                Default: none. Changes in place.
            mode: The group's mode: 'audit' or 'preventative'. Default: 'audit'. Changing it
                replaces the policy group.
            drift_schedule: A drift-detection schedule per enrolled stack (DriftScheduleArgs).
                Default: none. Changes in place.
            failure_webhook: A failure webhook per enrolled stack (FailureWebhookArgs). Default:
                none. Changes in place.
            organization: The Pulumi Cloud organization. Default: stack config
                `governance:organization`, else the stack's own organization. Changing it replaces
                every child.
            opts: Pulumi resource options (parent, depends_on, protect, ...).
        """
        super().__init__("governance:index:StackGuardrails", resource_name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        enrolled = select_stacks(organization, stacks, stack_tags)
        stack_inputs: list[pulumi.Input[str]] = list(enrolled)
        pack_refs: list[pulumi.Input[PolicyPackRefArgs]] = [_pack_ref(spec) for spec in packs]

        group = PolicyGroup(
            group_child_name(resource_name),
            name=group_name,
            mode=mode,
            stacks=stack_inputs,
            policy_packs=pack_refs,
            organization=organization,
            opts=child,
        )
        schedules: dict[str, pulumi.Output[str]] = {}
        webhooks: dict[str, pulumi.Output[str]] = {}
        for ref in enrolled:
            if drift_schedule is not None:
                name, inputs = drift_schedule_child(resource_name, ref, drift_schedule)
                schedules[ref] = Schedule(name, **inputs, organization=organization, opts=child).id
            if failure_webhook is not None:
                name, inputs = failure_webhook_child(resource_name, ref, failure_webhook)
                webhooks[ref] = Webhook(name, **inputs, organization=organization, opts=child).id

        self.group_name = group.name
        self.stacks = pulumi.Output.from_input(enrolled)
        self.packs = group.policy_packs
        self.schedule_ids = _by_stack(schedules)
        self.webhook_ids = _by_stack(webhooks)
        self.register_outputs(
            {
                "group_name": self.group_name,
                "stacks": self.stacks,
                "packs": self.packs,
                "schedule_ids": self.schedule_ids,
                "webhook_ids": self.webhook_ids,
            }
        )


def _by_stack(ids: Mapping[str, pulumi.Output[str]]) -> pulumi.Output[dict[str, str]]:
    keys = list(ids)
    return pulumi.Output.all(*ids.values()).apply(lambda v: dict(zip(keys, v, strict=True)))
