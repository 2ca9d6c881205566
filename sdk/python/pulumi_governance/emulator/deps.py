"""FastAPI dependencies shared by every router: the store, the caller, the org in the path."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from .errors import Forbidden, NotFound, Unauthorized
from .store import Principal, Store


@dataclass(frozen=True)
class Settings:
    page_size: int = 100
    # The login of the emulator's one user, whom every CLI admin token stands for.
    user_login: str = "emulator-admin"


# The dependencies are ``async``: they do no blocking work (a cached token look-up at most), and a
# sync dependency would cost a trip through the thread pool on every request.
async def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "token" or not value.strip():
        return None
    return value.strip()


def authenticate(request: Request) -> Principal:
    value = bearer(request)
    principal = None if value is None else request.app.state.store.authenticate(value)
    if principal is None:
        raise Unauthorized("Unauthorized: No credentials provided or are invalid.")
    assert isinstance(principal, Principal)
    return principal


# Each dependency below reads what it needs from the request itself rather than through further
# dependencies: FastAPI resolves a dependency tree on every request, and a flat one is cheaper.
async def get_principal(request: Request) -> Principal:
    return authenticate(request)


async def get_admin(request: Request) -> Principal:
    principal = authenticate(request)
    if not principal.is_admin:
        raise Forbidden("Forbidden: an admin token is required")
    return principal


@dataclass(frozen=True)
class OrgContext:
    org: str
    principal: Principal


async def get_org(orgName: str, request: Request) -> OrgContext:
    principal = authenticate(request)
    if orgName not in principal.orgs:
        store: Store = request.app.state.store
        with store.tx() as tx:
            exists = tx.org_exists(orgName)
        if not exists:
            raise NotFound(f"Organization '{orgName}' not found")
        raise Forbidden(f"Forbidden: no access to organization '{orgName}'")
    return OrgContext(org=orgName, principal=principal)


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]
AdminDep = Annotated[Principal, Depends(get_admin)]
OrgDep = Annotated[OrgContext, Depends(get_org)]
