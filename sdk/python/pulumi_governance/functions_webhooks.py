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

from .api.webhooks import environment_scope, org_scope, stack_scope
from .logic.kind import Field
from .lookups import (
    CLIENT_PARAMETER,
    ORGANIZATION_PARAMETER,
    client_for,
    organization_for,
    snake_keys,
)

if TYPE_CHECKING:
    from pulumi_governance.api import PulumiCloudClient

# Each parameter's docs; the functions' `Args:` sections are rendered from these.
PARAMETERS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("name", "string", "The webhook's name."),
        Field(
            "project",
            "string",
            "The project of a stack or environment webhook; omit for an organization webhook.",
            optional=True,
        ),
        Field("stack", "string", "The stack of a stack webhook.", optional=True),
        Field("environment", "string", "The environment of an environment webhook.", optional=True),
        ORGANIZATION_PARAMETER,
        CLIENT_PARAMETER,
    )
}


def get_webhook_deliveries(
    name: str,
    *,
    project: str | None = None,
    stack: str | None = None,
    environment: str | None = None,
    organization: str | None = None,
    client: PulumiCloudClient | None = None,
) -> list[dict[str, Any]]:
    """The recent deliveries of the webhook `name` in its scope.

    Args:
        name: The webhook's name.
        project: The project of a stack or environment webhook; omit for an organization
            webhook.
        stack: The stack of a stack webhook.
        environment: The environment of an environment webhook.
        organization: The Pulumi Cloud organization. Default: stack config
            `governance:organization`, else the stack's own organization.
        client: An API client of your own (scripts, tests). Default: one made from stack config
            `governance:accessToken` / `governance:apiUrl`, else from the environment.
    """
    org = organization_for(organization)
    if (stack or environment) and not project:
        raise ValueError("project is required with stack or environment")
    if project and stack:
        scope = stack_scope(org, project, stack)
    elif project and environment:
        scope = environment_scope(org, project, environment)
    else:
        scope = org_scope(org)
    deliveries = client_for(client).webhooks.deliveries(scope, name)
    return [snake_keys(d, keep=()) for d in deliveries]


def get_webhook_deliveries_output(
    name: pulumi.Input[str],
    *,
    project: pulumi.Input[str] | None = None,
    stack: pulumi.Input[str] | None = None,
    environment: pulumi.Input[str] | None = None,
    organization: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[dict[str, Any]]]:
    """Like `get_webhook_deliveries`, as an Output, taking Pulumi inputs (for use in a program).

    Args:
        name: The webhook's name.
        project: The project of a stack or environment webhook; omit for an organization
            webhook.
        stack: The stack of a stack webhook.
        environment: The environment of an environment webhook.
        organization: The Pulumi Cloud organization. Default: stack config
            `governance:organization`, else the stack's own organization.
    """
    return pulumi.Output.all(name, project, stack, environment, organization).apply(
        lambda v: get_webhook_deliveries(
            v[0], project=v[1], stack=v[2], environment=v[3], organization=v[4]
        )
    )
