"""Webhooks at organization, stack and environment scope.

A scope is the path prefix that owns the hooks: `org_scope(org)`, `stack_scope(org, project,
stack)`, `environment_scope(org, project, env)` (`/api/esc/environments/...`, per OpenAPI) or
`preview_environment_scope(org, env)` (the older `/api/preview/environments/{org}/{env}/hooks`).

Bodies are the wire `Webhook` object: `organizationName`, `displayName`, `payloadUrl` and `active`
are required; `name`, `format` (raw, slack, ms_teams, pulumi_deployments), `filters`, `groups`,
`secret`, `projectName`/`stackName`/`envName` are optional. `create` is never retried after an
ambiguous failure: look with `find(scope, name)` (the service answers 409 for a taken name).
`update` (PATCH of the whole hook) and `ping` are marked idempotent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._paths import Items, path

if TYPE_CHECKING:
    from .client import PulumiCloudClient


def org_scope(org: str) -> str:
    return path("orgs", org, "hooks")


def stack_scope(org: str, project: str, stack: str) -> str:
    return path("stacks", org, project, stack, "hooks")


def environment_scope(org: str, project: str, env: str) -> str:
    return path("esc", "environments", org, project, env, "hooks")


def preview_environment_scope(org: str, env: str) -> str:
    return path("preview", "environments", org, env, "hooks")


def hook_body(
    *,
    organization: str,
    name: str,
    display_name: str,
    payload_url: str,
    active: bool = True,
    format: str = "raw",
    filters: Sequence[str] = (),
    groups: Sequence[str] = (),
    project: str | None = None,
    stack: str | None = None,
    environment: str | None = None,
    secret: str | None = None,
) -> dict[str, Any]:
    """The wire `Webhook` of a create or a PATCH. `secret=""` removes the hook's secret; None
    leaves it out (kept on a PATCH)."""
    body: dict[str, Any] = {
        "organizationName": organization,
        "name": name,
        "displayName": display_name,
        "payloadUrl": payload_url,
        "active": active,
        "format": format,
        "filters": list(filters),
        "groups": list(groups),
    }
    if project is not None:
        body["projectName"] = project
    if stack is not None:
        body["stackName"] = stack
    if environment is not None:
        body["envName"] = environment
    if secret is not None:
        body["secret"] = secret
    return body


def _hook(scope: str, name: str, *rest: str) -> str:
    return "/".join([scope, path(name)[len("/api/") :], *rest])


class WebhooksApi:
    def __init__(self, client: PulumiCloudClient) -> None:
        self._client = client

    def list(self, scope: str) -> Items:
        hooks: Items = self._client.request("GET", scope) or []
        return hooks

    def get(self, scope: str, name: str) -> dict[str, Any]:
        result: dict[str, Any] = self._client.request("GET", _hook(scope, name))
        return result

    def find(self, scope: str, name: str) -> dict[str, Any] | None:
        return next((h for h in self.list(scope) if h.get("name") == name), None)

    def create(self, scope: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Not retried blindly: after AmbiguousWriteError, look with `find`."""
        result: dict[str, Any] = self._client.request("POST", scope, json=dict(body))
        return result

    def update(self, scope: str, name: str, body: Mapping[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self._client.request(
            "PATCH", _hook(scope, name), json=dict(body), idempotent=True
        )
        return result

    def delete(self, scope: str, name: str) -> None:
        self._client.request("DELETE", _hook(scope, name))

    def ping(self, scope: str, name: str) -> dict[str, Any]:
        result: dict[str, Any] = self._client.request(
            "POST", _hook(scope, name, "ping"), idempotent=True
        )
        return result

    def deliveries(self, scope: str, name: str) -> Items:
        result: Items = self._client.request("GET", _hook(scope, name, "deliveries"))
        return result or []

    def redeliver(self, scope: str, name: str, event: str) -> dict[str, Any]:
        """Send a past delivery (`event` is its id) again. Not retried blindly."""
        route = _hook(scope, name, "deliveries", path(event)[len("/api/") :], "redeliver")
        result: dict[str, Any] = self._client.request("POST", route)
        return result
