"""Organization access tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._paths import Items, path

if TYPE_CHECKING:
    from .client import PulumiCloudClient


class OrgTokensApi:
    def __init__(self, client: PulumiCloudClient) -> None:
        self._client = client

    def list(self, org: str, include_expired: bool = True) -> Items:
        """Every token of the org, across all pages (expired ones too, by default)."""
        params = {"filter": "all"} if include_expired else None
        return list(self._client.paginate(path("orgs", org, "tokens"), "tokens", params))

    def create(
        self, org: str, name: str, description: str = "", expires: int = 0
    ) -> dict[str, Any]:
        """Create a token (`expires`: unix seconds, 0 = never); returns `id` and `tokenValue`.
        Not retried blindly: after AmbiguousWriteError, look with `find_by_name`."""
        body = {"name": name, "description": description, "expires": expires}
        result: dict[str, Any] = self._client.request(
            "POST", path("orgs", org, "tokens"), json=body
        )
        return result

    def delete(self, org: str, token_id: str) -> None:
        self._client.request("DELETE", path("orgs", org, "tokens", token_id))

    def find_by_name(self, org: str, name: str) -> dict[str, Any] | None:
        return next((t for t in self.list(org) if t.get("name") == name), None)

    def find_by_id(self, org: str, token_id: str) -> dict[str, Any] | None:
        return next((t for t in self.list(org) if t.get("id") == token_id), None)
