"""Webhook rules on plain values: scopes, formats, event filters and groups, what changed.

Tables: formats raw, slack, ms_teams and pulumi_deployments, the last only on stack and
environment hooks (OpenAPI: "can only be used on stack or environment webhooks"; its payload URL
names the stack to deploy, `project/stack`). The API documents leave the event names to Pulumi's
webhook documentation ("See webhook docs"), whose groups are: stacks (stack lifecycle, preview,
update, destroy, refresh), deployments (deployments and drift), policies
(policy_violation_mandatory, policy_violation_advisory: a stack's update met a mandatory or
advisory policy violation) and environments. Organization hooks take every event; stack hooks
take stack, deployment, drift and policy events but not stack_created/stack_deleted
(organization-only); environment hooks take environment events except environment_created.
Groups: stacks, deployments and policies (organization, stack), environments (organization,
environment).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Any
from urllib.parse import urlsplit

from .kind import Failure, Props, is_unknown

FORMATS = ("raw", "slack", "ms_teams", "pulumi_deployments")
STACK_ONLY_AT_ORG = ("stack_created", "stack_deleted")
STACK_EVENTS = (
    "preview_succeeded", "preview_failed", "update_succeeded", "update_failed",
    "destroy_succeeded", "destroy_failed", "refresh_succeeded", "refresh_failed",
)  # fmt: skip
DEPLOYMENT_EVENTS = (
    "deployment_queued", "deployment_started", "deployment_succeeded", "deployment_failed",
    "drift_detected", "drift_detection_succeeded", "drift_detection_failed",
    "drift_remediation_succeeded", "drift_remediation_failed",
)  # fmt: skip
POLICY_EVENTS = ("policy_violation_mandatory", "policy_violation_advisory")
ENV_ONLY_AT_ORG = ("environment_created",)
ENVIRONMENT_EVENTS = (
    "environment_deleted", "environment_revision_created", "environment_revision_retracted",
    "environment_revision_tag_created", "environment_revision_tag_deleted",
    "environment_revision_tag_updated", "environment_tag_created", "environment_tag_deleted",
    "environment_tag_updated", "imported_environment_changed",
    "environment_rotation_succeeded", "environment_rotation_failed",
)  # fmt: skip
FILTERS = {
    "organization": frozenset(
        STACK_ONLY_AT_ORG
        + STACK_EVENTS
        + DEPLOYMENT_EVENTS
        + POLICY_EVENTS
        + ENV_ONLY_AT_ORG
        + ENVIRONMENT_EVENTS
    ),
    "stack": frozenset(STACK_EVENTS + DEPLOYMENT_EVENTS + POLICY_EVENTS),
    "environment": frozenset(ENVIRONMENT_EVENTS),
}
GROUPS = {
    "organization": frozenset({"stacks", "deployments", "policies", "environments"}),
    "stack": frozenset({"stacks", "deployments", "policies"}),
    "environment": frozenset({"environments"}),
}
SCOPE_KEYS = ("organization", "project", "stack", "environment")
REPLACE_KEYS = (*SCOPE_KEYS, "name")
UPDATE_KEYS = ("display_name", "payload_url", "active", "format", "filters", "groups", "secret")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
DEPLOY_TARGET = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


def scope_kind(props: Props) -> str:
    if props.get("stack") is not None:
        return "stack"
    if props.get("environment") is not None:
        return "environment"
    return "organization"


def _open(value: object) -> bool:
    return value is None or is_unknown(value)


def _scope_failures(news: Props) -> list[Failure]:
    failures: list[Failure] = []
    for key in ("project", "stack", "environment"):
        value = news.get(key)
        if not _open(value) and (not isinstance(value, str) or not value.strip()):
            failures.append(Failure(key, "must be a non-empty string"))
    project, stack, env = news.get("project"), news.get("stack"), news.get("environment")
    if stack is not None and env is not None:
        failures.append(Failure("environment", "a hook is on a stack or an environment, not both"))
    elif (stack is not None or env is not None) and project is None:
        failures.append(Failure("project", f"is required for a {scope_kind(news)} webhook"))
    elif project is not None and stack is None and env is None:
        failures.append(Failure("project", "is only for stack or environment webhooks"))
    return failures


def _list_failures(news: Props, key: str, allowed: dict[str, frozenset[str]]) -> list[Failure]:
    values, scope = news.get(key), scope_kind(news)
    if _open(values):
        return []
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        return [Failure(key, "must be a list of strings")]
    everything = frozenset().union(*allowed.values())
    failures = []
    for n, value in enumerate(values):
        if value not in everything:
            failures.append(Failure(f"{key}[{n}]", f"unknown {key[:-1]} {value!r}"))
        elif value not in allowed[scope]:
            where = ", ".join(s for s in allowed if value in allowed[s])
            failures.append(
                Failure(
                    f"{key}[{n}]", f"{value!r} is not valid on a {scope} webhook ({where} only)"
                )
            )
    return failures


def check_fields(news: Props) -> list[Failure]:
    failures = _scope_failures(news)
    name = news.get("name")
    if not _open(name) and (not isinstance(name, str) or not NAME.match(name)):
        failures.append(Failure("name", "must be 1-100 letters, digits, '_', '.', '-'"))
    display = news.get("display_name")
    if not is_unknown(display) and (not isinstance(display, str) or not display.strip()):
        failures.append(Failure("display_name", "must be a non-empty string"))
    fmt = news.get("format")
    if not _open(fmt):
        if fmt not in FORMATS:
            failures.append(Failure("format", f"must be one of {', '.join(FORMATS)}"))
        elif fmt == "pulumi_deployments" and scope_kind(news) == "organization":
            failures.append(
                Failure("format", "pulumi_deployments is only for stack or environment webhooks")
            )
    url = news.get("payload_url")
    if not is_unknown(url) and not is_unknown(fmt):
        error = _url_error(url, fmt if isinstance(fmt, str) else "raw")
        if error:
            failures.append(Failure("payload_url", error))
    failures += _list_failures(news, "filters", FILTERS)
    failures += _list_failures(news, "groups", GROUPS)
    for flag in ("active", "ping_on_apply", "adopt"):
        if not _open(news.get(flag)) and not isinstance(news.get(flag), bool):
            failures.append(Failure(flag, "must be true or false"))
    secret = news.get("secret")
    if not _open(secret) and not isinstance(secret, str):
        failures.append(Failure("secret", "must be a string"))
    return failures


def _url_error(url: object, fmt: str) -> str | None:
    if not isinstance(url, str):
        return "must be a string"
    if fmt == "pulumi_deployments":
        ok = DEPLOY_TARGET.match(url)
        return (
            None if ok else "a pulumi_deployments hook names the stack to deploy: 'project/stack'"
        )
    try:
        split = urlsplit(url)
        _ = split.port
    except ValueError:
        return f"{url!r} is not a valid URL"
    if split.scheme not in ("http", "https") or not split.hostname:
        return f"{url!r} must be an absolute http(s) URL"
    return None


def hook_name(olds: Props, news: Props) -> str | None:
    """The given name; else the one drawn before (kept across previews); else `hook-<8 hex>`,
    derived from `name_seed` (the resource's identity in its stack) when there is one, so a create
    interrupted before it was recorded is found again by name."""
    name = news.get("name")
    if name is not None:
        return None if is_unknown(name) else str(name)
    kept = olds.get("name")
    if isinstance(kept, str):
        return kept
    seed = news.get("name_seed")
    if isinstance(seed, str) and seed:
        return f"hook-{hashlib.sha256(seed.encode()).hexdigest()[:8]}"
    return f"hook-{secrets.token_hex(4)}"


def _norm(props: Props, key: str) -> object:
    value = props.get(key)
    if key in ("filters", "groups"):
        return sorted(value or [])
    if key == "format":
        return value or "raw"
    if key == "active":
        return True if value is None else value
    return value


def secret_drifted(recorded_fingerprint: object, live_fingerprint: object) -> bool:
    """Whether the hook's secret was changed (added, removed) outside Pulumi: the service's
    fingerprint of it differs from the one recorded at the last apply. The one place this is
    decided; refresh records the answer as `secret_drifted`, which the diff counts as a change
    of `secret` and the next update puts back."""
    return (recorded_fingerprint or "") != (live_fingerprint or "")


def changed_keys(olds: Props, news: Props) -> tuple[list[str], list[str]]:
    """(changed, replacing) inputs: scope and name replace; the rest is one PATCH."""

    def changed(k: str) -> bool:
        return is_unknown(news.get(k)) or _norm(olds, k) != _norm(news, k)

    replaces = [k for k in REPLACE_KEYS if changed(k)]
    changes = [*replaces, *(k for k in UPDATE_KEYS if changed(k))]
    if olds.get("secret_drifted") and "secret" not in changes:
        changes.append("secret")
    if bool(news.get("ping_on_apply")) != bool(olds.get("ping_on_apply")):
        changes.append("ping_on_apply")  # stored only (and a ping, when turned on)
    return changes, replaces


def describe(olds: Props, news: Props, changes: list[str]) -> list[str]:
    """What a reviewer should read for a diff: each changed field with the live value (after a
    refresh: the service's) and the declared one; never a secret's value."""
    lines = []
    for key in changes:
        if key == "secret":
            drifted = olds.get("secret_drifted") and _norm(olds, key) == _norm(news, key)
            lines.append("secret: changed outside Pulumi" if drifted else "secret: changed")
        elif not is_unknown(news.get(key)):
            lines.append(f"{key}: {_norm(olds, key)!r} => {_norm(news, key)!r}")
    return lines


def wire_fields(news: Props, olds: Props | None = None) -> dict[str, Any]:
    """The keyword arguments of `api.webhooks.hook_body` for a POST (or, with `olds`, a PATCH).
    On a PATCH a secret that is no longer declared is removed; without one in either, it is
    left as it is."""
    kind = scope_kind(news)
    secret: str | None = news.get("secret") or None
    if secret is None and olds is not None and (olds.get("secret") or olds.get("has_secret")):
        secret = ""
    return {
        "organization": news["organization"],
        "name": news["name"],
        "display_name": news["display_name"],
        "payload_url": news["payload_url"],
        "active": True if news.get("active") is None else news["active"],
        "format": news.get("format") or "raw",
        "filters": list(news.get("filters") or []),
        "groups": list(news.get("groups") or []),
        "project": news.get("project") if kind != "organization" else None,
        "stack": news.get("stack") if kind == "stack" else None,
        "environment": news.get("environment") if kind == "environment" else None,
        "secret": secret,
    }


def hook_id(props: Props) -> str:
    org, name, kind = props["organization"], props["name"], scope_kind(props)
    if kind == "stack":
        return f"{org}/{props['project']}/{props['stack']}/{name}"
    if kind == "environment":
        return f"{org}/env/{props['project']}/{props['environment']}/{name}"
    return f"{org}/{name}"


def parse_id(id: str) -> Props:
    parts = id.split("/")
    if len(parts) == 2:
        return {"organization": parts[0], "name": parts[1]}
    if len(parts) == 4:
        return dict(zip(("organization", "project", "stack", "name"), parts, strict=True))
    if len(parts) == 5 and parts[1] == "env":
        return {"organization": parts[0], "project": parts[2], "environment": parts[3],
                "name": parts[4]}  # fmt: skip
    raise ValueError(
        f"webhook id {id!r} is not org/name, org/project/stack/name or org/env/project/env/name"
    )
