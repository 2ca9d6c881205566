"""PolicyGroup logic on plain values (see policy_group.py for the rules it implements)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, TypedDict

import pulumi

from . import _policy_http as http
from . import _policy_model as model
from ._logic import Created, Failure, Plan, Props, is_unknown

if TYPE_CHECKING:
    from pulumi_governance.api import PulumiCloudClient

MEMBERSHIP = ("stacks", "policy_packs", "insights_accounts")


class PolicyPackRefArgs(TypedDict, total=False):
    """One policy pack applied to a group: its name, version tag, and per-policy config.

    `config` maps a policy name (or "all") to an enforcement level (advisory, mandatory,
    remediate, disabled) or to a config object (`{"enforcementLevel": ..., <policy settings>}`).
    """

    name: pulumi.Input[str]
    version_tag: pulumi.Input[str]
    config: pulumi.Input[dict[str, Any]]


def split_id(id: str) -> tuple[str, str]:
    org, _, name = id.partition("/")
    return org, name


def addressed(id: str, olds: Props) -> tuple[str, str]:
    """(org, current name) of the group a resource's outputs describe."""
    org, name = split_id(id)
    live = olds.get("live") or {}
    return olds.get("organization") or org, live.get("name") or olds.get("name") or name


class PolicyGroupLogic:
    kind = "policy group"

    # check -----------------------------------------------------------------------------------
    def check(self, news: Props) -> tuple[Props, list[Failure]]:
        props = dict(news)
        props.setdefault("entity_type", "stacks")
        props.setdefault("mode", "preventative")
        if not is_unknown(props.get("adopt")):
            props["adopt"] = bool(props.get("adopt"))
        failures = model.check_name("name", props.get("name"), "policy group")
        failures += model.check_choice("entity_type", props["entity_type"], model.ENTITY_TYPES)
        failures += model.check_choice("mode", props["mode"], model.MODES)
        failures += model.check_stacks("stacks", props.get("stacks"))
        failures += model.check_packs("policy_packs", props.get("policy_packs"))
        failures += model.check_accounts("insights_accounts", props.get("insights_accounts"))
        org = props.get("organization")
        if not is_unknown(org) and (not isinstance(org, str) or not org):
            failures.append(Failure("organization", "organization must be a non-empty string"))
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
        if props.get("name") == model.DEFAULT_GROUP and props["adopt"] is False:
            failures.append(
                Failure(
                    "adopt",
                    f"adopt: the org default group '{model.DEFAULT_GROUP}' always exists and "
                    "is never created or deleted; set adopt=True to manage it",
                )
            )
        return props, failures

    # diff ------------------------------------------------------------------------------------
    def diff(self, id: str, olds: Props, news: Props) -> Plan:
        live = olds.get("live") or olds
        replaces = [
            key
            for key, old in (
                ("organization", olds.get("organization")),
                ("entity_type", live.get("entity_type")),
                ("mode", live.get("mode")),
            )
            if is_unknown(news.get(key)) or news.get(key) != old
        ]
        changes = list(replaces)
        if is_unknown(news.get("name")) or news.get("name") != live.get("name"):
            changes.append("name")
        if news.get("adopt") != olds.get("adopt"):
            changes.append("adopt")
        for key in MEMBERSHIP:
            if self._list_changed(key, olds.get(key), news.get(key), live.get(key) or []):
                changes.append(key)
        # Group names are unique in an org: a replacement that keeps its name must go first.
        same_name = "name" not in changes or is_unknown(news.get("name"))
        return Plan(changes=changes, replaces=replaces, delete_before_replace=same_name)

    @staticmethod
    def _list_changed(key: str, declared: Any, wanted: Any, live: list[Any]) -> bool:
        """A list changes when the service must change, or when it starts or stops being
        managed (a reordering, or another spelling of the same config, is no change)."""
        if is_unknown(wanted):
            return True
        if wanted is None or declared is None:
            return wanted is not declared
        if key == "policy_packs":
            return model.packs_differ(live, wanted)
        return set(live) != set(wanted)

    # create / read / update / delete ---------------------------------------------------------
    def create(self, api: PulumiCloudClient, news: Props) -> Created:
        org, name = news["organization"], news["name"]
        existing = http.get_group(api, org, name) if news.get("adopt") else None
        messages: list[str] = []
        if existing is not None:
            self._check_adoptable(org, name, existing, news)
            messages.append(f"adopted existing policy group '{org}/{name}'")
        else:
            try:
                http.create_group(api, org, name, news["entity_type"], news["mode"])
            except http.GroupExists:
                raise RuntimeError(
                    f"policy group '{name}' already exists in organization '{org}'; set "
                    "adopt=True to take it over instead of creating it"
                ) from None
        try:
            live = self._converge(api, org, name, news, existing)
        except Exception:
            if existing is None:  # do not leave a half-made group that the next up cannot create
                http.delete_group(api, org, name)
            raise
        return Created(
            f"{org}/{name}", self._outs(news, live, adopted=existing is not None), messages
        )

    @staticmethod
    def _check_adoptable(org: str, name: str, wire: dict[str, Any], news: Props) -> None:
        live = model.live_view(wire)
        for key in ("entity_type", "mode"):
            if live[key] != news[key]:
                raise RuntimeError(
                    f"cannot adopt policy group '{org}/{name}': it has {key} "
                    f"'{live[key]}' and the program declares '{news[key]}' ({key} cannot change "
                    "in place)"
                )

    def read(self, api: PulumiCloudClient, id: str, olds: Props) -> Props | None:
        org, name = addressed(id, olds)
        wire = http.get_group(api, org, name)
        if wire is None:
            return None
        live = model.live_view(wire)
        declared = dict(olds) or {
            "name": live["name"],
            "entity_type": live["entity_type"],
            "mode": live["mode"],
            "organization": org,
            "adopt": False,
        }
        return self._outs(declared, live, adopted=bool(olds.get("adopted")))

    def update(self, api: PulumiCloudClient, id: str, olds: Props, news: Props) -> Props:
        org, name = addressed(id, olds)
        wire = http.get_group(api, org, name)
        if wire is None and news["name"] != name:  # an earlier update renamed it, then failed
            name, wire = news["name"], http.get_group(api, org, news["name"])
        if wire is None:
            raise RuntimeError(f"policy group '{org}/{name}' is gone; run `pulumi refresh`")
        live = self._converge(api, org, name, news, wire)
        return self._outs(news, live, adopted=bool(olds.get("adopted")))

    def delete(self, api: PulumiCloudClient, id: str, olds: Props) -> None:
        org, name = addressed(id, olds)
        if (olds.get("live") or {}).get("is_org_default") or name == model.DEFAULT_GROUP:
            print(
                f"policy group '{org}/{name}' is the org default group: it is left in place "
                "with its stacks and packs (it can be adopted, never deleted)",
                file=sys.stderr,
            )
            return
        http.delete_group(api, org, name)

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
        live = model.live_view(wire if wire is not None else http.require_group(api, org, name))
        packs = news.get("policy_packs")
        wanted = model.packs_to_resolve(live, packs)
        versions = http.resolve_pack_versions(api, org, wanted) if wanted else {}
        for batch in model.plan_membership(
            live, news.get("stacks"), packs, news.get("insights_accounts"), versions
        ):
            http.batch_update(api, org, name, batch)
        if news["name"] != name:
            http.update_group(api, org, name, {"newName": news["name"]})
            name = news["name"]
        return model.live_view(http.require_group(api, org, name))

    @staticmethod
    def _outs(declared: Props, live: dict[str, Any], adopted: bool) -> Props:
        outs = {
            key: declared.get(key)
            for key in ("name", "entity_type", "mode", "organization", "adopt", *MEMBERSHIP)
        }
        return {**outs, "live": live, "adopted": adopted}
