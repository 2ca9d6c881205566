"""The policy group and policy pack REST calls the policy resources need, in wire format.

Built on the client's low-level request so the resource logic stays in terms of plain dicts.
Every PATCH here sets a state (adding a member that is there, or removing one that is not, changes
nothing), so after an ambiguous failure it is sent again. The create POST is not repeated: after an
ambiguous failure the group is looked up instead.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ._policy_model import Op, PackVersions

if TYPE_CHECKING:
    from pulumi_governance.api import PulumiCloudClient

ATTEMPTS = 3


class GroupExists(Exception):
    """The group to be created exists already."""


def _errors() -> Any:
    """The API client's module, for its error classes (imported on first use)."""
    return importlib.import_module("pulumi_governance.api")


def _group_path(org: str, name: str = "") -> str:
    path = f"/api/orgs/{quote(org, safe='')}/policygroups"
    return f"{path}/{quote(name, safe='')}" if name else path


def _call(api: PulumiCloudClient, method: str, path: str, body: Any = None) -> Any:
    if body is None:
        return api.request(method, path)
    return api.request(method, path, json=body)


def _idempotent(api: PulumiCloudClient, method: str, path: str, body: Any = None) -> Any:
    for attempt in range(ATTEMPTS):
        try:
            return _call(api, method, path, body)
        except _errors().AmbiguousWriteError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def get_group(api: PulumiCloudClient, org: str, name: str) -> dict[str, Any] | None:
    try:
        group: dict[str, Any] = _call(api, "GET", _group_path(org, name))
    except _errors().NotFound:
        return None
    return group


def require_group(api: PulumiCloudClient, org: str, name: str) -> dict[str, Any]:
    group: dict[str, Any] = _call(api, "GET", _group_path(org, name))
    return group


def create_group(api: PulumiCloudClient, org: str, name: str, entity_type: str, mode: str) -> None:
    """Create the group; GroupExists if the name is taken (by the group or, after an ambiguous
    failure, by this very request)."""
    body = {"name": name, "entityType": entity_type, "mode": mode}
    errors = _errors()
    try:
        _call(api, "POST", _group_path(org), body)
    except errors.Conflict:
        raise GroupExists(name) from None
    except errors.AmbiguousWriteError:
        if get_group(api, org, name) is None:
            raise


def update_group(api: PulumiCloudClient, org: str, name: str, op: Op) -> None:
    _idempotent(api, "PATCH", _group_path(org, name), op)


def batch_update(api: PulumiCloudClient, org: str, name: str, ops: Sequence[Op]) -> None:
    _idempotent(api, "PATCH", _group_path(org, name) + "/batch", list(ops))


def delete_group(api: PulumiCloudClient, org: str, name: str) -> None:
    try:
        _idempotent(api, "DELETE", _group_path(org, name))
    except _errors().NotFound:
        pass


def list_groups(api: PulumiCloudClient, org: str) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = _call(api, "GET", _group_path(org))["policyGroups"]
    return groups


def list_packs(api: PulumiCloudClient, org: str) -> list[dict[str, Any]]:
    path = f"/api/orgs/{quote(org, safe='')}/policypacks"
    packs: list[dict[str, Any]] = _call(api, "GET", path)["policyPacks"]
    return packs


def resolve_pack_versions(
    api: PulumiCloudClient, org: str, wanted: Sequence[tuple[str, str]]
) -> PackVersions:
    """The version number of each (pack, version tag), in one request; a clear error if absent."""
    index: dict[tuple[str, str], tuple[int, str]] = {}
    for pack in list_packs(api, org):
        for version, tag in zip(
            pack.get("versions") or [], pack.get("versionTags") or [], strict=False
        ):
            index[(pack["name"], tag)] = (int(version), pack.get("displayName") or "")
    missing = [f"{name}@{tag}" for name, tag in wanted if (name, tag) not in index]
    if missing:
        raise RuntimeError(
            f"policy pack version(s) not published in organization '{org}': {', '.join(missing)}"
        )
    return index
