"""Creates of OrgToken, Webhook, Schedule and OidcIssuer under faults, with the real engine:
each converges within the same `pulumi up` after a lost answer or a 503 at each of its writes;
a 16-resource program succeeds under random 429s, 5xx and dropped answers; and an `up` killed
mid-run is recovered with the README's commands, leaving the org as the program declares it."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from devtools.emulator import Emulator
from devtools.engine import EngineEnv
from tests.engine._governance import ORG, governance_stack, ok

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
    return subprocess.run(
        ["pulumi", *args, "--stack", "dev", "--non-interactive"],
        cwd=program, env={**os.environ, **engine.env_vars()}, capture_output=True, text=True,
        check=False, timeout=600,
    )  # fmt: skip


def test_up_killed_mid_run_is_recovered_by_the_documented_commands(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    """200 ms per request: the CLI and its children are killed while creates are in flight.
    The README's recovery then leaves exactly the declared objects, none leaked or doubled."""
    resources = {
        **{f"hook{n}": hook(f"kill-hook{n}") for n in range(3)},
        "auto-hook": {k: v for k, v in hook("unused").items() if k != "name"},
        **{f"token{n}": token(f"kill-token{n}") for n in range(2)},
        **{f"drift{n}": drift(stack) for n, stack in enumerate(STACKS)},
        **{f"issuer{n}": issuer(20 + n) for n in range(2)},
    }
    before = live(emulator)
    stack = governance_stack(engine, tmp_path, emulator, resources)
    program = Path(stack.workspace.work_dir)  # type: ignore[attr-defined]
    start = held(emulator)
    emulator.set_faults(latency_ms=200)
    try:
        up = subprocess.Popen(
            ["pulumi", "up", "--yes", "--skip-preview", "--parallel", "2", "--stack", "dev",
             "--non-interactive"],
            cwd=program, env={**os.environ, **engine.env_vars()}, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while held(emulator) - start < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(up.pid, signal.SIGKILL)  # the CLI, the language host, the provider
        up.wait()
    finally:
        emulator.clear_faults()
    made = live(emulator) - before
    assert 0 < sum(made.values()) < len(resources), made  # killed mid-run

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
    assert made == expected({k: v for k, v in resources.items() if k != "auto-hook"})
    stack.destroy(color="never")
    assert live(emulator) == before
