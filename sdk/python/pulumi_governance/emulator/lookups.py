"""Look-ups that several areas need: a stack, a pack version and where to fetch it, a token name.

Areas never import one another; what one area reads of another's state is here.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import NotFound
from .store import Tx

# Stack, project and policy group names: what the service accepts in a path segment.
NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
STACK, PACK_VERSION, POLICY_GROUP, ORG_TOKEN = "stack", "ppversion", "policygroup", "orgtoken"
# A stack's current deployment, by stack id (written by the backend area's updates and imports).
CHECKPOINT = "checkpoint"


def stack_key(project: str, stack: str) -> str:
    return f"{project}/{stack}"


def require_stack(tx: Tx, org: str, project: str, stack: str) -> dict[str, Any]:
    doc = tx.get(STACK, org, stack_key(project, stack))
    if doc is None:
        raise NotFound(f"Stack '{org}/{project}/{stack}' not found")
    return doc


def resource_count(deployment: dict[str, Any]) -> int:
    """How many resources an untyped deployment (``{"version", "deployment"}``) holds."""
    return len((deployment.get("deployment") or {}).get("resources") or [])


def stack_resource_count(tx: Tx, org: str, stack_doc: dict[str, Any]) -> int:
    """How many resources the stack's current deployment holds (0 before its first update)."""
    return resource_count(tx.get(CHECKPOINT, org, stack_doc["id"]) or {})


def version_key(name: str, version: int) -> str:
    return f"{name}/{version:010d}"


def find_version(tx: Tx, org: str, name: str, version: str | int) -> dict[str, Any]:
    """The version a ``{version}`` path segment names: a version tag, or the integer version.

    A segment that is a version tag of the pack resolves to that version first, even when it looks
    like a number (tag "2" of version 5 wins over version 2): the CLI and Pulumi's provider put the
    tag there whenever the pack has one (complete, schema, delete), so they always reach the
    version they published. Otherwise a number is the integer version, as in the API documents;
    that also serves packs published without a tag, whose tag is their number anyway.
    """
    text = str(version)
    for _, _, doc in tx.list(PACK_VERSION, org, prefix=f"{name}/"):
        if doc["versionTag"] == text:
            return doc
    found = tx.get(PACK_VERSION, org, version_key(name, int(text))) if text.isdigit() else None
    if found is None:
        raise NotFound(f"Policy Pack '{name}' version {text} not found")
    return found


def latest_complete(tx: Tx, org: str, name: str) -> dict[str, Any]:
    """The newest complete version of a pack (what "latest" means everywhere)."""
    for _, _, doc in reversed(tx.list(PACK_VERSION, org, prefix=f"{name}/")):
        if doc["status"] == "complete":
            return doc
    raise NotFound(f"Policy Pack '{name}' not found")


def pack_location(base_url: str, doc: dict[str, Any]) -> str:
    """Where the CLI downloads a pack version from (the emulator serves its uploads itself)."""
    return f"{base_url.rstrip('/')}/_emulator/uploads/{doc['uploadId']}"


def token_name(tx: Tx, org: str, token_id: str) -> str:
    """The name an organization access token was created with."""
    doc = tx.get(ORG_TOKEN, org, token_id)
    return str(doc["name"]) if doc else token_id
