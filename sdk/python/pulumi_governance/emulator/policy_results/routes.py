"""Policy violations: GET .../policyresults/violationsv2 (OpenAPI), .../violations (prose), and
POST /_emulator/violations to seed them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body

from ..deps import AdminDep, OrgDep, SettingsDep, StoreDep
from ..routing import Router
from . import models

router = Router()


@router.get("/api/orgs/{orgName}/policyresults/violationsv2")
def violations_v2(
    ctx: OrgDep, store: StoreDep, settings: SettingsDep, continuationToken: str | None = None
) -> dict[str, Any]:
    with store.tx() as tx:
        items, nxt = models.page(tx, ctx.org, settings.page_size, continuationToken)
    out: dict[str, Any] = {"policyViolations": [models.v2(v) for v in items]}
    if nxt is not None:
        out["continuationToken"] = nxt
    return out


@router.get("/api/orgs/{orgName}/policyresults/violations")
def violations(
    ctx: OrgDep, store: StoreDep, settings: SettingsDep, continuationToken: str | None = None
) -> dict[str, Any]:
    with store.tx() as tx:
        items, nxt = models.page(tx, ctx.org, settings.page_size, continuationToken)
    return {"continuationToken": nxt or "", "policyViolations": [models.prose(v) for v in items]}


@router.post("/_emulator/violations")
def seed_violations(
    store: StoreDep, _: AdminDep, body: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    """Seed policy violations: ``{"org": ..., "violations": [{...PolicyViolationV2 fields}]}``."""
    with store.tx() as tx:
        return {"ids": models.seed(tx, body.get("org"), body.get("violations"))}
