"""OIDC issuers and their authorization policies.

The service fetches an issuer's TLS certificate to compute thumbprints; the emulator never makes
outbound connections, so when none are given it derives a stable SHA-256 hex string from the URL.
Every issuer gets one auth policy, created with it and deleted with it.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

from ..errors import BadRequest, Conflict, NotFound
from ..store import Tx

MAX_EXPIRATION = 24 * 3600  # seconds; tokens exchanged through an issuer live at most a day
THUMBPRINT_RE = re.compile(r"^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$")
DECISIONS = ("allow", "deny")
TOKEN_TYPES = {
    "organization": None,
    "team": "teamName",
    "personal": "userLogin",
    "runner": "runnerID",
}


def _now() -> str:
    moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def _computed_thumbprints(url: str) -> list[str]:
    return [hashlib.sha256(urlparse(url).netloc.encode()).hexdigest()]


UPDATABLE = ("name", "thumbprints", "maxExpiration", "jwks")


def _given(body: dict[str, Any]) -> dict[str, Any]:
    """The fields a request sets: ``null`` is left out, and so is ``maxExpiration: 0``, which
    Pulumi's Cloud SDK sends for "not given"."""
    return {
        k: v for k, v in body.items() if v is not None and not (k == "maxExpiration" and v == 0)
    }


def _check_optional(body: dict[str, Any]) -> None:
    if "maxExpiration" in body:
        value = body["maxExpiration"]
        if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_EXPIRATION:
            raise BadRequest(f"maxExpiration must be between 1 and {MAX_EXPIRATION} seconds")
    thumbprints = body.get("thumbprints")
    if thumbprints is not None and (
        not isinstance(thumbprints, list)
        or not all(isinstance(t, str) and THUMBPRINT_RE.match(t) for t in thumbprints)
    ):
        raise BadRequest("thumbprints must be SHA-1 or SHA-256 hex strings")
    jwks = body.get("jwks")
    if jwks is not None and not (isinstance(jwks, dict) and isinstance(jwks.get("keys"), list)):
        raise BadRequest('jwks must be a JSON Web Key Set ({"keys": [...]})')


def _require(tx: Tx, org: str, issuer_id: str) -> dict[str, Any]:
    issuer = tx.get("oidcissuer", org, issuer_id)
    if issuer is None:
        raise NotFound(f"oidc issuer {issuer_id!r} not found")
    return issuer


def _public(issuer: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in issuer.items() if k != "policyId"}


def list_issuers(tx: Tx, org: str) -> dict[str, Any]:
    return {"oidcIssuers": [_public(doc) for _, _, doc in tx.list("oidcissuer", org)]}


def register(tx: Tx, org: str, body: dict[str, Any]) -> dict[str, Any]:
    body = _given(body)
    name, url = body.get("name"), body.get("url")
    if not isinstance(name, str) or not name.strip():
        raise BadRequest("the issuer name is required")
    if not isinstance(url, str) or urlparse(url).scheme != "https" or not urlparse(url).netloc:
        raise BadRequest("url must be an https URL")
    _check_optional(body)
    now = _now()
    issuer: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "name": name,
        "url": url,
        "issuer": url.rstrip("/"),
        "created": now,
        "modified": now,
        "thumbprints": body.get("thumbprints") or _computed_thumbprints(url),
        "policyId": str(uuid.uuid4()),
    }
    for field in ("maxExpiration", "jwks"):
        if body.get(field) is not None:
            issuer[field] = body[field]
    for _, _, other in tx.list("oidcissuer", org):
        if other["url"].rstrip("/") == url.rstrip("/"):
            raise Conflict(f"an issuer with url {url!r} is already registered")
    tx.put("oidcissuer", org, issuer["id"], issuer)
    policy = {"id": issuer["policyId"], "version": 1, "created": now, "modified": now}
    tx.put("authpolicy", org, issuer["policyId"], {**policy, "policies": []})
    return _public(issuer)


def get_issuer(tx: Tx, org: str, issuer_id: str) -> dict[str, Any]:
    return _public(_require(tx, org, issuer_id))


def update_issuer(tx: Tx, org: str, issuer_id: str, body: dict[str, Any]) -> dict[str, Any]:
    # Only these can change (an issuer's url cannot); any other field is ignored.
    body = {k: v for k, v in _given(body).items() if k in UPDATABLE}
    # The OpenAPI document: "The issuer name is required in the update request."
    if not isinstance(body.get("name"), str) or not body["name"].strip():
        raise BadRequest("the issuer name is required")
    _check_optional(body)
    issuer = _require(tx, org, issuer_id)
    issuer.update(body)
    if not issuer.get("thumbprints"):
        issuer["thumbprints"] = _computed_thumbprints(issuer["url"])
    issuer["modified"] = _now()
    tx.put("oidcissuer", org, issuer_id, issuer)
    return _public(issuer)


def delete_issuer(tx: Tx, org: str, issuer_id: str) -> None:
    issuer = _require(tx, org, issuer_id)
    tx.delete("oidcissuer", org, issuer_id)
    tx.delete("authpolicy", org, issuer["policyId"])


def regenerate_thumbprints(tx: Tx, org: str, issuer_id: str) -> dict[str, Any]:
    issuer = _require(tx, org, issuer_id)
    if issuer.get("jwks"):
        raise BadRequest("issuer jwks are statically configured, can't regenerate thumbprints")
    issuer["thumbprints"] = _computed_thumbprints(issuer["url"])
    issuer["modified"] = _now()
    tx.put("oidcissuer", org, issuer_id, issuer)
    return _public(issuer)


def get_auth_policy(tx: Tx, org: str, issuer_id: str) -> dict[str, Any]:
    issuer = _require(tx, org, issuer_id)
    policy = tx.get("authpolicy", org, issuer["policyId"])
    assert policy is not None
    return policy


def _check_policy(index: int, policy: object) -> dict[str, Any]:
    where = f"policies[{index}]"
    if not isinstance(policy, dict):
        raise BadRequest(f"{where} must be an object")
    if policy.get("decision") not in DECISIONS:
        raise BadRequest(f"{where}.decision must be allow or deny")
    token_type = policy.get("tokenType")
    if token_type not in TOKEN_TYPES:
        raise BadRequest(f"{where}.tokenType must be one of {', '.join(TOKEN_TYPES)}")
    needed = TOKEN_TYPES[token_type]
    if needed and not policy.get(needed):
        raise BadRequest(f"{where}.{needed} is required for {token_type} tokens")
    if not isinstance(policy.get("rules", {}), dict):
        raise BadRequest(f"{where}.rules must be an object")
    permissions = policy.get("authorizedPermissions") or []
    if not isinstance(permissions, list) or not all(isinstance(p, str) for p in permissions):
        raise BadRequest(f"{where}.authorizedPermissions must be a list of strings")
    if token_type == "organization" and set(permissions) - {"admin"}:
        raise BadRequest(f"{where}: only admin is supported for organization tokens")
    checked = {k: v for k, v in policy.items() if v is not None}
    checked.setdefault("rules", {})
    checked["authorizedPermissions"] = permissions
    return checked


def update_auth_policy(tx: Tx, org: str, policy_id: str, body: dict[str, Any]) -> dict[str, Any]:
    policies = body.get("policies")
    if not isinstance(policies, list):
        raise BadRequest("policies must be a list")
    checked = [_check_policy(i, p) for i, p in enumerate(policies)]
    policy = tx.get("authpolicy", org, policy_id)
    if policy is None:
        raise NotFound(f"auth policy {policy_id!r} not found")
    policy.update(policies=checked, version=policy["version"] + 1, modified=_now())
    tx.put("authpolicy", org, policy_id, policy)
    return policy
