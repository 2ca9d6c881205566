"""Stacks and tags: names, tag rules, the default policy group's membership, listing pages."""

from __future__ import annotations

import base64
import binascii
import re
import time
import uuid
from typing import Any

from ..errors import BadRequest, Conflict, NotFound
from ..lookups import NAME_RE, STACK, require_stack, stack_key, stack_resource_count
from ..store import DEFAULT_POLICY_GROUP, Tx

TAG_NAME_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,40}$")
TAG_VALUE_MAX = 256
PROJECT_TAG = "pulumi:project"


def parse_stack_ref(ref: str) -> tuple[str, str, str]:
    """``ORG/PROJECT/STACK`` as given on the emulator's command line."""
    parts = ref.split("/")
    if len(parts) != 3 or not all(NAME_RE.match(p) for p in parts):
        raise SystemExit(f"invalid stack reference {ref!r}: expected ORG/PROJECT/STACK")
    return parts[0], parts[1], parts[2]


def check_names(project: str, stack: str) -> None:
    if not NAME_RE.match(project):
        raise BadRequest(f"invalid project name {project!r}")
    if not NAME_RE.match(stack):
        raise BadRequest(f"invalid stack name {stack!r}: 1-100 letters, digits, '-', '_' or '.'")


def check_tag(name: str, value: str) -> None:
    if not TAG_NAME_RE.match(name):
        raise BadRequest(f"invalid tag name {name!r}: 1-40 characters of letters, digits, '-_.:'")
    if len(value) > TAG_VALUE_MAX:
        raise BadRequest(f"tag {name!r}: value longer than {TAG_VALUE_MAX} characters")


def create_stack(
    tx: Tx, org: str, project: str, stack: str, tags: dict[str, str]
) -> dict[str, Any]:
    """Create a stack and put it in the org's default policy group (as Pulumi Cloud does)."""
    if tx.get(STACK, org, stack_key(project, stack)) is not None:
        raise Conflict(f"Stack '{stack}' already exists")
    doc: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "orgName": org,
        "projectName": project,
        "stackName": stack,
        "tags": dict(tags),
        "version": 0,
        "activeUpdate": "",
        "created": int(time.time()),
    }
    tx.put(STACK, org, stack_key(project, stack), doc)
    tx.add_member(org, DEFAULT_POLICY_GROUP, project, stack)
    return doc


def delete_stack(tx: Tx, org: str, project: str, stack: str, force: bool = False) -> None:
    """Delete a stack and take it out of every policy group; one that still has resources only
    with ``force`` (the service's message, which the CLI recognises)."""
    doc = require_stack(tx, org, project, stack)
    if not force and stack_resource_count(tx, org, doc):
        raise BadRequest("Bad Request: Stack still contains resources.")
    tx.delete(STACK, org, stack_key(project, stack))
    tx.remove_from_groups(org, project, stack)


def public(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "created"}


def _encode_token(org: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"{org}\n{key}".encode()).decode()


def _decode_token(token: str) -> tuple[str, str]:
    try:
        org, sep, key = base64.urlsafe_b64decode(token.encode()).decode().partition("\n")
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise BadRequest("invalid continuationToken") from exc
    if not sep:
        raise BadRequest("invalid continuationToken")
    return org, key


def _summary(org: str, key: str, stack_id: str, base: str) -> dict[str, Any]:
    project, _, stack = key.partition("/")
    return {
        "id": stack_id,
        "orgName": org,
        "projectName": project,
        "stackName": stack,
        "resourceCount": 0,
        "links": {"self": f"{base}/api/stacks/{org}/{key}"},
    }


def list_page(
    tx: Tx,
    orgs: frozenset[str],
    base_url: str,
    limit: int,
    organization: str | None = None,
    project: str | None = None,
    tag_name: str | None = None,
    tag_value: str | None = None,
    continuation: str | None = None,
) -> dict[str, Any]:
    """One page of the caller's stacks (``ListUserStacks``), ordered by org, project, stack.

    Each org is read through the store's indexes from where the page starts, so a page costs
    the same whatever the size of the org."""
    after_org, after_key = _decode_token(continuation) if continuation else ("", "")
    wanted = sorted(o for o in orgs if (organization is None or o == organization))
    tag = None if tag_name is None else (tag_name, tag_value)
    rows: list[tuple[str, str, str]] = []
    for org in wanted:
        if org < after_org:
            continue
        start = after_key if org == after_org else ""
        found = tx.stack_page(org, start, limit + 1 - len(rows), project=project, tag=tag)
        rows += [(org, key, stack_id) for key, stack_id in found]
        if len(rows) > limit:
            break
    page = rows[:limit]
    base = base_url.rstrip("/")
    out: dict[str, Any] = {"stacks": [_summary(org, key, i, base) for org, key, i in page]}
    if len(rows) > limit:
        out["continuationToken"] = _encode_token(page[-1][0], page[-1][1])
    return out


def _save(tx: Tx, doc: dict[str, Any]) -> None:
    key = stack_key(doc["projectName"], doc["stackName"])
    tx.put(STACK, doc["orgName"], key, doc)


def set_tag(tx: Tx, org: str, project: str, stack: str, name: str, value: str) -> None:
    """Set one tag whether or not it exists (the emulator's own seeding)."""
    check_tag(name, value)
    doc = require_stack(tx, org, project, stack)
    doc["tags"][name] = value
    _save(tx, doc)


def _builtin(name: str) -> bool:
    return name.startswith("pulumi:")


def add_tag(tx: Tx, org: str, project: str, stack: str, name: str, value: str) -> None:
    check_tag(name, value)
    doc = require_stack(tx, org, project, stack)
    if name in doc["tags"]:
        raise BadRequest(f"tag {name!r} already exists")
    doc["tags"][name] = value
    _save(tx, doc)


def replace_tags(tx: Tx, org: str, project: str, stack: str, tags: dict[str, str]) -> None:
    for name, value in tags.items():
        check_tag(name, value)
    doc = require_stack(tx, org, project, stack)
    old = doc["tags"].get(PROJECT_TAG)
    if old is not None and tags.get(PROJECT_TAG) != old:
        raise BadRequest(f"cannot change the {PROJECT_TAG} tag")
    doc["tags"] = dict(tags)
    _save(tx, doc)


def update_tag(tx: Tx, org: str, project: str, stack: str, tag: str, name: str, value: str) -> None:
    if _builtin(tag):
        raise BadRequest(f"built-in tag {tag!r} cannot be updated")
    check_tag(name, value)
    doc = require_stack(tx, org, project, stack)
    if tag not in doc["tags"]:
        raise NotFound(f"tag {tag!r} not found")
    if name != tag and name in doc["tags"]:
        raise BadRequest(f"tag {name!r} already exists")
    del doc["tags"][tag]
    doc["tags"][name] = value
    _save(tx, doc)


def delete_tag(tx: Tx, org: str, project: str, stack: str, tag: str) -> None:
    if _builtin(tag):
        raise BadRequest(f"built-in tag {tag!r} cannot be deleted")
    doc = require_stack(tx, org, project, stack)
    if tag not in doc["tags"]:
        raise NotFound(f"tag {tag!r} not found")
    del doc["tags"][tag]
    _save(tx, doc)
