"""Webhooks at organization, stack and environment scope, with ping, deliveries and redeliver.

One set of handlers serves four path prefixes; a scope dependency resolves the owner:
``/api/orgs/{org}/hooks``, ``/api/stacks/{org}/{project}/{stack}/hooks`` (the stack must exist),
``/api/esc/environments/{org}/{project}/{env}/hooks`` (OpenAPI) and the older
``/api/preview/environments/{org}/{env}/hooks``, which is the same environment in ESC's
``default`` project. Environments are not modelled, so any environment name is accepted.

Names are unique per scope (409) and generated (8 hex digits) when left out. The ``secret`` is
write-only: responses carry ``hasSecret`` and ``secretCiphertext`` (an opaque digest that changes
with the secret, "" without one). PATCH replaces the hook; a PATCH without ``secret`` keeps the
stored one, ``"secret": ""`` removes it. Deliveries are listed newest first.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Response

from .. import webhook_delivery, webhook_rules
from ..deps import OrgDep, StoreDep
from ..errors import BadRequest, Conflict, NotFound
from ..store import Tx
from ._shared import strings, text
from .stacks import require_stack

router = APIRouter()

KIND, DELIVERY_KIND = "webhook", "webhookdelivery"
Json = Annotated[dict[str, Any], Body()]
PREVIEW_PROJECT = "default"


@dataclass(frozen=True)
class Scope:
    org: str
    kind: str  # organization | stack | environment
    key: str  # document key prefix, ending in "/"
    fields: dict[str, str] = field(default_factory=dict)  # projectName, stackName, envName


def org_scope(ctx: OrgDep) -> Scope:
    return Scope(ctx.org, "organization", "org/")


def stack_scope(ctx: OrgDep, store: StoreDep, projectName: str, stackName: str) -> Scope:
    with store.tx() as tx:
        require_stack(tx, ctx.org, projectName, stackName)
    fields = {"projectName": projectName, "stackName": stackName}
    return Scope(ctx.org, "stack", f"stack/{projectName}/{stackName}/", fields)


def env_scope(ctx: OrgDep, projectName: str, envName: str) -> Scope:
    fields = {"projectName": projectName, "envName": envName}
    return Scope(ctx.org, "environment", f"env/{projectName}/{envName}/", fields)


def preview_env_scope(ctx: OrgDep, envName: str) -> Scope:
    return env_scope(ctx, PREVIEW_PROJECT, envName)


def _rule(check: Callable[..., None], *args: Any) -> None:
    try:
        check(*args)
    except webhook_rules.RuleError as error:
        raise BadRequest(str(error)) from None


def _hook_from_body(scope: Scope, body: dict[str, Any], name: str) -> dict[str, Any]:
    org = body.get("organizationName")
    if org is not None and org != scope.org:
        raise BadRequest("Organization name from request body doesn't match URL.")
    for key, value in scope.fields.items():
        if body.get(key) not in (None, value):
            raise BadRequest(f"{key} from request body doesn't match URL.")
    display = text(body, "displayName", required=True)
    _rule(webhook_rules.check_display_name, display)
    fmt = text(body, "format", default="raw") or "raw"
    _rule(webhook_rules.check_format, fmt, scope.kind)
    url = text(body, "payloadUrl", required=True)
    _rule(webhook_rules.check_payload_url, url, fmt)
    active = body.get("active")
    if not isinstance(active, bool):
        raise BadRequest("active is required and must be a boolean")
    filters, groups = strings(body, "filters") or [], strings(body, "groups") or []
    _rule(webhook_rules.check_subscriptions, filters, groups, scope.kind)
    hook: dict[str, Any] = {"organizationName": scope.org, **scope.fields, "name": name}
    hook.update(displayName=display, payloadUrl=url, format=fmt, active=active)
    if filters:
        hook["filters"] = filters
    if groups:
        hook["groups"] = groups
    return hook


def _secret(hook: dict[str, Any], body: dict[str, Any], previous: str | None) -> None:
    secret = text(body, "secret") if "secret" in body and body["secret"] is not None else None
    value = previous if secret is None else secret
    if value:
        hook["secret"] = value


def public(hook: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in hook.items() if k != "secret"}
    secret = hook.get("secret")
    out["hasSecret"] = bool(secret)
    out["secretCiphertext"] = (
        hashlib.sha256(f"{hook['name']}\0{secret}".encode()).hexdigest() if secret else ""
    )
    return out


def _require(tx: Tx, scope: Scope, name: str) -> dict[str, Any]:
    hook = tx.get(KIND, scope.org, scope.key + name)
    if hook is None:
        raise NotFound(f"Webhook {name!r} not found")
    return hook


def _record(store: StoreDep, scope: Scope, name: str, delivery: dict[str, Any]) -> None:
    with store.tx() as tx:
        _require(tx, scope, name)  # deleted while delivering: nothing to record it on
        seq = tx.next_counter(f"{DELIVERY_KIND}:{scope.org}")
        tx.put(DELIVERY_KIND, scope.org, f"{scope.key}{name}/{seq:012d}", delivery)


def _register(prefix: str, scope_dep: Callable[..., Scope]) -> None:
    dep = Depends(scope_dep)

    @router.get(prefix)
    def list_hooks(*, scope: Scope = dep, store: StoreDep) -> list[dict[str, Any]]:
        with store.tx() as tx:
            found = tx.list(KIND, scope.org, prefix=scope.key)
        return [public(h) for _, key, h in found if "/" not in key[len(scope.key) :]]

    @router.post(prefix, status_code=201)
    def create_hook(*, scope: Scope = dep, store: StoreDep, body: Json) -> dict[str, Any]:
        name = text(body, "name") or secrets.token_hex(4)
        _rule(webhook_rules.check_name, name)
        hook = _hook_from_body(scope, body, name)
        _secret(hook, body, None)
        with store.tx() as tx:
            if tx.get(KIND, scope.org, scope.key + name) is not None:
                raise Conflict(f"Webhook with name {name} already exists.")
            tx.put(KIND, scope.org, scope.key + name, hook)
        return public(hook)

    @router.get(prefix + "/{hookName}")
    def get_hook(*, scope: Scope = dep, store: StoreDep, hookName: str) -> dict[str, Any]:
        with store.tx() as tx:
            return public(_require(tx, scope, hookName))

    @router.patch(prefix + "/{hookName}")
    def update_hook(
        *, scope: Scope = dep, store: StoreDep, hookName: str, body: Json
    ) -> dict[str, Any]:
        if body.get("name") not in (None, hookName):
            raise BadRequest("a webhook cannot be renamed")
        hook = _hook_from_body(scope, body, hookName)
        with store.tx() as tx:
            old = _require(tx, scope, hookName)
            _secret(hook, body, old.get("secret"))
            tx.put(KIND, scope.org, scope.key + hookName, hook)
        return public(hook)

    @router.delete(prefix + "/{hookName}", status_code=204, response_class=Response)
    def delete_hook(*, scope: Scope = dep, store: StoreDep, hookName: str) -> None:
        with store.tx() as tx:
            _require(tx, scope, hookName)
            tx.delete(KIND, scope.org, scope.key + hookName)
            for _, key, _ in tx.list(DELIVERY_KIND, scope.org, prefix=f"{scope.key}{hookName}/"):
                tx.delete(DELIVERY_KIND, scope.org, key)

    @router.post(prefix + "/{hookName}/ping")
    def ping_hook(*, scope: Scope = dep, store: StoreDep, hookName: str) -> dict[str, Any]:
        with store.tx() as tx:
            hook = _require(tx, scope, hookName)
        # No transaction is held while delivering: the URL may be this emulator itself.
        payload = webhook_delivery.ping_payload(int(time.time()))
        delivery = webhook_delivery.deliver(hook, "ping", payload)
        _record(store, scope, hookName, delivery)
        return delivery

    @router.get(prefix + "/{hookName}/deliveries")
    def list_deliveries(
        *, scope: Scope = dep, store: StoreDep, hookName: str
    ) -> list[dict[str, Any]]:
        with store.tx() as tx:
            _require(tx, scope, hookName)
            found = tx.list(DELIVERY_KIND, scope.org, prefix=f"{scope.key}{hookName}/")
        return [d for _, _, d in reversed(found)]

    @router.post(prefix + "/{hookName}/deliveries/{event}/redeliver")
    def redeliver(
        *, scope: Scope = dep, store: StoreDep, hookName: str, event: str
    ) -> dict[str, Any]:
        with store.tx() as tx:
            hook = _require(tx, scope, hookName)
            found = tx.list(DELIVERY_KIND, scope.org, prefix=f"{scope.key}{hookName}/")
        original = next((d for _, _, d in found if d["id"] == event), None)
        if original is None:
            raise NotFound(f"delivery {event!r} of webhook {hookName!r} not found")
        delivery = webhook_delivery.deliver(hook, original["kind"], original["payload"])
        _record(store, scope, hookName, delivery)
        return delivery


_register("/api/orgs/{orgName}/hooks", org_scope)
_register("/api/stacks/{orgName}/{projectName}/{stackName}/hooks", stack_scope)
_register("/api/esc/environments/{orgName}/{projectName}/{envName}/hooks", env_scope)
_register("/api/preview/environments/{orgName}/{envName}/hooks", preview_env_scope)
