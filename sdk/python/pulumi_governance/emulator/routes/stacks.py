"""Stacks: create, get, delete, list (GET /api/user/stacks), tags."""

from __future__ import annotations

import base64
import binascii
import re
import time
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request, Response
from pydantic import BaseModel, Field

from ..backend import state as stack_state
from ..deps import OrgDep, PrincipalDep, SettingsDep, StoreDep
from ..errors import BadRequest, Conflict, NotFound
from ..store import DEFAULT_POLICY_GROUP, Tx

router = APIRouter()

NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
TAG_NAME_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,40}$")
TAG_VALUE_MAX = 256
PROJECT_TAG = "pulumi:project"


def parse_stack_ref(ref: str) -> tuple[str, str, str]:
    parts = ref.split("/")
    if len(parts) != 3 or not all(NAME_RE.match(p) for p in parts):
        raise SystemExit(f"invalid stack reference {ref!r}: expected ORG/PROJECT/STACK")
    return parts[0], parts[1], parts[2]


def stack_key(project: str, stack: str) -> str:
    return f"{project}/{stack}"


def create_stack(
    tx: Tx, org: str, project: str, stack: str, tags: dict[str, str]
) -> dict[str, Any]:
    """Create a stack and put it in the org's default policy group (as Pulumi Cloud does)."""
    doc = {
        "id": str(uuid.uuid4()),
        "orgName": org,
        "projectName": project,
        "stackName": stack,
        "tags": dict(tags),
        "version": 0,
        "activeUpdate": "",
        "created": int(time.time()),
    }
    tx.put("stack", org, stack_key(project, stack), doc)
    group = tx.get("policygroup", org, DEFAULT_POLICY_GROUP)
    if group is not None:
        group["stacks"].append({"name": stack, "routingProject": project})
        tx.put("policygroup", org, DEFAULT_POLICY_GROUP, group)
    return doc


def require_stack(tx: Tx, org: str, project: str, stack: str) -> dict[str, Any]:
    doc = tx.get("stack", org, stack_key(project, stack))
    if doc is None:
        raise NotFound(f"Stack '{org}/{project}/{stack}' not found")
    return doc


def _check_tag(name: str, value: str) -> None:
    if not TAG_NAME_RE.match(name):
        raise BadRequest(f"invalid tag name {name!r}: 1-40 characters of letters, digits, '-_.:'")
    if len(value) > TAG_VALUE_MAX:
        raise BadRequest(f"tag {name!r}: value longer than {TAG_VALUE_MAX} characters")


def _builtin(name: str) -> bool:
    return name.startswith("pulumi:")


def public(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "created"}


class CreateStackBody(BaseModel):
    stackName: str
    tags: dict[str, str] = Field(default_factory=dict)
    teams: list[str] | None = None
    config: dict[str, Any] | None = None


@router.post("/api/stacks/{orgName}/{projectName}")
def create(ctx: OrgDep, store: StoreDep, projectName: str, body: CreateStackBody) -> dict[str, Any]:
    if not NAME_RE.match(projectName):
        raise BadRequest(f"invalid project name {projectName!r}")
    if not NAME_RE.match(body.stackName):
        raise BadRequest(
            f"invalid stack name {body.stackName!r}: 1-100 letters, digits, '-', '_' or '.'"
        )
    for name, value in body.tags.items():
        _check_tag(name, value)
    with store.tx() as tx:
        if tx.get("stack", ctx.org, stack_key(projectName, body.stackName)) is not None:
            raise Conflict(f"Stack '{body.stackName}' already exists")
        create_stack(tx, ctx.org, projectName, body.stackName, body.tags)
    return {}


@router.get("/api/stacks/{orgName}/{projectName}/{stackName}")
def get(ctx: OrgDep, store: StoreDep, projectName: str, stackName: str) -> dict[str, Any]:
    with store.tx() as tx:
        return public(require_stack(tx, ctx.org, projectName, stackName))


@router.delete("/api/stacks/{orgName}/{projectName}/{stackName}", status_code=204)
def delete(
    ctx: OrgDep, store: StoreDep, projectName: str, stackName: str, force: bool = False
) -> None:
    with store.tx() as tx:
        require_stack(tx, ctx.org, projectName, stackName)
        deployment = stack_state.current_deployment(tx, ctx.org, projectName, stackName)
        if stack_state.resource_count(deployment) and not force:
            raise BadRequest("Bad Request: Stack still contains resources.")
        stack_state.forget_stack(tx, ctx.org, projectName, stackName)
        tx.delete("stack", ctx.org, stack_key(projectName, stackName))
        ref = {"name": stackName, "routingProject": projectName}
        for _, key, group in tx.list("policygroup", ctx.org):
            if ref in group["stacks"]:
                group["stacks"] = [s for s in group["stacks"] if s != ref]
                tx.put("policygroup", ctx.org, key, group)


def _encode_token(org: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"{org}\n{key}".encode()).decode()


def _decode_token(token: str) -> tuple[str, str]:
    try:
        org, sep, key = base64.urlsafe_b64decode(token.encode()).decode().partition("\n")
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise BadRequest("invalid continuationToken") from exc
    if not sep:
        raise BadRequest("invalid continuationToken")
    return org, key


@router.get("/api/user/stacks")
def list_stacks(
    request: Request,
    principal: PrincipalDep,
    store: StoreDep,
    settings: SettingsDep,
    organization: str | None = None,
    project: str | None = None,
    tagName: str | None = None,
    tagValue: str | None = None,
    continuationToken: str | None = None,
    maxResults: int | None = None,
) -> dict[str, Any]:
    if maxResults is not None and maxResults < 1:
        raise BadRequest("maxResults must be positive")
    limit = min(maxResults or settings.page_size, settings.page_size)
    after = _decode_token(continuationToken) if continuationToken else None
    with store.tx() as tx:
        rows = [
            (org, key, doc)
            for org, key, doc in tx.list("stack")
            if org in principal.orgs
            and (organization is None or org == organization)
            and (project is None or doc["projectName"] == project)
            and (tagName is None or tagName in doc["tags"])
            and (tagValue is None or tagName is None or doc["tags"].get(tagName) == tagValue)
        ]
    if after is not None:
        rows = [r for r in rows if (r[0], r[1]) > after]
    page = rows[:limit]
    base = str(request.base_url).rstrip("/")
    out: dict[str, Any] = {
        "stacks": [
            {
                "id": doc["id"],
                "orgName": doc["orgName"],
                "projectName": doc["projectName"],
                "stackName": doc["stackName"],
                "resourceCount": 0,
                "links": {
                    "self": f"{base}/api/stacks/{doc['orgName']}/{doc['projectName']}"
                    f"/{doc['stackName']}"
                },
            }
            for _, _, doc in page
        ]
    }
    if len(rows) > limit:
        out["continuationToken"] = _encode_token(page[-1][0], page[-1][1])
    return out


class TagBody(BaseModel):
    name: str
    value: str


def _save(tx: Tx, doc: dict[str, Any]) -> None:
    tx.put("stack", doc["orgName"], stack_key(doc["projectName"], doc["stackName"]), doc)


@router.post("/api/stacks/{orgName}/{projectName}/{stackName}/tags", status_code=204)
def add_tag(ctx: OrgDep, store: StoreDep, projectName: str, stackName: str, body: TagBody) -> None:
    _check_tag(body.name, body.value)
    with store.tx() as tx:
        doc = require_stack(tx, ctx.org, projectName, stackName)
        if body.name in doc["tags"]:
            raise BadRequest(f"tag {body.name!r} already exists")
        doc["tags"][body.name] = body.value
        _save(tx, doc)


@router.patch("/api/stacks/{orgName}/{projectName}/{stackName}/tags", status_code=204)
def replace_tags(
    ctx: OrgDep,
    store: StoreDep,
    projectName: str,
    stackName: str,
    body: Annotated[dict[str, str], Body()],
) -> None:
    for name, value in body.items():
        _check_tag(name, value)
    with store.tx() as tx:
        doc = require_stack(tx, ctx.org, projectName, stackName)
        old = doc["tags"].get(PROJECT_TAG)
        if old is not None and body.get(PROJECT_TAG) != old:
            raise BadRequest(f"cannot change the {PROJECT_TAG} tag")
        doc["tags"] = dict(body)
        _save(tx, doc)


@router.patch("/api/stacks/{orgName}/{projectName}/{stackName}/tags/{tagName}", status_code=204)
def update_tag(
    ctx: OrgDep,
    store: StoreDep,
    projectName: str,
    stackName: str,
    tagName: str,
    body: TagBody,
) -> None:
    if _builtin(tagName):
        raise BadRequest(f"built-in tag {tagName!r} cannot be updated")
    _check_tag(body.name, body.value)
    with store.tx() as tx:
        doc = require_stack(tx, ctx.org, projectName, stackName)
        if tagName not in doc["tags"]:
            raise NotFound(f"tag {tagName!r} not found")
        if body.name != tagName and body.name in doc["tags"]:
            raise BadRequest(f"tag {body.name!r} already exists")
        del doc["tags"][tagName]
        doc["tags"][body.name] = body.value
        _save(tx, doc)


@router.delete(
    "/api/stacks/{orgName}/{projectName}/{stackName}/tags/{tagName}",
    status_code=204,
    response_class=Response,
)
def delete_tag(
    ctx: OrgDep, store: StoreDep, projectName: str, stackName: str, tagName: str
) -> None:
    if _builtin(tagName):
        raise BadRequest(f"built-in tag {tagName!r} cannot be deleted")
    with store.tx() as tx:
        doc = require_stack(tx, ctx.org, projectName, stackName)
        if tagName not in doc["tags"]:
            raise NotFound(f"tag {tagName!r} not found")
        del doc["tags"][tagName]
        _save(tx, doc)
