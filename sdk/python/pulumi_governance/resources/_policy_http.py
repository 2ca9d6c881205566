"""The policy group and policy pack REST calls the policy resources need, in wire format.

Built on the client's low-level request so the resource logic stays in terms of plain dicts.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from pulumi_governance.api import Conflict, NotFound, PulumiCloudClient

from ._policy_model import Op, PackVersions

__all__ = ["Conflict", "NotFound"]


def _group_path(org: str, name: str = "") -> str:
    path = f"/api/orgs/{quote(org, safe='')}/policygroups"
    return f"{path}/{quote(name, safe='')}" if name else path


def _call(api: PulumiCloudClient, method: str, path: str, body: Any = None) -> Any:
    return api.request(method, path, json=body)


def get_group(api: PulumiCloudClient, org: str, name: str) -> dict[str, Any] | None:
    try:
        group: dict[str, Any] = _call(api, "GET", _group_path(org, name))
    except NotFound:
        return None
    return group


def require_group(api: PulumiCloudClient, org: str, name: str) -> dict[str, Any]:
    group: dict[str, Any] = _call(api, "GET", _group_path(org, name))
    return group


def create_group(api: PulumiCloudClient, org: str, name: str, entity_type: str, mode: str) -> None:
    body = {"name": name, "entityType": entity_type, "mode": mode}
    _call(api, "POST", _group_path(org), body)


def update_group(api: PulumiCloudClient, org: str, name: str, op: Op) -> None:
    _call(api, "PATCH", _group_path(org, name), op)


def batch_update(api: PulumiCloudClient, org: str, name: str, ops: Sequence[Op]) -> None:
    _call(api, "PATCH", _group_path(org, name) + "/batch", list(ops))


def delete_group(api: PulumiCloudClient, org: str, name: str) -> None:
    with contextlib.suppress(NotFound):
        _call(api, "DELETE", _group_path(org, name))


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
