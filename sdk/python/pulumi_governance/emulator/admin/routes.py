"""Emulator-only endpoints under /_emulator (never under /api, so faults never hit them)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body, Request

from ..deps import AdminDep, StoreDep
from ..errors import BadRequest
from ..faults import Faults
from ..request_log import RequestLog
from ..routing import Router

router = Router(prefix="/_emulator")


def _faults(request: Request) -> Faults:
    faults: Faults = request.app.state.faults
    return faults


@router.get("/faults")
def get_faults(request: Request, _: AdminDep) -> dict[str, Any]:
    return _faults(request).snapshot()


@router.put("/faults")
def put_faults(
    request: Request, _: AdminDep, changes: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    changes.pop("injected", None)
    try:
        _faults(request).update(changes)
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc
    return _faults(request).snapshot()


@router.get("/state")
def get_state(store: StoreDep, _: AdminDep) -> dict[str, Any]:
    with store.tx() as tx:
        return tx.dump()


@router.post("/reset", status_code=204)
def reset(store: StoreDep, _: AdminDep) -> None:
    with store.tx() as tx:
        tx.reset()


@router.post("/orgs", status_code=204)
def create_org(store: StoreDep, _: AdminDep, body: Annotated[dict[str, str], Body()]) -> None:
    """Create an org ``{"name": ..., "token": ...}``; the token becomes an admin of it."""
    name, token = body.get("name"), body.get("token")
    if not name or not token:
        raise BadRequest("name and token are required")
    with store.tx() as tx:
        tx.ensure_org(name)
        tx.register_token(name, token, token_id=f"admin:{name}", kind="admin")


def _log(request: Request) -> RequestLog:
    log: RequestLog = request.app.state.request_log
    return log


@router.get("/requests")
def get_requests(request: Request, _: AdminDep, since: int = 0) -> dict[str, Any]:
    """The request log: ``since`` (a ``seq``) returns only the entries after it."""
    return _log(request).snapshot(since)


@router.delete("/requests", status_code=204)
def clear_requests(request: Request, _: AdminDep) -> None:
    _log(request).clear()
