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
from urllib.parse import quote

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


def _q(value: str) -> str:
    return quote(value, safe="")


def _snake(wire: Mapping[str, Any], keep: tuple[str, ...] = ("config",)) -> dict[str, Any]:
    """Top-level keys to snake_case; the values under `keep` (user-defined keys) stay as sent."""
    return {_CAMEL.sub("_", k).lower(): v for k, v in wire.items() if k not in keep} | {
        k: v for k, v in wire.items() if k in keep
    }


def _stack(stack: str) -> str:
    project, sep, name = stack.partition("/")
    if not sep or not project or not name or "/" in name:
        raise ValueError(f"stack must be 'project/stack'; got {stack!r}")
    return f"{_q(project)}/{_q(name)}"


# policy packs -----------------------------------------------------------------------------------
def get_policy_packs(
    organization: str | None = None, client: PulumiCloudClient | None = None
) -> list[dict[str, Any]]:
    """The org's policy packs: name, display_name, versions and version_tags (newest first)."""
    org = _org(organization)
    wire = _client(client).request("GET", f"/api/orgs/{_q(org)}/policypacks")
    return [_snake(p) for p in wire.get("policyPacks") or []]


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
        for pack in get_policy_packs(org, api):
            if pack["name"] == name and version_tag in (pack.get("version_tags") or []):
                version = pack["versions"][pack["version_tags"].index(version_tag)]
                break
        else:
            raise LookupError(f"policy pack {name}@{version_tag} not found in {org}")
    at = "latest" if version is None else f"versions/{int(version)}"
    wire = api.request("GET", f"/api/orgs/{_q(org)}/policypacks/{_q(name)}/{at}")
    pack = _snake(wire)
    pack["policies"] = [_snake(p, keep=("configSchema",)) for p in wire.get("policies") or []]
    return pack


# policy groups ----------------------------------------------------------------------------------
def get_policy_groups(
    organization: str | None = None, client: PulumiCloudClient | None = None
) -> list[dict[str, Any]]:
    """The org's policy groups (summaries: name, entity_type, mode, is_org_default, counts)."""
    org = _org(organization)
    wire = _client(client).request("GET", f"/api/orgs/{_q(org)}/policygroups")
    return [_snake(g) for g in wire.get("policyGroups") or []]


def get_stack_policy_groups(
    stack: str, organization: str | None = None, client: PulumiCloudClient | None = None
) -> list[dict[str, Any]]:
    """The policy groups a stack ("project/stack") belongs to."""
    org = _org(organization)
    wire = _client(client).request("GET", f"/api/stacks/{_q(org)}/{_stack(stack)}/policygroups")
    return [_snake(g) for g in wire.get("policyGroups") or []]


def get_stack_policy_packs(
    stack: str,
    mode: str | None = None,
    organization: str | None = None,
    client: PulumiCloudClient | None = None,
) -> list[dict[str, Any]]:
    """The policy packs (with config) that apply to a stack; `mode` audit|preventative filters."""
    org = _org(organization)
    path = f"/api/stacks/{_q(org)}/{_stack(stack)}/policypacks"
    if mode is not None:
        path += f"?mode={_q(mode)}"
    wire = _client(client).request("GET", path)
    return [_snake(p) for p in wire.get("requiredPolicies") or []]


# violations -------------------------------------------------------------------------------------
def get_policy_violations(
    organization: str | None = None, client: PulumiCloudClient | None = None
) -> list[dict[str, Any]]:
    """Every policy violation in the org, following continuation tokens to the last page."""
    org, api = _org(organization), _client(client)
    base = f"/api/orgs/{_q(org)}/policyresults/violationsv2"
    found: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        wire = api.request("GET", base + (f"?continuationToken={_q(token)}" if token else ""))
        found += [_snake(v) for v in wire.get("policyViolations") or []]
        token = wire.get("continuationToken") or None
        if not token:
            return found


# Output variants --------------------------------------------------------------------------------
def _output(call: Callable[..., T], **inputs: Any) -> pulumi.Output[T]:
    keys = list(inputs)
    return pulumi.Output.all(*inputs.values()).apply(
        lambda vals: call(**dict(zip(keys, vals, strict=True)))
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
