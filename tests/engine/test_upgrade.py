"""State written by the first release works with the current code: a stack with every kind is
created by v0.1.0 (installed from its commit into a virtualenv of its own), then the current code
refreshes it, previews no change, updates it in place and destroys it.

The provider classes are pickled into the state by module path and class name; this is what
proves that moving the logic behind them did not break users' stacks.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from devtools.emulator import Emulator
from devtools.engine import REPO_ROOT, EngineEnv, write_program
from tests.engine._governance import ORG, ok
from tests.support import example_pack_named

RELEASE = "27a3bfa50bb0e2b7aea14d77d05e082f35b24ac6"  # tag v0.1.0
PACK = "upgrade-baseline"

PROGRAM = """
import pulumi
import pulumi_governance as governance

config = pulumi.Config()
step = config.require_int("step")
pack = governance.PolicyPack("pack", source=config.require("pack-source"))
group = governance.PolicyGroup(
    "group",
    name="upgrade-group",
    mode="audit",
    policy_packs=[{"name": pack.name, "version_tag": pack.version_tag}],
)
# The group's stacks are left to the attachment (a list left out is not managed).
governance.PolicyGroupStack("member", policy_group=group.name, stack="api/prod")
governance.PolicyGroupPack(
    "everywhere",
    policy_group="default-policy-group",
    name=pack.name,
    version_tag=pack.version_tag,
    config={"all": {"enforcementLevel": "advisory"}},
)
token = governance.OrgToken("ci", name="upgrade-ci", description="CI", expiry="90d")
governance.Webhook(
    "org-hook",
    name="upgrade-org-hook",
    display_name="Failures" if step == 1 else "Failures (renamed)",
    payload_url="https://hooks.example.com/pulumi",
    filters=["update_failed", "deployment_failed"],
    secret="s3cret",
)
governance.Webhook(
    "stack-hook",
    name="upgrade-stack-hook",
    project="web",
    stack="staging",
    display_name="Staging",
    payload_url="https://hooks.example.com/staging",
    groups=["stacks"],
)
governance.Schedule(
    "drift",
    kind="drift",
    project="web",
    stack="staging",
    cron="0 */6 * * *" if step == 1 else "0 */4 * * *",
)
governance.Schedule(
    "ttl", kind="ttl", project="api", stack="prod", once="2031-01-01T00:00:00Z"
)
governance.OidcIssuer(
    "issuer",
    name="upgrade-issuer" if step == 1 else "upgrade-issuer-renamed",
    url="https://upgrade.issuer.example.com",
    max_expiration=3600,
    policies=[{"decision": "allow", "token_type": "organization", "permissions": ["admin"],
               "rules": {"sub": "repo:acme/infra:*"}}],
)
pulumi.export("token", token.value)
"""

KINDS = {"PolicyPack", "PolicyGroup", "PolicyGroupStack", "PolicyGroupPack", "OrgToken",
         "Webhook", "Schedule", "OidcIssuer"}  # fmt: skip


@pytest.fixture(scope="module")
def release_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv whose `pulumi_governance` is the release's source; its dependencies (pulumi,
    requests, ...) are those of this test environment, which the release shares."""
    root = tmp_path_factory.mktemp("release")
    source = root / "source"
    source.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "archive", "--format=tar", RELEASE],
        capture_output=True,
        check=True,
    )
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive.stdout, check=True)
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    # Path entries, not an editable install: the release's package comes first, then this
    # environment's third-party packages (whose own .pth hooks, e.g. the current checkout's
    # editable install, are not processed from a path entry).
    (Path(site) / "00-release.pth").write_text(str(source / "sdk" / "python") + "\n")
    (Path(site) / "10-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    where = subprocess.run(
        [str(python), "-c", "import pulumi_governance, pulumi; print(pulumi_governance.__file__)"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert where.startswith(str(source)), where
    return python


def live_names(emulator: Emulator) -> dict[str, set[str]]:
    org = f"/api/orgs/{ORG}"
    return {
        "hooks": {h["name"] for h in ok(emulator, "GET", f"{org}/hooks")},
        "tokens": {t["name"] for t in ok(emulator, "GET", f"{org}/tokens?filter=all")["tokens"]},
        "issuers": {i["name"] for i in ok(emulator, "GET", f"{org}/oidc/issuers")["oidcIssuers"]},
        "groups": {g["name"] for g in ok(emulator, "GET", f"{org}/policygroups")["policyGroups"]},
    }


def test_upgrade_from_the_first_release_keeps_every_kinds_state(
    tmp_path: Path, engine_bin_dir: Path, emulator: Emulator, release_python: Path
) -> None:
    pack = example_pack_named(tmp_path, PACK)
    program = write_program(tmp_path / "program", "upgrade", PROGRAM)
    config: dict[str, Any] = {
        "governance:apiUrl": emulator.url,
        "governance:accessToken": (emulator.orgs[ORG], True),
        "governance:organization": ORG,
        "pack-source": str(pack),
        "step": "1",
    }
    root = tmp_path / "engine"
    before = live_names(emulator)

    # v0.1.0 creates the stack.
    old = EngineEnv(root, engine_bin_dir, extra_env={"PULUMI_PYTHON_CMD": str(release_python)})
    created = old.stack(program, "dev", config).up(color="never")
    assert created.summary.resource_changes == {"create": 11}
    made = live_names(emulator)
    assert "upgrade-group" in made["groups"] and "upgrade-org-hook" in made["hooks"]

    # The current code takes over the same state.
    new = EngineEnv(root, engine_bin_dir)
    stack = new.stack(program, "dev")
    refreshed = stack.refresh(color="never")
    assert set(refreshed.summary.resource_changes or {}) == {"same"}, refreshed.stdout
    preview = stack.preview(color="never", diff=True)
    assert preview.change_summary == {"same": 11}, preview.stdout

    stack.set_config("step", auto.ConfigValue("2"))
    updated = stack.up(color="never")
    assert updated.summary.resource_changes == {"same": 8, "update": 3}, updated.stdout
    hooks = {h["name"]: h for h in ok(emulator, "GET", f"/api/orgs/{ORG}/hooks")}
    assert hooks["upgrade-org-hook"]["displayName"] == "Failures (renamed)"
    issuers = ok(emulator, "GET", f"/api/orgs/{ORG}/oidc/issuers")["oidcIssuers"]
    assert "upgrade-issuer-renamed" in {i["name"] for i in issuers}

    types = {r["type"].split(":")[-1] for r in stack.export_stack().deployment["resources"]}
    assert types >= KINDS, types

    stack.destroy(color="never")
    after = live_names(emulator)
    for area in ("hooks", "issuers", "groups"):
        assert after[area] == before[area], area
    assert not {n for n in after["tokens"] - before["tokens"] if n.startswith("upgrade-ci")}
