"""Creates of OrgToken, Webhook, Schedule and OidcIssuer under faults, with the real engine:
each converges within the same `pulumi up` after a lost answer or a 503 at each of its writes;
a 16-resource program succeeds under random 429s, 5xx and dropped answers; and an `up` killed
mid-run (with a PolicyPack, a PolicyGroup and an attachment among its creates) is recovered with
the README's commands, leaving the org as the program declares it."""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from devtools.cli_run import kill_pulumi_when, run_pulumi
from devtools.emulator import Emulator
from devtools.engine import EngineEnv
from tests.engine._governance import ORG, governance_stack, ok
from tests.support import example_pack_named, unique

STACKS = ("web/prod", "web/staging", "api/prod")


def live(emulator: Emulator) -> Counter[str]:
    """Every object of the four kinds in the org, counted by what identifies it."""
    org = f"/api/orgs/{ORG}"
    found: Counter[str] = Counter()
    found.update(f"hook:{h['name']}" for h in ok(emulator, "GET", f"{org}/hooks"))
    tokens = ok(emulator, "GET", f"{org}/tokens", params={"maxResults": 1000})["tokens"]
    found.update(f"token:{t['name'].rsplit('-', 1)[0]}" for t in tokens)
    issuers = ok(emulator, "GET", f"{org}/oidc/issuers")["oidcIssuers"]
    found.update(f"issuer:{i['url']}" for i in issuers)
    for stack in STACKS:
        listed = ok(emulator, "GET", f"/api/stacks/{ORG}/{stack}/deployments/schedules")
        found.update(f"schedule:{stack}" for _ in listed.get("schedules") or [])
    return found


def live_policy(emulator: Emulator) -> Counter[str]:
    """Every pack version (pending ones too: the emulator's admin view) and every policy group
    with its stacks and applied packs."""
    areas = emulator.state()["orgs"][ORG]
    found: Counter[str] = Counter()
    found.update(
        f"pack:{v['name']}@{v['versionTag']}" for v in (areas.get("ppversion") or {}).values()
    )
    for group in (areas.get("policygroup") or {}).values():
        found[f"group:{group['name']}"] += 1
        found.update(f"member:{group['name']}:{s['routingProject']}/{s['name']}"
                     for s in group["stacks"])  # fmt: skip
        found.update(f"applied:{group['name']}:{p['name']}@{p['versionTag']}"
                     for p in group["appliedPolicyPacks"])  # fmt: skip
    return found


def held(emulator: Emulator) -> int:
    """How many tokens, hooks, schedules and issuers the emulator holds (its admin view: no
    injected latency)."""
    areas = emulator.state()["orgs"][ORG]
    return sum(len(areas.get(a) or {}) for a in ("orgtoken", "webhook", "schedule", "oidcissuer"))


def injected(emulator: Emulator) -> dict[str, int]:
    counts: dict[str, int] = emulator.faults()["injected"]
    return counts


def token(name: str) -> dict[str, Any]:
    return {"type": "OrgToken", "name": name, "description": "faults"}


def hook(name: str) -> dict[str, Any]:
    return {"type": "Webhook", "name": name, "display_name": name.title(),
            "payload_url": "https://hooks.example.com/x"}  # fmt: skip


def drift(stack: str, paused: bool = False) -> dict[str, Any]:
    project, name = stack.split("/")
    return {"type": "Schedule", "kind": "drift", "project": project, "stack": name,
            "cron": "0 3 * * *", "paused": paused}  # fmt: skip


def issuer(n: int) -> dict[str, Any]:
    policy = {"decision": "allow", "token_type": "organization", "permissions": ["admin"],
              "rules": {"sub": f"repo:acme/r{n}:*"}}  # fmt: skip
    return {"type": "OidcIssuer", "name": f"faults-{n}", "url": f"https://faults{n}.example.com",
            "policies": [policy]}  # fmt: skip


def expected(resources: dict[str, dict[str, Any]]) -> Counter[str]:
    wanted: Counter[str] = Counter()
    for spec in resources.values():
        if spec["type"] == "OrgToken":
            wanted[f"token:{spec['name']}"] += 1
        elif spec["type"] == "Webhook":
            wanted[f"hook:{spec['name']}"] += 1
        elif spec["type"] == "Schedule":
            wanted[f"schedule:{spec['project']}/{spec['stack']}"] += 1
        else:
            wanted[f"issuer:{spec['url']}"] += 1
    return wanted


def converges(
    tmp_path: Path,
    engine: EngineEnv,
    emulator: Emulator,
    resources: dict[str, dict[str, Any]],
    fault: str,
    writes: int,
) -> None:
    """`up` with a fault at each of the create's `writes` succeeds and leaves exactly the
    declared objects; destroy leaves none."""
    before = live(emulator)
    stack = governance_stack(engine, tmp_path, emulator, resources)
    counted = "drop" if fault == "next_drop" else "5xx"
    start = injected(emulator)[counted]
    emulator.set_faults(**{fault: writes})
    try:
        stack.up(color="never")
    finally:
        emulator.clear_faults()
    assert injected(emulator)[counted] - start == writes
    assert live(emulator) - before == expected(resources)
    stack.destroy(color="never")
    assert live(emulator) == before


FAULTS = pytest.mark.parametrize("fault", ["next_drop", "next_5xx_write"])


@FAULTS
def test_org_token_create_converges_after_a_lost_or_failed_write(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator, fault: str
) -> None:
    converges(tmp_path, engine, emulator, {"t": token("faulty-token")}, fault, writes=1)


@FAULTS
def test_webhook_create_converges_after_a_lost_or_failed_write(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator, fault: str
) -> None:
    converges(tmp_path, engine, emulator, {"h": hook("faulty-hook")}, fault, writes=1)


@FAULTS
def test_schedule_create_converges_after_a_lost_or_failed_write(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator, fault: str
) -> None:
    # Two writes: the create, then the pause.
    resources = {"s": drift("web/staging", paused=True)}
    converges(tmp_path, engine, emulator, resources, fault, writes=2)


@FAULTS
def test_oidc_issuer_create_converges_after_a_lost_or_failed_write(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator, fault: str
) -> None:
    # Two writes: the register, then the authorization policies.
    converges(tmp_path, engine, emulator, {"i": issuer(0)}, fault, writes=2)


def sixteen() -> dict[str, dict[str, Any]]:
    resources: dict[str, dict[str, Any]] = {}
    for n in range(4):
        resources[f"token{n}"] = token(f"mix-token{n}")
        resources[f"hook{n}"] = hook(f"mix-hook{n}")
        resources[f"issuer{n}"] = issuer(10 + n)
    for n, stack in enumerate(STACKS):
        resources[f"drift{n}"] = drift(stack)
    project, name = STACKS[0].split("/")
    resources["ttl"] = {"type": "Schedule", "kind": "ttl", "project": project, "stack": name,
                        "once": "2031-01-01T00:00:00Z"}  # fmt: skip
    return resources


def test_up_of_sixteen_resources_succeeds_under_random_faults(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    resources = sixteen()
    assert len(resources) == 16
    before = live(emulator)
    stack = governance_stack(engine, tmp_path, emulator, resources)
    start = injected(emulator)
    emulator.set_faults(rate_429=0.2, rate_5xx=0.1, drop_after_commit_rate=0.05, retry_after_s=0)
    try:
        stack.up(color="never")
    finally:
        emulator.clear_faults()
    counts = injected(emulator)
    assert all(counts[k] > start[k] for k in ("429", "5xx")), (start, counts)
    assert live(emulator) - before == expected(resources)
    stack.destroy(color="never")
    assert live(emulator) == before


def cli(engine: EngineEnv, program: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_pulumi(
        [*args, "--stack", "dev", "--non-interactive"],
        cwd=program,
        env={**os.environ, **engine.env_vars()},
    )


def pending_creates(engine: EngineEnv, program: Path) -> list[str]:
    """The kinds whose creates the stack's state holds as pending."""
    exported = json.loads(cli(engine, program, "stack", "export").stdout)
    pending = exported["deployment"].get("pending_operations") or []
    return [op["resource"]["type"].rsplit(":", 1)[-1] for op in pending if op["type"] == "creating"]


def test_up_killed_mid_run_is_recovered_by_the_documented_commands(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    """200 ms per request: the CLI and its children are killed while creates are in flight.
    The README's recovery then leaves exactly the declared objects, none leaked or doubled."""
    pack, group = unique("kill-pack"), unique("kill-group")
    policy = {
        "pack": {"type": "PolicyPack", "source": str(example_pack_named(tmp_path, pack))},
        "group": {"type": "PolicyGroup", "name": group, "stacks": list(STACKS)},
        "group-pack": {"type": "PolicyGroupPack", "policy_group": group, "name": pack,
                       "version_tag": "1.0.0", "depends_on": ["pack", "group"]},
    }  # fmt: skip
    resources = {
        **policy,
        **{f"hook{n}": hook(f"kill-hook{n}") for n in range(3)},
        "auto-hook": {k: v for k, v in hook("unused").items() if k != "name"},
        **{f"token{n}": token(f"kill-token{n}") for n in range(2)},
        **{f"drift{n}": drift(stack) for n, stack in enumerate(STACKS)},
        **{f"issuer{n}": issuer(20 + n) for n in range(2)},
    }
    before, policy_before = live(emulator), live_policy(emulator)
    stack = governance_stack(engine, tmp_path, emulator, resources)
    program = Path(stack.workspace.work_dir)  # type: ignore[attr-defined]
    emulator.set_faults(latency_ms=200)
    try:
        # Killed once the service holds the group: its membership requests are still to come,
        # so its create is in flight (the pack's and the webhooks' may be too).
        assert kill_pulumi_when(
            ["up", "--yes", "--skip-preview", "--parallel", "2", "--stack", "dev",
             "--non-interactive"],
            lambda: f"group:{group}" in live_policy(emulator),
            cwd=program, env={**os.environ, **engine.env_vars()},
        )  # fmt: skip
    finally:
        emulator.clear_faults()
    killed_at = live_policy(emulator) - policy_before
    assert killed_at[f"group:{group}"] == 1, killed_at
    assert "PolicyGroup" in pending_creates(engine, program), killed_at

    # The recovery, as the README gives it.
    steps = [
        ("cancel", "--yes"),
        ("refresh", "--yes", "--clear-pending-creates"),
        ("config", "set", "governance:adoptExisting", "true"),
        ("up", "--yes"),
        ("config", "rm", "governance:adoptExisting"),
        ("preview", "--expect-no-changes"),
    ]
    for step in steps:
        done = cli(engine, program, *step)
        assert done.returncode == 0, (step, done.stdout, done.stderr)
    made = live(emulator) - before
    auto_hooks = [k for k in made if k.startswith("hook:hook-")]
    assert len(auto_hooks) == 1 and made[auto_hooks[0]] == 1, made
    del made[auto_hooks[0]]
    others = {k: v for k, v in resources.items() if k not in policy and k != "auto-hook"}
    assert made == expected(others)
    held_policy = {f"pack:{pack}@1.0.0", f"group:{group}", f"applied:{group}:{pack}@1.0.0",
                   *(f"member:{group}:{s}" for s in STACKS)}  # fmt: skip
    assert live_policy(emulator) - policy_before == Counter(held_policy), killed_at
    stack.destroy(color="never")
    assert live(emulator) == before and live_policy(emulator) == policy_before
