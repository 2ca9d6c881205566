"""An OIDC issuer's authorization policies: validation, wire mapping, order-free normal form.

A policy is a plain dict: `decision` (allow/deny), `token_type` (organization/team/personal/
runner), `team_name`, `user_login`, `runner_id`, `role_id`, `permissions` (list) and `rules`
(claims to match). The service keeps them as a list in no promised order, so a policy list is
compared in normal form: optional empty fields dropped, permissions sorted, the list sorted.
"""

from __future__ import annotations

import json
from typing import Any

from .kind import Failure, is_unknown

DECISIONS = ("allow", "deny")
TOKEN_TYPES = ("organization", "team", "personal", "runner")
# snake_case key -> wire key; these are optional strings.
OPTIONAL = {
    "team_name": "teamName",
    "user_login": "userLogin",
    "runner_id": "runnerID",
    "role_id": "roleID",
}
REQUIRED_BY_TYPE = {"team": "team_name", "personal": "user_login", "runner": "runner_id"}
KEYS = {"decision", "token_type", "permissions", "rules", *OPTIONAL}

Policy = dict[str, Any]


def normalise(policy: Policy) -> Policy:
    """One policy in normal form (snake_case)."""
    out: Policy = {
        "decision": policy.get("decision"),
        "token_type": policy.get("token_type"),
        "permissions": sorted(policy.get("permissions") or []),
        "rules": dict(sorted((policy.get("rules") or {}).items())),
    }
    for key in OPTIONAL:
        if policy.get(key):
            out[key] = policy[key]
    return out


def _sort_key(policy: Policy) -> str:
    return json.dumps(policy, sort_keys=True, default=str)


def normalise_all(policies: list[Policy]) -> list[Policy]:
    """A policy list in normal form: each policy normalised, then the list sorted."""
    return sorted((normalise(p) for p in policies), key=_sort_key)


def to_wire(policy: Policy) -> dict[str, Any]:
    """The wire policy, built by the API client."""
    from pulumi_governance.api import oidc

    extra = {key: policy[key] for key in OPTIONAL if policy.get(key)}
    return oidc.auth_policy(
        decision=policy["decision"],
        token_type=policy["token_type"],
        permissions=list(policy.get("permissions") or []),
        rules=dict(policy.get("rules") or {}),
        **extra,
    )


def from_wire(wire: dict[str, Any]) -> Policy:
    policy: Policy = {
        "decision": wire.get("decision"),
        "token_type": wire.get("tokenType"),
        "permissions": wire.get("authorizedPermissions") or [],
        "rules": wire.get("rules") or {},
    }
    for key, wire_key in OPTIONAL.items():
        if wire.get(wire_key):
            policy[key] = wire[wire_key]
    return normalise(policy)


def _unknown_or_none(value: object) -> bool:
    return value is None or is_unknown(value)


def check_policies(value: object) -> list[Failure]:
    """Failures for the `policies` input (unknown values pass)."""
    if value is None or (is_unknown(value) and not isinstance(value, list)):
        return []
    if not isinstance(value, list):
        return [Failure("policies", "must be a list of policies")]
    failures: list[Failure] = []
    for index, policy in enumerate(value):
        failures += _check_one(f"policies[{index}]", policy)
    return failures


def _check_one(where: str, policy: object) -> list[Failure]:
    if is_unknown(policy):
        return []
    if not isinstance(policy, dict):
        return [Failure(where, "must be a mapping")]
    failures = [Failure(f"{where}.{k}", "is not a policy field") for k in policy if k not in KEYS]
    decision, token_type = policy.get("decision"), policy.get("token_type")
    if not is_unknown(decision) and decision not in DECISIONS:
        failures.append(Failure(f"{where}.decision", f"must be one of {', '.join(DECISIONS)}"))
    if not is_unknown(token_type) and token_type not in TOKEN_TYPES:
        failures.append(Failure(f"{where}.token_type", f"must be one of {', '.join(TOKEN_TYPES)}"))
    needed = REQUIRED_BY_TYPE.get(token_type) if isinstance(token_type, str) else None
    if needed and not policy.get(needed):
        failures.append(Failure(f"{where}.{needed}", f"is required for {token_type} tokens"))
    permissions = policy.get("permissions")
    if not _unknown_or_none(permissions) and not (
        isinstance(permissions, list) and all(isinstance(p, str) for p in permissions)
    ):
        failures.append(Failure(f"{where}.permissions", "must be a list of strings"))
    rules = policy.get("rules")
    if rules is not None and not is_unknown(rules) and not isinstance(rules, dict):
        failures.append(Failure(f"{where}.rules", "must be a mapping of claim to pattern"))
    return failures
