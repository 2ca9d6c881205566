"""PolicyGroup: a Pulumi Cloud policy group, its stacks (or Insights accounts) and policy packs.

ID: `{org}/{name}` as created. A rename is applied in place (PATCH `newName`); dynamic providers
cannot change an ID in an update, so after a rename the ID keeps the first name and the provider
addresses the group by the name in its outputs. `entity_type`, `mode` and `organization` replace.

Membership: a given `stacks`, `policy_packs` or `insights_accounts` list is authoritative; an
omitted (None) list is not managed (attachments, the UI or the CLI own it). Any change is sent as
at most two batch PATCHes (all removes, then all adds), however many stacks the group holds.

Outputs hold the declared inputs and `live`, what the service held after the last create, update
or refresh; `diff` compares the declared lists with `live`, so drift found by `pulumi refresh` is
restored by the next `pulumi up`. Every update first reads the group again and plans against it.
If an update fails halfway, the engine keeps the old outputs; the next `up` reads the service and
converges (run `pulumi refresh` first if the program was meanwhile reverted to the old values).

The org default group (`default-policy-group`) can be managed only with `adopt=True`; destroying
the resource leaves the group and its membership in place.
The rules live in `pulumi_governance.logic.policy_group`.
"""

from __future__ import annotations

from typing import Any, TypedDict

import pulumi
from pulumi.dynamic import Resource

from ._dynamic import GovernanceProvider, default_adopt, default_organization

__all__ = ["PolicyGroup", "PolicyGroupProvider", "PolicyPackRefArgs"]


class PolicyPackRefArgs(TypedDict, total=False):
    """One policy pack applied to a group: its name, version tag, and per-policy config.

    Args:
        name: The policy pack's name (as published).
        version_tag: The published version tag to apply, e.g. '1.0.0'.
        config: Maps a policy name (or 'all') to an enforcement level (advisory, mandatory,
            remediate, disabled) or to a config object ({'enforcementLevel': ..., <policy
            settings>}). Default: the pack's own levels.
    """

    name: pulumi.Input[str]
    version_tag: pulumi.Input[str]
    config: pulumi.Input[dict[str, Any]]


class PolicyGroupProvider(GovernanceProvider):
    logic_name = "pulumi_governance.logic.policy_group:POLICY_GROUP"


class PolicyGroup(Resource, module="governance", name="PolicyGroup"):
    """A Pulumi Cloud policy group. See the module docstring for ID, replace and drift rules."""

    name: pulumi.Output[str]
    entity_type: pulumi.Output[str]
    mode: pulumi.Output[str]
    organization: pulumi.Output[str]
    stacks: pulumi.Output[list[str]]
    policy_packs: pulumi.Output[list[dict[str, Any]]]
    insights_accounts: pulumi.Output[list[str]]
    adopt: pulumi.Output[bool]
    adopted: pulumi.Output[bool]
    live: pulumi.Output[dict[str, Any]]

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str] | None = None,
        entity_type: pulumi.Input[str] = "stacks",
        mode: pulumi.Input[str] = "preventative",
        stacks: pulumi.Input[list[pulumi.Input[str]]] | None = None,
        policy_packs: pulumi.Input[list[pulumi.Input[PolicyPackRefArgs]]] | None = None,
        insights_accounts: pulumi.Input[list[pulumi.Input[str]]] | None = None,
        organization: pulumi.Input[str] | None = None,
        adopt: pulumi.Input[bool] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """A policy group with its member stacks (or accounts) and applied packs.

        Args:
            resource_name: The resource's name in the Pulumi program (unique per kind).
            name: The group's name: 1-100 letters, digits, '-', '_' or '.'. Default: the resource
                name. A new name renames the group in place.
            entity_type: What the group holds: 'stacks' or Insights 'accounts'. Default: 'stacks'.
                Changing it replaces the resource.
            mode: 'audit' (report violations) or 'preventative' (block updates that violate).
                Default: 'preventative'. Changing it replaces the resource.
            stacks: The member stacks as 'project/stack'. Authoritative when given; None (the
                default) leaves membership to others (e.g. PolicyGroupStack). Order does not matter.
                Changes in place.
            policy_packs: The applied policy packs (PolicyPackRefArgs). Authoritative when given;
                None (the default) leaves them to others (e.g. PolicyGroupPack). Order does not
                matter. Changes in place.
            insights_accounts: The member Insights accounts of an 'accounts' group. Authoritative
                when given; None (the default) leaves them to others. Order does not matter. Changes
                in place.
            organization: The Pulumi Cloud organization. Default: stack config
                `governance:organization`, else the stack's own organization. Changing it replaces
                the resource.
            adopt: Take over a group that exists already instead of failing. Required (True) for the
                org default group. Default: False; read at create only, so a later change does
                nothing in place.
            opts: Pulumi resource options (parent, depends_on, protect, ...).
        """
        props = {
            "name": name if name is not None else resource_name,
            "entity_type": entity_type,
            "mode": mode,
            "stacks": stacks,
            "policy_packs": policy_packs,
            "insights_accounts": insights_accounts,
            "organization": default_organization(organization),
            "adopt": default_adopt(adopt),
            "adopted": None,
            "live": None,
        }
        super().__init__(PolicyGroupProvider(), resource_name, props, opts)
