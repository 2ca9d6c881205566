"""Read-only look-ups of policy as code: packs, groups, what applies to a stack, violations.

Each look-up is a plain call that returns snake_case dicts, and has an `..._output` variant that
takes Pulumi inputs and returns an Output, for use inside a program. Credentials follow the same
rules as the resources: stack config `governance:accessToken` / `governance:apiUrl` when called in
a program, else the environment (see `pulumi_governance.config`); the organization is the given
one, else `governance:organization`, else the stack's organization. Pass `client` to use an API
client of your own (scripts, tests).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import pulumi

if TYPE_CHECKING:
    from pulumi_governance.api import PulumiCloudClient

T = TypeVar("T")
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _client(client: PulumiCloudClient | None) -> PulumiCloudClient:
    if client is not None:
        return client
    from pulumi_governance.api import PulumiCloudClient
    from pulumi_governance.config import resolve_settings

    config = pulumi.Config("governance")
    settings = resolve_settings(api_url=config.get("apiUrl"), token=config.get("accessToken"))
    return PulumiCloudClient(settings)


def _org(organization: str | None) -> str:
    if organization:
        return organization
    found = pulumi.Config("governance").get("organization") or pulumi.get_organization()
    if not found:
        raise ValueError("organization is required (or set governance:organization)")
    return found


def _snake(wire: Mapping[str, Any], keep: tuple[str, ...] = ("config",)) -> dict[str, Any]:
    """Top-level keys to snake_case; the values under `keep` (user-defined keys) stay as sent."""
    return {_CAMEL.sub("_", k).lower(): v for k, v in wire.items() if k not in keep} | {
        k: v for k, v in wire.items() if k in keep
    }


def _stack(stack: str) -> tuple[str, str]:
    project, sep, name = stack.partition("/")
    if not sep or not project or not name or "/" in name:
        raise ValueError(f"stack must be 'project/stack'; got {stack!r}")
    return project, name


# stacks -----------------------------------------------------------------------------------------
def get_stacks(
    organization: str | None = None,
    project: str | None = None,
    tag_name: str | None = None,
    tag_value: str | None = None,
    client: PulumiCloudClient | None = None,
) -> list[dict[str, Any]]:
    """The org's stacks (`project`, `stack`, `tags`), filtered by project and tag, all pages."""
    org = _org(organization)
    wire = _client(client).stacks.list(org, project, tag_name, tag_value)
    return [
        {"project": s["projectName"], "stack": s["stackName"], "tags": s.get("tags") or {}}
        for s in wire
    ]


# policy packs -----------------------------------------------------------------------------------
def get_policy_packs(
    organization: str | None = None, client: PulumiCloudClient | None = None
) -> list[dict[str, Any]]:
    """The org's policy packs: name, display_name, versions and version_tags (newest first)."""
    return [_snake(p) for p in _client(client).policy_packs.list(_org(organization))]


def get_policy_pack(
    name: str,
    version: int | None = None,
    version_tag: str | None = None,
    organization: str | None = None,
    client: PulumiCloudClient | None = None,
) -> dict[str, Any]:
    """One pack with its policies: at `version`, at `version_tag`, or else the latest version."""
    org, api = _org(organization), _client(client)
    if version is None and version_tag is not None:
        version = api.policy_packs.find_version(org, name, version_tag)
        if version is None:
            raise LookupError(f"policy pack {name}@{version_tag} not found in {org}")
    if version is None:
        wire = api.policy_packs.get_latest(org, name)
    else:
        wire = api.policy_packs.get_version(org, name, int(version))
    pack = _snake(wire)
    pack["policies"] = [_snake(p, keep=("configSchema",)) for p in wire.get("policies") or []]
    return pack


# policy groups ----------------------------------------------------------------------------------
def get_policy_groups(
    organization: str | None = None, client: PulumiCloudClient | None = None
) -> list[dict[str, Any]]:
    """The org's policy groups (summaries: name, entity_type, mode, is_org_default, counts)."""
    return [_snake(g) for g in _client(client).policy_groups.list(_org(organization))]


def get_stack_policy_groups(
    stack: str, organization: str | None = None, client: PulumiCloudClient | None = None
) -> list[dict[str, Any]]:
    """The policy groups a stack ("project/stack") belongs to."""
    project, name = _stack(stack)
    groups = _client(client).policy_results.stack_policy_groups(_org(organization), project, name)
    return [_snake(g) for g in groups]


def get_stack_policy_packs(
    stack: str,
    mode: str | None = None,
    organization: str | None = None,
    client: PulumiCloudClient | None = None,
) -> list[dict[str, Any]]:
    """The policy packs (with config) that apply to a stack; `mode` audit|preventative filters."""
    project, name = _stack(stack)
    packs = _client(client).policy_results.stack_policy_packs(
        _org(organization), project, name, mode
    )
    return [_snake(p) for p in packs]


# violations -------------------------------------------------------------------------------------
def get_policy_violations(
    organization: str | None = None, client: PulumiCloudClient | None = None
) -> list[dict[str, Any]]:
    """Every policy violation in the org, following continuation tokens to the last page."""
    return [_snake(v) for v in _client(client).policy_results.violations(_org(organization))]


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
    return _output(get_policy_packs, organization=organization)


def get_policy_pack_output(
    name: pulumi.Input[str],
    version: pulumi.Input[int] | None = None,
    version_tag: pulumi.Input[str] | None = None,
    organization: pulumi.Input[str] | None = None,
) -> pulumi.Output[dict[str, Any]]:
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
    return _output(get_policy_groups, organization=organization)


def get_stack_policy_groups_output(
    stack: pulumi.Input[str], organization: pulumi.Input[str] | None = None
) -> pulumi.Output[list[dict[str, Any]]]:
    return _output(get_stack_policy_groups, stack=stack, organization=organization)


def get_stack_policy_packs_output(
    stack: pulumi.Input[str],
    mode: pulumi.Input[str] | None = None,
    organization: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[dict[str, Any]]]:
    return _output(get_stack_policy_packs, stack=stack, mode=mode, organization=organization)


def get_policy_violations_output(
    organization: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[dict[str, Any]]]:
    return _output(get_policy_violations, organization=organization)
