"""PolicyGroupStack and PolicyGroupPack: one stack, or one policy pack, in a group owned elsewhere.

Each sends single add/remove operations (PATCH addStack/removeStack, addPolicyPack/
removePolicyPack), never full lists, so any number of attachments to one group never undo one
another.

PolicyGroupStack: ID `{org}/{group}/{project}/{stack}`; every input replaces.
PolicyGroupPack: ID `{org}/{group}/{packName}`; `version_tag` and `config` change in place (the
old entry is removed, then the new one added, in two requests), the others replace.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .checks import check_name
from .detailed_diff import detailed_diff, plan_from_fields, plan_of
from .kind import (
    Created,
    Failure,
    Field,
    Plan,
    PropertyChange,
    Props,
    Read,
    Updated,
    inputs_of,
    is_unknown,
)
from .policy_group import ORGANIZATION, resolve_pack_versions
from .policy_group_view import live_view, normalize_config, pack_matches
from .policy_inputs import check_pack_ref, check_stack_ref
from .policy_membership import pack_add_op, pack_remove_op

if TYPE_CHECKING:
    from pulumi_governance.api import PulumiCloudClient

POLICY_GROUP = Field(
    "policy_group", "string", "The name of the policy group (owned elsewhere).", replaces=True
)

STACK_FIELDS: tuple[Field, ...] = (
    POLICY_GROUP,
    Field("stack", "string", "The stack to add, as 'project/stack'.", replaces=True),
    ORGANIZATION,
)

PACK_FIELDS: tuple[Field, ...] = (
    POLICY_GROUP,
    Field("name", "string", "The policy pack's name (as published).", replaces=True),
    Field(
        "version_tag",
        "string",
        "The published version tag to apply, e.g. '1.0.0'. A new tag changes in place.",
    ),
    Field(
        "config",
        "map",
        "Maps a policy name (or 'all') to an enforcement level (advisory, mandatory, remediate, "
        "disabled) or to a config object. Default: the pack's own levels. Changes in place.",
        optional=True,
    ),
    ORGANIZATION,
    Field(
        "live",
        "object",
        "The pack's entry in the group as the service held it after the last create, update "
        "or refresh.",
        output_only=True,
    ),
)


def _check_common(props: Props) -> list[Failure]:
    failures = check_name("policy_group", props.get("policy_group"), "policy group")
    org = props.get("organization")
    if not is_unknown(org) and (not isinstance(org, str) or not org):
        failures.append(Failure("organization", "organization must be a non-empty string"))
    return failures


def _address(id: str, olds: Props, key: str) -> tuple[str, str, str]:
    org, group, member = olds.get("organization"), olds.get("policy_group"), olds.get(key)
    if org and group and member:
        return str(org), str(group), str(member)
    org, group, member = id.split("/", 2)
    return org, group, member


class PolicyGroupStackLogic:
    kind = "PolicyGroupStack"
    fields = STACK_FIELDS

    def check(self, olds: Props, news: Props) -> tuple[Props, list[Failure]]:
        return dict(news), _check_common(news) + check_stack_ref("stack", news.get("stack"))

    def diff(self, id: str, olds: Props, news: Props) -> Plan:
        return plan_from_fields(STACK_FIELDS, olds, news)

    def create(self, api: PulumiCloudClient, news: Props) -> Created:
        org, group, stack = news["organization"], news["policy_group"], news["stack"]
        api.policy_groups.update_member(org, group, {"add_stack": stack})
        return Created(f"{org}/{group}/{stack}", self._outs(news))

    def read(self, api: PulumiCloudClient, id: str, olds: Props) -> Read | None:
        org, group, stack = _address(id, olds, "stack")
        wire = api.policy_groups.get_if_exists(org, group)
        if wire is None or stack not in live_view(wire)["stacks"]:
            return None
        outs = self._outs({"organization": org, "policy_group": group, "stack": stack})
        return Read(id, outs, dict(outs))

    def update(self, api: PulumiCloudClient, id: str, olds: Props, news: Props) -> Updated:
        return Updated(self._outs(news))  # every input replaces; nothing to send

    def delete(self, api: PulumiCloudClient, id: str, olds: Props) -> None:
        org, group, stack = _address(id, olds, "stack")
        if api.policy_groups.get_if_exists(org, group) is not None:
            api.policy_groups.update_member(org, group, {"remove_stack": stack})

    @staticmethod
    def _outs(props: Props) -> Props:
        return {k: props.get(k) for k in ("organization", "policy_group", "stack")}


class PolicyGroupPackLogic:
    kind = "PolicyGroupPack"
    fields = PACK_FIELDS

    def check(self, olds: Props, news: Props) -> tuple[Props, list[Failure]]:
        pack = {k: news.get(k) for k in ("name", "version_tag", "config") if k in news}
        failures = _check_common(news) + check_pack_ref("pack", pack)
        return dict(news), failures

    def diff(self, id: str, olds: Props, news: Props) -> Plan:
        """The identity against the declared inputs; version tag and config against the live
        entry (another spelling of the same config is no change)."""
        replacing = ("organization", "policy_group", "name")
        detailed = detailed_diff(PACK_FIELDS, olds, news, names=replacing)
        live = olds.get("live")
        tag, config = news.get("version_tag"), news.get("config")
        unknown = is_unknown(tag) or is_unknown(config)
        if unknown or live is None or tag != live["version_tag"]:
            detailed["version_tag"] = PropertyChange("update")
        if unknown or live is None or normalize_config(config) != live["config"]:
            detailed["config"] = PropertyChange("update")
        return plan_of(detailed)

    def create(self, api: PulumiCloudClient, news: Props) -> Created:
        org, group, name = news["organization"], news["policy_group"], news["name"]
        live = self._apply(api, org, group, news, current=None)
        return Created(f"{org}/{group}/{name}", {**self._declared(news), "live": live})

    def read(self, api: PulumiCloudClient, id: str, olds: Props) -> Read | None:
        org, group, name = _address(id, olds, "name")
        live = self._live(api, org, group, name)
        if live is None:
            return None
        declared = self._declared(olds) if olds else {
            "organization": org, "policy_group": group, "name": name,
            "version_tag": live["version_tag"], "config": live["config"],
        }  # fmt: skip
        outs = {**declared, "live": live}
        return Read(id, outs, inputs_of(PACK_FIELDS, outs))

    def update(self, api: PulumiCloudClient, id: str, olds: Props, news: Props) -> Updated:
        org, group, name = news["organization"], news["policy_group"], news["name"]
        current = self._live(api, org, group, name)
        live = self._apply(api, org, group, news, current)
        return Updated({**self._declared(news), "live": live})

    def delete(self, api: PulumiCloudClient, id: str, olds: Props) -> None:
        org, group, name = _address(id, olds, "name")
        current = self._live(api, org, group, name)
        if current is not None:
            api.policy_groups.update_member(org, group, pack_remove_op(current))

    # helpers ---------------------------------------------------------------------------------
    @staticmethod
    def _declared(props: Props) -> Props:
        keys = ("organization", "policy_group", "name", "version_tag", "config")
        return {k: props.get(k) for k in keys}

    @staticmethod
    def _live(api: PulumiCloudClient, org: str, group: str, name: str) -> dict[str, Any] | None:
        wire = api.policy_groups.get_if_exists(org, group)
        if wire is None:
            return None
        return next((p for p in live_view(wire)["policy_packs"] if p["name"] == name), None)

    def _apply(
        self,
        api: PulumiCloudClient,
        org: str,
        group: str,
        news: Props,
        current: dict[str, Any] | None,
    ) -> dict[str, Any] | None:
        if current is not None and pack_matches(current, news):
            return current
        versions = resolve_pack_versions(api, org, [(news["name"], news["version_tag"])])
        version, display = versions[(news["name"], news["version_tag"])]
        if current is not None:  # its own request: the batch endpoint would add before removing
            api.policy_groups.update_member(org, group, pack_remove_op(current))
        api.policy_groups.update_member(org, group, pack_add_op(news, version, display))
        return self._live(api, org, group, news["name"])


POLICY_GROUP_STACK = PolicyGroupStackLogic()
POLICY_GROUP_PACK = PolicyGroupPackLogic()
