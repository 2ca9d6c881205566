"""PolicyGroup: a policy group, its stacks (or Insights accounts) and applied policy packs.

The ID is `{org}/{name}` as created. A rename is applied in place (PATCH `newName`); an ID cannot
change in an update, so after a rename the group is addressed by the name in the outputs.
`entity_type`, `mode` and `organization` replace; a replacement that keeps the name deletes the
old group first (names are unique in an org).

Membership: a given `stacks`, `policy_packs` or `insights_accounts` list is authoritative; an
omitted (None) list is not managed. A change is at most two batch PATCHes (all removes, then all
adds), however many stacks the group holds. The outputs hold the declared inputs and `live`, what
the service held after the last create, update or refresh; `diff` compares the declared lists
with `live`, so drift found by a refresh is restored by the next update, which first reads the
group again and plans against what it finds.

The org default group (`default-policy-group`) is managed only with `adopt=True` and is never
deleted: destroying the resource leaves it with its membership.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pulumi_governance.api.errors import Conflict, NotFound

from . import policy_inputs as inputs
from .checks import check_choice, check_name, check_non_empty
from .detailed_diff import detailed_diff, plan_of
from .kind import (
    Created,
    Failure,
    Field,
    ObjectType,
    Plan,
    PropertyChange,
    Props,
    Read,
    Updated,
    inputs_of,
    is_unknown,
    with_defaults,
)
from .policy_group_view import desired_pack, live_view, packs_differ
from .policy_membership import packs_to_resolve, plan_membership

if TYPE_CHECKING:
    from pulumi_governance.api import PulumiCloudClient

ORGANIZATION = Field(
    "organization",
    "string",
    "The Pulumi Cloud organization. Default: stack config `governance:organization`, else the "
    "stack's own organization.",
    replaces=True,
    optional=True,
)

POLICY_PACK_REF = ObjectType(
    "PolicyPackRef",
    "One policy pack applied to a group: its name, version tag, and per-policy config.",
    (
        Field("name", "string", "The policy pack's name (as published)."),
        Field("version_tag", "string", "The published version tag to apply, e.g. '1.0.0'."),
        Field(
            "config",
            "map",
            "Maps a policy name (or 'all') to an enforcement level (advisory, mandatory, "
            "remediate, disabled) or to a config object ({'enforcementLevel': ..., <policy "
            "settings>}). Default: the pack's own levels.",
            optional=True,
        ),
    ),
    key="name",
)

FIELDS: tuple[Field, ...] = (
    Field(
        "name",
        "string",
        "The group's name: 1-100 letters, digits, '-', '_' or '.'. Default: the resource name. "
        "A new name renames the group in place.",
        optional=True,
    ),
    Field(
        "entity_type",
        "string",
        "What the group holds: 'stacks' or Insights 'accounts'. Default: 'stacks'.",
        replaces=True,
        optional=True,
        default="stacks",
        choices=inputs.ENTITY_TYPES,
    ),
    Field(
        "mode",
        "string",
        "'audit' (report violations) or 'preventative' (block updates that violate). "
        "Default: 'preventative'.",
        replaces=True,
        optional=True,
        default="preventative",
        choices=inputs.MODES,
    ),
    Field(
        "stacks",
        "array",
        "The member stacks as 'project/stack'. Authoritative when given; None (the default) "
        "leaves membership to others (e.g. PolicyGroupStack). Order does not matter.",
        optional=True,
        items="string",
        unordered=True,
    ),
    Field(
        "policy_packs",
        "array",
        "The applied policy packs (PolicyPackRefArgs). Authoritative when given; None (the "
        "default) leaves them to others (e.g. PolicyGroupPack). Order does not matter.",
        optional=True,
        items=POLICY_PACK_REF,
        unordered=True,
    ),
    Field(
        "insights_accounts",
        "array",
        "The member Insights accounts of an 'accounts' group. Authoritative when given; None "
        "(the default) leaves them to others. Order does not matter.",
        optional=True,
        items="string",
        unordered=True,
    ),
    ORGANIZATION,
    Field(
        "adopt",
        "boolean",
        "Take over a group that exists already instead of failing. Required "
        "(True) for the org default group. Default: False; read at create only, so a later "
        "change does nothing in place.",
        optional=True,
        default=False,
    ),
    Field(
        "adopted",
        "boolean",
        "True when the group existed and was adopted.",
        output_only=True,
    ),
    Field(
        "live",
        "object",
        "What the service held after the last create, update or refresh.",
        output_only=True,
    ),
)

MEMBERSHIP = ("stacks", "policy_packs", "insights_accounts")
REPLACING = ("organization", "entity_type", "mode")


def split_id(id: str) -> tuple[str, str]:
    org, _, name = id.partition("/")
    return org, name


def addressed(id: str, olds: Props) -> tuple[str, str]:
    """(org, current name) of the group a resource's outputs describe."""
    org, name = split_id(id)
    live = olds.get("live") or {}
    return olds.get("organization") or org, live.get("name") or olds.get("name") or name


class PolicyGroupLogic:
    kind = "PolicyGroup"
    fields = FIELDS

    # check -----------------------------------------------------------------------------------
    def check(self, olds: Props, news: Props) -> tuple[Props, list[Failure]]:
        props = with_defaults(FIELDS, news)
        if not is_unknown(props.get("adopt")):
            props["adopt"] = bool(props.get("adopt"))
        failures = check_name("name", props.get("name"), "policy group")
        failures += check_choice("entity_type", props["entity_type"], inputs.ENTITY_TYPES)
        failures += check_choice("mode", props["mode"], inputs.MODES)
        failures += inputs.check_stacks("stacks", props.get("stacks"))
        failures += inputs.check_pack_refs("policy_packs", props.get("policy_packs"))
        failures += inputs.check_accounts("insights_accounts", props.get("insights_accounts"))
        failures += check_non_empty("organization", props.get("organization"))
        if props["entity_type"] == "accounts" and props.get("stacks"):
            failures.append(
                Failure(
                    "stacks",
                    "stacks: a group of entity_type 'accounts' holds Insights accounts, not stacks",
                )
            )
        if props["entity_type"] == "stacks" and props.get("insights_accounts"):
            failures.append(
                Failure(
                    "insights_accounts",
                    "insights_accounts: a group of entity_type 'stacks' holds stacks, not accounts",
                )
            )
        if props.get("name") == inputs.DEFAULT_GROUP and props["adopt"] is False:
            failures.append(
                Failure(
                    "adopt",
                    f"adopt: the org default group '{inputs.DEFAULT_GROUP}' always exists and "
                    "is never created or deleted; set `adopt` to true to manage it",
                )
            )
        return props, failures

    # diff ------------------------------------------------------------------------------------
    def diff(self, id: str, olds: Props, news: Props) -> Plan:
        """Settings against the live group. A membership list changes when the service must
        change (a reordering, or another spelling of the same config, is no change), or when it
        starts or stops being managed; its detail names each element added or removed."""
        live = olds.get("live") or olds
        settings = {
            "organization": olds.get("organization"),
            "entity_type": live.get("entity_type"),
            "mode": live.get("mode"),
            "name": live.get("name"),
        }  # not `adopt`: it matters at create (and in check) alone
        detailed = detailed_diff(FIELDS, settings, news, names=(*settings,))
        for key in MEMBERSHIP:
            declared, wanted = olds.get(key), news.get(key)
            if is_unknown(wanted):
                detailed[key] = PropertyChange("update")
            elif wanted is None or declared is None:
                if wanted is not declared:
                    detailed[key] = PropertyChange("add" if declared is None else "delete")
            elif not self._list_matches(key, live.get(key) or [], wanted):
                old_list = _in_declared_order(declared, live.get(key) or [], key)
                changes = detailed_diff(
                    FIELDS, {key: old_list}, {key: _comparable(key, wanted)}, names=(key,)
                )
                detailed.update(changes or {key: PropertyChange("update")})
        plan = plan_of(detailed)
        # Group names are unique in an org: a replacement that keeps its name must go first.
        same_name = "name" not in plan.changes or is_unknown(news.get("name"))
        return Plan(
            changes=plan.changes,
            replaces=plan.replaces,
            delete_before_replace=same_name,
            detailed=plan.detailed,
        )

    @staticmethod
    def _list_matches(key: str, live: list[Any], wanted: list[Any]) -> bool:
        if key == "policy_packs":
            return not packs_differ(live, wanted)
        return set(live) == set(wanted)

    # create / read / update / delete ---------------------------------------------------------
    def create(self, api: PulumiCloudClient, news: Props) -> Created:
        org, name = news["organization"], news["name"]
        groups = api.policy_groups
        existing = groups.get_if_exists(org, name) if news.get("adopt") else None
        messages: list[str] = []
        if existing is not None:
            self._check_adoptable(org, name, existing, news)
            messages.append(f"adopted existing policy group '{org}/{name}'")
        else:
            try:
                groups.create_once(org, name, news["entity_type"], news["mode"])
            except Conflict:
                raise RuntimeError(
                    f"policy group '{name}' already exists in organization '{org}'; set "
                    "`adopt` to true to take it over instead of creating it"
                ) from None
        try:
            live = self._converge(api, org, name, news, existing)
        except Exception:
            if existing is None:  # do not leave a half-made group that the next up cannot create
                groups.delete_if_exists(org, name)
            raise
        return Created(
            f"{org}/{name}", self._outs(news, live, adopted=existing is not None), messages
        )

    @staticmethod
    def _check_adoptable(org: str, name: str, wire: dict[str, Any], news: Props) -> None:
        live = live_view(wire)
        for key in ("entity_type", "mode"):
            if live[key] != news[key]:
                raise RuntimeError(
                    f"cannot adopt policy group '{org}/{name}': it has {key} "
                    f"'{live[key]}' and the program declares '{news[key]}' ({key} cannot change "
                    "in place)"
                )

    def read(self, api: PulumiCloudClient, id: str, olds: Props) -> Read | None:
        org, name = addressed(id, olds)
        wire = api.policy_groups.get_if_exists(org, name)
        if wire is None:
            return None
        live = live_view(wire)
        declared = dict(olds) or {
            "name": live["name"],
            "entity_type": live["entity_type"],
            "mode": live["mode"],
            "organization": org,
            "adopt": live["is_org_default"],
            **{key: live[key] for key in ("stacks", "insights_accounts") if live[key]},
        }
        if not olds and live["policy_packs"]:
            declared["policy_packs"] = [
                {"name": p["name"], "version_tag": p["version_tag"], "config": p["config"]}
                for p in live["policy_packs"]
            ]
        outs = self._outs(declared, live, adopted=bool(olds.get("adopted")))
        return Read(id, outs, inputs_of(FIELDS, outs))

    def update(self, api: PulumiCloudClient, id: str, olds: Props, news: Props) -> Updated:
        org, name = addressed(id, olds)
        groups = api.policy_groups
        wire = groups.get_if_exists(org, name)
        if wire is None and news["name"] != name:  # an earlier update renamed it, then failed
            name, wire = news["name"], groups.get_if_exists(org, news["name"])
        if wire is None:
            raise RuntimeError(f"policy group '{org}/{name}' is gone; run `pulumi refresh`")
        live = self._converge(api, org, name, news, wire)
        return Updated(self._outs(news, live, adopted=bool(olds.get("adopted"))))

    def delete(self, api: PulumiCloudClient, id: str, olds: Props) -> list[str] | None:
        org, name = addressed(id, olds)
        if (olds.get("live") or {}).get("is_org_default") or name == inputs.DEFAULT_GROUP:
            return [
                f"policy group '{org}/{name}' is the org default group: it is left in place "
                "with its stacks and packs (it can be adopted, never deleted)"
            ]
        api.policy_groups.delete_if_exists(org, name)
        return None

    # helpers ---------------------------------------------------------------------------------
    def _converge(
        self,
        api: PulumiCloudClient,
        org: str,
        name: str,
        news: Props,
        wire: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Bring membership and name to `news`; return the live view read back afterwards."""
        groups = api.policy_groups
        live = live_view(wire if wire is not None else groups.get(org, name))
        packs = news.get("policy_packs")
        wanted = packs_to_resolve(live, packs)
        versions = resolve_pack_versions(api, org, wanted) if wanted else {}
        for batch in plan_membership(
            live, news.get("stacks"), packs, news.get("insights_accounts"), versions
        ):
            groups.update_members(org, name, batch)
        if news["name"] != name:
            try:
                groups.rename(org, name, news["name"])
            except NotFound:  # a resend after a lost answer: the first rename was applied
                if groups.get_if_exists(org, news["name"]) is None:
                    raise
            name = news["name"]
        return live_view(groups.get(org, name))

    @staticmethod
    def _outs(declared: Props, live: dict[str, Any], adopted: bool) -> Props:
        outs = {
            key: declared.get(key)
            for key in ("name", "entity_type", "mode", "organization", "adopt", *MEMBERSHIP)
        }
        return {**outs, "live": live, "adopted": adopted}


def _comparable(key: str, values: list[Any]) -> list[Any]:
    """A membership list in the form its elements compare in (packs: normalized config)."""
    if key != "policy_packs":
        return list(values)
    return [desired_pack(p) for p in values]


def _in_declared_order(declared: list[Any], live: list[Any], key: str) -> list[Any]:
    """The live list in the order the program declared it (drifted extras last), so that the
    index of a removed element is its index in the old inputs."""
    live_items = _comparable(key, live)
    ident = (lambda p: p["name"]) if key == "policy_packs" else (lambda v: v)
    by_ident = {ident(v): v for v in live_items}
    order = [ident(v) for v in _comparable(key, declared)]
    ordered = [by_ident[i] for i in order if i in by_ident]
    return ordered + [v for v in live_items if ident(v) not in order]


def resolve_pack_versions(
    api: PulumiCloudClient, org: str, wanted: list[tuple[str, str]]
) -> dict[tuple[str, str], tuple[int, str]]:
    """The version number of each (pack, version tag), in one request; a clear error if absent."""
    index = api.policy_packs.version_index(org)
    missing = [f"{name}@{tag}" for name, tag in wanted if (name, tag) not in index]
    if missing:
        raise RuntimeError(
            f"policy pack version(s) not published in organization '{org}': {', '.join(missing)}"
        )
    return index


POLICY_GROUP = PolicyGroupLogic()
