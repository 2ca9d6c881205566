"""Policy packs: versions are created "pending" with an upload URI served by the emulator itself and
become usable (listed, readable, applicable) only after the pack was uploaded and ``complete`` was
called. Versions are immutable: creating a version tag that a complete version already has is a
400 (the only error the documents list for create). A pending version with the same tag is
replaced, so a publisher whose create response was lost can simply publish again.
"""

from __future__ import annotations

import re
import secrets
import time
from typing import Any

from ..errors import BadRequest, Conflict, Forbidden, NotFound
from ..lookups import PACK_VERSION, POLICY_GROUP, find_version, latest_complete, version_key
from ..store import DEFAULT_POLICY_GROUP, Tx

PACK, UPLOAD = "policypack", "upload"
PACK_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
UPLOAD_TOKEN_HEADER = "X-Emulator-Upload-Token"


def pack_versions(tx: Tx, org: str, name: str) -> list[dict[str, Any]]:
    """All versions of a pack (pending ones too), newest first."""
    return [d for _, _, d in reversed(tx.list(PACK_VERSION, org, prefix=f"{name}/"))]


def require_complete(doc: dict[str, Any]) -> dict[str, Any]:
    if doc["status"] != "complete":
        raise BadRequest("Cannot get incomplete Policy Pack")
    return doc


def applied_in(tx: Tx, org: str, name: str, version: int | None = None) -> list[str]:
    """Names of the policy groups that apply the pack (that version, or any when None)."""
    return [
        key
        for _, key, group in tx.list(POLICY_GROUP, org)
        if any(
            p["name"] == name and (version is None or p["version"] == version)
            for p in group["appliedPolicyPacks"]
        )
    ]


def view(tx: Tx, org: str, doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": doc["name"],
        "displayName": doc["displayName"],
        "version": doc["version"],
        "versionTag": doc["versionTag"],
        "policies": doc["policies"],
        "applied": bool(applied_in(tx, org, doc["name"], doc["version"])),
    }


def list_packs(tx: Tx, org: str, name: str | None) -> list[dict[str, Any]]:
    packs: dict[str, dict[str, Any]] = {}
    for _, _, doc in reversed(tx.list(PACK_VERSION, org, prefix=f"{name}/" if name else "")):
        if doc["status"] != "complete":
            continue
        entry = packs.setdefault(
            doc["name"],
            {
                "name": doc["name"],
                "displayName": doc["displayName"],
                "versions": [],
                "versionTags": [],
            },
        )
        entry["versions"].append(doc["version"])
        entry["versionTags"].append(doc["versionTag"])
    return sorted(packs.values(), key=lambda p: p["name"])


def check_new_version(name: str, policies: list[dict[str, Any]]) -> None:
    if not PACK_NAME_RE.match(name):
        raise BadRequest(f"invalid Policy Pack name {name!r}")
    if not policies:
        raise BadRequest("Policy Pack must have at least one policy.")
    names = [p["name"] for p in policies]
    if len(set(names)) != len(names):
        raise BadRequest("policy names must be unique within a Policy Pack")


def create_version(
    tx: Tx,
    org: str,
    name: str,
    display_name: str,
    version_tag: str | None,
    policies: list[dict[str, Any]],
    extra: dict[str, Any],
) -> tuple[int, str, str]:
    """A new pending version: (version, upload id, upload token)."""
    check_new_version(name, policies)
    pack = tx.get(PACK, org, name) or {"name": name, "lastVersion": 0}
    if version_tag:
        for doc in pack_versions(tx, org, name):
            if doc["versionTag"] == version_tag:
                if doc["status"] == "complete":
                    raise BadRequest(
                        f"Policy Pack '{name}' version tag {version_tag!r} already exists"
                    )
                tx.delete(PACK_VERSION, org, version_key(name, doc["version"]))
    version = pack["lastVersion"] + 1
    pack["lastVersion"] = version
    upload_id, upload_token = secrets.token_hex(16), secrets.token_urlsafe(16)
    tx.put(PACK, org, name, pack)
    tx.put(
        PACK_VERSION,
        org,
        version_key(name, version),
        {
            "name": name,
            "displayName": display_name,
            "version": version,
            # A pack published without a tag (older pulumi-policy) is known by its number.
            "versionTag": version_tag or str(version),
            "policies": policies,
            "status": "pending",
            "uploadId": upload_id,
            "created": int(time.time()),
            "extra": extra,
        },
    )
    tx.create_upload(upload_id)
    tx.put(UPLOAD, "", upload_id, {"token": upload_token, "org": org})
    return version, upload_id, upload_token


def store_upload(tx: Tx, upload_id: str, token: str | None, body: bytes, media: str) -> None:
    meta = tx.get(UPLOAD, "", upload_id)
    if meta is None:
        raise NotFound("upload not found")
    if token != meta["token"]:
        raise Forbidden(f"missing or wrong {UPLOAD_TOKEN_HEADER} (see requiredHeaders)")
    tx.put_upload(upload_id, body, media)


def read_upload(tx: Tx, upload_id: str) -> bytes:
    found = tx.get_upload(upload_id)
    if found is None or found[0] is None:
        raise NotFound("upload not found")
    return found[0]


def complete(tx: Tx, org: str, name: str, version: str) -> None:
    doc = find_version(tx, org, name, version)
    if doc["status"] == "complete":
        raise BadRequest("Policy Pack is already complete")
    found = tx.get_upload(doc["uploadId"])
    if found is None or found[0] is None:
        raise BadRequest("Policy Pack has not been uploaded to its uploadURI")
    doc["status"] = "complete"
    tx.put(PACK_VERSION, org, version_key(name, doc["version"]), doc)


def config_schema(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "configSchema": {
            p["name"]: p["configSchema"] for p in doc["policies"] if "configSchema" in p
        }
    }


def apply_latest(tx: Tx, org: str, name: str) -> None:
    """Apply the latest complete version to the default policy group (prose document)."""
    doc = latest_complete(tx, org, name)
    group = tx.get(POLICY_GROUP, org, DEFAULT_POLICY_GROUP)
    assert group is not None
    old = [p for p in group["appliedPolicyPacks"] if p["name"] == name]
    entry = {
        "name": doc["name"],
        "displayName": doc["displayName"],
        "version": doc["version"],
        "versionTag": doc["versionTag"],
        "config": old[0].get("config", {}) if old else {},
    }
    group["appliedPolicyPacks"] = [p for p in group["appliedPolicyPacks"] if p["name"] != name] + [
        entry
    ]
    tx.put(POLICY_GROUP, org, DEFAULT_POLICY_GROUP, group)


def _drop(tx: Tx, org: str, name: str, doc: dict[str, Any]) -> None:
    tx.delete(PACK_VERSION, org, version_key(name, doc["version"]))
    tx.delete(UPLOAD, "", doc["uploadId"])


def delete_pack(tx: Tx, org: str, name: str) -> None:
    versions = pack_versions(tx, org, name)
    if not versions:
        raise NotFound(f"Policy Pack '{name}' not found")
    groups = applied_in(tx, org, name)
    if groups:
        raise BadRequest(f"Cannot delete an enabled Policy Pack (applied in {', '.join(groups)})")
    for doc in versions:
        _drop(tx, org, name, doc)
    tx.delete(PACK, org, name)


def delete_version(tx: Tx, org: str, name: str, version: str) -> None:
    doc = find_version(tx, org, name, version)
    groups = applied_in(tx, org, name, doc["version"])
    if groups:
        raise Conflict(
            f"Cannot delete a Policy Pack that is applied to Policy Groups ({', '.join(groups)})"
        )
    _drop(tx, org, name, doc)
