"""Stacks (`/api/stacks/...`, listed through `/api/user/stacks`) and stack tags.

`create` is a POST that fails with 409 when the stack exists, so it is safe to look with `get`
after an AmbiguousWriteError. `set_tag` sends POST (new tag) or PATCH (changed value); both set a
state, so the PATCH is marked idempotent.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ._paths import Items, path, stack_path

if TYPE_CHECKING:
    from .client import PulumiCloudClient


class StacksApi:
    def __init__(self, client: PulumiCloudClient) -> None:
        self._client = client

    def create(self, org: str, project: str, stack: str, tags: dict[str, str] | None = None) -> Any:
        body: dict[str, Any] = {"stackName": stack}
        if tags:
            body["tags"] = tags
        return self._client.request("POST", path("stacks", org, project), json=body)

    def get(self, org: str, project: str, stack: str) -> dict[str, Any]:
        result: dict[str, Any] = self._client.request("GET", stack_path(org, project, stack))
        return result

    def delete(self, org: str, project: str, stack: str, force: bool = False) -> None:
        """Delete a stack (`force`: even when it still has resources)."""
        params = {"force": "true"} if force else None
        self._client.request("DELETE", stack_path(org, project, stack), params=params)

    def iter(
        self,
        organization: str | None = None,
        project: str | None = None,
        tag_name: str | None = None,
        tag_value: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Stacks the token can see (StackSummary dicts), page by page, filtered as given."""
        params = {
            "organization": organization,
            "project": project,
            "tagName": tag_name,
            "tagValue": tag_value,
            "maxResults": page_size,
        }
        return self._client.paginate(path("user", "stacks"), "stacks", params)

    def list(
        self,
        organization: str | None = None,
        project: str | None = None,
        tag_name: str | None = None,
        tag_value: str | None = None,
        page_size: int | None = None,
    ) -> Items:
        """Stacks the token can see, across all pages, filtered as given."""
        return list(self.iter(organization, project, tag_name, tag_value, page_size))

    def set_tag(self, org: str, project: str, stack: str, name: str, value: str) -> None:
        """Set a tag: add it, or change its value when it exists."""
        tags = self.get(org, project, stack).get("tags") or {}
        if name in tags:
            self._client.request(
                "PATCH",
                stack_path(org, project, stack, "tags", name),
                json={"name": name, "value": value},
                idempotent=True,
            )
        else:
            self._client.request(
                "POST", stack_path(org, project, stack, "tags"), json={"name": name, "value": value}
            )

    def delete_tag(self, org: str, project: str, stack: str, name: str) -> None:
        self._client.request("DELETE", stack_path(org, project, stack, "tags", name))
