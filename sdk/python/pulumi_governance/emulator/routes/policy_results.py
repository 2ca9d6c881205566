"""Policy violations: GET .../policyresults/violationsv2 (OpenAPI) and .../violations (prose).

Violations are seeded through POST /_emulator/violations; the emulator runs no policies itself.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ..deps import OrgDep, SettingsDep, StoreDep
from ..errors import BadRequest

router = APIRouter()

_V2_FIELDS = [
    "id",
    "accountName",
    "kind",
    "level",
    "message",
    "observedAt",
    "policyName",
    "policyPack",
    "policyPackTag",
    "projectName",
    "resourceName",
    "resourceType",
    "resourceURN",
    "resourceVersion",
    "stackName",
    "stackVersion",
]
_PROSE_FIELDS = [
    "level",
    "message",
    "observedAt",
    "policyName",
    "policyPack",
    "policyPackTag",
    "projectName",
    "resourceName",
    "resourceType",
    "resourceURN",
    "stackName",
]


def _page(
    store: StoreDep, org: str, page_size: int, token: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    if token is not None and not (token.isdigit() and len(token) == 12):
        raise BadRequest("invalid continuationToken")
    with store.tx() as tx:
        rows = [(k, v) for _, k, v in tx.list("violation", org) if token is None or k > token]
    page = rows[:page_size]
    return [v for _, v in page], (page[-1][0] if len(rows) > page_size else None)


@router.get("/api/orgs/{orgName}/policyresults/violationsv2")
def violations_v2(
    ctx: OrgDep, store: StoreDep, settings: SettingsDep, continuationToken: str | None = None
) -> dict[str, Any]:
    items, nxt = _page(store, ctx.org, settings.page_size, continuationToken)
    out: dict[str, Any] = {
        "policyViolations": [{k: v[k] for k in _V2_FIELDS if k in v} for v in items]
    }
    if nxt is not None:
        out["continuationToken"] = nxt
    return out


@router.get("/api/orgs/{orgName}/policyresults/violations")
def violations(
    ctx: OrgDep, store: StoreDep, settings: SettingsDep, continuationToken: str | None = None
) -> dict[str, Any]:
    items, nxt = _page(store, ctx.org, settings.page_size, continuationToken)
    return {
        "continuationToken": nxt or "",
        "policyViolations": [
            {
                **{k: v[k] for k in _PROSE_FIELDS if k in v},
                "updateVersion": v.get("stackVersion", 0),
            }
            for v in items
        ],
    }
