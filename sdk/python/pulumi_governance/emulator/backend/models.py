"""A stack's deployment state and its updates, as operations inside one store transaction.

Documents (kind: key, all per org). They are keyed by the stack's ``id``, so a stack deleted and
created again under the same name starts empty (what a deleted stack leaves is never read again):

- ``stack`` (the stacks area's document): an update sets its ``version``, ``activeUpdate`` and
  tags (the CLI sends the stack's full tag set when it starts an update).
- ``checkpoint`` (``lookups.CHECKPOINT``): ``{stackId}`` -> the stack's current untyped deployment
  (``{"version", "features", "deployment"}``), replaced by every checkpoint PATCH, so an ``up``
  killed half-way keeps what it already did, as with Pulumi Cloud.
- ``update``: ``{updateID}`` -> one preview/update/refresh/destroy/import and its lease.
- ``updateevent``: ``{updateID}/{sequence}`` -> the engine events the CLI reported.
- ``history``: ``{stackId}/{version}`` -> the record of a versioned (non-preview) update;
  ``historystate``: same key -> the deployment as it was when that update finished.
- ``stackkey``: ``{stackId}`` -> the stack's secrets key (see ``crypto``).

Rules: only one non-preview update of a stack runs at a time (a second start is a Conflict until
the first completes, is cancelled, or its lease expires); previews never lock. A non-preview
update takes the next stack version when it starts and records it in the history when it ends,
failed or cancelled ones too. Update-token calls are refused once the update is no longer running.
"""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from typing import Any

from ..errors import BadRequest, Conflict, Forbidden, NotFound, Unauthorized
from ..lookups import CHECKPOINT, STACK, require_stack, resource_count, stack_key
from ..store import Tx

UPDATE_KINDS = ("update", "preview", "refresh", "destroy")
FINAL_STATUSES = ("succeeded", "failed", "cancelled")
LEASE_SECONDS_DEFAULT = 300
LEASE_SECONDS_MAX = 300  # the API documents: a renewal is between 0 and 300 seconds
DEPLOYMENT_SCHEMA_VERSION = 3
IN_PROGRESS = "Another update is currently in progress. To cancel it, run `pulumi cancel`."


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _save_stack(tx: Tx, org: str, doc: dict[str, Any]) -> None:
    key = stack_key(doc["projectName"], doc["stackName"])
    tx.put(STACK, org, key, doc)
    tx.index_tags(org, key, doc.get("tags") or {})


# deployments ---------------------------------------------------------------------------------
def empty_deployment() -> dict[str, Any]:
    return {
        "version": DEPLOYMENT_SCHEMA_VERSION,
        "deployment": {"manifest": {"time": _iso(time.time()), "magic": "", "version": ""}},
    }


def current_deployment(tx: Tx, org: str, project: str, stack: str) -> dict[str, Any]:
    stack_id = require_stack(tx, org, project, stack)["id"]
    return tx.get(CHECKPOINT, org, stack_id) or empty_deployment()


def deployment_at(tx: Tx, org: str, project: str, stack: str, version: int) -> dict[str, Any]:
    stack_id = require_stack(tx, org, project, stack)["id"]
    doc = tx.get("historystate", org, f"{stack_id}/{version:010d}")
    if doc is None:
        raise NotFound(f"Stack '{org}/{project}/{stack}' has no version {version}")
    return doc


def _untyped(body: dict[str, Any]) -> dict[str, Any]:
    version = body.get("version")
    deployment = body.get("deployment")
    if not isinstance(version, int) or isinstance(version, bool):
        raise BadRequest("version (the deployment schema version) must be an integer")
    if not isinstance(deployment, dict):
        raise BadRequest("deployment must be an object")
    out: dict[str, Any] = {"version": version, "deployment": deployment}
    if body.get("features"):
        out["features"] = body["features"]
    return out


# updates -------------------------------------------------------------------------------------
def create_update(
    tx: Tx,
    org: str,
    project: str,
    stack: str,
    kind: str,
    body: dict[str, Any],
    required: list[dict[str, Any]],
    requested_by: str = "",
) -> dict[str, Any]:
    stack_doc = require_stack(tx, org, project, stack)
    if body.get("name") not in (None, "", project):
        raise BadRequest(f"program {body.get('name')!r} is not the stack's project {project!r}")
    options = body.get("options") or {}
    metadata = body.get("metadata") or {}
    update: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "org": org,
        "project": project,
        "stack": stack,
        "stackId": stack_doc["id"],
        "kind": kind,
        "dryRun": kind == "preview" or bool(options.get("dryRun")),
        "status": "not started",
        "config": body.get("config") or {},
        "message": metadata.get("message") or "",
        "environment": metadata.get("environment") or {},
        "requiredPolicies": required,
        "requestedBy": requested_by,
        "version": None,
        "tokenHash": None,
        "leaseExpires": 0,
        "startTime": None,
        "endTime": None,
        "resourceChanges": {},
        "events": 0,
    }
    tx.put("update", org, update["id"], update)
    return update


def require_update(tx: Tx, org: str, project: str, stack: str, update_id: str) -> dict[str, Any]:
    update = tx.get("update", org, update_id)
    if update is None or (update["project"], update["stack"]) != (project, stack):
        raise NotFound(f"Update '{update_id}' of stack '{org}/{project}/{stack}' not found")
    return update


def _running_lock(tx: Tx, org: str, stack_doc: dict[str, Any], now: float) -> dict[str, Any] | None:
    """The non-preview update holding the stack, if its lease is still alive."""
    active = stack_doc.get("activeUpdate")
    if not active:
        return None
    other = tx.get("update", org, active)
    if other is None or other["dryRun"] or other["status"] != "running":
        return None
    if other["leaseExpires"] < now:
        _finish(tx, other, "failed", now)  # abandoned: its lease ran out
        return None
    return other


def start_update(tx: Tx, update: dict[str, Any], tags: Any, now: float) -> tuple[int, str, int]:
    tags = tags or {}
    if not isinstance(tags, dict) or not all(isinstance(v, str) for v in tags.values()):
        raise BadRequest("tags must map names to strings")
    org = update["org"]
    stack_doc = require_stack(tx, org, update["project"], update["stack"])
    if update["status"] != "not started":
        raise Conflict(f"Update '{update['id']}' was already started")
    if not update["dryRun"]:
        holder = _running_lock(tx, org, stack_doc, now)
        if holder is not None:
            raise Conflict(IN_PROGRESS)
    token = secrets.token_urlsafe(24)
    update["status"] = "running"
    update["startTime"] = int(now)
    update["tokenHash"] = _hash(token)
    update["leaseExpires"] = now + LEASE_SECONDS_DEFAULT
    update["version"] = stack_doc["version"] + (0 if update["dryRun"] else 1)
    tx.put("update", org, update["id"], update)
    if not update["dryRun"]:
        stack_doc["activeUpdate"] = update["id"]
    stack_doc["tags"] = {**stack_doc.get("tags", {}), **tags}
    _save_stack(tx, org, stack_doc)
    return update["version"], token, int(update["leaseExpires"])


def running_update(
    tx: Tx, org: str, project: str, stack: str, update_id: str, token: str | None, now: float
) -> dict[str, Any]:
    """The update of an update-token call: the token must be its own, the update running."""
    update = require_update(tx, org, project, stack, update_id)
    if update["status"] != "running":
        raise Conflict(f"The update is not in progress (it is {update['status']})")
    if token is None or update["tokenHash"] != _hash(token):
        raise UpdateTokenRejected()
    if update["leaseExpires"] < now:
        raise Conflict("The update's lease has expired")
    return update


class UpdateTokenRejected(Unauthorized):
    def __init__(self) -> None:
        super().__init__("Unauthorized: the update token is missing or not this update's")


def renew_lease(tx: Tx, update: dict[str, Any], duration: Any, now: float) -> int:
    if not isinstance(duration, int) or isinstance(duration, bool):
        raise BadRequest("duration must be an integer number of seconds")
    if not 0 < duration <= LEASE_SECONDS_MAX:
        raise BadRequest(f"duration must be between 1 and {LEASE_SECONDS_MAX} seconds")
    update["leaseExpires"] = now + duration
    tx.put("update", update["org"], update["id"], update)
    return int(update["leaseExpires"])


def save_checkpoint(tx: Tx, update: dict[str, Any], body: dict[str, Any]) -> None:
    if update["dryRun"]:
        raise Forbidden("a preview does not change the stack's state: it has no checkpoint")
    if body.get("isInvalid"):
        return  # the CLI marks a checkpoint it could not serialise; keep the last good one
    tx.put(CHECKPOINT, update["org"], update["stackId"], _untyped(body))


def add_events(tx: Tx, update: dict[str, Any], events: Any) -> list[dict[str, Any]]:
    """Keep a batch of engine events; returns them."""
    if not isinstance(events, list):
        raise BadRequest("events must be a list")
    for event in events:
        if not isinstance(event, dict):
            raise BadRequest("each engine event must be an object")
        sequence = event.get("sequence")
        if not isinstance(sequence, int):
            sequence = update["events"]
        tx.put("updateevent", update["org"], f"{update['id']}/{sequence:010d}", event)
        update["events"] += 1
        summary = event.get("summaryEvent")
        if isinstance(summary, dict):
            update["resourceChanges"] = summary.get("resourceChanges") or {}
    tx.put("update", update["org"], update["id"], update)
    return events


def events_of(
    tx: Tx, update: dict[str, Any], after: str | None = None
) -> tuple[list[dict[str, Any]], str]:
    """The update's engine events as the service serves them, in sequence order, each with
    ``type`` naming its payload field and its ``timestamp`` (the sequence itself is internal);
    and the continuation token to ask for later ones (``after``: a token from before)."""
    stored = tx.list("updateevent", update["org"], prefix=update["id"] + "/")
    if after:
        stored = [row for row in stored if row[1] > after]
    out = []
    for _, _, event in stored:
        kind = next((k for k in event if k.endswith("Event") and event[k] is not None), "")
        served = {"timestamp": event.get("timestamp") or 0, "type": kind}
        if kind:
            served[kind] = event[kind]
        out.append(served)
    token = stored[-1][1] if stored else (after or f"{update['id']}/")
    return out, token


def complete_update(tx: Tx, update: dict[str, Any], status: str, now: float) -> None:
    if status not in FINAL_STATUSES:
        raise BadRequest(f"status must be one of {', '.join(FINAL_STATUSES)}")
    _finish(tx, update, status, now)


def cancel_update(tx: Tx, update: dict[str, Any], now: float) -> None:
    if update["status"] not in ("not started", "running"):
        raise Conflict(f"The update is not in progress (it is {update['status']})")
    _finish(tx, update, "cancelled", now)


def _finish(tx: Tx, update: dict[str, Any], status: str, now: float) -> None:
    org = update["org"]
    update["status"] = status
    update["endTime"] = int(now)
    update["tokenHash"] = None
    tx.put("update", org, update["id"], update)
    if update["dryRun"] or update["version"] is None:
        return
    stack_doc = tx.get(STACK, org, stack_key(update["project"], update["stack"]))
    if stack_doc is None or stack_doc["id"] != update["stackId"]:
        return  # the stack was deleted (and perhaps created again) meanwhile
    stack_doc["version"] = max(stack_doc["version"], update["version"])
    _save_stack(tx, org, stack_doc)
    _record_history(tx, update)


def _record_history(tx: Tx, update: dict[str, Any]) -> None:
    org, stack_id = update["org"], update["stackId"]
    deployment = tx.get(CHECKPOINT, org, stack_id) or empty_deployment()
    entry = f"{stack_id}/{update['version']:010d}"
    tx.put("historystate", org, entry, deployment)
    tx.put(
        "history",
        org,
        entry,
        {
            "kind": update["kind"],
            "startTime": update["startTime"] or update["endTime"],
            "endTime": update["endTime"],
            "message": update["message"],
            "environment": update["environment"],
            "config": update["config"],
            "result": update["status"],
            "version": update["version"],
            "resourceChanges": update["resourceChanges"],
            "resourceCount": resource_count(deployment),
            "updateID": update["id"],
            "requestedBy": update.get("requestedBy", ""),
        },
    )


def import_deployment(
    tx: Tx, org: str, project: str, stack: str, body: dict[str, Any], now: float
) -> dict[str, Any]:
    """``pulumi stack import``: the deployment becomes the stack's state as one versioned update."""
    deployment = _untyped(body)
    stack_doc = require_stack(tx, org, project, stack)
    if _running_lock(tx, org, stack_doc, now) is not None:
        raise Conflict(IN_PROGRESS)
    update = create_update(tx, org, project, stack, "import", {}, [])
    update.update(status="running", startTime=int(now), version=stack_doc["version"] + 1)
    tx.put(CHECKPOINT, org, stack_doc["id"], deployment)
    _finish(tx, update, "succeeded", now)
    return update


def latest_update(tx: Tx, org: str, project: str, stack: str) -> dict[str, Any]:
    """The newest versioned update as the service's ``UpdateInfo`` (``GET .../updates/latest``)."""
    entries = history(tx, org, project, stack)
    if not entries:
        raise NotFound(f"Stack '{org}/{project}/{stack}' has no updates")
    info = {k: v for k, v in entries[0].items() if k not in ("updateID", "requestedBy")}
    who = entries[0].get("requestedBy") or ""
    return {
        "info": info,
        "updateID": entries[0]["updateID"],
        "version": info["version"],
        "latestVersion": require_stack(tx, org, project, stack)["version"],
        "requestedBy": {"name": who, "githubLogin": who, "avatarUrl": ""},
    }


def history(tx: Tx, org: str, project: str, stack: str) -> list[dict[str, Any]]:
    """Versioned updates, newest first."""
    stack_id = require_stack(tx, org, project, stack)["id"]
    entries = [h for _, _, h in tx.list("history", org, prefix=stack_id + "/")]
    return list(reversed(entries))


# secrets -------------------------------------------------------------------------------------
def stack_secret_key(tx: Tx, org: str, project: str, stack: str, new_key: bytes) -> bytes:
    """The stack's secrets key, created (from ``new_key``) on first use."""
    stack_id = require_stack(tx, org, project, stack)["id"]
    doc = tx.get("stackkey", org, stack_id)
    if doc is None:
        doc = {"key": new_key.hex()}
        tx.put("stackkey", org, stack_id, doc)
    return bytes.fromhex(doc["key"])


def _iso(moment: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))
