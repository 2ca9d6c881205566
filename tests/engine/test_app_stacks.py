"""App stacks on the emulator as their Pulumi Cloud backend, under the policy groups we declare.

One emulator and one logged-in CLI home per module (installed policy packs are reused); one
governance stack (local backend) publishes a pack and puts app stacks in a group, reconfigured
fully by each test. Each test uses app stacks of its own, in a copy of examples/app-payments.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from devtools.cli_run import run_pulumi
from devtools.emulator import Emulator
from devtools.engine import REPO_ROOT, EngineEnv, write_program
from pulumi_governance import functions
from pulumi_governance.api import PulumiCloudClient
from tests.engine.pulumi_cli import PulumiCli

ORG = "acme"
BASELINE = REPO_ROOT / "examples" / "policy-packs" / "baseline"
TAG_DEFAULTS = Path(__file__).parent / "packs" / "tag-defaults"
MANDATORY_TAGS = {
    "all": {"enforcementLevel": "mandatory"},
    "required-tags": {"requiredTags": ["owner", "cost-center"]},
}

GOVERNANCE = """
import pulumi
import pulumi_governance as governance

config = pulumi.Config()
pack = governance.PolicyPack("pack", source=config.require("pack-source"))
governance.PolicyGroup(
    "group",
    name="apps",
    mode=config.require("mode"),
    stacks=config.require_object("stacks"),
    policy_packs=[
        {
            "name": pack.name,
            "version_tag": pack.version_tag,
            "config": config.require_object("pack-config"),
        }
    ],
)
"""


@dataclass
class Run:
    code: int
    output: str


@dataclass
class Backend:
    emulator: Emulator
    cli: PulumiCli
    app_dir: Path
    governance: auto.Stack
    tmp: Path

    def pulumi(self, *args: str, cwd: Path | None = None) -> Run:
        done = run_pulumi(
            [*args, "--non-interactive", "--color", "never"],
            cwd=cwd or self.app_dir,
            env=self.cli.env(),
        )
        return Run(done.returncode, done.stdout + done.stderr)

    def ok(self, *args: str, cwd: Path | None = None) -> str:
        run = self.pulumi(*args, cwd=cwd)
        assert run.code == 0, f"pulumi {' '.join(args)} failed:\n{run.output}"
        return run.output

    def app_stack(self, name: str, tags: dict[str, str]) -> str:
        """`pulumi stack init` of the payments app with its bucket's tags; returns ORG/STACK."""
        ref = f"{ORG}/{name}"
        self.ok("stack", "init", ref)
        self.set_tags(ref, tags)
        return ref

    def set_tags(self, ref: str, tags: dict[str, str]) -> None:
        self.pulumi("config", "rm", "--stack", ref, "bucket-tags")
        for key, value in tags.items():
            self.ok("config", "set", "--stack", ref, "--path", f"bucket-tags.{key}", value)

    def govern(
        self,
        stacks: list[str],
        pack_config: dict[str, Any],
        mode: str = "preventative",
        source: Path = BASELINE,
    ) -> None:
        for key, value in {
            "pack-source": str(source),
            "mode": mode,
            "stacks": json.dumps(stacks),
            "pack-config": json.dumps(pack_config),
        }.items():
            self.governance.set_config(key, auto.ConfigValue(value))
        self.governance.up(on_output=None, color="never")

    def client(self) -> PulumiCloudClient:
        return PulumiCloudClient(api_url=self.emulator.url, token=self.emulator.token)


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory, engine_bin_dir: Path) -> Iterator[Backend]:
    tmp = tmp_path_factory.mktemp("app-stacks")
    emulator = Emulator(tmp / "emulator")
    emulator.start()
    engine = EngineEnv(root=tmp / "engine", bin_dir=engine_bin_dir)
    engine.prepare()
    cli = PulumiCli(engine, emulator, emulator.token)
    cli.login()
    app_dir = tmp / "app-payments"
    shutil.copytree(REPO_ROOT / "examples" / "app-payments", app_dir)
    program = write_program(tmp / "governance", "governance", GOVERNANCE)
    governance = EngineEnv(root=tmp / "governance-engine", bin_dir=engine_bin_dir).stack(
        program,
        "dev",
        config={
            "governance:apiUrl": emulator.url,
            "governance:accessToken": (emulator.token, True),
            "governance:organization": ORG,
        },
    )
    yield Backend(emulator, cli, app_dir, governance, tmp)
    emulator.stop()


def _violations(backend: Backend, stack: str) -> list[dict[str, Any]]:
    found = functions.get_policy_violations(ORG, client=backend.client())
    return [v for v in found if v["stack_name"] == stack]


def _bucket_tags(backend: Backend, ref: str) -> dict[str, str]:
    state = json.loads(backend.ok("stack", "export", "--stack", ref))
    (bucket,) = [r for r in state["deployment"]["resources"] if r["urn"].endswith("::invoices")]
    tags: dict[str, str] = bucket["outputs"]["tags"]
    return tags


def test_mandatory_violation_blocks_up_then_the_fix_passes(backend: Backend) -> None:
    ref = backend.app_stack("blocked", {"owner": "payments"})
    backend.govern(["payments/blocked"], MANDATORY_TAGS)

    blocked = backend.pulumi("up", "--yes", "--stack", ref)
    assert blocked.code != 0
    assert "[mandatory]  required-tags" in blocked.output
    assert "missing required tags: cost-center" in blocked.output
    assert "bucket-invoices" not in backend.ok("stack", "export", "--stack", ref)

    (violation,) = _violations(backend, "blocked")
    assert violation["policy_pack"] == "baseline"
    assert violation["policy_name"] == "required-tags"
    assert violation["level"] == "mandatory"
    assert violation["kind"] == "preventative"
    assert violation["resource_name"] == "invoices"
    assert "missing required tags: cost-center" in violation["message"]

    backend.set_tags(ref, {"owner": "payments", "cost-center": "cc-1"})
    backend.ok("up", "--yes", "--stack", ref)
    assert _bucket_tags(backend, ref) == {"owner": "payments", "cost-center": "cc-1"}
    assert len(_violations(backend, "blocked")) == 1  # the passing run observed nothing new


def test_config_only_change_in_the_group_makes_the_policy_advisory(backend: Backend) -> None:
    ref = backend.app_stack("advised", {"owner": "payments"})
    backend.govern(["payments/advised"], MANDATORY_TAGS)
    assert backend.pulumi("preview", "--stack", ref).code != 0

    advisory = {"requiredTags": ["owner", "cost-center"], "enforcementLevel": "advisory"}
    backend.govern(["payments/advised"], {**MANDATORY_TAGS, "required-tags": advisory})
    out = backend.ok("up", "--yes", "--stack", ref)
    assert "[advisory]  required-tags" in out
    assert "missing required tags: cost-center" in out
    assert [v["level"] for v in _violations(backend, "advised")] == ["mandatory", "advisory"]


def test_disabled_in_the_group_config_turns_the_policy_off(backend: Backend) -> None:
    ref = backend.app_stack("disabled", {"owner": "payments"})
    backend.govern(["payments/disabled"], {**MANDATORY_TAGS, "required-tags": "disabled"})
    out = backend.ok("up", "--yes", "--stack", ref)
    assert "required-tags" not in out
    assert _violations(backend, "disabled") == []


def test_stack_in_no_group_runs_no_pack(backend: Backend) -> None:
    ref = backend.app_stack("ungoverned", {})
    backend.govern(["payments/blocked"], MANDATORY_TAGS)  # the pack applies, to another stack
    out = backend.ok("up", "--yes", "--stack", ref)
    assert "Policies:" not in out and "baseline" not in out
    assert _violations(backend, "ungoverned") == []


def test_removing_the_stack_from_the_group_stops_enforcement(backend: Backend) -> None:
    ref = backend.app_stack("leaving", {"owner": "payments"})
    backend.govern(["payments/leaving"], MANDATORY_TAGS)
    assert backend.pulumi("preview", "--stack", ref).code != 0
    backend.govern([], MANDATORY_TAGS)
    out = backend.ok("up", "--yes", "--stack", ref)
    assert "required-tags" not in out


def test_audit_group_reports_without_blocking(backend: Backend) -> None:
    ref = backend.app_stack("audited", {"owner": "payments"})
    backend.govern(["payments/audited"], MANDATORY_TAGS, mode="audit")
    out = backend.ok("up", "--yes", "--stack", ref)
    assert "[advisory]  required-tags" in out
    (violation,) = _violations(backend, "audited")
    assert (violation["kind"], violation["level"]) == ("audit", "advisory")


def test_pack_version_bump_changes_what_the_next_preview_runs(backend: Backend) -> None:
    ref = backend.app_stack("bumped", {"owner": "payments", "cost-center": "cc-1"})
    backend.govern(["payments/bumped"], MANDATORY_TAGS)
    assert "baseline@v1.0.0" in backend.ok("preview", "--stack", ref)

    bumped = backend.tmp / "baseline-1.1.0"
    shutil.copytree(BASELINE, bumped, dirs_exist_ok=True)
    project = bumped / "PulumiPolicy.yaml"
    project.write_text(project.read_text().replace("version: 1.0.0", "version: 1.1.0"))
    main = bumped / "__main__.py"
    main.write_text(main.read_text().replace('"private"]', '"private", "internal"]', 1))
    backend.govern(["payments/bumped"], MANDATORY_TAGS, source=bumped)

    assert "baseline@v1.1.0" in backend.ok("preview", "--stack", ref)
    backend.govern(["payments/bumped"], MANDATORY_TAGS)  # back to 1.0.0 for the other tests


def test_remediate_policy_fixes_the_resource_as_the_cli_does(backend: Backend) -> None:
    ref = backend.app_stack("remediated", {"cost-center": "cc-1"})
    backend.govern(["payments/remediated"], {"all": "remediate"}, source=TAG_DEFAULTS)
    out = backend.ok("up", "--yes", "--stack", ref)
    assert "default-owner" in out
    assert _bucket_tags(backend, ref) == {"cost-center": "cc-1", "owner": "unowned"}
    backend.govern(["payments/blocked"], MANDATORY_TAGS)
