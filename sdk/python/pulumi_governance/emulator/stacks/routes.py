"""Stacks: create, get, delete, list (GET /api/user/stacks), tags."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body, Request, Response
from pydantic import Field

from ..deps import OrgDep, PrincipalDep, SettingsDep, StoreDep
from ..errors import BadRequest
from ..lookups import require_stack
from ..routing import Router
from ..wire import RequestBody
from . import models

router = Router()


class CreateStackBody(RequestBody):
    stackName: str
    tags: dict[str, str] = Field(default_factory=dict)
    teams: list[str] | None = None
    config: dict[str, Any] | None = None


class TagBody(RequestBody):
    name: str
    value: str


@router.post("/api/stacks/{orgName}/{projectName}")
def create(ctx: OrgDep, store: StoreDep, projectName: str, body: CreateStackBody) -> dict[str, Any]:
    models.check_names(projectName, body.stackName)
    for name, value in body.tags.items():
        models.check_tag(name, value)
    with store.tx() as tx:
        models.create_stack(tx, ctx.org, projectName, body.stackName, body.tags)
    return {}


@router.get("/api/stacks/{orgName}/{projectName}/{stackName}")
def get(ctx: OrgDep, store: StoreDep, projectName: str, stackName: str) -> dict[str, Any]:
    with store.tx() as tx:
        return models.public(require_stack(tx, ctx.org, projectName, stackName))


@router.delete("/api/stacks/{orgName}/{projectName}/{stackName}", status_code=204)
def delete(
    ctx: OrgDep, store: StoreDep, projectName: str, stackName: str, force: bool = False
) -> None:
    with store.tx() as tx:
        models.delete_stack(tx, ctx.org, projectName, stackName, force)


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
    with store.tx() as tx:
        return models.list_page(
            tx,
            principal.orgs,
            str(request.base_url),
            limit,
            organization=organization,
            project=project,
            tag_name=tagName,
            tag_value=tagValue,
            continuation=continuationToken,
        )


@router.post("/api/stacks/{orgName}/{projectName}/{stackName}/tags", status_code=204)
def add_tag(ctx: OrgDep, store: StoreDep, projectName: str, stackName: str, body: TagBody) -> None:
    with store.tx() as tx:
        models.add_tag(tx, ctx.org, projectName, stackName, body.name, body.value)


@router.patch("/api/stacks/{orgName}/{projectName}/{stackName}/tags", status_code=204)
def replace_tags(
    ctx: OrgDep,
    store: StoreDep,
    projectName: str,
    stackName: str,
    body: Annotated[dict[str, str], Body()],
) -> None:
    with store.tx() as tx:
        models.replace_tags(tx, ctx.org, projectName, stackName, body)


@router.patch("/api/stacks/{orgName}/{projectName}/{stackName}/tags/{tagName}", status_code=204)
def update_tag(
    ctx: OrgDep, store: StoreDep, projectName: str, stackName: str, tagName: str, body: TagBody
) -> None:
    with store.tx() as tx:
        models.update_tag(tx, ctx.org, projectName, stackName, tagName, body.name, body.value)


@router.delete(
    "/api/stacks/{orgName}/{projectName}/{stackName}/tags/{tagName}",
    status_code=204,
    response_class=Response,
)
def delete_tag(
    ctx: OrgDep, store: StoreDep, projectName: str, stackName: str, tagName: str
) -> None:
    with store.tx() as tx:
        models.delete_tag(tx, ctx.org, projectName, stackName, tagName)
