"""OrgToken under the real engine: create (the value works, is secret, never in plain state),
replacement of every kind (new token first, fresh auto-name, old value stops working), refresh of
an expired and a deleted token, validation in preview, exact names, and faults on the service."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from devtools.emulator import Emulator
from devtools.engine import EngineEnv, exported_state_text, preview_diff
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


def test_org_token_lifecycle(tmp_path: Path, engine: EngineEnv, emulator: Emulator) -> None:
    ci = {"name": "ci", "description": "deploys", "expiry": "90d", "keepers": {"rotation": "1"}}
    declared: dict[str, Any] = {"ci": ci}
    stack = token_stack(engine, tmp_path, emulator, declared)

    diff = preview_diff(stack)
    assert "2 to create" in diff and '"deploys"' in diff, diff
    # A second token that expires soon (checked further down).
    soon = (datetime.now(UTC) + timedelta(seconds=45)).strftime("%Y-%m-%dT%H:%M:%SZ")
    short = declared["short"] = {"name": "short", "expiry": soon}
    declare(stack, declared)
    up = stack.up(color="never")
    assert up.summary.resource_changes == {"create": 3}
    ci_id, ci_name, ci_value = outputs(stack, "ci")
    assert ci_name.startswith("ci-") and len(ci_name) == len("ci-") + 7
    token = live(emulator)[ci_name]
    assert ci_id == f"{ORG}/{token['id']}" and token["description"] == "deploys"
    assert 89 * 86400 < token["expires"] - time.time() <= 90 * 86400
    assert stack.outputs()["ci_value"].secret and works(emulator, ci_value)
    # The value never shows in plain text: not in the exported state, not in the CLI's output.
    assert ci_value not in exported_state_text(stack) and ci_value not in up.stdout

    # No change: the auto-name is stable across previews and refreshes.
    assert "to replace" not in preview_diff(stack)
    refresh = stack.refresh(color="never")
    assert set(refresh.summary.resource_changes or {}) == {"same"}, refresh.stdout

    # Each input replaces; the reviewer sees which.
    for key, value in (("description", "ci deploys"), ("expiry", "30d"),
                       ("keepers", {"rotation": "2"}), ("name", "ci2")):  # fmt: skip
        declare(stack, {**declared, "ci": {**ci, key: value}})
        diff = preview_diff(stack)
        assert "1 to replace" in diff and key in diff, (key, diff)
    # Apply one: the new token exists before the old one goes, under a new suffix.
    ci["keepers"] = {"rotation": "2"}
    declare(stack, declared)
    up = stack.up(color="never")
    assert up.summary.resource_changes == {"replace": 1, "same": 2}
    new_id, new_name, new_value = outputs(stack, "ci")
    assert new_id != ci_id and new_name != ci_name and new_name.startswith("ci-")
    assert ci_name not in live(emulator) and new_name in live(emulator)
    assert works(emulator, new_value) and not works(emulator, ci_value)
    assert "replace" in up.stdout and new_value not in up.stdout

    # Expired: refresh finds it among expired tokens and the next preview replaces it.
    while datetime.now(UTC) <= datetime.fromisoformat(soon.replace("Z", "+00:00")):
        time.sleep(1)
    _, short_name, short_value = outputs(stack, "short")
    assert not works(emulator, short_value)
    refresh = stack.refresh(color="never")
    assert refresh.summary.resource_changes == {"same": 2, "update": 1}, refresh.stdout
    # The replacement is checked like a new token: its past expiry fails the preview, by name.
    with pytest.raises(auto.CommandError) as failure:
        stack.preview(color="never")
    assert "expiry" in str(failure.value) and "in the past" in str(failure.value)
    short["expiry"] = "1h"
    declare(stack, declared)
    diff = preview_diff(stack)
    assert "1 to replace" in diff and "expiry" in diff, diff
    stack.up(color="never")
    _, renewed_name, renewed_value = outputs(stack, "short")
    assert renewed_name != short_name and works(emulator, renewed_value)
    assert short_name not in live(emulator)

    # Deleted out of band: refresh drops it; up makes a new one.
    ok(emulator, "DELETE", f"{TOKENS}/{live(emulator)[renewed_name]['id']}")
    refresh = stack.refresh(color="never")
    assert refresh.summary.resource_changes == {"same": 2, "delete": 1}, refresh.stdout
    assert "1 to create" in preview_diff(stack)

    stack.destroy(color="never")
    assert new_name not in live(emulator) and not works(emulator, new_value)


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
