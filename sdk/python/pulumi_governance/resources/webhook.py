"""Webhook: a Pulumi Cloud webhook on an organization, a stack or an ESC environment (see
`pulumi_governance.logic.webhook` for the rules)."""

from __future__ import annotations

import pulumi
from pulumi.dynamic import Resource

from ._dynamic import GovernanceProvider, default_adopt, default_organization, name_seed


class WebhookProvider(GovernanceProvider):
    logic_name = "pulumi_governance.logic.webhook:LOGIC"


class Webhook(Resource, module="governance", name="Webhook"):
    """A webhook on an organization, stack or environment (see the module docs)."""

    organization: pulumi.Output[str]
    project: pulumi.Output[str]
    stack: pulumi.Output[str]
    environment: pulumi.Output[str]
    name: pulumi.Output[str]
    display_name: pulumi.Output[str]
    payload_url: pulumi.Output[str]
    active: pulumi.Output[bool]
    format: pulumi.Output[str]
    filters: pulumi.Output[list[str]]
    groups: pulumi.Output[list[str]]
    secret: pulumi.Output[str]
    has_secret: pulumi.Output[bool]
    secret_fingerprint: pulumi.Output[str]
    secret_drifted: pulumi.Output[bool]
    last_ping_status: pulumi.Output[int]

    def __init__(
        self,
        resource_name: str,
        *,
        organization: pulumi.Input[str] | None = None,
        project: pulumi.Input[str] | None = None,
        stack: pulumi.Input[str] | None = None,
        environment: pulumi.Input[str] | None = None,
        name: pulumi.Input[str] | None = None,
        display_name: pulumi.Input[str],
        payload_url: pulumi.Input[str],
        active: pulumi.Input[bool] | None = None,
        format: pulumi.Input[str] | None = None,
        filters: pulumi.Input[list[str]] | None = None,
        groups: pulumi.Input[list[str]] | None = None,
        secret: pulumi.Input[str] | None = None,
        ping_on_apply: bool | None = None,
        adopt: bool | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Create a webhook on an organization, a stack or an ESC environment.

        Args:
            resource_name: The resource's name in the Pulumi program (unique per kind).
            organization: The organization. Default: stack config `governance:organization`, else
                the stack's organization. Changing it replaces the resource.
            project: The project of a stack or environment hook. Part of the hook's scope; a change
                replaces the hook. Changing it replaces the resource.
            stack: The stack of a stack hook (with `project`). Part of the hook's scope; a change
                replaces the hook. Changing it replaces the resource.
            environment: The ESC environment of an environment hook (with `project`). Part of the
                hook's scope; a change replaces the hook. Changing it replaces the resource.
            name: The hook's name in its scope (1-100 letters, digits, '_', '.', '-'). Default:
                `hook-<8 hex>`, drawn once and kept. Changing it replaces the resource.
            display_name: The name shown in the Pulumi Cloud console. Changes in place.
            payload_url: Where deliveries go: an http(s) URL; for the pulumi_deployments format, the
                stack to deploy as `project/stack`. Changes in place.
            active: Whether deliveries are sent. Default: true. Changes in place.
            format: The payload format. Default: raw. One of: raw, slack, ms_teams,
                pulumi_deployments. Changes in place.
            filters: Event names the hook receives (all when empty), e.g. update_failed,
                drift_detected, policy_violation_mandatory; checked per scope. Changes in place.
            groups: Event groups the hook receives: stacks, deployments, policies (organization and
                stack hooks), environments (organization and environment hooks). Changes in place.
            secret: The HMAC key that signs deliveries (secret). Removing it removes it on the
                service. Stored as a secret. Changes in place.
            ping_on_apply: Ping the hook after each create and update; fail unless it answers 2xx.
                Default: false. Changes in place.
            adopt: Take over an existing hook of the same name instead of failing. Default: false.
                Changes in place.
            opts: Pulumi resource options (parent, depends_on, protect, ...).
        """
        props = {
            "organization": default_organization(organization),
            "project": project,
            "stack": stack,
            "environment": environment,
            "name": name,
            "display_name": display_name,
            "payload_url": payload_url,
            "active": active,
            "format": format,
            "filters": filters,
            "groups": groups,
            "secret": None if secret is None else pulumi.Output.secret(secret),
            "ping_on_apply": ping_on_apply,
            "adopt": default_adopt(adopt),
            "name_seed": name_seed(resource_name),
            **dict.fromkeys(
                ("has_secret", "secret_fingerprint", "secret_drifted", "last_ping_status")
            ),
        }
        secret_opts = pulumi.ResourceOptions(additional_secret_outputs=["secret"])
        super().__init__(WebhookProvider(), resource_name, props, secret_opts.merge(opts))
