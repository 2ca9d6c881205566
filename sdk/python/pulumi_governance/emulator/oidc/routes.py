"""OIDC issuers (list, register, get, update, delete, regenerate thumbprints) and auth policies."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body, Response

from ..deps import OrgDep, StoreDep
from ..routing import Router
from . import models

router = Router()

ISSUERS = "/api/orgs/{orgName}/oidc/issuers"
Json = Annotated[dict[str, Any], Body()]


@router.get(ISSUERS)
def list_issuers(ctx: OrgDep, store: StoreDep) -> dict[str, Any]:
    with store.tx() as tx:
        return models.list_issuers(tx, ctx.org)


@router.post(ISSUERS)
def register(ctx: OrgDep, store: StoreDep, body: Json) -> dict[str, Any]:
    with store.tx() as tx:
        return models.register(tx, ctx.org, body)


@router.get(ISSUERS + "/{issuerId}")
def get_issuer(ctx: OrgDep, store: StoreDep, issuerId: str) -> dict[str, Any]:
    with store.tx() as tx:
        return models.get_issuer(tx, ctx.org, issuerId)


@router.patch(ISSUERS + "/{issuerId}")
def update_issuer(ctx: OrgDep, store: StoreDep, issuerId: str, body: Json) -> dict[str, Any]:
    with store.tx() as tx:
        return models.update_issuer(tx, ctx.org, issuerId, body)


@router.delete(ISSUERS + "/{issuerId}", status_code=204, response_class=Response)
def delete_issuer(ctx: OrgDep, store: StoreDep, issuerId: str) -> None:
    with store.tx() as tx:
        models.delete_issuer(tx, ctx.org, issuerId)


@router.post(ISSUERS + "/{issuerId}/regenerate-thumbprints")
def regenerate_thumbprints(ctx: OrgDep, store: StoreDep, issuerId: str) -> dict[str, Any]:
    with store.tx() as tx:
        return models.regenerate_thumbprints(tx, ctx.org, issuerId)


@router.get("/api/orgs/{orgName}/auth/policies/oidcissuers/{issuerId}")
def get_auth_policy(ctx: OrgDep, store: StoreDep, issuerId: str) -> dict[str, Any]:
    with store.tx() as tx:
        return models.get_auth_policy(tx, ctx.org, issuerId)


@router.patch("/api/orgs/{orgName}/auth/policies/{policyId}")
def update_auth_policy(ctx: OrgDep, store: StoreDep, policyId: str, body: Json) -> dict[str, Any]:
    with store.tx() as tx:
        return models.update_auth_policy(tx, ctx.org, policyId, body)
