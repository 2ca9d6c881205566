"""Policy packs, policy groups, what applies to a stack, and policy violations.

Publishing a pack is three calls: `create` (POST; returns `version`, `uploadURI`,
`requiredHeaders`), `upload` (PUT of the archive to `uploadURI` with exactly `requiredHeaders`,
never the Pulumi Authorization header), `complete`. `publish` does all three and converges after
a lost answer at any of them: a version is listed only once complete, so after an ambiguous
create there is nothing to find and the create is sent again (the service replaces a pending
version of the same tag); upload is a PUT; complete and apply set a state and are marked
idempotent, and a complete that finds the version already complete (its first try was applied,
the answer lost) has succeeded.

Creating a policy group is not idempotent: `create_once` looks for the group after an ambiguous
failure and sends the create again only when it is not there (`create_then_look`).

Policy group PATCH bodies (UpdatePolicyGroupRequest) may hold: `newName`, `addStack`/`removeStack`
({name, routingProject}), `addPolicyPack`/`removePolicyPack` ({name, version, versionTag,
config, displayName}), `addInsightsAccount`/`removeInsightsAccount`, `agentPoolId`, and the
full-list replacements `stacks`, `policyPacks`, `insightsAccounts`. Repeating one of these leaves
the group as the first one left it, so `update` and `batch_update` are marked idempotent and
retried like PUTs (a repeated add/remove may then answer 4xx on a strict server: the caller
re-reads the group when that matters).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._paths import Items, path, stack_path
from .errors import InvalidRequest, NotFound
from .look_before_resend import create_then_look

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
        """Create, upload and complete a version; returns its number. A version left pending
        by an error after the create is the caller's to delete (`delete_version`)."""
        created = self.create_resending(org, body)
        self.upload(created, archive)
        version = int(created["version"])
        self.complete(org, str(body["name"]), version)
        return version

    def create_resending(self, org: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """`create`, sent again after an ambiguous failure: a pending version is not listed, so
        there is nothing to look for, and the service replaces a pending version of the same
        tag. A complete version of that tag makes the resend fail as the first create would."""
        return create_then_look(lambda: self.create(org, body), lambda: None, self._client.retry)

    def complete(self, org: str, name: str, version: int) -> None:
        """Mark an uploaded version complete. Already complete (a resend after a lost answer)
        is success."""
        try:
            self._client.request(
                "POST",
                path("orgs", org, "policypacks", name, "versions", version, "complete"),
                idempotent=True,
            )
        except InvalidRequest:
            if not self.is_complete(org, name, version):
                raise

    def is_complete(self, org: str, name: str, version: int) -> bool:
        """True when the version exists and is complete (only complete versions are readable)."""
        try:
            found = self.get_version(org, name, version)
        except (InvalidRequest, NotFound):
            return False
        return isinstance(found, dict) and found.get("version") == version

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

    def version_index(self, org: str) -> dict[tuple[str, str], tuple[int, str]]:
        """Every complete version of the org's packs: (name, version tag) -> (version number,
        display name), from one list request."""
        index: dict[tuple[str, str], tuple[int, str]] = {}
        for pack in self.list(org):
            for number, tag in zip(
                pack.get("versions") or [], pack.get("versionTags") or [], strict=False
            ):
                index[(pack["name"], tag)] = (int(number), pack.get("displayName") or "")
        return index


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

    def get_if_exists(self, org: str, name: str) -> dict[str, Any] | None:
        """The group document, or None when there is no group of that name."""
        try:
            return self.get(org, name)
        except NotFound:
            return None

    def find(self, org: str, name: str) -> dict[str, Any] | None:
        """The listed group (summary) named `name`, or None."""
        return next((g for g in self.list(org) if g.get("name") == name), None)

    def create_once(self, org: str, name: str, entity_type: str, mode: str) -> Any:
        """`create`, and after an ambiguous failure: the group if it is there now, else the
        create sent again. A `Conflict` means the name was taken before."""
        return create_then_look(
            lambda: self.create(org, name, entity_type, mode),
            lambda: self.find(org, name),
            self._client.retry,
        )

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

    def delete_if_exists(self, org: str, name: str) -> None:
        with contextlib.suppress(NotFound):
            self.delete(org, name)


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
