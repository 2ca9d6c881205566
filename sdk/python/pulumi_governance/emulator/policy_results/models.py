"""Policy violations: stored in the order they were seeded; the emulator runs no policies itself."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

from ..errors import BadRequest, NotFound
from ..store import Tx

VIOLATION = "violation"

V2_FIELDS = [
    "id", "accountName", "kind", "level", "message", "observedAt", "policyName", "policyPack",
    "policyPackTag", "projectName", "resourceName", "resourceType", "resourceURN",
    "resourceVersion", "stackName", "stackVersion",
]  # fmt: skip
PROSE_FIELDS = [
    "level", "message", "observedAt", "policyName", "policyPack", "policyPackTag", "projectName",
    "resourceName", "resourceType", "resourceURN", "stackName",
]  # fmt: skip
SEED_DEFAULTS: dict[str, Any] = {
    "kind": "preventative",
    "level": "mandatory",
    "message": "",
    "policyName": "policy",
    "policyPack": "pack",
    "policyPackTag": "1.0.0",
    "projectName": "project",
    "stackName": "dev",
    "resourceName": "resource",
    "resourceType": "test:index:Resource",
}


def page(
    tx: Tx, org: str, page_size: int, token: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    if token is not None and not (token.isdigit() and len(token) == 12):
        raise BadRequest("invalid continuationToken")
    rows = [(k, v) for _, k, v in tx.list(VIOLATION, org) if token is None or k > token]
    chosen = rows[:page_size]
    return [v for _, v in chosen], (chosen[-1][0] if len(rows) > page_size else None)


def v2(violation: dict[str, Any]) -> dict[str, Any]:
    return {k: violation[k] for k in V2_FIELDS if k in violation}


def prose(violation: dict[str, Any]) -> dict[str, Any]:
    return {
        **{k: violation[k] for k in PROSE_FIELDS if k in violation},
        "updateVersion": violation.get("stackVersion", 0),
    }


def seed(tx: Tx, org: Any, items: Any) -> list[str]:
    """Store ``PolicyViolationV2``-shaped items; missing fields get ``SEED_DEFAULTS``."""
    if not isinstance(org, str) or not isinstance(items, list):
        raise BadRequest("expected {'org': str, 'violations': [...]}")
    if not tx.org_exists(org):
        raise NotFound(f"Organization '{org}' not found")
    ids = []
    for item in items:
        if not isinstance(item, dict):
            raise BadRequest("each violation must be an object")
        v = {**SEED_DEFAULTS, **item}
        v.setdefault("id", str(uuid.uuid4()))
        v.setdefault(
            "observedAt", datetime.fromtimestamp(time.time(), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        )
        v.setdefault(
            "resourceURN",
            f"urn:pulumi:{v['stackName']}::{v['projectName']}::{v['resourceType']}::"
            f"{v['resourceName']}",
        )
        seq = tx.next_counter(f"{VIOLATION}:{org}")
        tx.put(VIOLATION, org, f"{seq:012d}", v)
        ids.append(v["id"])
    return ids
