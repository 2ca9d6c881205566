"""Policy packs: list, get (latest / version / schema), create + upload + complete, apply, delete.

A version is created "pending" with an upload URI served by the emulator itself; it becomes usable
(listed, readable, applicable) only after the pack was uploaded and ``complete`` was called.
Versions are immutable: creating a version tag that a complete version already has is a 400 (the
only error the documents list for create). A pending version with the same tag is replaced, so a
publisher whose create response was lost can simply publish again.
"""

from __future__ import annotations

import re
import secrets
import time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from ..deps import OrgDep, StoreDep
from ..errors import BadRequest, Conflict, Forbidden, NotFound
from ..store import DEFAULT_POLICY_GROUP, Tx

router = APIRouter()

PACK_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
UPLOAD_TOKEN_HEADER = "X-Emulator-Upload-Token"
EnforcementLevel = Literal["advisory", "mandatory", "remediate", "disabled"]


class ConfigSchema(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: Literal["object"]
    properties: dict[str, dict[str, Any]] | None = None
    required: list[str] | None = None


class Policy(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str = Field(min_length=1)
    displayName: str = ""
    description: str = ""
    enforcementLevel: EnforcementLevel
    message: str = ""
    configSchema: ConfigSchema | None = None
    severity: Literal["", "low", "medium", "high", "critical"] | None = None


class CreatePackBody(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str
    displayName: str = ""
    versionTag: str | None = None
    policies: list[Policy]
    description: str | None = None


def version_key(name: str, version: int) -> str:
    return f"{name}/{version:010d}"


def pack_versions(tx: Tx, org: str, name: str) -> list[dict[str, Any]]:
    """All versions of a pack (pending ones too), newest first."""
    return [d for _, _, d in reversed(tx.list("ppversion", org, prefix=f"{name}/"))]


def find_version(tx: Tx, org: str, name: str, version: str | int) -> dict[str, Any]:
    try:
        number = int(version)
    except ValueError as exc:
        raise BadRequest(f"invalid version {version!r}: expected a number") from exc
    doc = tx.get("ppversion", org, version_key(name, number))
    if doc is None:
        raise NotFound(f"Policy Pack '{name}' version {version} not found")
    return doc


def require_complete(doc: dict[str, Any]) -> dict[str, Any]:
    if doc["status"] != "complete":
        raise BadRequest("Cannot get incomplete Policy Pack")
    return doc


def latest_complete(tx: Tx, org: str, name: str) -> dict[str, Any]:
    for doc in pack_versions(tx, org, name):
        if doc["status"] == "complete":
            return doc
    raise NotFound(f"Policy Pack '{name}' not found")


def applied_in(tx: Tx, org: str, name: str, version: int | None = None) -> list[str]:
    """Names of the policy groups that apply the pack (that version, or any when None)."""
    return [
        key
        for _, key, group in tx.list("policygroup", org)
        if any(
            p["name"] == name and (version is None or p["version"] == version)
            for p in group["appliedPolicyPacks"]
        )
    ]


def pack_location(request: Request, doc: dict[str, Any]) -> str:
    return f"{str(request.base_url).rstrip('/')}/_emulator/uploads/{doc['uploadId']}"


def _view(tx: Tx, org: str, doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": doc["name"],
        "displayName": doc["displayName"],
        "version": doc["version"],
        "versionTag": doc["versionTag"],
        "policies": doc["policies"],
        "applied": bool(applied_in(tx, org, doc["name"], doc["version"])),
    }


@router.get("/api/orgs/{orgName}/policypacks")
def list_packs(ctx: OrgDep, store: StoreDep, policypack: str | None = None) -> dict[str, Any]:
    packs: dict[str, dict[str, Any]] = {}
    with store.tx() as tx:
        rows = tx.list("ppversion", ctx.org, prefix=f"{policypack}/" if policypack else "")
    for _, _, doc in reversed(rows):
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
    return {"policyPacks": sorted(packs.values(), key=lambda p: p["name"])}


@router.post("/api/orgs/{orgName}/policypacks", status_code=201)
def create_pack(
    request: Request, ctx: OrgDep, store: StoreDep, body: CreatePackBody
) -> dict[str, Any]:
    if not PACK_NAME_RE.match(body.name):
        raise BadRequest(f"invalid Policy Pack name {body.name!r}")
    if not body.policies:
        raise BadRequest("Policy Pack must have at least one policy.")
    names = [p.name for p in body.policies]
    if len(set(names)) != len(names):
        raise BadRequest("policy names must be unique within a Policy Pack")
    with store.tx() as tx:
        pack = tx.get("policypack", ctx.org, body.name) or {"name": body.name, "lastVersion": 0}
        existing = pack_versions(tx, ctx.org, body.name)
        if body.versionTag is not None:
            for doc in existing:
                if doc["versionTag"] == body.versionTag:
                    if doc["status"] == "complete":
                        raise BadRequest(
                            f"Policy Pack '{body.name}' version tag {body.versionTag!r} "
                            "already exists",
                        )
                    tx.delete("ppversion", ctx.org, version_key(body.name, doc["version"]))
        version = pack["lastVersion"] + 1
        pack["lastVersion"] = version
        upload_id = secrets.token_hex(16)
        upload_token = secrets.token_urlsafe(16)
        extra = body.model_dump(
            exclude={"name", "displayName", "versionTag", "policies"}, exclude_none=True
        )
        tx.put("policypack", ctx.org, body.name, pack)
        tx.put(
            "ppversion",
            ctx.org,
            version_key(body.name, version),
            {
                "name": body.name,
                "displayName": body.displayName,
                "version": version,
                "versionTag": body.versionTag if body.versionTag is not None else str(version),
                "policies": [p.model_dump(exclude_none=True) for p in body.policies],
                "status": "pending",
                "uploadId": upload_id,
                "created": int(time.time()),
                "extra": extra,
            },
        )
        tx.create_upload(upload_id)
        tx.put("upload", "", upload_id, {"token": upload_token, "org": ctx.org})
    return {
        "version": version,
        "uploadURI": f"{str(request.base_url).rstrip('/')}/_emulator/uploads/{upload_id}",
        "requiredHeaders": {
            "Content-Type": "application/octet-stream",
            UPLOAD_TOKEN_HEADER: upload_token,
        },
    }


@router.put("/_emulator/uploads/{uploadId}")
async def upload(
    request: Request,
    store: StoreDep,
    uploadId: str,
    token: Annotated[str | None, Header(alias=UPLOAD_TOKEN_HEADER)] = None,
) -> Response:
    """The pre-signed upload URL of a policy pack version (no Authorization, like S3)."""
    body = await request.body()
    with store.tx() as tx:
        meta = tx.get("upload", "", uploadId)
        if meta is None:
            raise NotFound("upload not found")
        if token != meta["token"]:
            raise Forbidden(f"missing or wrong {UPLOAD_TOKEN_HEADER} (see requiredHeaders)")
        tx.put_upload(uploadId, body, request.headers.get("content-type", ""))
    return Response(status_code=200)


@router.get("/_emulator/uploads/{uploadId}")
def download(store: StoreDep, uploadId: str) -> Response:
    with store.tx() as tx:
        found = tx.get_upload(uploadId)
    if found is None or found[0] is None:
        raise NotFound("upload not found")
    return Response(found[0], media_type="application/octet-stream")


@router.post(
    "/api/orgs/{orgName}/policypacks/{policyPackName}/versions/{version}/complete",
    status_code=204,
    response_class=Response,
)
def complete(ctx: OrgDep, store: StoreDep, policyPackName: str, version: str) -> None:
    with store.tx() as tx:
        doc = find_version(tx, ctx.org, policyPackName, version)
        if doc["status"] == "complete":
            raise BadRequest("Policy Pack is already complete")
        found = tx.get_upload(doc["uploadId"])
        if found is None or found[0] is None:
            raise BadRequest("Policy Pack has not been uploaded to its uploadURI")
        doc["status"] = "complete"
        tx.put("ppversion", ctx.org, version_key(policyPackName, doc["version"]), doc)


@router.get("/api/orgs/{orgName}/policypacks/{policyPackName}/latest")
def get_latest(ctx: OrgDep, store: StoreDep, policyPackName: str) -> dict[str, Any]:
    with store.tx() as tx:
        return _view(tx, ctx.org, latest_complete(tx, ctx.org, policyPackName))


@router.get("/api/orgs/{orgName}/policypacks/{policyPackName}/versions/{version}")
def get_version(ctx: OrgDep, store: StoreDep, policyPackName: str, version: str) -> dict[str, Any]:
    with store.tx() as tx:
        doc = require_complete(find_version(tx, ctx.org, policyPackName, version))
        return _view(tx, ctx.org, doc)


@router.get("/api/orgs/{orgName}/policypacks/{policyPackName}/versions/{version}/schema")
def get_schema(ctx: OrgDep, store: StoreDep, policyPackName: str, version: str) -> dict[str, Any]:
    with store.tx() as tx:
        doc = require_complete(find_version(tx, ctx.org, policyPackName, version))
    return {
        "configSchema": {
            p["name"]: p["configSchema"] for p in doc["policies"] if "configSchema" in p
        }
    }


@router.post(
    "/api/orgs/{orgName}/policypacks/{policyPackName}/latest",
    status_code=204,
    response_class=Response,
)
def apply_latest(ctx: OrgDep, store: StoreDep, policyPackName: str) -> None:
    """Apply the latest complete version to the default policy group (prose document)."""
    with store.tx() as tx:
        doc = latest_complete(tx, ctx.org, policyPackName)
        group = tx.get("policygroup", ctx.org, DEFAULT_POLICY_GROUP)
        assert group is not None
        old = [p for p in group["appliedPolicyPacks"] if p["name"] == policyPackName]
        entry = {
            "name": doc["name"],
            "displayName": doc["displayName"],
            "version": doc["version"],
            "versionTag": doc["versionTag"],
            "config": old[0].get("config", {}) if old else {},
        }
        group["appliedPolicyPacks"] = [
            p for p in group["appliedPolicyPacks"] if p["name"] != policyPackName
        ] + [entry]
        tx.put("policygroup", ctx.org, DEFAULT_POLICY_GROUP, group)


@router.delete("/api/orgs/{orgName}/policypacks/{policyPackName}")
def delete_pack(ctx: OrgDep, store: StoreDep, policyPackName: str) -> Response:
    with store.tx() as tx:
        versions = pack_versions(tx, ctx.org, policyPackName)
        if not versions:
            raise NotFound(f"Policy Pack '{policyPackName}' not found")
        groups = applied_in(tx, ctx.org, policyPackName)
        if groups:
            raise BadRequest(
                f"Cannot delete an enabled Policy Pack (applied in {', '.join(groups)})"
            )
        for doc in versions:
            tx.delete("ppversion", ctx.org, version_key(policyPackName, doc["version"]))
            tx.delete("upload", "", doc["uploadId"])
        tx.delete("policypack", ctx.org, policyPackName)
    return Response(status_code=200)


@router.delete("/api/orgs/{orgName}/policypacks/{policyPackName}/versions/{version}")
def delete_version(ctx: OrgDep, store: StoreDep, policyPackName: str, version: str) -> Response:
    with store.tx() as tx:
        doc = find_version(tx, ctx.org, policyPackName, version)
        groups = applied_in(tx, ctx.org, policyPackName, doc["version"])
        if groups:
            raise Conflict(
                "Cannot delete a Policy Pack that is applied to Policy Groups "
                f"({', '.join(groups)})",
            )
        tx.delete("ppversion", ctx.org, version_key(policyPackName, doc["version"]))
        tx.delete("upload", "", doc["uploadId"])
    return Response(status_code=200)
