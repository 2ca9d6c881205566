"""Every example, as the demo runs it: up, the app stack's story, the demo's change as a preview,
destroy."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from devtools import demo
from devtools.demo_app import tell_app_story
from devtools.emulator import Emulator
from devtools.engine import REPO_ROOT, EngineEnv, preview_diff, shows_change


def org_state(emulator: Emulator) -> dict[str, Any]:
    state: dict[str, Any] = emulator.state()["orgs"][demo.ORG]
    return state


def group_stacks(emulator: Emulator, name: str) -> list[str]:
    group = org_state(emulator)["policygroup"][name]
    return sorted(f"{s['routingProject']}/{s['name']}" for s in group["stacks"])


def test_examples_up_preview_a_change_and_destroy(tmp_path: Path, engine: EngineEnv) -> None:
    pack = tmp_path / "baseline"
    shutil.copytree(REPO_ROOT / "examples" / "policy-packs" / "baseline", pack)
    emulator = Emulator(tmp_path / "emulator", extra_args=demo.seed_args())
    emulator.start()
    try:
        governance, team = demo.examples(emulator, pack)
        gov_stack = demo.example_stack(engine, emulator, governance, tmp_path)
        up = gov_stack.up(color="never")
        assert up.outputs["ci_token"].secret
        assert up.outputs["baseline_version"].value == "1.0.0"
        held = org_state(emulator)
        assert group_stacks(emulator, "production") == sorted(demo.PRODUCTION)
        assert sorted(held["policypack"]) == ["baseline"]
        assert len(held["orgtoken"]) == 1 and len(held["oidcissuer"]) == 1
        assert list(held["webhook"]) == ["org/deployment-failures"]
        default_packs = held["policygroup"]["default-policy-group"]["appliedPolicyPacks"]
        assert [p["name"] for p in default_packs] == ["baseline"]

        team_stack = demo.example_stack(engine, emulator, team, tmp_path)
        outputs = team_stack.up(color="never").outputs
        assert outputs["stacks"].value == ["search/dev", "search/prod"]
        assert group_stacks(emulator, "search-guardrails") == ["search/dev", "search/prod"]
        assert sorted(outputs["drift_schedules"].value) == ["search/dev", "search/prod"]
        assert sorted(outputs["failure_webhooks"].value) == ["search/dev", "search/prod"]
        hooks = sorted(org_state(emulator)["webhook"])
        assert hooks == [
            "org/deployment-failures",
            "stack/search/dev/search-failures",
            "stack/search/prod/search-failures",
        ], hooks

        said: list[str] = []
        app = tell_app_story(emulator, engine.bin_dir, tmp_path, demo.ORG, say=said.append)
        story = "\n".join(said)
        assert "[mandatory]  required-tags" in story, story
        assert "missing required tags: cost-center, data-class" in story, story
        assert "-> exit code 255: blocked" in story and "-> the bucket is deployed" in story, story
        assert "mandatory baseline@1.0.0 required-tags on invoices" in story, story
        assert app.pulumi("stack", "output", "bucket")[1].strip() == "bucket-invoices"

        governance.change(gov_stack)
        diff = preview_diff(gov_stack)
        assert shows_change(diff, "version_tag", '"1.0.0"', '"1.1.0"'), diff
        assert '+ [2]: "search/prod"' in diff, diff
        assert "+-1 to replace" in diff, diff

        team.change(team_stack)
        diff = preview_diff(team_stack)
        assert "search-drift-payments-staging" in diff and "+ 2 to create" in diff, diff
        assert "search-failures-payments-staging" in diff, diff
        assert '"payments/staging"' in diff, diff
        # A preview changes nothing on the service.
        assert group_stacks(emulator, "search-guardrails") == ["search/dev", "search/prod"]

        app.pulumi("destroy", "--yes")
        team_stack.destroy(color="never")
        gov_stack.destroy(color="never")
        held = org_state(emulator)
        assert sorted(held["policygroup"]) == ["default-policy-group"]
        assert not held.get("schedule") and not held.get("oidcissuer") and not held.get("webhook")
        assert not held["policygroup"]["default-policy-group"]["appliedPolicyPacks"]
    finally:
        emulator.stop()
