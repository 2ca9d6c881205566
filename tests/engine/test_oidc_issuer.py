"""OidcIssuer under the real engine: create with policies, in-place updates (name, expiration,
thumbprints, policies incl. clearing), replacement by URL, order-free policies on refresh,
out-of-band changes, adoption, validation in preview, and faults on the service."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from devtools.emulator import Emulator
from devtools.engine import EngineEnv, preview_diff
from tests.engine._governance import ORG, declare, governance_stack, ok

ISSUERS = f"/api/orgs/{ORG}/oidc/issuers"
THUMB = "a" * 40
POLICY_ORG = {"decision": "allow", "token_type": "organization", "permissions": ["admin"],
              "rules": {"aud": "urn:pulumi:org:acme", "sub": "repo:acme/*"}}  # fmt: skip
POLICY_TEAM = {"decision": "deny", "token_type": "team", "team_name": "platform",
               "rules": {"sub": "repo:acme/legacy"}}  # fmt: skip


def issuers(emulator: Emulator) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = ok(emulator, "GET", ISSUERS)["oidcIssuers"]
    return found


def policies(emulator: Emulator, issuer_id: str) -> dict[str, Any]:
    found: dict[str, Any] = ok(
        emulator, "GET", f"/api/orgs/{ORG}/auth/policies/oidcissuers/{issuer_id}"
    )
    return found


def clear(emulator: Emulator) -> None:
    for issuer in issuers(emulator):
        ok(emulator, "DELETE", f"{ISSUERS}/{issuer['id']}")


def test_oidc_issuer_lifecycle(tmp_path: Path, engine: EngineEnv, emulator: Emulator) -> None:
    clear(emulator)
    github = {"type": "OidcIssuer", "name": "github", "url": "https://token.actions.githubusercontent.com",
              "max_expiration": 3600, "policies": [POLICY_ORG, POLICY_TEAM]}  # fmt: skip
    declared: dict[str, Any] = {"github": github}
    stack = governance_stack(engine, tmp_path, emulator, declared)

    up = stack.up(color="never")
    assert up.summary.resource_changes == {"create": 2}
    (issuer,) = issuers(emulator)
    assert (issuer["name"], issuer.get("maxExpiration")) == ("github", 3600)
    assert up.outputs["github"].value == f"{ORG}/{issuer['id']}"
    live = policies(emulator, issuer["id"])["policies"]
    assert sorted(p["decision"] for p in live) == ["allow", "deny"]

    # Thumbprints the service computed, and policies in the service's order: no diff, twice.
    for _ in range(2):
        refresh = stack.refresh(color="never")
        assert set(refresh.summary.resource_changes or {}) == {"same"}, refresh.stdout
    # The same policies written in another order are no change either.
    github["policies"] = [POLICY_TEAM, POLICY_ORG]
    declare(stack, declared)
    assert "to update" not in preview_diff(stack)

    # In place: name, expiration, thumbprints, one policy changed.
    github.update(name="github-actions", max_expiration=7200, thumbprints=[THUMB],
                  policies=[{**POLICY_ORG, "rules": {"sub": "repo:acme/infra:*"}}])  # fmt: skip
    declare(stack, declared)
    diff = preview_diff(stack)
    assert "1 to update" in diff and '"github-actions"' in diff and "replace" not in diff, diff
    assert issuers(emulator)[0]["name"] == "github"
    stack.up(color="never")
    (updated,) = issuers(emulator)
    assert updated["id"] == issuer["id"]
    assert (updated["name"], updated["maxExpiration"], updated["thumbprints"]) == (
        "github-actions", 7200, [THUMB],
    )  # fmt: skip
    (only_policy,) = policies(emulator, issuer["id"])["policies"]
    assert only_policy["rules"] == {"sub": "repo:acme/infra:*"}

    # Clearing the policies.
    github["policies"] = []
    declare(stack, declared)
    stack.up(color="never")
    assert policies(emulator, issuer["id"])["policies"] == []

    # Out of band: renamed on the service -> refresh sees it, up puts it back.
    ok(emulator, "PATCH", f"{ISSUERS}/{issuer['id']}", json={"name": "hand-edited"})
    refresh = stack.refresh(color="never")
    assert refresh.summary.resource_changes == {"same": 1, "update": 1}
    assert '"github-actions"' in preview_diff(stack)
    stack.up(color="never")
    assert issuers(emulator)[0]["name"] == "github-actions"

    # Replacement: a new URL.
    github["url"] = "https://oidc.example.com/acme"
    declare(stack, declared)
    diff = preview_diff(stack)
    assert "1 to replace" in diff and "url" in diff, diff
    stack.up(color="never")
    (replaced,) = issuers(emulator)
    assert replaced["url"] == "https://oidc.example.com/acme" and replaced["id"] != issuer["id"]

    # Gone out of band: refresh drops it; destroy of the rest succeeds.
    ok(emulator, "DELETE", f"{ISSUERS}/{replaced['id']}")
    refresh = stack.refresh(color="never")
    assert refresh.summary.resource_changes == {"same": 1, "delete": 1}
    stack.destroy(color="never")
    assert issuers(emulator) == []


def test_oidc_issuer_rejects_bad_input_in_preview(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    clear(emulator)
    bad = {"type": "OidcIssuer", "name": "", "url": "http://insecure.example.com",
           "max_expiration": -5, "thumbprints": ["xyz"],
           "policies": [{"decision": "maybe", "token_type": "team", "rules": {}}]}  # fmt: skip
    stack = governance_stack(engine, tmp_path, emulator, {"bad": bad})
    with pytest.raises(auto.CommandError) as failure:
        stack.preview(color="never")
    message = str(failure.value)
    for field in ("name", "url", "max_expiration", "thumbprints", "policies[0].decision",
                  "policies[0].team_name"):  # fmt: skip
        assert field in message, (field, message)


def test_oidc_issuer_adopts_an_existing_issuer_only_when_asked(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    clear(emulator)
    stack = governance_stack(engine, tmp_path, emulator, {})
    url = "https://gitlab.example.com"
    existing = ok(emulator, "POST", ISSUERS, json={"name": "gitlab", "url": url})
    declared = {"gitlab": {"type": "OidcIssuer", "name": "gitlab-ci", "url": url}}
    declare(stack, declared)
    with pytest.raises(auto.CommandError) as failure:
        stack.up(color="never")
    assert "adopt" in str(failure.value)
    declared["gitlab"]["adopt"] = True
    declare(stack, declared)
    stack.up(color="never")
    (adopted,) = issuers(emulator)
    assert (adopted["id"], adopted["name"]) == (existing["id"], "gitlab-ci")


def test_oidc_issuer_leaves_no_duplicate_under_random_faults(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    clear(emulator)
    stack = governance_stack(engine, tmp_path, emulator, {})
    declared: dict[str, Any] = {}
    emulator.set_faults(rate_429=0.2, rate_5xx=0.1, retry_after_s=0, next_drop=3)
    try:
        declared.update({
            f"i{n}": {"type": "OidcIssuer", "name": f"i{n}", "url": f"https://idp{n}.example.com",
                      "policies": [POLICY_ORG]}
            for n in range(3)
        })  # fmt: skip
        declare(stack, declared)
        stack.up(color="never")
    finally:
        emulator.clear_faults()
    urls = sorted(i["url"] for i in issuers(emulator))
    assert urls == sorted(f"https://idp{n}.example.com" for n in range(3))
    stack.destroy(color="never")
    assert issuers(emulator) == []
