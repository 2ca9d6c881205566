"""The README's recovery after an interrupted `pulumi up`, for the provider plugin from a YAML
program.

- Objects a killed run's creates made (made here beforehand: webhooks, one of them with the name
  the plugin draws from the resource's identity, a schedule and an OIDC issuer by the logic's own
  create, and a policy group whose membership requests never came) fail `up` on the clash; with
  `governance:adoptExisting`, `up` takes each over with nothing doubled and the group gets its
  declared stacks; once the setting is removed, the preview shows no change.
- A real kill: the CLI, its language host and the plugin are killed while creates are in flight;
  the README's commands then leave exactly the declared objects.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from devtools.cli_run import kill_pulumi_when
from devtools.emulator import Emulator
from devtools.engine import EngineEnv
from devtools.plugin_programs import ORG, plugin_stack, pulumi, yaml_program
from provider.values import camel
from pulumi_governance.api import PulumiCloudClient
from pulumi_governance.config import resolve_settings
from pulumi_governance.logic import KINDS
from tests.support import unique

PROJECT = "plugin-adopt"
STACK = "dev"


def declared(app: str) -> dict[str, dict[str, Any]]:
    """The program's resources (logic names), each with its kind; `app` is a stack of the org."""
    project, stack = app.split("/")
    policy = {"decision": "allow", "token_type": "organization", "permissions": ["admin"],
              "rules": {"sub": f"repo:acme/{stack}:*"}}  # fmt: skip
    return {
        "named-hook": {"type": "Webhook", "name": unique("adopt-hook"), "display_name": "Named",
                       "payload_url": "https://hooks.example.com/named"},
        "auto-hook": {"type": "Webhook", "display_name": "Generated",
                      "payload_url": "https://hooks.example.com/generated"},
        "group": {"type": "PolicyGroup", "name": unique("adopt-group"),
                  "stacks": [app, "web/prod"]},
        "drift": {"type": "Schedule", "kind": "drift", "project": project, "stack": stack,
                  "cron": "0 3 * * *"},
        "issuer": {"type": "OidcIssuer", "name": stack,
                   "url": f"https://{stack}.issuer.example.com", "policies": [policy]},
    }  # fmt: skip


def program_body(resources: dict[str, dict[str, Any]]) -> str:
    lines = ["resources:"]
    for name, spec in resources.items():
        properties = {camel(k): v for k, v in spec.items() if k != "type"}
        lines += [f"  {name}:", f"    type: governance:{spec['type']}",
                  f"    properties: {json.dumps(properties)}"]  # fmt: skip
    return "\n".join(lines)


def left_by_killed_run(api: PulumiCloudClient, resources: dict[str, dict[str, Any]]) -> None:
    """What the interrupted creates made, from the inputs (and the generated name) the plugin's
    check gives each: every object but the group through its kind's create; the group as its
    create's first request makes it, without the membership requests that follow."""
    groups = api.policy_groups
    for name, spec in resources.items():
        logic = KINDS[spec["type"]]
        news = {**{k: v for k, v in spec.items() if k != "type"}, "organization": ORG}
        if any(f.name == "name_seed" for f in logic.fields):
            news["name_seed"] = f"{ORG}/{PROJECT}/{STACK}/{name}"
        inputs, failures = logic.check({}, news)
        assert failures == [], failures
        if spec["type"] == "PolicyGroup":
            groups.create_once(ORG, inputs["name"], inputs["entity_type"], inputs["mode"])
        else:
            logic.create(api, inputs)


def live(emulator: Emulator) -> Counter[str]:
    """The org's webhooks, schedules, issuers, and policy groups with their stacks."""
    areas = emulator.state()["orgs"][ORG]
    found: Counter[str] = Counter()
    found.update(f"hook:{h['name']}" for h in (areas.get("webhook") or {}).values())
    found.update(f"issuer:{i['url']}" for i in (areas.get("oidcissuer") or {}).values())
    # (a schedule is kept under `project/stack/id`)
    found.update(f"schedule:{key.rsplit('/', 1)[0]}" for key in areas.get("schedule") or {})
    for group in (areas.get("policygroup") or {}).values():
        found[f"group:{group['name']}"] += 1
        found.update(f"member:{group['name']}:{s['routingProject']}/{s['name']}"
                     for s in group["stacks"])  # fmt: skip
    return found


def governance_program(
    engine: EngineEnv, emulator: Emulator, tmp_path: Path
) -> tuple[str, dict[str, dict[str, Any]], Path, auto.Stack]:
    """An app stack of the org, and a plugin program (with its stack) declaring `declared`."""
    app = unique("app")
    made = emulator.request("POST", f"/api/stacks/{ORG}/apps", json={"stackName": app})
    assert made.status_code < 300, made.text
    resources = declared(f"apps/{app}")
    program = yaml_program(engine, tmp_path / "program", PROJECT, program_body(resources))
    return app, resources, program, plugin_stack(engine, program, emulator, STACK)


def test_plugin_adopt_existing_recovers_an_interrupted_up(
    engine: EngineEnv, emulator: Emulator, tmp_path: Path
) -> None:
    app, resources, program, stack = governance_program(engine, emulator, tmp_path)
    before = live(emulator)
    left_by_killed_run(PulumiCloudClient(resolve_settings(emulator.url, emulator.token)), resources)
    left = live(emulator)
    assert sum((left - before).values()) == len(resources), left - before
    group = resources["group"]["name"]

    with pytest.raises(auto.CommandError) as failed:
        stack.up(color="never")
    # (the engine starts no create after the first failure: each that ran met its object)
    errors = [line for line in str(failed.value).splitlines() if "**creating failed**" in line]
    assert errors and all("set `adopt` to true" in line for line in errors), failed.value
    assert live(emulator) == left

    pulumi(engine, program, "config", "set", "governance:adoptExisting", "true", "--stack", STACK)
    up = stack.up(color="never")
    assert up.summary.resource_changes == {"create": len(resources), "same": 1}, up.stdout
    adopted = [line for line in up.stdout.splitlines() if line.strip().startswith("adopted")]
    assert len(adopted) == len(resources), up.stdout
    members = {f"member:{group}:apps/{app}": 1, f"member:{group}:web/prod": 1}
    assert live(emulator) == left + Counter(members)

    pulumi(engine, program, "config", "rm", "governance:adoptExisting", "--stack", STACK)
    pulumi(engine, program, "preview", "--expect-no-changes", "--stack", STACK)
    stack.destroy(color="never")
    assert live(emulator) == before


def test_plugin_up_killed_mid_run_is_recovered_by_the_documented_commands(
    engine: EngineEnv, emulator: Emulator, tmp_path: Path
) -> None:
    app, resources, program, _ = governance_program(engine, emulator, tmp_path)
    before = live(emulator)
    group = resources["group"]["name"]

    emulator.set_faults(latency_ms=200)
    try:
        # Killed once the service holds the group: its membership requests are still to come.
        assert kill_pulumi_when(
            ["up", "--yes", "--skip-preview", "--stack", STACK, "--non-interactive"],
            lambda: f"group:{group}" in live(emulator),
            cwd=program, env={**os.environ, **engine.env_vars()},
        )  # fmt: skip
    finally:
        emulator.clear_faults()
    killed_at = live(emulator) - before
    assert killed_at[f"group:{group}"] == 1, killed_at
    assert not any(k.startswith(f"member:{group}:") for k in killed_at), killed_at

    for step in (
        ("cancel", "--yes"),
        ("refresh", "--yes", "--clear-pending-creates"),
        ("config", "set", "governance:adoptExisting", "true"),
        ("up", "--yes"),
        ("config", "rm", "governance:adoptExisting"),
        ("preview", "--expect-no-changes"),
    ):
        pulumi(engine, program, *step, "--stack", STACK, "--non-interactive")
    made_now = live(emulator) - before
    members = {f"member:{group}:apps/{app}", f"member:{group}:web/prod"}
    assert all(count == 1 for count in made_now.values()), made_now  # nothing doubled
    assert len(made_now) == len(resources) + len(members) and members <= set(made_now), made_now
    pulumi(engine, program, "destroy", "--yes", "--stack", STACK, "--non-interactive")
    assert live(emulator) == before
