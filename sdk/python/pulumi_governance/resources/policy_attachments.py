"""Attachments: one stack, or one policy pack, in a policy group owned elsewhere.

Each attachment sends single add/remove operations (PATCH addStack/removeStack,
addPolicyPack/removePolicyPack), never full lists, so any number of attachments to one group, in
one program or in many, never undo one another. Use them for the org default group, or for a group
whose PolicyGroup resource leaves that list unmanaged (None).

PolicyGroupStack: ID `{org}/{group}/{project}/{stack}`; every input replaces.
PolicyGroupPack: ID `{org}/{group}/{packName}`; `version_tag` and `config` change in place (the old
entry is removed, then the new one added, in two requests), the others replace.
The rules live in `pulumi_governance.logic.policy_attachments`.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import Resource

from ._dynamic import GovernanceProvider, default_organization

__all__ = [
    "PolicyGroupPack",
    "PolicyGroupPackProvider",
    "PolicyGroupStack",
    "PolicyGroupStackProvider",
]


class PolicyGroupStackProvider(GovernanceProvider):
    logic_name = "pulumi_governance.logic.policy_attachments:POLICY_GROUP_STACK"


class PolicyGroupPackProvider(GovernanceProvider):
    logic_name = "pulumi_governance.logic.policy_attachments:POLICY_GROUP_PACK"


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
        """Add one stack to a policy group; deleting the resource removes it again.

        Args:
            resource_name: The resource's name in the Pulumi program (unique per kind).
            policy_group: The name of the policy group (owned elsewhere). Changing it replaces the
                resource.
            stack: The stack to add, as 'project/stack'. Changing it replaces the resource.
            organization: The Pulumi Cloud organization. Default: stack config
                `governance:organization`, else the stack's own organization. Changing it replaces
                the resource.
            opts: Pulumi resource options (parent, depends_on, protect, ...).
        """
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
        """Apply one policy pack version to a policy group; deleting the resource removes it.

        Args:
            resource_name: The resource's name in the Pulumi program (unique per kind).
            policy_group: The name of the policy group (owned elsewhere). Changing it replaces the
                resource.
            name: The policy pack's name (as published). Changing it replaces the resource.
            version_tag: The published version tag to apply, e.g. '1.0.0'. A new tag changes in
                place.
            config: Maps a policy name (or 'all') to an enforcement level (advisory, mandatory,
                remediate, disabled) or to a config object. Default: the pack's own levels. Changes
                in place.
            organization: The Pulumi Cloud organization. Default: stack config
                `governance:organization`, else the stack's own organization. Changing it replaces
                the resource.
            opts: Pulumi resource options (parent, depends_on, protect, ...).
        """
        props = {
            "policy_group": policy_group,
            "name": name,
            "version_tag": version_tag,
            "config": config,
            "organization": default_organization(organization),
            "live": None,
        }
        super().__init__(PolicyGroupPackProvider(), resource_name, props, opts)
