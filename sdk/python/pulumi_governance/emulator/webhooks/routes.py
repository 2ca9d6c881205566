"""Webhooks: one set of handlers serves four path prefixes; a scope dependency resolves the owner:
``/api/orgs/{org}/hooks``, ``/api/stacks/{org}/{project}/{stack}/hooks`` (the stack must exist),
``/api/esc/environments/{org}/{project}/{env}/hooks`` (OpenAPI) and the older
``/api/preview/environments/{org}/{env}/hooks``, which is the same environment in ESC's
``default`` project. Ping and redeliver send without holding a transaction (the payload URL may be
this emulator itself)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Body, Depends, Response

from ..deps import OrgDep, StoreDep
from ..errors import NotFound
from ..lookups import require_stack
from ..routing import Router, in_thread
from . import delivery, models
from .models import Scope

router = Router()

Json = Annotated[dict[str, Any], Body()]
PREVIEW_PROJECT = "default"


# The scope dependencies are async, as every dependency here: none waits on more than the store.
async def org_scope(ctx: OrgDep) -> Scope:
    return models.org_scope(ctx.org)


async def stack_scope(ctx: OrgDep, store: StoreDep, projectName: str, stackName: str) -> Scope:
    with store.tx() as tx:
        require_stack(tx, ctx.org, projectName, stackName)
    return models.stack_scope(ctx.org, projectName, stackName)


async def env_scope(ctx: OrgDep, projectName: str, envName: str) -> Scope:
    return models.env_scope(ctx.org, projectName, envName)


async def preview_env_scope(ctx: OrgDep, envName: str) -> Scope:
    return models.env_scope(ctx.org, PREVIEW_PROJECT, envName)


def _register(prefix: str, scope_dep: Callable[..., Awaitable[Scope]]) -> None:
    dep = Depends(scope_dep)

    @router.get(prefix)
    def list_hooks(*, scope: Scope = dep, store: StoreDep) -> list[dict[str, Any]]:
        with store.tx() as tx:
            return models.list_hooks(tx, scope)

    @router.post(prefix, status_code=201)
    def create_hook(*, scope: Scope = dep, store: StoreDep, body: Json) -> dict[str, Any]:
        hook = models.new_hook(scope, body)
        with store.tx() as tx:
            return models.create(tx, scope, hook)

    @router.get(prefix + "/{hookName}")
    def get_hook(*, scope: Scope = dep, store: StoreDep, hookName: str) -> dict[str, Any]:
        with store.tx() as tx:
            return models.public(models.require(tx, scope, hookName))

    @router.patch(prefix + "/{hookName}")
    def update_hook(
        *, scope: Scope = dep, store: StoreDep, hookName: str, body: Json
    ) -> dict[str, Any]:
        with store.tx() as tx:
            return models.replace(tx, scope, hookName, body)

    @router.delete(prefix + "/{hookName}", status_code=204, response_class=Response)
    def delete_hook(*, scope: Scope = dep, store: StoreDep, hookName: str) -> None:
        with store.tx() as tx:
            models.delete(tx, scope, hookName)

    @router.post(prefix + "/{hookName}/ping")
    @in_thread
    def ping_hook(*, scope: Scope = dep, store: StoreDep, hookName: str) -> dict[str, Any]:
        with store.tx() as tx:
            hook = models.require(tx, scope, hookName)
        sent = delivery.deliver(hook, "ping", delivery.ping_payload(int(time.time())))
        with store.tx() as tx:
            models.record(tx, scope, hookName, sent)
        return sent

    @router.get(prefix + "/{hookName}/deliveries")
    def list_deliveries(
        *, scope: Scope = dep, store: StoreDep, hookName: str
    ) -> list[dict[str, Any]]:
        with store.tx() as tx:
            return models.deliveries(tx, scope, hookName)

    @router.post(prefix + "/{hookName}/deliveries/{event}/redeliver")
    @in_thread
    def redeliver(
        *, scope: Scope = dep, store: StoreDep, hookName: str, event: str
    ) -> dict[str, Any]:
        with store.tx() as tx:
            hook = models.require(tx, scope, hookName)
            found = models.deliveries(tx, scope, hookName)
        original = next((d for d in found if d["id"] == event), None)
        if original is None:
            raise NotFound(f"delivery {event!r} of webhook {hookName!r} not found")
        sent = delivery.deliver(hook, original["kind"], original["payload"])
        with store.tx() as tx:
            models.record(tx, scope, hookName, sent)
        return sent


_register("/api/orgs/{orgName}/hooks", org_scope)
_register("/api/stacks/{orgName}/{projectName}/{stackName}/hooks", stack_scope)
_register("/api/esc/environments/{orgName}/{projectName}/{envName}/hooks", env_scope)
_register("/api/preview/environments/{orgName}/{envName}/hooks", preview_env_scope)
