"""The demo's app-stack part: payments/prod, under the production group, blocked and then fixed.

The `pulumi` CLI logs in to the emulator (a Pulumi Cloud backend, as for any user) and runs
examples/app-payments as the stack `payments/prod`, which the governance stack has put in the
preventative `production` group with the baseline pack's `required-tags` mandatory.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from devtools.cli_run import run_pulumi
from devtools.emulator import Emulator
from devtools.engine import REPO_ROOT, EngineEnv
from pulumi_governance import functions
from pulumi_governance.api import PulumiCloudClient


@dataclass
class AppStack:
    engine: EngineEnv
    emulator: Emulator
    program: Path
    ref: str

    def env(self) -> dict[str, str]:
        env = {**os.environ, **self.engine.env_vars(), "PULUMI_ACCESS_TOKEN": self.emulator.token}
        env.pop("PULUMI_BACKEND_URL", None)  # the login chooses the backend
        return env

    def pulumi(self, *args: str, check: bool = True) -> tuple[int, str]:
        done = run_pulumi(
            [*args, "--non-interactive", "--color", "never"], cwd=self.program, env=self.env()
        )
        output = done.stdout + done.stderr
        if check and done.returncode != 0:
            raise RuntimeError(f"pulumi {' '.join(args)} failed:\n{output}")
        return done.returncode, output


def policy_lines(output: str) -> list[str]:
    """The `Policies:` section of a CLI run, as the user reads it."""
    lines = output.splitlines()
    if "Policies:" not in lines:
        return []
    start = lines.index("Policies:")
    section = []
    for line in lines[start:]:
        if not line.strip() and section:
            break
        section.append(line)
    return section


def tell_app_story(
    emulator: Emulator, bin_dir: Path, work: Path, org: str, say: Callable[[str], None]
) -> AppStack:
    """Run the story; returns the app stack (the caller destroys it)."""
    engine = EngineEnv(root=work / "app-engine", bin_dir=bin_dir)
    engine.prepare()
    program = work / "programs" / "app-payments"
    shutil.copytree(REPO_ROOT / "examples" / "app-payments", program)
    app = AppStack(engine, emulator, program, f"{org}/prod")
    app.pulumi("login", emulator.url)
    app.pulumi("stack", "select", app.ref)  # payments/prod exists in the org already
    app.pulumi("config", "set", "--path", "bucket-tags.owner", "payments")

    say("pulumi up of payments/prod, its bucket tagged only owner=payments:")
    code, output = app.pulumi("up", "--yes", check=False)
    for line in policy_lines(output):
        say("  " + line)
    say(f"  -> exit code {code}: blocked, nothing was created" if code else "  -> NOT blocked")

    app.pulumi("config", "set", "--path", "bucket-tags.cost-center", "cc-4711")
    app.pulumi("config", "set", "--path", "bucket-tags.data-class", "internal")
    say("the fix: tags cost-center and data-class added; pulumi up again:")
    _, output = app.pulumi("up", "--yes")
    for line in policy_lines(output) or ["  (no policy findings)"]:
        say("  " + line)
    say("  -> the bucket is deployed")

    say("the violation, as pulumi_governance.functions.get_policy_violations sees it:")
    client = PulumiCloudClient(api_url=emulator.url, token=emulator.token)
    for v in functions.get_policy_violations(org, client=client):
        if (v["project_name"], v["stack_name"]) == ("payments", "prod"):
            say(
                f"  {v['level']:<9} {v['policy_pack']}@{v['policy_pack_tag']} "
                f"{v['policy_name']} on {v['resource_name']}: {v['message'].splitlines()[-1]}"
            )
    return app
