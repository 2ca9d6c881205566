"""Look-ups for webhooks: recent deliveries of one hook (newest first, as the service lists them).

`get_webhook_deliveries` is a plain call returning snake_case dicts (`id`, `kind`, `payload`,
`timestamp`, `duration`, `request_url`, `response_code`, ...); `get_webhook_deliveries_output`
takes Pulumi inputs and returns an Output. The scope is given like a `Webhook`'s: organization
alone, `project` + `stack`, or `project` + `environment`. Credentials and the organization follow
`pulumi_governance.functions`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pulumi

from .functions import _client, _org, _snake

if TYPE_CHECKING:
    from pulumi_governance.api import PulumiCloudClient


def get_webhook_deliveries(
    name: str,
    *,
    project: str | None = None,
    stack: str | None = None,
    environment: str | None = None,
    organization: str | None = None,
    client: PulumiCloudClient | None = None,
) -> list[dict[str, Any]]:
    """The recent deliveries of the webhook `name` in its scope."""
    from .logic.webhook import scope_path

    where = {"organization": _org(organization), "project": project, "stack": stack,
             "environment": environment}  # fmt: skip
    if (stack or environment) and not project:
        raise ValueError("project is required with stack or environment")
    deliveries = _client(client).webhooks.deliveries(scope_path(where), name)
    return [_snake(d, keep=()) for d in deliveries]


def get_webhook_deliveries_output(
    name: pulumi.Input[str],
    *,
    project: pulumi.Input[str] | None = None,
    stack: pulumi.Input[str] | None = None,
    environment: pulumi.Input[str] | None = None,
    organization: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[dict[str, Any]]]:
    return pulumi.Output.all(name, project, stack, environment, organization).apply(
        lambda v: get_webhook_deliveries(
            v[0], project=v[1], stack=v[2], environment=v[3], organization=v[4]
        )
    )
