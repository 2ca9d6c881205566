"""OrgToken under the real engine: create (the value works, is secret, never in plain state),
replacement of every kind (new token first, fresh auto-name, old value stops working), refresh of
an expired and a deleted token, validation in preview, exact names, and faults on the service.

The scenarios of one stack's life share it (`story`, a `_governance.Story`), one rule per test."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from devtools.emulator import Emulator
from devtools.engine import EngineEnv, exported_state_text, preview_diff
from tests.engine import _governance as governance
from tests.engine._governance import ORG, declare, governance_stack, ok

TOKENS = f"/api/orgs/{ORG}/tokens"
PROGRAM = """
import json
import pulumi
import pulumi_governance

for name, spec in json.loads(pulumi.Config().require("resources")).items():
    token = pulumi_governance.OrgToken(name, **spec)
    pulumi.export(name, token.id)
    pulumi.export(name + "_name", token.token_name)
    pulumi.export(name + "_value", token.value)
"""


def token_stack(
    engine: EngineEnv, tmp_path: Path, emulator: Emulator, resources: dict[str, Any]
) -> auto.Stack:
    return governance_stack(engine, tmp_path, emulator, resources, PROGRAM)


def live(emulator: Emulator) -> dict[str, dict[str, Any]]:
    """Tokens that exist (expired ones included), by name."""
    found = ok(emulator, "GET", TOKENS, params={"filter": "all", "maxResults": 1000})
    return {t["name"]: t for t in found["tokens"]}


def works(emulator: Emulator, value: str) -> bool:
    status = emulator.request("GET", f"/api/orgs/{ORG}/policygroups", token=value).status_code
    assert status in (200, 401), status
    return status == 200


def outputs(source: auto.Stack | auto.UpResult, key: str) -> tuple[str, str, str]:
    out = source.outputs() if isinstance(source, auto.Stack) else source.outputs
    return out[key].value, out[key + "_name"].value, out[key + "_value"].value


class Story(governance.Story[dict[str, dict[str, Any]]]):
    """One stack with a token `ci` (90 days) and a token `short` that expires 45 s after it."""

    def __init__(self, stack: auto.Stack, emulator: Emulator):
        super().__init__(stack, emulator)
        self.ci = {"name": "ci", "description": "deploys", "expiry": "90d",
                   "keepers": {"rotation": "1"}}  # fmt: skip
        self.soon = (datetime.now(UTC) + timedelta(seconds=45)).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.short = {"name": "short", "expiry": self.soon}

    def live(self) -> dict[str, dict[str, Any]]:
        return live(self.emulator)

    def declare(self, ci: dict[str, Any] | None = None) -> None:
        declare(self.stack, {"ci": ci or self.ci, "short": self.short})

    @cached_property
    def first_preview(self) -> str:
        declare(self.stack, {"ci": self.ci})
        return preview_diff(self.stack)

    @cached_property
    def created(self) -> auto.UpResult:
        assert self.first_preview
        self.declare()
        return self.stack.up(color="never")

    @cached_property
    def unchanged(self) -> tuple[str, dict[str, int]]:
        """A preview and a refresh with nothing changed anywhere."""
        assert self.created
        diff = preview_diff(self.stack)
        return diff, self.refresh()

    @cached_property
    def replace_previews(self) -> dict[str, str]:
        """The preview of a change of each input of `ci`, one at a time (none applied)."""
        assert self.unchanged
        diffs = {}
        for key, value in (("description", "ci deploys"), ("expiry", "30d"),
                           ("keepers", {"rotation": "2"}), ("name", "ci2")):  # fmt: skip
            self.declare({**self.ci, key: value})
            diffs[key] = preview_diff(self.stack)
        return diffs

    @cached_property
    def rotated(self) -> auto.UpResult:
        """`ci`'s keepers changed and applied."""
        assert self.replace_previews
        self.ci["keepers"] = {"rotation": "2"}
        self.declare()
        return self.stack.up(color="never")

    @cached_property
    def expired(self) -> tuple[dict[str, int], str]:
        """`short` past its expiry: the refresh's changes, then the next preview's error."""
        assert self.rotated
        while datetime.now(UTC) <= datetime.fromisoformat(self.soon.replace("Z", "+00:00")):
            time.sleep(1)
        refresh = self.refresh()
        with pytest.raises(auto.CommandError) as failure:
            self.stack.preview(color="never")
        return refresh, str(failure.value)

    @cached_property
    def renewed(self) -> str:
        """`short` given a new expiry: the preview, then up."""
        assert self.expired
        self.short["expiry"] = "1h"
        self.declare()
        diff = preview_diff(self.stack)
        self.stack.up(color="never")
        return diff

    @cached_property
    def deleted_outside(self) -> tuple[dict[str, int], str]:
        """`short` deleted on the service: refresh's changes, then the next preview."""
        assert self.renewed
        _, name, _ = outputs(self.stack, "short")
        ok(self.emulator, "DELETE", f"{TOKENS}/{live(self.emulator)[name]['id']}")
        return self.refresh(), preview_diff(self.stack)


@pytest.fixture(scope="module")
def story(
    module_engine: EngineEnv, tmp_path_factory: pytest.TempPathFactory, emulator: Emulator
) -> Iterator[Story]:
    stack = token_stack(module_engine, tmp_path_factory.mktemp("org-token"), emulator, {})
    yield from governance.told(Story(stack, emulator))


def test_org_token_preview_shows_the_token_to_create(story: Story) -> None:
    assert "2 to create" in story.first_preview and '"deploys"' in story.first_preview


def test_org_token_create_auto_names_it_and_its_value_works(story: Story) -> None:
    assert story.created.summary.resource_changes == {"create": 3}
    ci_id, ci_name, ci_value = outputs(story.created, "ci")
    assert ci_name.startswith("ci-") and len(ci_name) == len("ci-") + 7
    token = live(story.emulator)[ci_name]
    assert ci_id == f"{ORG}/{token['id']}" and token["description"] == "deploys"
    assert 89 * 86400 < token["expires"] - time.time() <= 90 * 86400
    assert story.created.outputs["ci_value"].secret and works(story.emulator, ci_value)


def test_org_token_value_is_never_in_plain_state_or_output(story: Story) -> None:
    _, _, value = outputs(story.created, "ci")
    assert value not in exported_state_text(story.stack) and value not in story.created.stdout


def test_org_token_auto_name_is_stable_across_preview_and_refresh(story: Story) -> None:
    diff, refresh = story.unchanged
    assert "to replace" not in diff, diff
    assert set(refresh) == {"same"}, refresh


def test_org_token_every_input_change_replaces(story: Story) -> None:
    for key, diff in story.replace_previews.items():
        assert "1 to replace" in diff and key in diff, (key, diff)


def test_org_token_replace_makes_the_new_token_before_the_old_goes(story: Story) -> None:
    old_id, old_name, old_value = outputs(story.created, "ci")
    up = story.rotated
    assert up.summary.resource_changes == {"replace": 1, "same": 2}
    new_id, new_name, new_value = outputs(up, "ci")
    assert new_id != old_id and new_name != old_name and new_name.startswith("ci-")
    assert old_name not in live(story.emulator) and new_name in live(story.emulator)
    assert works(story.emulator, new_value) and not works(story.emulator, old_value)
    assert "replace" in up.stdout and new_value not in up.stdout


def test_org_token_expired_is_found_by_refresh_and_its_past_expiry_fails_preview(
    story: Story,
) -> None:
    refresh, error = story.expired
    _, _, value = outputs(story.created, "short")
    assert not works(story.emulator, value)
    assert refresh == {"same": 2, "update": 1}
    assert "expiry" in error and "in the past" in error, error


def test_org_token_expired_is_replaced_once_given_a_new_expiry(story: Story) -> None:
    _, old_name, _ = outputs(story.created, "short")
    diff = story.renewed
    assert "1 to replace" in diff and "expiry" in diff, diff
    _, name, value = outputs(story.stack, "short")
    assert name != old_name and works(story.emulator, value)
    assert old_name not in live(story.emulator)


def test_org_token_deleted_outside_pulumi_is_dropped_by_refresh(story: Story) -> None:
    refresh, diff = story.deleted_outside
    assert refresh == {"same": 2, "delete": 1}
    assert "1 to create" in diff, diff


def test_org_token_destroy_leaves_nothing(story: Story) -> None:
    assert story.deleted_outside
    _, name, value = outputs(story.stack, "ci")
    story.destroy_leaves_nothing(lambda: {name} & set(story.live()))
    assert not works(story.emulator, value)


def test_org_token_rejects_bad_input_in_preview(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    bad = {"name": "x" * 35, "expiry": "800d", "keepers": ["a"], "description": 7}
    stack = token_stack(engine, tmp_path, emulator, {"bad": bad})
    with pytest.raises(auto.CommandError) as failure:
        stack.preview(color="never")
    message = str(failure.value)
    for text in ("name", "32 characters", "expiry", "two years", "keepers", "description"):
        assert text in message, (text, message)


def test_org_token_exact_name_that_was_taken_fails_clearly(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    stack = token_stack(engine, tmp_path, emulator, {})
    # An exact name that is (or was) taken fails clearly; token names are reserved forever.
    taken = "taken-" + str(time.time_ns())
    made = ok(emulator, "POST", TOKENS, json={"name": taken, "description": "", "expires": 0,
                                              "admin": False})  # fmt: skip
    ok(emulator, "DELETE", f"{TOKENS}/{made['id']}")
    declare(stack, {"exact": {"name": taken, "exact_name": True}})
    with pytest.raises(auto.CommandError) as failure:
        stack.up(color="never")
    assert "reserved forever" in str(failure.value)


def test_org_token_lost_value_is_replaced_under_random_faults(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    stack = token_stack(engine, tmp_path, emulator, {})
    # Faults: the first create commits but its reply is dropped (the value is lost), 429s and
    # 5xx on top. Exactly one live token per declared resource remains, each with a value.
    before = set(live(emulator))
    declared = {f"t{n}": {"name": f"t{n}", "description": "faulty"} for n in range(3)}
    declare(stack, declared)
    emulator.set_faults(next_drop=1, rate_429=0.2, rate_5xx=0.1, retry_after_s=0)
    try:
        up = stack.up(color="never")
    finally:
        emulator.clear_faults()
    assert emulator.faults()["injected"]["drop"] >= 1
    created = {n: t for n, t in live(emulator).items() if n not in before}
    assert sorted(n.rsplit("-", 1)[0] for n in created) == ["t0", "t1", "t2"], created
    for key in declared:
        token_id, name, value = outputs(up, key)
        assert name in created and token_id.endswith(created[name]["id"]) and works(emulator, value)
    assert "value was lost" in up.stdout + up.stderr
    stack.destroy(color="never")
    assert not {n for n in live(emulator) if n not in before}
    assert json.dumps(stack.outputs()) == "{}"
