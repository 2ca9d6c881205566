"""HTTP endpoints of the Pulumi Cloud backend the CLI uses for ordinary stacks.

Paths and bodies follow the CLI's own client (pkg/v3 backend/httpstate/client of the pinned
version); the CLI always addresses an update as ``.../update/{updateID}/...``, whatever its kind.
Update-token calls (lease renewal, checkpoints, engine events, complete) authenticate with
``Authorization: update-token <token>`` from the start reply; the rest with the user's token.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Body, Request, Response

from ..capabilities import CAPABILITIES
from ..deps import OrgDep, StoreDep
from ..routing import Router
from ..store import Tx
from . import crypto, models, policies

router = Router()

# batch-encrypt: served below. (No delta checkpoints: the CLI then sends whole checkpoints.)
CAPABILITIES.append({"capability": "batch-encrypt"})

STACK = "/api/stacks/{orgName}/{projectName}/{stackName}"
# The CLI always addresses an update as ``.../update/{updateID}``; the OpenAPI document also lists
# each kind's own prefix (``.../preview/{updateID}``, ...): all of them are served.
UPDATE_PREFIXES = list(models.UPDATE_KINDS)


def on_update(method: str, suffix: str = "", **options: Any) -> Callable[[F], F]:
    """Register a handler for ``{STACK}/{kind}/{updateID}{suffix}`` for every update kind."""

    def register(handler: F) -> F:
        for kind in UPDATE_PREFIXES:
            if kind == "preview" and suffix == "/checkpoint":
                continue  # a preview has none (the CLI's previews, under update/, get a 403)
            router.add_api_route(
                f"{STACK}/{kind}/{{updateID}}{suffix}", handler, methods=[method], **options
            )
        return handler

    return register


JsonBody = Annotated[dict[str, Any], Body()]
F = TypeVar("F", bound=Callable[..., Any])


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _update_token(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "update-token" and value.strip() else None


def _running_update(
    tx: Tx, request: Request, org: str, project: str, stack: str, update_id: str
) -> dict[str, Any]:
    """The update an update-token call is for, checked against the request's own token."""
    return models.running_update(
        tx, org, project, stack, update_id, _update_token(request), time.time()
    )


# projects and stacks -------------------------------------------------------------------------
@router.head("/api/stacks/{orgName}/{projectName}")
def project_exists(ctx: OrgDep, store: StoreDep, projectName: str) -> Response:
    with store.tx() as tx:
        found = bool(tx.list("stack", ctx.org, prefix=projectName + "/"))
    return Response(status_code=200 if found else 404)


@router.get(STACK + "/export")
def export(ctx: OrgDep, store: StoreDep, projectName: str, stackName: str) -> dict[str, Any]:
    with store.tx() as tx:
        return models.current_deployment(tx, ctx.org, projectName, stackName)


@router.get(STACK + "/export/{version}")
def export_version(
    ctx: OrgDep, store: StoreDep, projectName: str, stackName: str, version: int
) -> dict[str, Any]:
    with store.tx() as tx:
        return models.deployment_at(tx, ctx.org, projectName, stackName, version)


@router.post(STACK + "/import")
def import_(
    ctx: OrgDep, store: StoreDep, projectName: str, stackName: str, body: JsonBody
) -> dict[str, str]:
    with store.tx() as tx:
        update = models.import_deployment(tx, ctx.org, projectName, stackName, body, time.time())
    return {"updateId": update["id"]}


@router.get(STACK + "/updates")
def updates(
    ctx: OrgDep,
    store: StoreDep,
    projectName: str,
    stackName: str,
    pageSize: int | None = None,
    page: int | None = None,
) -> dict[str, Any]:
    with store.tx() as tx:
        entries = models.history(tx, ctx.org, projectName, stackName)
    if pageSize:
        start = (max(page or 1, 1) - 1) * pageSize
        entries = entries[start : start + pageSize]
    hidden = ("updateID", "requestedBy")
    return {"updates": [{k: v for k, v in e.items() if k not in hidden} for e in entries]}


@router.get(STACK + "/updates/latest")
def latest_update(ctx: OrgDep, store: StoreDep, projectName: str, stackName: str) -> Any:
    with store.tx() as tx:
        return models.latest_update(tx, ctx.org, projectName, stackName)


# updates -------------------------------------------------------------------------------------
def _create(request: Request, ctx: OrgDep, store: StoreDep, project: str, stack: str,
            kind: str, body: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    with store.tx() as tx:
        models.require_stack(tx, ctx.org, project, stack)
        required = policies.required_policies(tx, ctx.org, project, stack, _base_url(request))
        update = models.create_update(
            tx, ctx.org, project, stack, kind, body, required, ctx.principal.token_id
        )
    out: dict[str, Any] = {"updateID": update["id"]}
    if required:
        out["requiredPolicies"] = policies.wire(required)
    return out


def _register_create(kind: str) -> None:
    @router.post(STACK + "/" + kind, name=f"create_{kind}")
    def create(
        request: Request,
        ctx: OrgDep,
        store: StoreDep,
        projectName: str,
        stackName: str,
        body: JsonBody,
    ) -> dict[str, Any]:
        return _create(request, ctx, store, projectName, stackName, kind, body)


for _kind in models.UPDATE_KINDS:
    _register_create(_kind)


@on_update("POST")
def start(
    ctx: OrgDep, store: StoreDep, projectName: str, stackName: str, updateID: str, body: JsonBody
) -> dict[str, Any]:
    with store.tx() as tx:
        update = models.require_update(tx, ctx.org, projectName, stackName, updateID)
        version, token, expires = models.start_update(tx, update, body.get("tags"), time.time())
    return {"version": version, "token": token, "tokenExpiration": expires}


@on_update("GET")
def update_status(
    ctx: OrgDep, store: StoreDep, projectName: str, stackName: str, updateID: str
) -> dict[str, Any]:
    with store.tx() as tx:
        update = models.require_update(tx, ctx.org, projectName, stackName, updateID)
    status = update["status"]
    out: dict[str, Any] = {"status": status, "events": []}
    if status not in models.FINAL_STATUSES:
        out["continuationToken"] = updateID
    return out


@on_update("GET", "/events")
def update_events(
    ctx: OrgDep,
    store: StoreDep,
    projectName: str,
    stackName: str,
    updateID: str,
    continuationToken: str | None = None,
) -> dict[str, Any]:
    with store.tx() as tx:
        update = models.require_update(tx, ctx.org, projectName, stackName, updateID)
        events, token = models.events_of(tx, update, continuationToken)
    return {"events": events, "continuationToken": token}


@on_update("POST", "/cancel", status_code=204, response_class=Response)
def cancel(ctx: OrgDep, store: StoreDep, projectName: str, stackName: str, updateID: str) -> None:
    with store.tx() as tx:
        update = models.require_update(tx, ctx.org, projectName, stackName, updateID)
        models.cancel_update(tx, update, time.time())


@on_update("POST", "/renew_lease")
def renew_lease(
    request: Request,
    store: StoreDep,
    orgName: str,
    projectName: str,
    stackName: str,
    updateID: str,
    body: JsonBody,
) -> dict[str, Any]:
    with store.tx() as tx:
        update = _running_update(tx, request, orgName, projectName, stackName, updateID)
        expires = models.renew_lease(tx, update, body.get("duration"), time.time())
    return {"token": _update_token(request), "tokenExpiration": expires}


@on_update("PATCH", "/checkpoint", status_code=204, response_class=Response)
def checkpoint(
    request: Request,
    store: StoreDep,
    orgName: str,
    projectName: str,
    stackName: str,
    updateID: str,
    body: JsonBody,
) -> None:
    with store.tx() as tx:
        update = _running_update(tx, request, orgName, projectName, stackName, updateID)
        models.save_checkpoint(tx, update, body)


@on_update("POST", "/events/batch", status_code=204, response_class=Response)
def record_events(
    request: Request,
    store: StoreDep,
    orgName: str,
    projectName: str,
    stackName: str,
    updateID: str,
    body: JsonBody,
) -> None:
    with store.tx() as tx:
        update = _running_update(tx, request, orgName, projectName, stackName, updateID)
        events = models.add_events(tx, update, body.get("events"))
        policies.record_policy_events(tx, update, events)


@on_update("POST", "/complete", status_code=204, response_class=Response)
def complete(
    request: Request,
    store: StoreDep,
    orgName: str,
    projectName: str,
    stackName: str,
    updateID: str,
    body: JsonBody,
) -> None:
    status = body.get("status")
    with store.tx() as tx:
        update = _running_update(tx, request, orgName, projectName, stackName, updateID)
        models.complete_update(tx, update, str(status), time.time())


# the service secrets provider ----------------------------------------------------------------
def _key(store: StoreDep, org: str, project: str, stack: str) -> bytes:
    with store.tx() as tx:
        return models.stack_secret_key(tx, org, project, stack, crypto.new_key())


@router.post(STACK + "/encrypt")
def encrypt(
    ctx: OrgDep, store: StoreDep, projectName: str, stackName: str, body: JsonBody
) -> dict[str, str]:
    key = _key(store, ctx.org, projectName, stackName)
    return {"ciphertext": crypto.encrypt_field(key, body.get("plaintext"), "plaintext")}


@router.post(STACK + "/batch-encrypt")
def batch_encrypt(
    ctx: OrgDep, store: StoreDep, projectName: str, stackName: str, body: JsonBody
) -> dict[str, list[str]]:
    key = _key(store, ctx.org, projectName, stackName)
    values = crypto.field_list(body.get("plaintexts"), "plaintexts")
    return {"ciphertexts": [crypto.encrypt_field(key, v, "plaintexts") for v in values]}


@router.post(STACK + "/decrypt")
def decrypt(
    ctx: OrgDep, store: StoreDep, projectName: str, stackName: str, body: JsonBody
) -> dict[str, str]:
    key = _key(store, ctx.org, projectName, stackName)
    return {"plaintext": crypto.decrypt_field(key, body.get("ciphertext"), "ciphertext")}


@router.post(STACK + "/batch-decrypt")
def batch_decrypt(
    ctx: OrgDep, store: StoreDep, projectName: str, stackName: str, body: JsonBody
) -> dict[str, dict[str, str]]:
    key = _key(store, ctx.org, projectName, stackName)
    values = crypto.field_list(body.get("ciphertexts"), "ciphertexts")
    # Keyed by the ciphertext as sent (base64): the CLI looks the answers up that way.
    return {"plaintexts": {c: crypto.decrypt_field(key, c, "ciphertexts") for c in values}}


@router.post(STACK + "/decrypt/log-decryption", status_code=204, response_class=Response)
@router.post(STACK + "/decrypt/log-batch-decryption", status_code=204, response_class=Response)
def log_decryption(ctx: OrgDep, projectName: str, stackName: str) -> None:
    """Audit-log hooks of third-party secrets providers: accepted, nothing to record."""
