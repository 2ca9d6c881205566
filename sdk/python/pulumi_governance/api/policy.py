"""Policy packs, policy groups, what applies to a stack, and policy violations.

Publishing a pack is three calls: `create` (POST; returns `version`, `uploadURI`,
`requiredHeaders`), `upload` (PUT of the archive to `uploadURI` with exactly `requiredHeaders`,
never the Pulumi Authorization header), `complete`. `publish` does all three. Create is never
retried after an ambiguous failure (look with `find_version`); complete and apply set a state and
are marked idempotent.

Policy group PATCH bodies (UpdatePolicyGroupRequest) may hold: `newName`, `addStack`/`removeStack`
({name, routingProject}), `addPolicyPack`/`removePolicyPack` ({name, version, versionTag,
config, displayName}), `addInsightsAccount`/`removeInsightsAccount`, `agentPoolId`, and the
full-list replacements `stacks`, `policyPacks`, `insightsAccounts`. Repeating one of these leaves
the group as the first one left it, so `update` and `batch_update` are marked idempotent and
retried like PUTs (a repeated add/remove may then answer 4xx on a strict server: the caller
re-reads the group when that matters).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._paths import Items, path, stack_path

if TYPE_CHECKING:
    from .client import PulumiCloudClient


class PolicyPacksApi:
    def __init__(self, client: PulumiCloudClient) -> None:
        self._client = client

    def list(self, org: str, name: str | None = None) -> Items:
        params = {"policypack": name} if name else None
        body = self._client.request("GET", path("orgs", org, "policypacks"), params=params) or {}
        packs: Items = body.get("policyPacks") or []
        return packs

    def get_latest(self, org: str, name: str) -> dict[str, Any]:
        result: dict[str, Any] = self._client.request(
            "GET", path("orgs", org, "policypacks", name, "latest")
        )
        return result

    def get_version(self, org: str, name: str, version: int) -> dict[str, Any]:
        result: dict[str, Any] = self._client.request(
            "GET", path("orgs", org, "policypacks", name, "versions", version)
        )
        return result

    def get_schema(self, org: str, name: str, version: int) -> dict[str, Any]:
        result: dict[str, Any] = self._client.request(
            "GET", path("orgs", org, "policypacks", name, "versions", version, "schema")
        )
        return result

    def create(self, org: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Reserve a version: returns `version`, `uploadURI` and `requiredHeaders`. Not retried
        blindly; after AmbiguousWriteError, look with `find_version`."""
        result: dict[str, Any] = self._client.request(
            "POST", path("orgs", org, "policypacks"), json=dict(body)
        )
        return result

    def upload(self, created: Mapping[str, Any], archive: bytes) -> None:
        self._client.upload(created["uploadURI"], archive, created.get("requiredHeaders") or {})

    def publish(self, org: str, body: Mapping[str, Any], archive: bytes) -> int:
        """Create, upload and complete a version; returns its number."""
        created = self.create(org, body)
        self.upload(created, archive)
        version = int(created["version"])
        self.complete(org, str(body["name"]), version)
        return version

    def complete(self, org: str, name: str, version: int) -> None:
        self._client.request(
            "POST",
            path("orgs", org, "policypacks", name, "versions", version, "complete"),
            idempotent=True,
        )

    def apply_latest_to_default_group(self, org: str, name: str) -> None:
        self._client.request(
            "POST", path("orgs", org, "policypacks", name, "latest"), idempotent=True
        )

    def delete(self, org: str, name: str) -> None:
        self._client.request("DELETE", path("orgs", org, "policypacks", name))

    def delete_version(self, org: str, name: str, version: int) -> None:
        self._client.request("DELETE", path("orgs", org, "policypacks", name, "versions", version))

    def find_version(self, org: str, name: str, version_tag: str) -> int | None:
        """The numeric version of `name` at `version_tag`, if the service has it."""
        for pack in self.list(org, name):
            if pack.get("name") != name:
                continue
            for number, tag in zip(
                pack.get("versions") or [], pack.get("versionTags") or [], strict=False
            ):
                if tag == version_tag:
                    return int(number)
        return None


class PolicyGroupsApi:
    def __init__(self, client: PulumiCloudClient) -> None:
        self._client = client

    def list(self, org: str) -> Items:
        body = self._client.request("GET", path("orgs", org, "policygroups")) or {}
        groups: Items = body.get("policyGroups") or []
        return groups

    def get(self, org: str, name: str) -> dict[str, Any]:
        result: dict[str, Any] = self._client.request(
            "GET", path("orgs", org, "policygroups", name)
        )
        return result

    def find(self, org: str, name: str) -> dict[str, Any] | None:
        """The listed group (summary) named `name`, or None."""
        return next((g for g in self.list(org) if g.get("name") == name), None)

    def create(
        self,
        org: str,
        name: str,
        entity_type: str = "stacks",
        mode: str = "audit",
        agent_pool_id: str | None = None,
    ) -> Any:
        """NewPolicyGroup (`entity_type` stacks|accounts, `mode` audit|preventative). The
        service answers 409 for a taken name; after AmbiguousWriteError, look with `find`."""
        body = {"name": name, "entityType": entity_type, "mode": mode}
        if agent_pool_id is not None:
            body["agentPoolId"] = agent_pool_id
        return self._client.request("POST", path("orgs", org, "policygroups"), json=body)

    def update(self, org: str, name: str, changes: Mapping[str, Any]) -> Any:
        """PATCH with any UpdatePolicyGroup fields (newName, addStack, removeStack,
        addPolicyPack, removePolicyPack, full-list stacks/policyPacks/insightsAccounts, ...).
        Resending it has the same effect, so it is retried like an idempotent request."""
        return self._client.request(
            "PATCH", path("orgs", org, "policygroups", name), json=dict(changes), idempotent=True
        )

    def batch_update(self, org: str, name: str, operations: Sequence[Mapping[str, Any]]) -> Any:
        """Batch PATCH. The service applies every add before any remove, whatever the order
        here: never put a remove and an add of the same pack in one batch."""
        return self._client.request(
            "PATCH",
            path("orgs", org, "policygroups", name, "batch"),
            json=[dict(op) for op in operations],
            idempotent=True,
        )

    def delete(self, org: str, name: str) -> None:
        self._client.request("DELETE", path("orgs", org, "policygroups", name))


class PolicyResultsApi:
    def __init__(self, client: PulumiCloudClient) -> None:
        self._client = client

    def stack_policy_groups(self, org: str, project: str, stack: str) -> Items:
        body = self._client.request("GET", stack_path(org, project, stack, "policygroups")) or {}
        groups: Items = body.get("policyGroups") or []
        return groups

    def stack_policy_packs(
        self, org: str, project: str, stack: str, mode: str | None = None
    ) -> Items:
        """The packs (with config) that apply to a stack; `mode` audit|preventative filters."""
        params = {"mode": mode} if mode else None
        route = stack_path(org, project, stack, "policypacks")
        body = self._client.request("GET", route, params=params) or {}
        packs: Items = body.get("requiredPolicies") or []
        return packs

    def iter_violations(self, org: str, **filters: Any) -> Iterator[dict[str, Any]]:
        """Policy violations of the org (violationsv2), page by page."""
        route = path("orgs", org, "policyresults", "violationsv2")
        return self._client.paginate(route, "policyViolations", filters)

    def violations(self, org: str, **filters: Any) -> Items:
        """Policy violations of the org, across all pages."""
        return list(self.iter_violations(org, **filters))
