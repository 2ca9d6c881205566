"""Organization access tokens (`/api/orgs/{org}/tokens`).

`create` is a plain POST: never retried after an ambiguous failure (a second token would be
minted). Look with `find_by_name` first; `create_then_look` does both.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ._paths import Items, path

if TYPE_CHECKING:
    from .client import PulumiCloudClient


class OrgTokensApi:
    def __init__(self, client: PulumiCloudClient) -> None:
        self._client = client

    def iter(
        self, org: str, include_expired: bool = True, page_size: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every token of the org, page by page (`filter=all` includes expired ones; the
        service's default, `active`, leaves them out)."""
        params = {"filter": "all" if include_expired else "active", "maxResults": page_size}
        return self._client.paginate(path("orgs", org, "tokens"), "tokens", params)

    def list(self, org: str, include_expired: bool = True, page_size: int | None = None) -> Items:
        """Every token of the org, across all pages (expired ones too, by default)."""
        return list(self.iter(org, include_expired, page_size))

    def create(
        self,
        org: str,
        name: str,
        description: str = "",
        expires: int = 0,
        *,
        admin: bool = False,
        role_id: str | None = None,
        reason: str | None = None,
    ) -> dict[str, Any]:
        """Create a token (`expires`: unix seconds, 0 = never); returns `id` and `tokenValue`
        (the only time the value is shown). Not retried blindly: after AmbiguousWriteError, look
        with `find_by_name`."""
        body: dict[str, Any] = {
            "name": name,
            "description": description,
            "expires": expires,
            "admin": admin,
        }
        if role_id:
            body["roleID"] = role_id
        params = {"reason": reason} if reason else None
        result: dict[str, Any] = self._client.request(
            "POST", path("orgs", org, "tokens"), json=body, params=params
        )
        return result

    def delete(self, org: str, token_id: str) -> None:
        self._client.request("DELETE", path("orgs", org, "tokens", token_id))

    def find_by_name(self, org: str, name: str) -> dict[str, Any] | None:
        """The token named `name` (expired ones included), or None. Its value is not listed."""
        return next((t for t in self.iter(org) if t.get("name") == name), None)

    def find_by_id(self, org: str, token_id: str) -> dict[str, Any] | None:
        """The token with this id, or None (there is no GET of one token)."""
        return next((t for t in self.iter(org) if t.get("id") == token_id), None)
