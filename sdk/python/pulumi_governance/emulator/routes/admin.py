"""Emulator-only endpoints under /_emulator (never under /api, so faults never hit them)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request

from ..deps import AdminDep, StoreDep
from ..errors import BadRequest, NotFound
from ..faults import Faults

router = APIRouter(prefix="/_emulator")


def _faults(request: Request) -> Faults:
    faults: Faults = request.app.state.faults
    return faults


@router.get("/faults")
def get_faults(request: Request, _: AdminDep) -> dict[str, Any]:
    return _faults(request).snapshot()


@router.put("/faults")
def put_faults(
    request: Request, _: AdminDep, changes: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    changes.pop("injected", None)
    try:
        _faults(request).update(changes)
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc
    return _faults(request).snapshot()


@router.get("/state")
def get_state(store: StoreDep, _: AdminDep) -> dict[str, Any]:
    with store.tx() as tx:
        return tx.dump()


@router.post("/reset", status_code=204)
def reset(store: StoreDep, _: AdminDep) -> None:
    with store.tx() as tx:
        tx.reset()


@router.post("/orgs", status_code=204)
def create_org(store: StoreDep, _: AdminDep, body: Annotated[dict[str, str], Body()]) -> None:
    """Create an org ``{"name": ..., "token": ...}``; the token becomes an admin of it."""
    name, token = body.get("name"), body.get("token")
    if not name or not token:
        raise BadRequest("name and token are required")
    with store.tx() as tx:
        tx.ensure_org(name)
        tx.register_token(name, token, token_id=f"admin:{name}", kind="admin")


_VIOLATION_DEFAULTS: dict[str, Any] = {
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


@router.post("/violations")
def seed_violations(
    store: StoreDep, _: AdminDep, body: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    """Seed policy violations: ``{"org": ..., "violations": [{...PolicyViolationV2 fields}]}``."""
    org = body.get("org")
    items = body.get("violations")
    if not isinstance(org, str) or not isinstance(items, list):
        raise BadRequest("expected {'org': str, 'violations': [...]}")
    ids = []
    with store.tx() as tx:
        if not tx.org_exists(org):
            raise NotFound(f"Organization '{org}' not found")
        for item in items:
            if not isinstance(item, dict):
                raise BadRequest("each violation must be an object")
            v = {**_VIOLATION_DEFAULTS, **item}
            v.setdefault("id", str(uuid.uuid4()))
            v.setdefault(
                "observedAt",
                datetime.fromtimestamp(time.time(), UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            )
            v.setdefault(
                "resourceURN",
                f"urn:pulumi:{v['stackName']}::{v['projectName']}::{v['resourceType']}::"
                f"{v['resourceName']}",
            )
            seq = tx.next_counter(f"violation:{org}")
            tx.put("violation", org, f"{seq:012d}", v)
            ids.append(v["id"])
    return {"ids": ids}
