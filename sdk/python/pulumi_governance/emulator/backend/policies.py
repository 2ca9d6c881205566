"""Policy enforcement on updates: the required policies of a stack, and the policy events reported.

Required policies: every stack policy group whose stacks include the stack (the org's default
group too) contributes its applied packs, with the group's per-pack config. The CLI downloads each
pack from ``packLocation`` (served by the emulator, no auth, like a pre-signed URL), installs it and
runs it as an analyzer with that config. The config sent names every policy of the pack with its
effective level (group config for the policy, else its ``all``, else the pack's own level) and
settings. A pack applied by several of the stack's groups runs once: the version of the leading
group (preventative before audit, a named group before the default one), and per policy the
strictest level among the groups applying that version (mandatory > remediate > advisory >
disabled), so "advisory everywhere, mandatory in production" means mandatory for production stacks.

Audit mode: the API documents say an audit group's violations "are logged but allowed". The
emulator therefore hands an audit group's packs to the CLI with every policy whose effective level
is ``mandatory`` or ``remediate`` turned into ``advisory``: the policies run and their violations
are reported and recorded (with kind ``audit``), but nothing is blocked or changed.

Policy events: the ``policyEvent``s the CLI reports (previews included) become violations of the
org (``GET .../policyresults/violationsv2``): one record per distinct (stack, pack, version tag,
policy, resource, level, message), whose ``observedAt``, ``stackVersion`` and update are those of
the latest observation (``pulumi up`` reports the same violation from its preview and its update:
one record). It is a record of what was observed: a later clean run does not erase it.
Remediation events stay in the update's engine events.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
from typing import Any

from ..lookups import PACK_VERSION, POLICY_GROUP, pack_location, version_key
from ..store import Tx

VIOLATION = "violation"  # the policy_results area's documents (what its endpoints serve)
_COLOR_TAG = re.compile(r"<\{%[^%]*%\}>")
_DOWNGRADED = ("mandatory", "remediate")
_IDENTITY = (
    "projectName",
    "stackName",
    "policyPack",
    "policyPackTag",
    "policyName",
    "resourceURN",
    "level",
    "message",
)
_RANK = {"disabled": 0, "advisory": 1, "remediate": 2, "mandatory": 3}


def _level(config: dict[str, Any], key: str) -> str | None:
    value = config.get(key)
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        level = value.get("enforcementLevel")
        return level if isinstance(level, str) else None
    return None


def effective_config(
    policies: list[dict[str, Any]], config: dict[str, Any], audit: bool
) -> dict[str, dict[str, Any]]:
    """Each policy's level and settings under one group's config (``all`` included).

    In an audit group, a ``mandatory`` or ``remediate`` policy becomes ``advisory``.
    """
    out: dict[str, dict[str, Any]] = {}
    for policy in policies:
        name = policy["name"]
        level = _level(config, name) or _level(config, "all") or policy.get("enforcementLevel")
        if audit and level in _DOWNGRADED:
            level = "advisory"
        current = config.get(name)
        settings = (
            {k: v for k, v in current.items() if k != "enforcementLevel"}
            if isinstance(current, dict)
            else {}
        )
        out[name] = {"enforcementLevel": level or "advisory", **settings}
    return out


def _precedence(group: dict[str, Any]) -> tuple[bool, bool]:
    return (group["mode"] == "preventative", not group.get("isOrgDefault", False))


def required_policies(
    tx: Tx, org: str, project: str, stack: str, base_url: str
) -> list[dict[str, Any]]:
    """The ``requiredPolicies`` of an update reply; each entry also carries ``mode`` (ours)."""
    applied_by: dict[str, list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]] = {}
    # Membership is the store's index of members, not a list in the group's document.
    for name in tx.groups_of(org, project, stack):
        group = tx.get(POLICY_GROUP, org, name)
        if group is None or group.get("entityType", "stacks") != "stacks":
            continue
        for applied in group["appliedPolicyPacks"]:
            doc = tx.get(PACK_VERSION, org, version_key(applied["name"], applied["version"]))
            if doc is not None and doc.get("status") == "complete":
                applied_by.setdefault(doc["name"], []).append((group, applied, doc))
    out = []
    for name, entries in applied_by.items():
        entries.sort(key=lambda e: _precedence(e[0]), reverse=True)
        doc = entries[0][2]
        merged: dict[str, tuple[tuple[int, bool, bool], dict[str, Any]]] = {}
        for group, applied, other in entries:
            if other["version"] != doc["version"]:
                continue  # another version of the pack: the leading group's version runs
            configs = effective_config(
                doc["policies"], applied.get("config") or {}, group["mode"] == "audit"
            )
            for policy, config in configs.items():
                rank = (_RANK.get(config["enforcementLevel"], 0), *_precedence(group))
                if policy not in merged or rank > merged[policy][0]:
                    merged[policy] = (rank, config)
        out.append(
            {
                "name": name,
                "displayName": doc.get("displayName") or name,
                "version": doc["version"],
                "versionTag": doc["versionTag"],
                "packLocation": pack_location(base_url, doc),
                "config": {policy: config for policy, (_, config) in merged.items()},
                "mode": "preventative" if _precedence(entries[0][0])[0] else "audit",
            }
        )
    return out


def wire(required: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "mode"} for r in required]


def _urn_parts(urn: str) -> tuple[str, str]:
    """(type, name) of a resource URN ``urn:pulumi:stack::project::type$type::name``."""
    parts = urn.split("::")
    if len(parts) < 4:
        return "", ""
    return parts[2].rsplit("$", 1)[-1], parts[3]


def record_policy_events(tx: Tx, update: dict[str, Any], events: list[dict[str, Any]]) -> int:
    """Turn the update's policy events into violations of its org; returns how many."""
    modes = {r["name"]: r.get("mode", "preventative") for r in update["requiredPolicies"]}
    count = 0
    for event in events:
        policy = event.get("policyEvent") if isinstance(event, dict) else None
        if not isinstance(policy, dict):
            continue
        urn = str(policy.get("resourceUrn") or "")
        resource_type, resource_name = _urn_parts(urn)
        pack = str(policy.get("policyPackName") or "")
        violation = {
            "id": str(uuid.uuid4()),
            "kind": modes.get(pack, "preventative"),
            "level": policy.get("enforcementLevel") or "advisory",
            "message": _COLOR_TAG.sub("", str(policy.get("message") or "")).strip(),
            "observedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "policyName": policy.get("policyName") or "",
            "policyPack": pack,
            "policyPackTag": policy.get("policyPackVersionTag") or "",
            "projectName": update["project"],
            "stackName": update["stack"],
            "resourceURN": urn,
            "resourceName": resource_name,
            "resourceType": resource_type,
            "stackVersion": update["version"] or 0,
            "updateKind": update["kind"],
            "updateID": update["id"],
        }
        org = update["org"]
        fingerprint = hashlib.sha256(
            json.dumps(
                [violation[k] for k in _IDENTITY], sort_keys=True, separators=(",", ":")
            ).encode()
        ).hexdigest()
        seen = tx.get("violationkey", org, fingerprint)
        if seen is None:
            key = f"{tx.next_counter(f'violation:{org}'):012d}"
            tx.put("violationkey", org, fingerprint, {"key": key})
        else:
            key = seen["key"]
            earlier = tx.get(VIOLATION, org, key)
            if earlier is not None:
                violation["id"] = earlier["id"]
        tx.put(VIOLATION, org, key, violation)
        count += 1
    return count
