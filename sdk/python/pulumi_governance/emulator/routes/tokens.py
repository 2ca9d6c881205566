"""Organization access tokens: list, create (the value is returned once), delete.

Rules from the API documents: a name is 1-40 characters and unique in the org forever (deleted
tokens keep their names; a reuse is 409); ``expires`` is unix seconds, 0 = never, otherwise in
the future and at most two years ahead (400). A created token authenticates ``/api`` requests
for its org until it is deleted or expires (the store keeps only its SHA-256). Managing tokens
needs an admin: a CLI admin token or an org token created with ``admin: true`` (403 otherwise).
``lastUsed`` stays 0: the emulator does not record token use.
"""

from __future__ import annotations

import secrets
import time
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response

from ..deps import OrgContext, OrgDep, SettingsDep, StoreDep
from ..errors import BadRequest, Conflict, Forbidden, NotFound
from ._shared import integer, page, text

router = APIRouter()

KIND = "orgtoken"
NAME_MAX = 40
TWO_YEARS_S = 2 * 366 * 24 * 3600  # "up to two years from present", a leap day allowed
ADMIN_KINDS = frozenset({"admin", "org-admin"})
FILTERS = ("active", "expired", "all")
MAX_RESULTS = 1000


def _require_admin(ctx: OrgContext) -> None:
    if ctx.principal.kind not in ADMIN_KINDS:
        raise Forbidden("Forbidden: managing organization tokens requires an admin")


def _expires(body: dict[str, Any], now: int) -> int:
    expires = integer(body, "expires", default=0)
    assert expires is not None
    if expires == 0:
        return 0
    if expires <= now:
        raise BadRequest("expires must be in the future (or 0 for no expiry)")
    if expires > now + TWO_YEARS_S:
        raise BadRequest("expires must be at most two years from now")
    return expires


def _public(doc: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "name", "description", "expires", "lastUsed", "created", "createdBy", "admin")
    return {**{k: doc[k] for k in keys}, "type": "organization"}


def _expired(doc: dict[str, Any], now: float) -> bool:
    return bool(doc["expires"]) and doc["expires"] <= now


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
    _require_admin(ctx)
    wanted = filter or ("all" if (show_expired or "").lower() in ("true", "1") else "active")
    if wanted not in FILTERS:
        raise BadRequest(f"filter must be one of {', '.join(FILTERS)}")
    if maxResults is not None and not 1 <= maxResults <= MAX_RESULTS:
        raise BadRequest(f"maxResults must be between 1 and {MAX_RESULTS}")
    now = time.time()
    with store.tx() as tx:
        docs = [d for _, _, d in tx.list(KIND, ctx.org) if not d.get("deleted")]
    docs.sort(key=lambda d: (d["createdAt"], d["id"]))
    if wanted != "all":
        docs = [d for d in docs if _expired(d, now) == (wanted == "expired")]
    items, token = page(docs, continuationToken, maxResults or settings.page_size)
    out: dict[str, Any] = {"tokens": [_public(d) for d in items]}
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
    _require_admin(ctx)
    name = text(body, "name", required=True)
    if len(name) > NAME_MAX:
        raise BadRequest(f"name must be at most {NAME_MAX} characters")
    description = text(body, "description")
    admin = body.get("admin", False)
    if not isinstance(admin, bool):
        raise BadRequest("admin must be a boolean")
    role_id = text(body, "roleID")
    now = time.time()
    expires = _expires(body, int(now))
    token_id, value = str(uuid.uuid4()), "pul-" + secrets.token_hex(20)
    with store.tx() as tx:
        if tx.get(KIND + "-name", ctx.org, name) is not None:
            raise Conflict(f"an access token named {name!r} already exists (or existed)")
        doc = {
            "id": token_id,
            "name": name,
            "description": description,
            "expires": expires,
            "lastUsed": 0,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
            "createdAt": now,
            "createdBy": ctx.principal.token_id,
            "admin": admin,
            "roleID": role_id,
            "reason": reason or "",
        }
        tx.put(KIND, ctx.org, token_id, doc)
        tx.put(KIND + "-name", ctx.org, name, {"id": token_id})
        kind = "org-admin" if admin else "org"
        tx.register_token(ctx.org, value, token_id, kind=kind, expires_at=expires or None)
    return {"id": token_id, "tokenValue": value}


@router.delete("/api/orgs/{orgName}/tokens/{tokenId}", status_code=204, response_class=Response)
def delete_token(ctx: OrgDep, store: StoreDep, tokenId: str) -> None:
    _require_admin(ctx)
    with store.tx() as tx:
        doc = tx.get(KIND, ctx.org, tokenId)
        if doc is None or doc.get("deleted"):
            raise NotFound(f"access token {tokenId!r} not found")
        doc["deleted"] = time.time()
        tx.put(KIND, ctx.org, tokenId, doc)
        tx.revoke_token(tokenId)
