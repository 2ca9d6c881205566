"""Organization access tokens.

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
from typing import Any

from ..errors import BadRequest, Conflict, Forbidden, NotFound
from ..lookups import ORG_TOKEN as KIND
from ..store import Principal, Tx
from ..wire import integer, text

NAME_MAX = 40
TWO_YEARS_S = 2 * 366 * 24 * 3600  # "up to two years from present", a leap day allowed
ADMIN_KINDS = frozenset({"admin", "org-admin"})
FILTERS = ("active", "expired", "all")
MAX_RESULTS = 1000


def require_admin(principal: Principal) -> None:
    if principal.kind not in ADMIN_KINDS:
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


def public(doc: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "name", "description", "expires", "lastUsed", "created", "createdBy", "admin")
    return {**{k: doc[k] for k in keys}, "type": "organization"}


def _expired(doc: dict[str, Any], now: float) -> bool:
    return bool(doc["expires"]) and doc["expires"] <= now


def check_listing(wanted: str, max_results: int | None) -> None:
    if wanted not in FILTERS:
        raise BadRequest(f"filter must be one of {', '.join(FILTERS)}")
    if max_results is not None and not 1 <= max_results <= MAX_RESULTS:
        raise BadRequest(f"maxResults must be between 1 and {MAX_RESULTS}")


def listed(tx: Tx, org: str, wanted: str) -> list[dict[str, Any]]:
    """The org's tokens that ``wanted`` (active / expired / all) selects, oldest first."""
    now = time.time()
    docs = [d for _, _, d in tx.list(KIND, org) if not d.get("deleted")]
    docs.sort(key=lambda d: (d["createdAt"], d["id"]))
    if wanted != "all":
        docs = [d for d in docs if _expired(d, now) == (wanted == "expired")]
    return docs


def check_new(body: dict[str, Any]) -> dict[str, Any]:
    """The fields of a create request, checked before anything is stored."""
    name = text(body, "name", required=True)
    if len(name) > NAME_MAX:
        raise BadRequest(f"name must be at most {NAME_MAX} characters")
    admin = body.get("admin")
    if admin is None:
        admin = False
    if not isinstance(admin, bool):
        raise BadRequest("admin must be a boolean")
    return {
        "name": name,
        "description": text(body, "description"),
        "admin": admin,
        "roleID": text(body, "roleID"),
        "expires": _expires(body, int(time.time())),
    }


def create(
    tx: Tx, org: str, fields: dict[str, Any], created_by: str, reason: str
) -> tuple[str, str]:
    """Store a token from ``check_new``'s fields; returns (id, value)."""
    token_id, value = str(uuid.uuid4()), "pul-" + secrets.token_hex(20)
    name = fields["name"]
    if tx.get(KIND + "-name", org, name) is not None:
        raise Conflict(f"an access token named {name!r} already exists (or existed)")
    now = time.time()
    doc = {
        "id": token_id,
        **fields,
        "lastUsed": 0,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
        "createdAt": now,
        "createdBy": created_by,
        "reason": reason,
    }
    tx.put(KIND, org, token_id, doc)
    tx.put(KIND + "-name", org, name, {"id": token_id})
    kind = "org-admin" if fields["admin"] else "org"
    tx.register_token(org, value, token_id, kind=kind, expires_at=fields["expires"] or None)
    return token_id, value


def delete(tx: Tx, org: str, token_id: str) -> None:
    doc = tx.get(KIND, org, token_id)
    if doc is None or doc.get("deleted"):
        raise NotFound(f"access token {token_id!r} not found")
    doc["deleted"] = time.time()
    tx.put(KIND, org, token_id, doc)
    tx.revoke_token(token_id)
