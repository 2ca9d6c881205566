"""Webhook rules: formats, event filters and groups per scope, payload URLs, hook names.

The API documents name the formats (raw, slack, ms_teams, pulumi_deployments; raw by default)
and say `pulumi_deployments` is for stack and environment hooks only. The filter and group
names are those of Pulumi's webhook event filtering documentation: stack-lifecycle, deployment,
drift and policy-violation events for stacks, environment events for environments. The OpenAPI
document's CreateOrganizationWebhook confirms the policy violation events ("policy violation
events (mandatory, advisory)"): ``policy_violation_mandatory``, ``policy_violation_advisory``,
also subscribed to as the group ``policies`` (the filtering documentation's fourth group).
A stack hook cannot subscribe to stack_created/stack_deleted (org hooks only), and an environment
hook not to environment_created (it cannot see its own creation); org hooks take every event.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

FORMATS = ("raw", "slack", "ms_teams", "pulumi_deployments")

STACK_EVENTS = (
    "stack_created", "stack_deleted",
    "preview_succeeded", "preview_failed", "update_succeeded", "update_failed",
    "destroy_succeeded", "destroy_failed", "refresh_succeeded", "refresh_failed",
)  # fmt: skip
DEPLOYMENT_EVENTS = (
    "deployment_queued", "deployment_started", "deployment_succeeded", "deployment_failed",
    "drift_detected", "drift_detection_succeeded", "drift_detection_failed",
    "drift_remediation_succeeded", "drift_remediation_failed",
)  # fmt: skip
POLICY_EVENTS = ("policy_violation_mandatory", "policy_violation_advisory")
ENVIRONMENT_EVENTS = (
    "environment_created", "environment_deleted",
    "environment_revision_created", "environment_revision_retracted",
    "environment_revision_tag_created", "environment_revision_tag_deleted",
    "environment_revision_tag_updated",
    "environment_tag_created", "environment_tag_deleted", "environment_tag_updated",
    "imported_environment_changed",
    "environment_rotation_succeeded", "environment_rotation_failed",
)  # fmt: skip
ALL_EVENTS = STACK_EVENTS + DEPLOYMENT_EVENTS + POLICY_EVENTS + ENVIRONMENT_EVENTS

# scope -> (filters it accepts, groups it accepts)
SCOPES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "organization": (
        frozenset(ALL_EVENTS),
        frozenset({"stacks", "deployments", "policies", "environments"}),
    ),
    "stack": (
        frozenset(STACK_EVENTS[2:] + DEPLOYMENT_EVENTS + POLICY_EVENTS),
        frozenset({"stacks", "deployments", "policies"}),
    ),
    "environment": (frozenset(ENVIRONMENT_EVENTS[1:]), frozenset({"environments"})),
}

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
SEGMENT = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
DISPLAY_NAME_MAX = 200


class RuleError(ValueError):
    pass


def check_format(fmt: str, scope: str) -> None:
    if fmt not in FORMATS:
        raise RuleError(f"format must be one of {', '.join(FORMATS)}")
    if fmt == "pulumi_deployments" and scope == "organization":
        raise RuleError(
            "'pulumi_deployments' format can only be used on stack or environment webhooks."
        )


def check_subscriptions(filters: list[str], groups: list[str], scope: str) -> None:
    allowed_filters, allowed_groups = SCOPES[scope]
    for event in filters:
        if event not in ALL_EVENTS:
            raise RuleError(f"unknown webhook filter {event!r}")
        if event not in allowed_filters:
            raise RuleError(f"filter {event!r} is not valid for {scope} webhooks")
    for group in groups:
        if group not in allowed_groups:
            raise RuleError(
                f"group {group!r} is not valid for {scope} webhooks "
                f"(valid: {', '.join(sorted(allowed_groups))})"
            )


def check_payload_url(url: str, fmt: str) -> None:
    """`pulumi_deployments` hooks name a stack to deploy, `project/stack`; others an http(s) URL."""
    if fmt == "pulumi_deployments":
        parts = url.split("/")
        if len(parts) != 2 or not all(SEGMENT.match(p) for p in parts):
            raise RuleError("payloadUrl of a pulumi_deployments webhook must be 'project/stack'")
        return
    try:
        split = urlsplit(url)
        split.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        raise RuleError(f"payloadUrl {url!r} is not a valid URL") from None
    if split.scheme not in ("http", "https") or not split.hostname or " " in url:
        raise RuleError(f"payloadUrl {url!r} must be an absolute http(s) URL")


def check_name(name: str) -> None:
    if not NAME.match(name):
        raise RuleError(
            f"invalid webhook name {name!r}: 1-100 letters, digits, '-', '_' or '.', "
            "starting with a letter or digit"
        )


def check_display_name(name: str) -> None:
    if not name.strip() or len(name) > DISPLAY_NAME_MAX:
        raise RuleError(f"displayName must be 1-{DISPLAY_NAME_MAX} characters")
