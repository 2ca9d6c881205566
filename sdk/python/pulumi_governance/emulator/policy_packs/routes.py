"""Policy packs: list, get (latest, version, schema), create, upload, complete, apply, delete."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Header, Request, Response
from pydantic import ConfigDict, Field

from ..deps import OrgDep, StoreDep
from ..lookups import find_version, latest_complete
from ..routing import Router
from ..wire import RequestBody
from . import models

router = Router()

EnforcementLevel = Literal["advisory", "mandatory", "remediate", "disabled"]


class ConfigSchema(RequestBody):
    model_config = ConfigDict(extra="allow")
    type: Literal["object"]
    properties: dict[str, dict[str, Any]] | None = None
    required: list[str] | None = None


class Policy(RequestBody):
    model_config = ConfigDict(extra="allow")
    name: str = Field(min_length=1)
    displayName: str = ""
    description: str = ""
    enforcementLevel: EnforcementLevel
    message: str = ""
    configSchema: ConfigSchema | None = None
    severity: Literal["", "low", "medium", "high", "critical"] | None = None


class CreatePackBody(RequestBody):
    model_config = ConfigDict(extra="allow")
    name: str
    displayName: str = ""
    versionTag: str | None = None
    policies: list[Policy]
    description: str | None = None


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/api/orgs/{orgName}/policypacks")
def list_packs(ctx: OrgDep, store: StoreDep, policypack: str | None = None) -> dict[str, Any]:
    with store.tx() as tx:
        return {"policyPacks": models.list_packs(tx, ctx.org, policypack)}


@router.post("/api/orgs/{orgName}/policypacks", status_code=201)
def create_pack(
    request: Request, ctx: OrgDep, store: StoreDep, body: CreatePackBody
) -> dict[str, Any]:
    extra = body.model_dump(
        exclude={"name", "displayName", "versionTag", "policies"}, exclude_none=True
    )
    policies = [p.model_dump(exclude_none=True) for p in body.policies]
    with store.tx() as tx:
        version, upload_id, upload_token = models.create_version(
            tx, ctx.org, body.name, body.displayName, body.versionTag, policies, extra
        )
    return {
        "version": version,
        "uploadURI": f"{_base(request)}/_emulator/uploads/{upload_id}",
        "requiredHeaders": {
            "Content-Type": "application/octet-stream",
            models.UPLOAD_TOKEN_HEADER: upload_token,
        },
    }


@router.put("/_emulator/uploads/{uploadId}")
async def upload(
    request: Request,
    store: StoreDep,
    uploadId: str,
    token: Annotated[str | None, Header(alias=models.UPLOAD_TOKEN_HEADER)] = None,
) -> Response:
    """The pre-signed upload URL of a policy pack version (no Authorization, like S3)."""
    body = await request.body()
    with store.tx() as tx:
        models.store_upload(tx, uploadId, token, body, request.headers.get("content-type", ""))
    return Response(status_code=200)


@router.get("/_emulator/uploads/{uploadId}")
def download(store: StoreDep, uploadId: str) -> Response:
    with store.tx() as tx:
        body = models.read_upload(tx, uploadId)
    return Response(body, media_type="application/octet-stream")


@router.post(
    "/api/orgs/{orgName}/policypacks/{policyPackName}/versions/{version}/complete",
    status_code=204,
    response_class=Response,
)
def complete(ctx: OrgDep, store: StoreDep, policyPackName: str, version: str) -> None:
    with store.tx() as tx:
        models.complete(tx, ctx.org, policyPackName, version)


@router.get("/api/orgs/{orgName}/policypacks/{policyPackName}/latest")
def get_latest(ctx: OrgDep, store: StoreDep, policyPackName: str) -> dict[str, Any]:
    with store.tx() as tx:
        return models.view(tx, ctx.org, latest_complete(tx, ctx.org, policyPackName))


@router.get("/api/orgs/{orgName}/policypacks/{policyPackName}/versions/{version}")
def get_version(ctx: OrgDep, store: StoreDep, policyPackName: str, version: str) -> dict[str, Any]:
    with store.tx() as tx:
        doc = models.require_complete(find_version(tx, ctx.org, policyPackName, version))
        return models.view(tx, ctx.org, doc)


@router.get("/api/orgs/{orgName}/policypacks/{policyPackName}/versions/{version}/schema")
def get_schema(ctx: OrgDep, store: StoreDep, policyPackName: str, version: str) -> dict[str, Any]:
    with store.tx() as tx:
        doc = models.require_complete(find_version(tx, ctx.org, policyPackName, version))
    return models.config_schema(doc)


@router.post(
    "/api/orgs/{orgName}/policypacks/{policyPackName}/latest",
    status_code=204,
    response_class=Response,
)
def apply_latest(ctx: OrgDep, store: StoreDep, policyPackName: str) -> None:
    with store.tx() as tx:
        models.apply_latest(tx, ctx.org, policyPackName)


@router.delete("/api/orgs/{orgName}/policypacks/{policyPackName}")
def delete_pack(ctx: OrgDep, store: StoreDep, policyPackName: str) -> Response:
    with store.tx() as tx:
        models.delete_pack(tx, ctx.org, policyPackName)
    return Response(status_code=200)


@router.delete("/api/orgs/{orgName}/policypacks/{policyPackName}/versions/{version}")
def delete_version(ctx: OrgDep, store: StoreDep, policyPackName: str, version: str) -> Response:
    with store.tx() as tx:
        models.delete_version(tx, ctx.org, policyPackName, version)
    return Response(status_code=200)
