"""What the service holds in a policy group, as snake_case values: the live view that PolicyGroup
and PolicyGroupPack keep in their outputs and compare the program with.

`live_view` is the group document in the shape the user writes, sorted, with each pack's config
normalized (a bare enforcement level becomes {"enforcementLevel": level}).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def normalize_config(config: Mapping[str, Any] | None) -> dict[str, Any]:
    """A bare enforcement level becomes {"enforcementLevel": level}; the wire and live form."""
    out: dict[str, Any] = {}
    for policy, value in (config or {}).items():
        out[policy] = {"enforcementLevel": value} if isinstance(value, str) else dict(value)
    return out


def desired_pack(pack: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": pack["name"],
        "version_tag": pack["version_tag"],
        "config": normalize_config(pack.get("config")),
    }


def live_pack(wire: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": wire["name"],
        "version": wire.get("version", 0),
        "version_tag": wire.get("versionTag", ""),
        "display_name": wire.get("displayName", ""),
        "config": normalize_config(wire.get("config")),
    }


def stack_ref(wire: Mapping[str, Any]) -> str:
    return f"{wire['routingProject']}/{wire['name']}"


def live_view(wire: Mapping[str, Any]) -> dict[str, Any]:
    """The service's PolicyGroup document as snake_case values, sorted for stable diffs."""
    return {
        "name": wire["name"],
        "entity_type": wire.get("entityType", "stacks"),
        "mode": wire.get("mode", "preventative"),
        "is_org_default": bool(wire.get("isOrgDefault", False)),
        "stacks": sorted(stack_ref(s) for s in wire.get("stacks") or []),
        "policy_packs": sorted(
            (live_pack(p) for p in wire.get("appliedPolicyPacks") or []), key=lambda p: p["name"]
        ),
        "insights_accounts": sorted(wire.get("accounts") or []),
    }


def pack_matches(live: Mapping[str, Any], desired: Mapping[str, Any]) -> bool:
    """True when the live pack already is the desired one (same version tag and config)."""
    want = desired_pack(desired)
    return live["version_tag"] == want["version_tag"] and live["config"] == want["config"]


def packs_differ(live: Sequence[Mapping[str, Any]], desired: Sequence[Mapping[str, Any]]) -> bool:
    by_name = {p["name"]: p for p in live}
    if set(by_name) != {p["name"] for p in desired}:
        return True
    return not all(pack_matches(by_name[p["name"]], p) for p in desired)
