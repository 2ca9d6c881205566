"""Start and stop the bundled Pulumi Cloud emulator as a real process on loopback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import requests


@dataclass
class EmulatorProcess:
    """One emulator process: `start()` it, read `url`, `stop()` (SIGTERM) or `kill()` (-9) it."""

    db: Path | None
    orgs: dict[str, str]  # organization -> admin token
    stacks: Sequence[str] = ()
    extra_args: Sequence[str] = ()
    host: str = "127.0.0.1"
    port: int = 0
    url: str = ""
    process: subprocess.Popen[str] | None = None
    output: list[str] = field(default_factory=list)

    def start(self, timeout: float = 30.0) -> str:
        args = [sys.executable, "-m", "pulumi_governance.emulator", "--host", self.host]
        args += ["--port", str(self.port)]
        if self.db is not None:
            args += ["--db", str(self.db)]
        for org, token in self.orgs.items():
            args += ["--org", org, "--token", token]
        for stack in self.stacks:
            args += ["--stack", stack]
        args += list(self.extra_args)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        self.url = self._await_url(timeout)
        # Keep draining its output so the process never blocks on a full pipe.
        threading.Thread(target=self._drain, daemon=True).start()
        # A restart reuses the port it got, so clients keep their URL.
        self.port = int(self.url.rsplit(":", 1)[1].split("/")[0])
        return self.url

    def _await_url(self, timeout: float) -> str:
        assert self.process is not None and self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.output.append(line)
            marker = line.find("http://")
            if marker >= 0:
                return line[marker:].split()[0].rstrip("/")
        self.process.kill()
        raise RuntimeError("the emulator did not start:\n" + "".join(self.output))

    def _drain(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)

    def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM and wait; returns the exit code."""
        if self.process is None:
            return 0
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=timeout)
        self.process = None
        return code

    def kill(self) -> None:
        """kill -9: no chance to flush or close anything."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def admin_token(self) -> str:
        return next(iter(self.orgs.values()))

    def state(self) -> dict[str, object]:
        """Everything the emulator holds, from its admin endpoint."""
        response = requests.get(
            f"{self.url}/_emulator/state",
            headers={"Authorization": f"token {self.admin_token()}"},
            timeout=10,
        )
        response.raise_for_status()
        result: dict[str, object] = response.json()
        return result
