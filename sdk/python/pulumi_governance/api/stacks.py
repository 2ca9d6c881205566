"""Stacks and stack tags."""

from __future__ import annotations

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

    def delete(self, org: str, project: str, stack: str) -> None:
        self._client.request("DELETE", stack_path(org, project, stack))

    def list(
        self,
        organization: str | None = None,
        project: str | None = None,
        tag_name: str | None = None,
        tag_value: str | None = None,
    ) -> Items:
        """Stacks the token can see, across all pages, filtered as given."""
        query = {
            "organization": organization,
            "project": project,
            "tagName": tag_name,
            "tagValue": tag_value,
        }
        params = {k: v for k, v in query.items() if v is not None}
        return list(self._client.paginate(path("user", "stacks"), "stacks", params))

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
