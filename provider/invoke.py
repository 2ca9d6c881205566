"""The look-ups as provider functions (`governance:index:getStacks`, ...), over
`pulumi_governance.functions` with the provider's client and organization.

Each answers one property: `items` (a list of objects) or, for one pack, `pack`; keys of the
answers are camelCase, as the service spells them (user-defined keys such as tags stay).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_governance import functions, functions_webhooks
from pulumi_governance.api import PulumiCloudClient
from pulumi_governance.logic.kind import Field

from .values import camel

# Keys whose values are the user's own maps: never renamed.
_USER_MAPS = frozenset({"tags", "config", "config_schema"})


@dataclass(frozen=True)
class Function:
    description: str
    inputs: tuple[Field, ...]
    result: Field
    call: Callable[..., Any]


def _org() -> Field:
    return Field(
        "organization",
        "string",
        "The organization; default: the provider's `organization`.",
        optional=True,
    )


def _items(what: str) -> Field:
    return Field("items", "array", what, items="object")


def _stack() -> Field:
    return Field("stack", "string", "The stack, as `project/stack`.")


FUNCTIONS: dict[str, Function] = {
    "getStacks": Function(
        "The organization's stacks, filtered by project and by one tag, all pages.",
        (
            _org(),
            Field("project", "string", "Only stacks of this project.", optional=True),
            Field("tag_name", "string", "Only stacks with this tag.", optional=True),
            Field("tag_value", "string", "... whose value is this.", optional=True),
        ),
        _items("The stacks: `project`, `stack`, `tags`."),
        functions.get_stacks,
    ),
    "getPolicyPacks": Function(
        "The organization's policy packs with their versions.",
        (_org(),),
        _items("The packs: `name`, `displayName`, `versions`, `versionTags` (newest first)."),
        functions.get_policy_packs,
    ),
    "getPolicyPack": Function(
        "One policy pack with its policies: at `version`, at `versionTag`, else the latest.",
        (
            Field("name", "string", "The pack's name."),
            Field("version", "integer", "The pack's version number.", optional=True),
            Field("version_tag", "string", "The pack's version tag.", optional=True),
            _org(),
        ),
        Field("pack", "object", "The pack: `name`, `version`, `versionTag`, `policies`, ..."),
        functions.get_policy_pack,
    ),
    "getPolicyGroups": Function(
        "The organization's policy groups (summaries).",
        (_org(),),
        _items("The groups: `name`, `entityType`, `mode`, `isOrgDefault`, counts."),
        functions.get_policy_groups,
    ),
    "getStackPolicyGroups": Function(
        "The policy groups a stack belongs to.",
        (_stack(), _org()),
        _items("The groups."),
        functions.get_stack_policy_groups,
    ),
    "getStackPolicyPacks": Function(
        "The policy packs (with their config) that apply to a stack.",
        (
            _stack(),
            Field(
                "mode",
                "string",
                "`audit` or `preventative`: only packs of that mode.",
                optional=True,
                choices=("audit", "preventative"),
            ),
            _org(),
        ),
        _items("The packs."),
        functions.get_stack_policy_packs,
    ),
    "getPolicyViolations": Function(
        "Every policy violation in the organization, all pages.",
        (_org(),),
        _items("The violations."),
        functions.get_policy_violations,
    ),
    "getWebhookDeliveries": Function(
        "The recent deliveries of a webhook in its scope (organization, stack or environment).",
        (
            Field("name", "string", "The webhook's name in its scope."),
            Field(
                "project", "string", "The project of a stack or environment hook.", optional=True
            ),
            Field("stack", "string", "The stack of a stack hook.", optional=True),
            Field(
                "environment", "string", "The environment of an environment hook.", optional=True
            ),
            _org(),
        ),
        _items("The deliveries."),
        functions_webhooks.get_webhook_deliveries,
    ),
}


def camel_keys(value: Any) -> Any:
    """Snake_case keys of a look-up's answer back to the service's camelCase."""
    if isinstance(value, list):
        return [camel_keys(v) for v in value]
    if isinstance(value, Mapping):
        return {camel(k): (v if k in _USER_MAPS else camel_keys(v)) for k, v in value.items()}
    return value


def run(name: str, args: dict[str, Any], api: PulumiCloudClient, organization: str | None) -> Any:
    """Call look-up `name` with snake_case `args`; returns its one result property's value."""
    function = FUNCTIONS[name]
    org = args.pop("organization", None) or organization
    if not org:
        raise ValueError("organization is required: pass it, or set governance:organization")
    return camel_keys(function.call(**args, organization=org, client=api))
