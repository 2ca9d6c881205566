"""Membership planning: the operations (`MemberChange`, snake_case; `api/policy.py` turns them
into the wire's UpdatePolicyGroupRequest) that bring a group's live view to the declared stacks,
packs and Insights accounts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .policy_group_view import desired_pack, pack_matches

if TYPE_CHECKING:
    from pulumi_governance.api.policy import MemberChange

PackVersions = Mapping[tuple[str, str], tuple[int, str]]  # (name, tag) -> (version, display name)


def pack_remove_op(live: Mapping[str, Any]) -> MemberChange:
    return {
        "remove_policy_pack": {
            "name": live["name"],
            "display_name": live.get("display_name", ""),
            "version": live["version"],
            "version_tag": live["version_tag"],
        }
    }


def pack_add_op(desired: Mapping[str, Any], version: int, display_name: str = "") -> MemberChange:
    want = desired_pack(desired)
    return {
        "add_policy_pack": {
            "name": want["name"],
            "display_name": display_name,
            "version": version,
            "version_tag": want["version_tag"],
            "config": want["config"],
        }
    }


def plan_membership(
    live: Mapping[str, Any],
    stacks: Sequence[str] | None,
    packs: Sequence[Mapping[str, Any]] | None,
    accounts: Sequence[str] | None,
    versions: PackVersions,
) -> list[list[MemberChange]]:
    """The batches that bring `live` to the desired lists (None: that list is not managed).

    At most two batches, whatever the group's size: first every remove, then every add. The batch
    endpoint applies all adds before all removes, so a pack that is removed and added again (a new
    version or config) must not be removed in the same batch that adds it.
    """
    removes: list[MemberChange] = []
    adds: list[MemberChange] = []
    if stacks is not None:
        have, want = set(live["stacks"]), set(stacks)
        removes += [{"remove_stack": s} for s in sorted(have - want)]
        adds += [{"add_stack": s} for s in sorted(want - have)]
    if packs is not None:
        by_name = {p["name"]: p for p in live["policy_packs"]}
        wanted = {p["name"] for p in packs}
        removes += [pack_remove_op(p) for n, p in sorted(by_name.items()) if n not in wanted]
        for pack in sorted(packs, key=lambda p: p["name"]):
            current = by_name.get(pack["name"])
            if current is not None and pack_matches(current, pack):
                continue
            if current is not None:
                removes.append(pack_remove_op(current))
            version, display = versions[(pack["name"], pack["version_tag"])]
            adds.append(pack_add_op(pack, version, display))
    if accounts is not None:
        have, want = set(live["insights_accounts"]), set(accounts)
        removes += [{"remove_insights_account": a} for a in sorted(have - want)]
        adds += [{"add_insights_account": a} for a in sorted(want - have)]
    return [batch for batch in (removes, adds) if batch]


def packs_to_resolve(
    live: Mapping[str, Any], packs: Sequence[Mapping[str, Any]] | None
) -> list[tuple[str, str]]:
    """(name, version tag) of each desired pack that will be added, so needs its version number."""
    if packs is None:
        return []
    by_name = {p["name"]: p for p in live["policy_packs"]}
    return [
        (p["name"], p["version_tag"])
        for p in packs
        if p["name"] not in by_name or not pack_matches(by_name[p["name"]], p)
    ]
