"""The caller and the service: ``/api/user``, its default org, ``/api/capabilities``."""

from __future__ import annotations

from typing import Any

from .. import capabilities
from ..deps import PrincipalDep, SettingsDep, StoreDep
from ..routing import Router
from . import models as users

router = Router()


@router.get("/api/user")
def get_current_user(principal: PrincipalDep, store: StoreDep, settings: SettingsDep) -> Any:
    with store.tx() as tx:
        return users.current_user(tx, principal, settings.user_login)


@router.get("/api/user/organizations/default")
def get_default_org(principal: PrincipalDep) -> dict[str, Any]:
    return users.default_org(principal)


@router.get("/api/capabilities")
def get_capabilities() -> dict[str, Any]:
    return capabilities.capabilities()
