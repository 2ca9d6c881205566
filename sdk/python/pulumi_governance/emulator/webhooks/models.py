"""Webhooks at organization, stack and environment scope, and their deliveries.

Names are unique per scope (409) and generated (8 hex digits) when left out. The ``secret`` is
write-only: responses carry ``hasSecret`` and ``secretCiphertext`` (an opaque digest that changes
with the secret, "" without one). An update replaces the hook; one without ``secret`` keeps the
stored one, ``"secret": ""`` removes it. Deliveries are listed newest first. Environments are not
modelled, so any environment name is accepted.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import BadRequest, Conflict, NotFound
from ..store import Tx
from ..wire import strings, text
from . import rules

KIND, DELIVERY_KIND = "webhook", "webhookdelivery"


@dataclass(frozen=True)
class Scope:
    org: str
    kind: str  # organization | stack | environment
    key: str  # document key prefix, ending in "/"
    fields: dict[str, str] = field(default_factory=dict)  # projectName, stackName, envName


def org_scope(org: str) -> Scope:
    return Scope(org, "organization", "org/")


def stack_scope(org: str, project: str, stack: str) -> Scope:
    fields = {"projectName": project, "stackName": stack}
    return Scope(org, "stack", f"stack/{project}/{stack}/", fields)


def env_scope(org: str, project: str, env: str) -> Scope:
    fields = {"projectName": project, "envName": env}
    return Scope(org, "environment", f"env/{project}/{env}/", fields)


def _rule(check: Callable[..., None], *args: Any) -> None:
    try:
        check(*args)
    except rules.RuleError as error:
        raise BadRequest(str(error)) from None


def hook_from_body(scope: Scope, body: dict[str, Any], name: str) -> dict[str, Any]:
    org = body.get("organizationName")
    if org is not None and org != scope.org:
        raise BadRequest("Organization name from request body doesn't match URL.")
    for key, value in scope.fields.items():
        if body.get(key) not in (None, value):
            raise BadRequest(f"{key} from request body doesn't match URL.")
    display = text(body, "displayName", required=True)
    _rule(rules.check_display_name, display)
    fmt = text(body, "format", default="raw") or "raw"
    _rule(rules.check_format, fmt, scope.kind)
    url = text(body, "payloadUrl", required=True)
    _rule(rules.check_payload_url, url, fmt)
    active = body.get("active")
    if not isinstance(active, bool):
        raise BadRequest("active is required and must be a boolean")
    filters, groups = strings(body, "filters") or [], strings(body, "groups") or []
    _rule(rules.check_subscriptions, filters, groups, scope.kind)
    hook: dict[str, Any] = {"organizationName": scope.org, **scope.fields, "name": name}
    hook.update(displayName=display, payloadUrl=url, format=fmt, active=active)
    if filters:
        hook["filters"] = filters
    if groups:
        hook["groups"] = groups
    return hook


def _secret(hook: dict[str, Any], body: dict[str, Any], previous: str | None) -> None:
    secret = text(body, "secret") if body.get("secret") is not None else None
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


def require(tx: Tx, scope: Scope, name: str) -> dict[str, Any]:
    hook = tx.get(KIND, scope.org, scope.key + name)
    if hook is None:
        raise NotFound(f"Webhook {name!r} not found")
    return hook


def list_hooks(tx: Tx, scope: Scope) -> list[dict[str, Any]]:
    found = tx.list(KIND, scope.org, prefix=scope.key)
    return [public(h) for _, key, h in found if "/" not in key[len(scope.key) :]]


def new_hook(scope: Scope, body: dict[str, Any]) -> dict[str, Any]:
    """A hook from a create request, checked before anything is stored."""
    name = text(body, "name") or secrets.token_hex(4)
    _rule(rules.check_name, name)
    hook = hook_from_body(scope, body, name)
    _secret(hook, body, None)
    return hook


def create(tx: Tx, scope: Scope, hook: dict[str, Any]) -> dict[str, Any]:
    if tx.get(KIND, scope.org, scope.key + hook["name"]) is not None:
        raise Conflict(f"Webhook with name {hook['name']} already exists.")
    tx.put(KIND, scope.org, scope.key + hook["name"], hook)
    return public(hook)


def replace(tx: Tx, scope: Scope, name: str, body: dict[str, Any]) -> dict[str, Any]:
    if body.get("name") not in (None, name):
        raise BadRequest("a webhook cannot be renamed")
    hook = hook_from_body(scope, body, name)
    old = require(tx, scope, name)
    _secret(hook, body, old.get("secret"))
    tx.put(KIND, scope.org, scope.key + name, hook)
    return public(hook)


def delete(tx: Tx, scope: Scope, name: str) -> None:
    require(tx, scope, name)
    tx.delete(KIND, scope.org, scope.key + name)
    for _, key, _ in tx.list(DELIVERY_KIND, scope.org, prefix=f"{scope.key}{name}/"):
        tx.delete(DELIVERY_KIND, scope.org, key)


def deliveries(tx: Tx, scope: Scope, name: str) -> list[dict[str, Any]]:
    """The hook's deliveries, newest first."""
    require(tx, scope, name)
    found = tx.list(DELIVERY_KIND, scope.org, prefix=f"{scope.key}{name}/")
    return [d for _, _, d in reversed(found)]


def record(tx: Tx, scope: Scope, name: str, delivery: dict[str, Any]) -> None:
    require(tx, scope, name)  # deleted while delivering: nothing to record it on
    seq = tx.next_counter(f"{DELIVERY_KIND}:{scope.org}")
    tx.put(DELIVERY_KIND, scope.org, f"{scope.key}{name}/{seq:012d}", delivery)
