"""Attachments: one stack, or one policy pack, in a policy group owned elsewhere.

Each attachment sends single add/remove operations (PATCH addStack/removeStack,
addPolicyPack/removePolicyPack), never full lists, so any number of attachments to one group, in
one program or in many, never undo one another. Use them for the org default group, or for a group
whose PolicyGroup resource leaves that list unmanaged (None).

PolicyGroupStack: ID `{org}/{group}/{project}/{stack}`; every input replaces.
PolicyGroupPack: ID `{org}/{group}/{packName}`; `version_tag` and `config` change in place (the old
entry is removed, then the new one added, in two requests), the others replace.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import Resource

from ._dynamic import GovernanceProvider, default_organization
from ._policy_attachment_logic import PolicyGroupPackLogic, PolicyGroupStackLogic

__all__ = [
    "PolicyGroupPack",
    "PolicyGroupPackLogic",
    "PolicyGroupPackProvider",
    "PolicyGroupStack",
    "PolicyGroupStackLogic",
    "PolicyGroupStackProvider",
]


class PolicyGroupStackProvider(GovernanceProvider):
    logic = PolicyGroupStackLogic()


class PolicyGroupPackProvider(GovernanceProvider):
    logic = PolicyGroupPackLogic()


class PolicyGroupStack(Resource, module="governance", name="PolicyGroupStack"):
    """One stack ("project/stack") in a policy group owned elsewhere."""

    organization: pulumi.Output[str]
    policy_group: pulumi.Output[str]
    stack: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        policy_group: pulumi.Input[str],
        stack: pulumi.Input[str],
        organization: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "policy_group": policy_group,
            "stack": stack,
            "organization": default_organization(organization),
        }
        super().__init__(PolicyGroupStackProvider(), resource_name, props, opts)


class PolicyGroupPack(Resource, module="governance", name="PolicyGroupPack"):
    """One policy pack, at a version tag with its config, in a policy group owned elsewhere."""

    organization: pulumi.Output[str]
    policy_group: pulumi.Output[str]
    name: pulumi.Output[str]
    version_tag: pulumi.Output[str]
    config: pulumi.Output[dict[str, Any]]
    live: pulumi.Output[dict[str, Any]]

    def __init__(
        self,
        resource_name: str,
        *,
        policy_group: pulumi.Input[str],
        name: pulumi.Input[str],
        version_tag: pulumi.Input[str],
        config: pulumi.Input[dict[str, Any]] | None = None,
        organization: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "policy_group": policy_group,
            "name": name,
            "version_tag": version_tag,
            "config": config,
            "organization": default_organization(organization),
            "live": None,
        }
        super().__init__(PolicyGroupPackProvider(), resource_name, props, opts)
