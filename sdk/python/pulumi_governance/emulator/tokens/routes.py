"""Organization access tokens: list, create (the value is returned once), delete."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body, Query, Response

from ..deps import OrgDep, SettingsDep, StoreDep
from ..routing import Router
from ..wire import page
from . import models

router = Router()


@router.get("/api/orgs/{orgName}/tokens")
def list_tokens(
    ctx: OrgDep,
    store: StoreDep,
    settings: SettingsDep,
    filter: Annotated[str | None, Query()] = None,
    show_expired: Annotated[str | None, Query()] = None,
    continuationToken: Annotated[str | None, Query()] = None,
    maxResults: Annotated[int | None, Query()] = None,
) -> dict[str, Any]:
    models.require_admin(ctx.principal)
    wanted = filter or ("all" if (show_expired or "").lower() in ("true", "1") else "active")
    models.check_listing(wanted, maxResults)
    with store.tx() as tx:
        docs = models.listed(tx, ctx.org, wanted)
    items, token = page(docs, continuationToken, maxResults or settings.page_size)
    out: dict[str, Any] = {"tokens": [models.public(d) for d in items]}
    if token:
        out["continuationToken"] = token
    return out


@router.post("/api/orgs/{orgName}/tokens")
def create_token(
    ctx: OrgDep,
    store: StoreDep,
    body: Annotated[dict[str, Any], Body()],
    reason: Annotated[str | None, Query()] = None,
) -> dict[str, Any]:
    models.require_admin(ctx.principal)
    fields = models.check_new(body)
    with store.tx() as tx:
        token_id, value = models.create(tx, ctx.org, fields, ctx.principal.token_id, reason or "")
    return {"id": token_id, "tokenValue": value}


@router.delete("/api/orgs/{orgName}/tokens/{tokenId}", status_code=204, response_class=Response)
def delete_token(ctx: OrgDep, store: StoreDep, tokenId: str) -> None:
    models.require_admin(ctx.principal)
    with store.tx() as tx:
        models.delete(tx, ctx.org, tokenId)
