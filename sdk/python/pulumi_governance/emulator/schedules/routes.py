"""Deployment schedules of a stack: raw, drift-detection and TTL (all served as ScheduledAction)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body, Response

from ..deps import OrgDep, StoreDep
from ..routing import Router
from . import models

router = Router()

BASE = "/api/stacks/{orgName}/{projectName}/{stackName}/deployments"
Json = Annotated[dict[str, Any], Body()]


@router.get(BASE + "/schedules")
def list_schedules(
    ctx: OrgDep, store: StoreDep, projectName: str, stackName: str
) -> dict[str, Any]:
    with store.tx() as tx:
        return {"schedules": models.stack_schedules(tx, ctx.org, projectName, stackName)}


@router.get(BASE + "/schedules/{scheduleID}")
def get_schedule(
    ctx: OrgDep, store: StoreDep, projectName: str, stackName: str, scheduleID: str
) -> dict[str, Any]:
    with store.tx() as tx:
        return models.require(tx, ctx.org, projectName, stackName, scheduleID)


@router.delete(BASE + "/schedules/{scheduleID}", response_class=Response)
def delete_schedule(
    ctx: OrgDep, store: StoreDep, projectName: str, stackName: str, scheduleID: str
) -> None:
    with store.tx() as tx:
        models.delete(tx, ctx.org, projectName, stackName, scheduleID)


@router.post(BASE + "/schedules/{scheduleID}/pause", response_class=Response)
def pause(ctx: OrgDep, store: StoreDep, projectName: str, stackName: str, scheduleID: str) -> None:
    with store.tx() as tx:
        models.set_paused(tx, ctx.org, projectName, stackName, scheduleID, True)


@router.post(BASE + "/schedules/{scheduleID}/resume", response_class=Response)
def resume(ctx: OrgDep, store: StoreDep, projectName: str, stackName: str, scheduleID: str) -> None:
    with store.tx() as tx:
        models.set_paused(tx, ctx.org, projectName, stackName, scheduleID, False)


@router.get(BASE + "/schedules/{scheduleID}/history")
def history(
    ctx: OrgDep, store: StoreDep, projectName: str, stackName: str, scheduleID: str
) -> dict[str, Any]:
    # Nothing runs in the emulator, so no schedule has fired yet.
    with store.tx() as tx:
        models.require(tx, ctx.org, projectName, stackName, scheduleID)
    return {"scheduleHistoryEvents": []}


def _register(kind: str, prefix: str) -> None:
    """Create and replace for one kind of schedule (raw, drift, ttl) under ``prefix``."""

    @router.post(BASE + prefix, name=f"create_{kind}")
    def create(
        ctx: OrgDep, store: StoreDep, projectName: str, stackName: str, body: Json
    ) -> dict[str, Any]:
        with store.tx() as tx:
            return models.create(tx, ctx.org, projectName, stackName, kind, body)

    @router.post(BASE + prefix + "/{scheduleID}", name=f"update_{kind}")
    def replace(
        ctx: OrgDep, store: StoreDep, projectName: str, stackName: str, scheduleID: str, body: Json
    ) -> dict[str, Any]:
        with store.tx() as tx:
            return models.replace(tx, ctx.org, projectName, stackName, scheduleID, kind, body)


_register("raw", "/schedules")
_register("drift", "/drift/schedules")
_register("ttl", "/ttl/schedules")
