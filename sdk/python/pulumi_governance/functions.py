"""Read-only look-ups of policy as code: packs, groups, what applies to a stack, violations.

Each look-up is a plain call that returns snake_case dicts, and has an `..._output` variant that
takes Pulumi inputs and returns an Output, for use inside a program. Credentials follow the same
rules as the resources: stack config `governance:accessToken` / `governance:apiUrl` when called in
a program, else the environment (see `pulumi_governance.config`); the organization is the given
one, else `governance:organization`, else the stack's organization. Pass `client` to use an API
client of your own (scripts, tests).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import pulumi

from .logic.kind import Field
from .lookups import (
    CLIENT_PARAMETER,
    ORGANIZATION_PARAMETER,
    client_for,
    organization_for,
    snake_keys,
    split_stack,
)

if TYPE_CHECKING:
    from pulumi_governance.api import PulumiCloudClient

T = TypeVar("T")

# Each parameter's docs; the functions' `Args:` sections are rendered from these (a unit test
# checks them: tests/unit/test_docstrings.py).
PARAMETERS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("name", "string", "The policy pack's name."),
        Field(
            "version",
            "integer",
            "The service's version number. Default: the version of `version_tag` if given, else "
            "the latest version.",
            optional=True,
        ),
        Field(
            "version_tag",
            "string",
            "The version tag, e.g. '1.0.0'. Default: the latest version.",
            optional=True,
        ),
        Field("stack", "string", "The stack, as 'project/stack'."),
        Field(
            "mode",
            "string",
            "Only packs applied in this mode: 'audit' or 'preventative'. Default: both.",
            optional=True,
            choices=("audit", "preventative"),
        ),
        Field("project", "string", "Only stacks of this project. Default: all.", optional=True),
        Field("tag_name", "string", "Only stacks carrying this tag. Default: any.", optional=True),
        Field(
            "tag_value",
            "string",
            "With `tag_name`: only stacks whose tag has this value. Default: any value.",
            optional=True,
        ),
        ORGANIZATION_PARAMETER,
        CLIENT_PARAMETER,
    )
}


# stacks -----------------------------------------------------------------------------------------
def get_stacks(
    organization: str | None = None,
    project: str | None = None,
    tag_name: str | None = None,
    tag_value: str | None = None,
    client: PulumiCloudClient | None = None,
) -> list[dict[str, Any]]:
    """The org's stacks (`project`, `stack`, `tags`), filtered by project and tag, all pages.

    Args:
        organization: The Pulumi Cloud organization. Default: stack config
            `governance:organization`, else the stack's own organization.
        project: Only stacks of this project. Default: all.
        tag_name: Only stacks carrying this tag. Default: any.
        tag_value: With `tag_name`: only stacks whose tag has this value. Default: any value.
        client: An API client of your own (scripts, tests). Default: one made from stack config
            `governance:accessToken` / `governance:apiUrl`, else from the environment.
    """
    org = organization_for(organization)
    wire = client_for(client).stacks.list(org, project, tag_name, tag_value)
    return [
        {"project": s["projectName"], "stack": s["stackName"], "tags": s.get("tags") or {}}
        for s in wire
    ]


# policy packs -----------------------------------------------------------------------------------
def get_policy_packs(
    organization: str | None = None, client: PulumiCloudClient | None = None
) -> list[dict[str, Any]]:
    """The org's policy packs: name, display_name, versions and version_tags (newest first).

    Args:
        organization: The Pulumi Cloud organization. Default: stack config
            `governance:organization`, else the stack's own organization.
        client: An API client of your own (scripts, tests). Default: one made from stack config
            `governance:accessToken` / `governance:apiUrl`, else from the environment.
    """
    return [
        snake_keys(p) for p in client_for(client).policy_packs.list(organization_for(organization))
    ]


def get_policy_pack(
    name: str,
    version: int | None = None,
    version_tag: str | None = None,
    organization: str | None = None,
    client: PulumiCloudClient | None = None,
) -> dict[str, Any]:
    """One pack with its policies: at `version`, at `version_tag`, or else the latest version.

    Args:
        name: The policy pack's name.
        version: The service's version number. Default: the version of `version_tag` if given,
            else the latest version.
        version_tag: The version tag, e.g. '1.0.0'. Default: the latest version.
        organization: The Pulumi Cloud organization. Default: stack config
            `governance:organization`, else the stack's own organization.
        client: An API client of your own (scripts, tests). Default: one made from stack config
            `governance:accessToken` / `governance:apiUrl`, else from the environment.
    """
    org, api = organization_for(organization), client_for(client)
    if version is None and version_tag is not None:
        version = api.policy_packs.find_version(org, name, version_tag)
        if version is None:
            raise LookupError(f"policy pack {name}@{version_tag} not found in {org}")
    if version is None:
        wire = api.policy_packs.get_latest(org, name)
    else:
        wire = api.policy_packs.get_version(org, name, int(version))
    pack = snake_keys(wire)
    pack["policies"] = [snake_keys(p, keep=("configSchema",)) for p in wire.get("policies") or []]
    return pack


# policy groups ----------------------------------------------------------------------------------
def get_policy_groups(
    organization: str | None = None, client: PulumiCloudClient | None = None
) -> list[dict[str, Any]]:
    """The org's policy groups (summaries: name, entity_type, mode, is_org_default, counts).

    Args:
        organization: The Pulumi Cloud organization. Default: stack config
            `governance:organization`, else the stack's own organization.
        client: An API client of your own (scripts, tests). Default: one made from stack config
            `governance:accessToken` / `governance:apiUrl`, else from the environment.
    """
    return [
        snake_keys(g) for g in client_for(client).policy_groups.list(organization_for(organization))
    ]


def get_stack_policy_groups(
    stack: str, organization: str | None = None, client: PulumiCloudClient | None = None
) -> list[dict[str, Any]]:
    """The policy groups a stack ("project/stack") belongs to.

    Args:
        stack: The stack, as 'project/stack'.
        organization: The Pulumi Cloud organization. Default: stack config
            `governance:organization`, else the stack's own organization.
        client: An API client of your own (scripts, tests). Default: one made from stack config
            `governance:accessToken` / `governance:apiUrl`, else from the environment.
    """
    project, name = split_stack(stack)
    groups = client_for(client).policy_results.stack_policy_groups(
        organization_for(organization), project, name
    )
    return [snake_keys(g) for g in groups]


def get_stack_policy_packs(
    stack: str,
    mode: str | None = None,
    organization: str | None = None,
    client: PulumiCloudClient | None = None,
) -> list[dict[str, Any]]:
    """The policy packs (with config) that apply to a stack; `mode` audit|preventative filters.

    Args:
        stack: The stack, as 'project/stack'.
        mode: Only packs applied in this mode: 'audit' or 'preventative'. Default: both.
        organization: The Pulumi Cloud organization. Default: stack config
            `governance:organization`, else the stack's own organization.
        client: An API client of your own (scripts, tests). Default: one made from stack config
            `governance:accessToken` / `governance:apiUrl`, else from the environment.
    """
    project, name = split_stack(stack)
    packs = client_for(client).policy_results.stack_policy_packs(
        organization_for(organization), project, name, mode
    )
    return [snake_keys(p) for p in packs]


# violations -------------------------------------------------------------------------------------
def get_policy_violations(
    organization: str | None = None, client: PulumiCloudClient | None = None
) -> list[dict[str, Any]]:
    """Every policy violation in the org, following continuation tokens to the last page.

    Args:
        organization: The Pulumi Cloud organization. Default: stack config
            `governance:organization`, else the stack's own organization.
        client: An API client of your own (scripts, tests). Default: one made from stack config
            `governance:accessToken` / `governance:apiUrl`, else from the environment.
    """
    return [
        snake_keys(v)
        for v in client_for(client).policy_results.violations(organization_for(organization))
    ]


# Output variants --------------------------------------------------------------------------------
def _output(call: Callable[..., T], **inputs: Any) -> pulumi.Output[T]:
    keys = list(inputs)
    return pulumi.Output.all(*inputs.values()).apply(
        lambda vals: call(**dict(zip(keys, vals, strict=True)))
    )


def get_stacks_output(
    organization: pulumi.Input[str] | None = None,
    project: pulumi.Input[str] | None = None,
    tag_name: pulumi.Input[str] | None = None,
    tag_value: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[dict[str, Any]]]:
    """Like `get_stacks`, as an Output, taking Pulumi inputs (for use in a program).

    Args:
        organization: The Pulumi Cloud organization. Default: stack config
            `governance:organization`, else the stack's own organization.
        project: Only stacks of this project. Default: all.
        tag_name: Only stacks carrying this tag. Default: any.
        tag_value: With `tag_name`: only stacks whose tag has this value. Default: any value.
    """
    return _output(
        get_stacks,
        organization=organization,
        project=project,
        tag_name=tag_name,
        tag_value=tag_value,
    )


def get_policy_packs_output(
    organization: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[dict[str, Any]]]:
    """Like `get_policy_packs`, as an Output, taking Pulumi inputs (for use in a program).

    Args:
        organization: The Pulumi Cloud organization. Default: stack config
            `governance:organization`, else the stack's own organization.
    """
    return _output(get_policy_packs, organization=organization)


def get_policy_pack_output(
    name: pulumi.Input[str],
    version: pulumi.Input[int] | None = None,
    version_tag: pulumi.Input[str] | None = None,
    organization: pulumi.Input[str] | None = None,
) -> pulumi.Output[dict[str, Any]]:
    """Like `get_policy_pack`, as an Output, taking Pulumi inputs (for use in a program).

    Args:
        name: The policy pack's name.
        version: The service's version number. Default: the version of `version_tag` if given,
            else the latest version.
        version_tag: The version tag, e.g. '1.0.0'. Default: the latest version.
        organization: The Pulumi Cloud organization. Default: stack config
            `governance:organization`, else the stack's own organization.
    """
    return _output(
        get_policy_pack,
        name=name,
        version=version,
        version_tag=version_tag,
        organization=organization,
    )


def get_policy_groups_output(
    organization: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[dict[str, Any]]]:
    """Like `get_policy_groups`, as an Output, taking Pulumi inputs (for use in a program).

    Args:
        organization: The Pulumi Cloud organization. Default: stack config
            `governance:organization`, else the stack's own organization.
    """
    return _output(get_policy_groups, organization=organization)


def get_stack_policy_groups_output(
    stack: pulumi.Input[str], organization: pulumi.Input[str] | None = None
) -> pulumi.Output[list[dict[str, Any]]]:
    """Like `get_stack_policy_groups`, as an Output, taking Pulumi inputs (for use in a program).

    Args:
        stack: The stack, as 'project/stack'.
        organization: The Pulumi Cloud organization. Default: stack config
            `governance:organization`, else the stack's own organization.
    """
    return _output(get_stack_policy_groups, stack=stack, organization=organization)


def get_stack_policy_packs_output(
    stack: pulumi.Input[str],
    mode: pulumi.Input[str] | None = None,
    organization: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[dict[str, Any]]]:
    """Like `get_stack_policy_packs`, as an Output, taking Pulumi inputs (for use in a program).

    Args:
        stack: The stack, as 'project/stack'.
        mode: Only packs applied in this mode: 'audit' or 'preventative'. Default: both.
        organization: The Pulumi Cloud organization. Default: stack config
            `governance:organization`, else the stack's own organization.
    """
    return _output(get_stack_policy_packs, stack=stack, mode=mode, organization=organization)


def get_policy_violations_output(
    organization: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[dict[str, Any]]]:
    """Like `get_policy_violations`, as an Output, taking Pulumi inputs (for use in a program).

    Args:
        organization: The Pulumi Cloud organization. Default: stack config
            `governance:organization`, else the stack's own organization.
    """
    return _output(get_policy_violations, organization=organization)
