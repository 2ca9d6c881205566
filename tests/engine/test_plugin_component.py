"""examples/team-guardrails-yaml: the StackGuardrails component served by the plugin's construct,
from YAML, as the demo runs it: up, a stack tagged outside Pulumi previewed as one added entry of
the group's stacks, destroy."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from devtools import demo
from devtools.emulator import Emulator
from devtools.engine import REPO_ROOT, EngineEnv, exported_state, preview_diff, resources_of_type
from pulumi_governance.api import PulumiCloudClient
from pulumi_governance.config import resolve_settings
from pulumi_governance.logic import KINDS


def publish_baseline(emulator: Emulator, tmp_path: Path) -> None:
    """The baseline pack at 1.0.0, as the governance-stack example publishes it."""
    pack = tmp_path / "baseline"
    shutil.copytree(REPO_ROOT / "examples" / "policy-packs" / "baseline", pack)
    logic = KINDS["PolicyPack"]
    inputs, failures = logic.check({}, {"source": str(pack), "organization": demo.ORG})
    assert failures == []
    logic.create(PulumiCloudClient(resolve_settings(emulator.url, emulator.token)), inputs)


def test_plugin_component_yaml_example(tmp_path: Path, engine: EngineEnv) -> None:
    emulator = Emulator(tmp_path / "emulator", extra_args=demo.seed_args())
    emulator.start()
    publish_baseline(emulator, tmp_path)
    (example,) = demo.plugin_examples(emulator)
    stack = demo.example_stack(engine, emulator, example, tmp_path)
    try:
        up = stack.up(color="never")
        assert up.outputs["stacks"].value == ["search/dev", "search/prod"], up.stdout
        held = emulator.state()["orgs"][demo.ORG]
        group = held["policygroup"]["search-guardrails-yaml"]
        assert sorted(f"{s['routingProject']}/{s['name']}" for s in group["stacks"]) == [
            "search/dev", "search/prod",
        ]  # fmt: skip
        assert sorted(up.outputs["failureWebhooks"].value) == ["search/dev", "search/prod"]
        state = exported_state(stack)
        # The component's children are the plugin's own custom resources, not dynamic ones.
        assert len(resources_of_type(state, "governance:index:PolicyGroup")) == 1
        assert len(resources_of_type(state, "governance:index:Webhook")) == 2
        assert "pulumi-python:dynamic" not in str(state)

        example.change(stack)
        diff = preview_diff(stack)
        resources = diff.split("--outputs:--")[0]  # the stack's own outputs are a plain list
        added = re.findall(r'\+ \[\d+\]: "[^"]+"', resources)
        assert added == ['+ [0]: "payments/staging"'], diff
        assert not re.search(r"~ \[\d+\]:", resources), diff
        assert "2 to create" not in diff and "1 to update" in diff, diff
    finally:
        stack.destroy(color="never")
        emulator.stop()
