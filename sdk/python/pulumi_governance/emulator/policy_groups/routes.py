"""Policy groups (list, get, create, PATCH, batch PATCH, delete, metadata) and the stack views
(GET /api/stacks/{org}/{project}/{stack}/policygroups and /policypacks)."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

from ..deps import OrgDep, StoreDep
from ..routing import Router
from . import models
from .models import NewGroupBody, UpdateBody

router = Router()


@router.get("/api/orgs/{orgName}/policygroups")
def list_groups(ctx: OrgDep, store: StoreDep) -> dict[str, Any]:
    with store.tx() as tx:
        return {"policyGroups": models.list_groups(tx, ctx.org)}


@router.post("/api/orgs/{orgName}/policygroups", status_code=204, response_class=Response)
def create_group(ctx: OrgDep, store: StoreDep, body: NewGroupBody) -> None:
    with store.tx() as tx:
        models.create_group(tx, ctx.org, body)


@router.get("/api/orgs/{orgName}/policygroups/metadata")
def metadata(ctx: OrgDep, store: StoreDep) -> dict[str, int]:
    with store.tx() as tx:
        return models.metadata(tx, ctx.org)


@router.get("/api/orgs/{orgName}/policygroups/{policyGroup}")
def get_group(ctx: OrgDep, store: StoreDep, policyGroup: str) -> dict[str, Any]:
    with store.tx() as tx:
        return models.require_group(tx, ctx.org, policyGroup)


@router.patch(
    "/api/orgs/{orgName}/policygroups/{policyGroup}", status_code=204, response_class=Response
)
def update_group(ctx: OrgDep, store: StoreDep, policyGroup: str, body: UpdateBody) -> None:
    with store.tx() as tx:
        models.apply_updates(tx, ctx.org, policyGroup, [body])


@router.patch(
    "/api/orgs/{orgName}/policygroups/{policyGroup}/batch",
    status_code=204,
    response_class=Response,
)
def batch_update_group(
    ctx: OrgDep, store: StoreDep, policyGroup: str, body: list[UpdateBody]
) -> None:
    with store.tx() as tx:
        models.apply_updates(tx, ctx.org, policyGroup, body)


@router.delete(
    "/api/orgs/{orgName}/policygroups/{policyGroup}", status_code=204, response_class=Response
)
def delete_group(ctx: OrgDep, store: StoreDep, policyGroup: str) -> None:
    with store.tx() as tx:
        models.delete_group(tx, ctx.org, policyGroup)


@router.get("/api/stacks/{orgName}/{projectName}/{stackName}/policygroups")
def stack_policy_groups(
    ctx: OrgDep, store: StoreDep, projectName: str, stackName: str
) -> dict[str, Any]:
    with store.tx() as tx:
        groups = models.groups_of_stack(tx, ctx.org, projectName, stackName)
        return {"policyGroups": [models.summary(tx, ctx.org, g) for g in groups]}


@router.get("/api/stacks/{orgName}/{projectName}/{stackName}/policypacks")
def stack_policy_packs(
    request: Request,
    ctx: OrgDep,
    store: StoreDep,
    projectName: str,
    stackName: str,
    mode: str | None = None,
) -> dict[str, Any]:
    base = str(request.base_url)
    with store.tx() as tx:
        required = models.required_policies(tx, ctx.org, projectName, stackName, mode, base)
    return {"requiredPolicies": required}
