"""Policy group values on plain Python data: validation, the live view, and membership planning.

Shared by PolicyGroup and the attachment kinds. Nothing here does I/O.

Snake_case props as the user writes them:
- stacks: ["project/stack", ...]
- policy_packs: [{"name": ..., "version_tag": ..., "config": {policy: level | {...}}}, ...]
- insights_accounts: ["account-name", ...]

The live view (`live_view`) is what the service holds, in the same shape, sorted, with each pack's
config normalized (a bare enforcement level becomes {"enforcementLevel": level}).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ._logic import Failure, is_unknown

ENTITY_TYPES = ("stacks", "accounts")
MODES = ("audit", "preventative")
ENFORCEMENT_LEVELS = ("advisory", "mandatory", "remediate", "disabled")
DEFAULT_GROUP = "default-policy-group"

NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
VERSION_TAG_RE = re.compile(r"^[a-zA-Z0-9-_.]{1,100}$")
STACK_REF_RE = re.compile(r"^([A-Za-z0-9_.-]{1,100})/([A-Za-z0-9_.-]{1,100})$")

Op = dict[str, Any]  # one UpdatePolicyGroupRequest (wire format)


# validation -------------------------------------------------------------------------------------
def check_choice(prop: str, value: object, choices: Sequence[str]) -> list[Failure]:
    if is_unknown(value) or value in choices:
        return []
    return [Failure(prop, f"{prop} must be one of {', '.join(choices)}; got {value!r}")]


def check_name(prop: str, value: object, what: str) -> list[Failure]:
    if is_unknown(value):
        return []
    if not isinstance(value, str) or not NAME_RE.match(value):
        return [
            Failure(
                prop,
                f"{prop} must be a {what} name of 1-100 letters, digits, '-', '_' or '.'; "
                f"got {value!r}",
            )
        ]
    return []


def check_stack_ref(prop: str, value: object) -> list[Failure]:
    if is_unknown(value):
        return []
    if not isinstance(value, str) or not STACK_REF_RE.match(value):
        return [Failure(prop, f"{prop} must be a stack reference 'project/stack'; got {value!r}")]
    return []


def check_stacks(prop: str, value: object) -> list[Failure]:
    if value is None or (is_unknown(value) and not isinstance(value, list)):
        return []
    if not isinstance(value, list):
        return [Failure(prop, f"{prop} must be a list of 'project/stack' references")]
    failures = [f for i, ref in enumerate(value) for f in check_stack_ref(f"{prop}[{i}]", ref)]
    known = [v for v in value if isinstance(v, str)]
    dupes = sorted({v for v in known if known.count(v) > 1})
    if dupes:
        failures.append(Failure(prop, f"{prop} lists {', '.join(dupes)} more than once"))
    return failures


def check_config(prop: str, config: object) -> list[Failure]:
    if config is None or (is_unknown(config) and not isinstance(config, dict)):
        return []
    if not isinstance(config, dict):
        return [Failure(prop, f"{prop} must map policy names (or 'all') to a config object")]
    failures: list[Failure] = []
    for policy, value in config.items():
        where = f"{prop}.{policy}"
        level = value.get("enforcementLevel") if isinstance(value, dict) else value
        if isinstance(value, dict | str) or is_unknown(value):
            if level is not None and not is_unknown(level) and level not in ENFORCEMENT_LEVELS:
                failures.append(
                    Failure(
                        where,
                        f"{where}: unknown enforcement level {level!r}; expected one of "
                        f"{', '.join(ENFORCEMENT_LEVELS)}",
                    )
                )
        else:
            failures.append(
                Failure(where, f"{where} must be an enforcement level or a config object")
            )
    return failures


def check_pack(prop: str, pack: object) -> list[Failure]:
    if is_unknown(pack) and not isinstance(pack, dict):
        return []
    if not isinstance(pack, dict):
        return [Failure(prop, f"{prop} must be an object with name, version_tag and config")]
    failures = check_name(f"{prop}.name", pack.get("name"), "policy pack")
    tag = pack.get("version_tag")
    if not is_unknown(tag) and (not isinstance(tag, str) or not VERSION_TAG_RE.match(tag)):
        failures.append(
            Failure(
                f"{prop}.version_tag",
                f"{prop}.version_tag must match ^[a-zA-Z0-9-_.]{{1,100}}$; got {tag!r}",
            )
        )
    failures += check_config(f"{prop}.config", pack.get("config"))
    unknown_keys = sorted(set(pack) - {"name", "version_tag", "config"})
    if unknown_keys:
        failures.append(Failure(prop, f"{prop} has unknown keys {', '.join(unknown_keys)}"))
    return failures


def check_packs(prop: str, value: object) -> list[Failure]:
    if value is None or (is_unknown(value) and not isinstance(value, list)):
        return []
    if not isinstance(value, list):
        return [Failure(prop, f"{prop} must be a list of policy packs")]
    failures = [f for i, pack in enumerate(value) for f in check_pack(f"{prop}[{i}]", pack)]
    names = [p["name"] for p in value if isinstance(p, dict) and isinstance(p.get("name"), str)]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        failures.append(Failure(prop, f"{prop} lists pack {', '.join(dupes)} more than once"))
    return failures


def check_accounts(prop: str, value: object) -> list[Failure]:
    if value is None or (is_unknown(value) and not isinstance(value, list)):
        return []
    if not isinstance(value, list) or not all(
        is_unknown(a) or (isinstance(a, str) and a) for a in value
    ):
        return [Failure(prop, f"{prop} must be a list of Insights account names")]
    return []


# normalization and the live view ----------------------------------------------------------------
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


def stack_wire(ref: str) -> dict[str, str]:
    project, stack = ref.split("/", 1)
    return {"name": stack, "routingProject": project}


def live_view(wire: Mapping[str, Any]) -> dict[str, Any]:
    """The service's PolicyGroup document as snake_case props, sorted for stable diffs."""
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


# membership planning ----------------------------------------------------------------------------
def pack_remove_op(live: Mapping[str, Any]) -> Op:
    return {
        "removePolicyPack": {
            "name": live["name"],
            "displayName": live.get("display_name", ""),
            "version": live["version"],
            "versionTag": live["version_tag"],
        }
    }


def pack_add_op(desired: Mapping[str, Any], version: int, display_name: str = "") -> Op:
    want = desired_pack(desired)
    return {
        "addPolicyPack": {
            "name": want["name"],
            "displayName": display_name,
            "version": version,
            "versionTag": want["version_tag"],
            "config": want["config"],
        }
    }


PackVersions = Mapping[tuple[str, str], tuple[int, str]]  # (name, tag) -> (version, display name)


def plan_membership(
    live: Mapping[str, Any],
    stacks: Sequence[str] | None,
    packs: Sequence[Mapping[str, Any]] | None,
    accounts: Sequence[str] | None,
    versions: PackVersions,
) -> list[list[Op]]:
    """The batches that bring `live` to the desired lists (None: that list is not managed).

    At most two batches, whatever the group's size: first every remove, then every add. The batch
    endpoint applies all adds before all removes, so a pack that is removed and added again (a new
    version or config) must not be removed in the same batch that adds it.
    """
    removes: list[Op] = []
    adds: list[Op] = []
    if stacks is not None:
        have, want = set(live["stacks"]), set(stacks)
        removes += [{"removeStack": stack_wire(s)} for s in sorted(have - want)]
        adds += [{"addStack": stack_wire(s)} for s in sorted(want - have)]
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
        removes += [{"removeInsightsAccount": {"name": a}} for a in sorted(have - want)]
        adds += [{"addInsightsAccount": {"name": a}} for a in sorted(want - have)]
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
