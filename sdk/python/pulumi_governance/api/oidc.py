"""OIDC issuers and their authorization policies.

Register body: `name`, `url` (required), `thumbprints`, `maxExpiration`, `jwks`; update (PATCH):
`name`, `thumbprints`, `maxExpiration`, `jwks`. Register is never retried after an ambiguous
failure (look with `find_by_url`); update, regenerate-thumbprints and the auth-policy PATCH set a
state and are marked idempotent. An issuer's auth policy is read by issuer id and written by the
policy's own id (`get_auth_policy(...)["id"]`), with the full list of policies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._paths import Items, path

if TYPE_CHECKING:
    from .client import PulumiCloudClient


def issuer_body(
    name: str,
    url: str | None = None,
    *,
    max_expiration: int | None = None,
    thumbprints: Sequence[str] | None = None,
    jwks: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A register body (with `url`) or an update body (without); None fields are left out."""
    body: dict[str, Any] = {"name": name}
    if url is not None:
        body["url"] = url
    if max_expiration is not None:
        body["maxExpiration"] = max_expiration
    if thumbprints is not None:
        body["thumbprints"] = list(thumbprints)
    if jwks is not None:
        body["jwks"] = dict(jwks)
    return body


def auth_policy(
    *,
    decision: str,
    token_type: str,
    permissions: Sequence[str],
    rules: Mapping[str, Any],
    team_name: str | None = None,
    user_login: str | None = None,
    runner_id: str | None = None,
    role_id: str | None = None,
) -> dict[str, Any]:
    """One wire authorization policy of an issuer."""
    policy: dict[str, Any] = {
        "decision": decision,
        "tokenType": token_type,
        "authorizedPermissions": list(permissions),
        "rules": dict(rules),
    }
    optional = {"teamName": team_name, "userLogin": user_login, "runnerID": runner_id,
                "roleID": role_id}  # fmt: skip
    policy.update({k: v for k, v in optional.items() if v})
    return policy


class OidcApi:
    def __init__(self, client: PulumiCloudClient) -> None:
        self._client = client

    def list(self, org: str) -> Items:
        body = self._client.request("GET", path("orgs", org, "oidc", "issuers")) or {}
        issuers: Items = body.get("oidcIssuers") or []
        return issuers

    def get(self, org: str, issuer_id: str) -> dict[str, Any]:
        result: dict[str, Any] = self._client.request(
            "GET", path("orgs", org, "oidc", "issuers", issuer_id)
        )
        return result

    def find_by_url(self, org: str, url: str) -> dict[str, Any] | None:
        wanted = url.rstrip("/")
        matches = (i for i in self.list(org) if str(i.get("url", "")).rstrip("/") == wanted)
        return next(matches, None)

    def register(self, org: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Not retried blindly: after AmbiguousWriteError, look with `find_by_url`."""
        result: dict[str, Any] = self._client.request(
            "POST", path("orgs", org, "oidc", "issuers"), json=dict(body)
        )
        return result

    def update(self, org: str, issuer_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        route = path("orgs", org, "oidc", "issuers", issuer_id)
        result: dict[str, Any] = self._client.request(
            "PATCH", route, json=dict(body), idempotent=True
        )
        return result

    def delete(self, org: str, issuer_id: str) -> None:
        self._client.request("DELETE", path("orgs", org, "oidc", "issuers", issuer_id))

    def regenerate_thumbprints(self, org: str, issuer_id: str) -> dict[str, Any]:
        route = path("orgs", org, "oidc", "issuers", issuer_id, "regenerate-thumbprints")
        result: dict[str, Any] = self._client.request("POST", route, idempotent=True)
        return result

    def get_auth_policy(self, org: str, issuer_id: str) -> dict[str, Any]:
        result: dict[str, Any] = self._client.request(
            "GET", path("orgs", org, "auth", "policies", "oidcissuers", issuer_id)
        )
        return result

    def update_auth_policy(
        self, org: str, policy_id: str, policies: Sequence[Mapping[str, Any]]
    ) -> dict[str, Any]:
        result: dict[str, Any] = self._client.request(
            "PATCH",
            path("orgs", org, "auth", "policies", policy_id),
            json={"policies": [dict(p) for p in policies]},
            idempotent=True,
        )
        return result
