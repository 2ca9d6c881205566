"""The real ``pulumi`` CLI run as a user runs it, logged in to an emulator with its token."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from devtools.cli_run import run_pulumi
from devtools.emulator import Emulator
from devtools.engine import EngineEnv


@dataclass
class PulumiCli:
    engine: EngineEnv
    emulator: Emulator
    token: str

    def env(self) -> dict[str, str]:
        env = {**os.environ, **self.engine.env_vars(), "PULUMI_ACCESS_TOKEN": self.token}
        # The login (credentials in PULUMI_HOME) chooses the backend, as for a user.
        env.pop("PULUMI_BACKEND_URL", None)
        return env

    def run(self, *args: str, cwd: Path | None = None, check: bool = True) -> str:
        done = run_pulumi(
            [*args, "--non-interactive", "--color", "never"],
            cwd=cwd,
            env=self.env(),
            timeout=300,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"pulumi {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout if check else done.stdout + done.stderr

    def login(self) -> str:
        return self.run("login", self.emulator.url)
