"""PolicyPack under the real engine, one scenario per test: publish the example pack, refuse
changed files under the same version tag, replace a bumped version new-first (a group still using
the old one keeps it until it moves on), and converge after faults at its writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from devtools.emulator import Emulator
from devtools.engine import EngineEnv, preview_diff
from tests.engine._governance import ORG, governance_stack, injected_during, ok
from tests.support import EXAMPLE_PACK_LEVELS, example_pack_named

GROUP = f"/api/orgs/{ORG}/policygroups/default-policy-group"


def set_version(pack: Path, tag: str) -> None:
    project = pack / "PulumiPolicy.yaml"
    lines = [f"version: {tag}" if ln.startswith("version:") else ln for ln in
             project.read_text().splitlines()]  # fmt: skip
    project.write_text("\n".join(lines) + "\n")


def published(emulator: Emulator, name: str) -> dict[str, int]:
    listed = ok(emulator, "GET", f"/api/orgs/{ORG}/policypacks")["policyPacks"]
    pack: dict[str, Any] = next((p for p in listed if p["name"] == name), {})
    return dict(zip(pack.get("versionTags", []), pack.get("versions", []), strict=True))


def published_stack(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator, name: str
) -> tuple[Path, auto.Stack]:
    """The example pack as `name`, published by a stack's first up."""
    pack = example_pack_named(tmp_path, name)
    stack = governance_stack(
        engine, tmp_path, emulator, {"pack": {"type": "PolicyPack", "source": str(pack)}}
    )
    up = stack.up(color="never")
    assert up.summary.resource_changes == {"create": 2}
    assert up.outputs["pack"].value == f"{ORG}/{name}/1.0.0"
    return pack, stack


def test_policy_pack_publishes_what_its_analyzer_reports(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    name = "pack-publish"
    _, stack = published_stack(tmp_path, engine, emulator, name)
    number = published(emulator, name)["1.0.0"]
    live = ok(emulator, "GET", f"/api/orgs/{ORG}/policypacks/{name}/versions/{number}")
    levels = {p["name"]: p["enforcementLevel"] for p in live["policies"]}
    assert levels == EXAMPLE_PACK_LEVELS
    schema = next(p for p in live["policies"] if p["name"] == "max-resources")["configSchema"]
    assert schema["required"] == ["maxResources"] and schema["type"] == "object"
    stack.destroy(color="never")
    assert published(emulator, name) == {}


def test_policy_pack_changed_files_under_the_same_tag_fail_in_preview(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    pack, stack = published_stack(tmp_path, engine, emulator, "pack-bump")
    # files the pack's .gitignore ignores do not count
    (pack / "scratch").mkdir()
    (pack / "scratch" / "notes.py").write_text("ignored by the pack's .gitignore\n")
    assert "2 unchanged" in preview_diff(stack)
    main = pack / "__main__.py"
    main.write_text(main.read_text().replace("review.", "review in one sitting."))
    with pytest.raises(auto.CommandError) as refused:
        stack.preview(color="never")
    assert "bump" in str(refused.value) and "version" in str(refused.value)
    stack.destroy(color="never")


def test_policy_pack_new_version_is_published_before_the_old_one_is_deleted(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    # While a group still applies the old version, the new one is published first, the old one
    # is kept (409) and the update fails with the reason; it is deleted once the group moved on.
    name = "pack-replace"
    pack, stack = published_stack(tmp_path, engine, emulator, name)
    number = published(emulator, name)["1.0.0"]
    applied = {"name": name, "version": number, "versionTag": "1.0.0", "config": {}}
    ok(emulator, "PATCH", GROUP, json={"addPolicyPack": applied})
    set_version(pack, "1.1.0")
    assert "+-" in preview_diff(stack)
    with pytest.raises(auto.CommandError) as kept:
        stack.up(color="never")
    assert "still applied" in str(kept.value)
    assert set(published(emulator, name)) == {"1.0.0", "1.1.0"}
    ok(emulator, "PATCH", GROUP, json={"removePolicyPack": applied})
    up = stack.up(color="never")
    assert up.outputs["pack"].value == f"{ORG}/{name}/1.1.0"
    assert set(published(emulator, name)) == {"1.1.0"}
    stack.destroy(color="never")
    assert published(emulator, name) == {}


def test_policy_pack_create_converges_after_a_dropped_create(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    # The create commits (a pending version), its answer is lost: the resend replaces the
    # pending version, and the up publishes exactly one complete version.
    name = "pack-dropped-create"
    resources = {"pack": {"type": "PolicyPack", "source": str(example_pack_named(tmp_path, name))}}
    stack = governance_stack(engine, tmp_path, emulator, resources)
    injected = injected_during(emulator, lambda: stack.up(color="never"), next_drop=1)
    assert injected["drop"] == 1
    assert list(published(emulator, name)) == ["1.0.0"]
    stack.destroy(color="never")
    assert published(emulator, name) == {}


def test_policy_pack_create_converges_after_a_dropped_complete(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    # Publishing writes twice (create, then complete; the upload is not an /api path). With a
    # drop rate of 0.5 and seed 10, the emulator's draws for those two writes are 0.57 (kept) and
    # 0.43 (dropped): the complete commits and its answer is lost; the resend finds the version
    # complete, which is success.
    name = "pack-dropped-complete"
    resources = {"pack": {"type": "PolicyPack", "source": str(example_pack_named(tmp_path, name))}}
    stack = governance_stack(engine, tmp_path, emulator, resources)
    since = ok(emulator, "GET", "/_emulator/requests")["total"]
    injected = injected_during(
        emulator, lambda: stack.up(color="never"), drop_after_commit_rate=0.5, seed=10
    )
    assert injected["drop"] == 1
    assert list(published(emulator, name)) == ["1.0.0"]
    # the log shows it: the complete was applied (its answer dropped), its resend found it done
    log = ok(emulator, "GET", "/_emulator/requests", params={"since": since})["requests"]
    completes = [r["status"] for r in log if r["path"].endswith("/complete")]
    assert completes == [204, 400]
    stack.destroy(color="never")


def test_policy_pack_create_converges_after_a_503_to_its_create(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    # A 503 to the create may or may not have been applied: nothing complete is listed, so the
    # create is sent again, and the up publishes one version.
    name = "pack-503-create"
    resources = {"pack": {"type": "PolicyPack", "source": str(example_pack_named(tmp_path, name))}}
    stack = governance_stack(engine, tmp_path, emulator, resources)
    injected = injected_during(emulator, lambda: stack.up(color="never"), next_5xx_write=1)
    assert injected["5xx"] == 1
    assert list(published(emulator, name)) == ["1.0.0"]
    stack.destroy(color="never")
