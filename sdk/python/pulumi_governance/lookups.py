"""What the look-up functions (`functions`, `functions_webhooks`) share: the API client and the
organization a look-up uses, and the snake_case view of the service's wire objects.

Credentials follow the resources' rules: stack config `governance:accessToken` /
`governance:apiUrl` when called in a program, else the environment (see
`pulumi_governance.config`); the organization is the given one, else `governance:organization`,
else the stack's organization.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pulumi

from .logic.kind import Field

if TYPE_CHECKING:
    from pulumi_governance.api import PulumiCloudClient

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")

ORGANIZATION_PARAMETER = Field(
    "organization",
    "string",
    "The Pulumi Cloud organization. Default: stack config `governance:organization`, else the "
    "stack's own organization.",
    optional=True,
)
CLIENT_PARAMETER = Field(
    "client",
    "object",
    "An API client of your own (scripts, tests). Default: one made from stack config "
    "`governance:accessToken` / `governance:apiUrl`, else from the environment.",
    optional=True,
)


def client_for(client: PulumiCloudClient | None) -> PulumiCloudClient:
    """`client` when given, else one made from stack config or the environment."""
    if client is not None:
        return client
    from pulumi_governance.api import PulumiCloudClient
    from pulumi_governance.config import resolve_settings

    config = pulumi.Config("governance")
    settings = resolve_settings(api_url=config.get("apiUrl"), token=config.get("accessToken"))
    return PulumiCloudClient(settings)


def organization_for(organization: str | None) -> str:
    """`organization` when given, else `governance:organization`, else the stack's."""
    if organization:
        return organization
    found = pulumi.Config("governance").get("organization") or pulumi.get_organization()
    if not found:
        raise ValueError("organization is required (or set governance:organization)")
    return found


def snake_keys(wire: Mapping[str, Any], keep: tuple[str, ...] = ("config",)) -> dict[str, Any]:
    """Top-level keys to snake_case; the values under `keep` (user-defined keys) stay as sent."""
    return {_CAMEL.sub("_", k).lower(): v for k, v in wire.items() if k not in keep} | {
        k: v for k, v in wire.items() if k in keep
    }


def split_stack(stack: str) -> tuple[str, str]:
    """("project", "stack") of a "project/stack" reference; ValueError for anything else."""
    project, sep, name = stack.partition("/")
    if not sep or not project or not name or "/" in name:
        raise ValueError(f"stack must be 'project/stack'; got {stack!r}")
    return project, name
