"""Schedule: a deployment schedule on a stack: drift detection, TTL, or a raw deployment
schedule (see `pulumi_governance.logic.schedule` for the rules)."""

from __future__ import annotations

import pulumi
from pulumi.dynamic import Resource

from ._dynamic import GovernanceProvider, default_adopt, default_organization


class ScheduleProvider(GovernanceProvider):
    logic_name = "pulumi_governance.logic.schedule:LOGIC"


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
        organization: pulumi.Input[str] | None = None,
        project: pulumi.Input[str],
        stack: pulumi.Input[str],
        kind: pulumi.Input[str],
        cron: pulumi.Input[str] | None = None,
        once: pulumi.Input[str] | None = None,
        auto_remediate: pulumi.Input[bool] | None = None,
        delete_after_destroy: pulumi.Input[bool] | None = None,
        operation: pulumi.Input[str] | None = None,
        paused: pulumi.Input[bool] | None = None,
        adopt: bool | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Create a drift-detection, TTL or raw deployment schedule on a stack.

        Args:
            resource_name: The resource's name in the Pulumi program (unique per kind).
            organization: The organization. Default: stack config `governance:organization`, else
                the stack's organization. Changing it replaces the resource.
            project: The project of the stack. Changing it replaces the resource.
            stack: The stack the schedule deploys. Changing it replaces the resource.
            kind: drift (drift detection), ttl (destroy the stack at `once`) or deployment (a raw
                schedule of `operation`). Changing it replaces the resource.
            cron: A five-field cron expression (UTC); drift and deployment schedules. A deployment
                schedule takes exactly one of `cron` and `once`. Changes in place.
            once: An RFC 3339 time; ttl and deployment schedules (a TTL's must be in the future).
                Changes in place.
            auto_remediate: drift only: run an update when drift is found. Default: false. Changes
                in place.
            delete_after_destroy: ttl only: delete the stack after destroying it. Default: false.
                Changes in place.
            operation: deployment only: what to run. Default: update. One of: update, preview,
                refresh, destroy. Changes in place.
            paused: Whether the schedule is paused. Default: false. Changes in place.
            adopt: Take over the stack's existing schedule of this kind instead of failing (raw
                ones: the same timing and operation). Default: false. Changes in place.
            opts: Pulumi resource options (parent, depends_on, protect, ...).
        """
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
            "adopt": default_adopt(adopt),
            "schedule_id": None,
        }
        super().__init__(ScheduleProvider(), resource_name, props, opts)
