"""OidcIssuer under the real engine: create with policies, in-place updates (name, expiration,
thumbprints, policies incl. clearing), replacement by URL, order-free policies on refresh,
out-of-band changes, adoption, validation in preview, and faults on the service.

The scenarios of one stack's life share it (`story`, a `_governance.Story`), one rule per test."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from devtools.emulator import Emulator
from devtools.engine import EngineEnv, preview_diff
from tests.engine import _governance as governance
from tests.engine._governance import ORG, Step, declare, governance_stack, ok

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


Issuers = list[dict[str, Any]]


class Story(governance.Story[Issuers]):
    """One stack with one issuer `github` and two policies."""

    def __init__(self, stack: auto.Stack, emulator: Emulator):
        super().__init__(stack, emulator)
        self.github = {"type": "OidcIssuer", "name": "github",
                       "url": "https://token.actions.githubusercontent.com",
                       "max_expiration": 3600, "policies": [POLICY_ORG, POLICY_TEAM]}  # fmt: skip

    def live(self) -> Issuers:
        return issuers(self.emulator)

    @cached_property
    def created(self) -> Step[Issuers]:
        clear(self.emulator)
        return self.apply({"github": self.github}, preview=False)

    @cached_property
    def unchanged(self) -> tuple[list[dict[str, int]], str]:
        """Two refreshes, then a preview of the same policies in another order."""
        assert self.created
        refreshes = [self.refresh(), self.refresh()]
        self.github["policies"] = [POLICY_TEAM, POLICY_ORG]
        declare(self.stack, {"github": self.github})
        return refreshes, preview_diff(self.stack)

    @cached_property
    def updated(self) -> Step[Issuers]:
        """Name, expiration, thumbprints and one policy changed."""
        assert self.unchanged
        changed_policy = {**POLICY_ORG, "rules": {"sub": "repo:acme/infra:*"}}
        self.github.update(name="github-actions", max_expiration=7200, thumbprints=[THUMB],
                           policies=[changed_policy])  # fmt: skip
        return self.apply({"github": self.github})

    @cached_property
    def policies_cleared(self) -> Step[Issuers]:
        assert self.updated
        self.github["policies"] = []
        return self.apply({"github": self.github}, preview=False)

    @cached_property
    def drift_restored(self) -> tuple[dict[str, int], Step[Issuers]]:
        """Renamed on the service: refresh, then up."""
        assert self.policies_cleared
        (issuer,) = self.created.after
        ok(self.emulator, "PATCH", f"{ISSUERS}/{issuer['id']}", json={"name": "hand-edited"})
        return self.refresh(), self.apply({"github": self.github})

    @cached_property
    def replaced(self) -> Step[Issuers]:
        """A new URL."""
        assert self.drift_restored
        self.github["url"] = "https://oidc.example.com/acme"
        return self.apply({"github": self.github})

    @cached_property
    def deleted_outside(self) -> dict[str, int]:
        (issuer,) = self.replaced.after
        ok(self.emulator, "DELETE", f"{ISSUERS}/{issuer['id']}")
        return self.refresh()


@pytest.fixture(scope="module")
def story(
    module_engine: EngineEnv, tmp_path_factory: pytest.TempPathFactory, emulator: Emulator
) -> Iterator[Story]:
    stack = governance_stack(module_engine, tmp_path_factory.mktemp("oidc-issuer"), emulator, {})
    yield from governance.told(Story(stack, emulator))


def test_oidc_issuer_create_registers_it_with_its_policies(story: Story) -> None:
    up = story.created
    assert up.changes == {"create": 2}
    (issuer,) = up.after
    assert (issuer["name"], issuer.get("maxExpiration")) == ("github", 3600)
    assert up.outputs["github"] == f"{ORG}/{issuer['id']}"
    live = policies(story.emulator, issuer["id"])["policies"]
    assert sorted(p["decision"] for p in live) == ["allow", "deny"]


def test_oidc_issuer_computed_thumbprints_and_policy_order_are_no_change(story: Story) -> None:
    refreshes, reordered = story.unchanged
    for refresh in refreshes:
        assert set(refresh) == {"same"}, refresh
    assert "to update" not in reordered, reordered


def test_oidc_issuer_update_in_place_keeps_its_id(story: Story) -> None:
    up = story.updated
    assert "1 to update" in up.diff and '"github-actions"' in up.diff, up.diff
    assert "replace" not in up.diff, up.diff
    assert up.before[0]["name"] == "github"
    (updated,) = up.after
    assert updated["id"] == story.created.after[0]["id"]
    assert (updated["name"], updated["maxExpiration"], updated["thumbprints"]) == (
        "github-actions", 7200, [THUMB],
    )  # fmt: skip
    (only_policy,) = policies(story.emulator, updated["id"])["policies"]
    assert only_policy["rules"] == {"sub": "repo:acme/infra:*"}


def test_oidc_issuer_empty_policies_clear_them(story: Story) -> None:
    (issuer,) = story.policies_cleared.after
    assert policies(story.emulator, issuer["id"])["policies"] == []


def test_oidc_issuer_drift_restored_after_a_rename_outside_pulumi(story: Story) -> None:
    refresh, up = story.drift_restored
    assert refresh == {"same": 1, "update": 1}
    assert '"github-actions"' in up.diff, up.diff
    assert up.after[0]["name"] == "github-actions"


def test_oidc_issuer_replace_by_new_url(story: Story) -> None:
    up = story.replaced
    assert "1 to replace" in up.diff and "url" in up.diff, up.diff
    (replaced,) = up.after
    assert replaced["url"] == "https://oidc.example.com/acme"
    assert replaced["id"] != story.created.after[0]["id"]


def test_oidc_issuer_deleted_outside_pulumi_is_dropped_by_refresh(story: Story) -> None:
    assert story.deleted_outside == {"same": 1, "delete": 1}


def test_oidc_issuer_destroy_leaves_nothing(story: Story) -> None:
    assert story.deleted_outside
    story.destroy_leaves_nothing(lambda: issuers(story.emulator))


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
