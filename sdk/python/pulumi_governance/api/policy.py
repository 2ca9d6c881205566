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

Request bodies are named TypedDicts (`NewPolicyPackRequest`, `UpdatePolicyGroupRequest`); callers
that work on snake_case values use `new_version_request` and the `MemberChange` operations
(`update_members`, `update_member`, `rename`), which this module turns into wire bodies.

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
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

from ._paths import Items, path, stack_path
from .errors import InvalidRequest, NotFound
from .look_before_resend import create_then_look

if TYPE_CHECKING:
    from .client import PulumiCloudClient


class NewPolicyPackRequest(TypedDict):
    """POST /api/orgs/{org}/policypacks: a new (pending) version. `policies` are the pack's
    policies as its analyzer reports them (name, displayName, description, enforcementLevel,
    message, configSchema)."""

    name: str
    displayName: str
    versionTag: str
    policies: list[dict[str, Any]]
    runtime: str
    description: NotRequired[str]


class StackRef(TypedDict):
    name: str
    routingProject: str


class AppliedPolicyPackRef(TypedDict):
    name: str
    displayName: str
    version: int
    versionTag: str
    config: NotRequired[dict[str, Any]]


class InsightsAccountRef(TypedDict):
    name: str


class UpdatePolicyGroupRequest(TypedDict, total=False):
    """One PATCH (or one element of a batch PATCH) of a policy group."""

    newName: str
    addStack: StackRef
    removeStack: StackRef
    addPolicyPack: AppliedPolicyPackRef
    removePolicyPack: AppliedPolicyPackRef
    addInsightsAccount: InsightsAccountRef
    removeInsightsAccount: InsightsAccountRef
    agentPoolId: str
    stacks: list[StackRef]
    policyPacks: list[AppliedPolicyPackRef]
    insightsAccounts: list[str]


class AppliedPack(TypedDict):
    """A pack version in a group, in snake_case: what `MemberChange` adds or removes."""

    name: str
    version: int
    version_tag: str
    display_name: NotRequired[str]
    config: NotRequired[dict[str, Any]]


class MemberChange(TypedDict, total=False):
    """One membership operation in snake_case (exactly one key): a stack as 'project/stack', a
    pack version, or an Insights account name."""

    add_stack: str
    remove_stack: str
    add_policy_pack: AppliedPack
    remove_policy_pack: AppliedPack
    add_insights_account: str
    remove_insights_account: str


def new_version_request(
    *,
    name: str,
    display_name: str,
    version_tag: str,
    policies: Sequence[Mapping[str, Any]],
    description: str | None = None,
    runtime: str = "python",
) -> NewPolicyPackRequest:
    body: NewPolicyPackRequest = {
        "name": name,
        "displayName": display_name,
        "versionTag": version_tag,
        "policies": [dict(p) for p in policies],
        "runtime": runtime,
    }
    if description:
        body["description"] = description
    return body


def stack_ref(stack: str) -> StackRef:
    """'project/stack' as the wire's {name, routingProject}."""
    project, name = stack.split("/", 1)
    return {"name": name, "routingProject": project}


def _pack_ref(pack: AppliedPack, with_config: bool) -> AppliedPolicyPackRef:
    ref: AppliedPolicyPackRef = {
        "name": pack["name"],
        "displayName": pack.get("display_name") or "",
        "version": pack["version"],
        "versionTag": pack["version_tag"],
    }
    if with_config:
        ref["config"] = dict(pack.get("config") or {})
    return ref


def update_request(change: MemberChange) -> UpdatePolicyGroupRequest:
    """The wire operation of one `MemberChange`."""
    if "add_stack" in change:
        return {"addStack": stack_ref(change["add_stack"])}
    if "remove_stack" in change:
        return {"removeStack": stack_ref(change["remove_stack"])}
    if "add_policy_pack" in change:
        return {"addPolicyPack": _pack_ref(change["add_policy_pack"], with_config=True)}
    if "remove_policy_pack" in change:
        return {"removePolicyPack": _pack_ref(change["remove_policy_pack"], with_config=False)}
    if "add_insights_account" in change:
        return {"addInsightsAccount": {"name": change["add_insights_account"]}}
    if "remove_insights_account" in change:
        return {"removeInsightsAccount": {"name": change["remove_insights_account"]}}
    raise ValueError(f"not a membership change: {sorted(change)}")


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

    def create(self, org: str, body: NewPolicyPackRequest | Mapping[str, Any]) -> dict[str, Any]:
        """Reserve a version: returns `version`, `uploadURI` and `requiredHeaders`. Not retried
        blindly; after AmbiguousWriteError, look with `find_version`."""
        result: dict[str, Any] = self._client.request(
            "POST", path("orgs", org, "policypacks"), json=dict(body)
        )
        return result

    def upload(self, created: Mapping[str, Any], archive: bytes) -> None:
        self._client.upload(created["uploadURI"], archive, created.get("requiredHeaders") or {})

    def publish(
        self, org: str, body: NewPolicyPackRequest | Mapping[str, Any], archive: bytes
    ) -> int:
        """Create, upload and complete a version; returns its number. A version left pending
        by an error after the create is the caller's to delete (`delete_version`)."""
        created = self.create_resending(org, body)
        self.upload(created, archive)
        version = int(created["version"])
        self.complete(org, str(body["name"]), version)
        return version

    def create_resending(
        self, org: str, body: NewPolicyPackRequest | Mapping[str, Any]
    ) -> dict[str, Any]:
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

    def update(
        self, org: str, name: str, changes: UpdatePolicyGroupRequest | Mapping[str, Any]
    ) -> Any:
        """PATCH with any UpdatePolicyGroup fields (newName, addStack, removeStack,
        addPolicyPack, removePolicyPack, full-list stacks/policyPacks/insightsAccounts, ...).
        Resending it has the same effect, so it is retried like an idempotent request."""
        return self._client.request(
            "PATCH", path("orgs", org, "policygroups", name), json=dict(changes), idempotent=True
        )

    def batch_update(
        self,
        org: str,
        name: str,
        operations: Sequence[UpdatePolicyGroupRequest | Mapping[str, Any]],
    ) -> Any:
        """Batch PATCH. The service applies every add before any remove, whatever the order
        here: never put a remove and an add of the same pack in one batch."""
        return self._client.request(
            "PATCH",
            path("orgs", org, "policygroups", name, "batch"),
            json=[dict(op) for op in operations],
            idempotent=True,
        )

    def rename(self, org: str, name: str, new_name: str) -> Any:
        return self.update(org, name, {"newName": new_name})

    def update_member(self, org: str, name: str, change: MemberChange) -> Any:
        """One membership operation as its own PATCH."""
        return self.update(org, name, update_request(change))

    def update_members(self, org: str, name: str, changes: Sequence[MemberChange]) -> Any:
        """Membership operations as one batch PATCH (the batch rules of `batch_update`)."""
        return self.batch_update(org, name, [update_request(c) for c in changes])

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
