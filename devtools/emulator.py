"""The bundled Pulumi Cloud emulator as a real process on loopback, for tests, demo and benchmarks.

``Emulator(workdir, ..., python=<interpreter>, cwd=<directory>)`` runs it with that interpreter
(default: this one) from that directory (default: the repository). Attributes: ``url``,
``org``/``token`` (admin token of ``org``), ``other_org``/``other_token`` (a second org, for 403
tests), ``orgs`` (org -> admin token), ``db``, ``port``,
``process``. Methods: ``start()``, ``stop(kill=False)``, ``restart(kill=False)`` (SIGTERM, or
SIGKILL, then start again on the same db and, if free, port), ``request(method, path, token=...)``,
``headers(token=None)``, ``set_faults(**kw)``, ``faults()``, ``clear_faults()``, ``state()``,
``reset()``, ``seed_violations(list, org=None)``.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import requests

REPO = Path(__file__).resolve().parents[1]


class Emulator:
    def __init__(
        self,
        workdir: Path,
        page_size: int = 100,
        extra_args: list[str] | None = None,
        stacks: Sequence[str] = (),
        python: str = sys.executable,
        cwd: Path = REPO,
    ):
        self.workdir = workdir
        self.python, self.cwd = python, cwd
        workdir.mkdir(parents=True, exist_ok=True)
        self.db = workdir / "emulator.db"
        self.log = workdir / "emulator.log"
        self.org, self.token = "acme", "admin-token-" + uuid.uuid4().hex
        self.other_org, self.other_token = "globex", "other-token-" + uuid.uuid4().hex
        self.page_size = page_size
        self.extra_args = list(extra_args or [])
        for stack in stacks:
            self.extra_args += ["--stack", stack]
        self.port = 0
        self.url = ""
        self.process: subprocess.Popen[bytes] | None = None
        self.session = requests.Session()

    # lifecycle --------------------------------------------------------------------------
    def start(self, port: int | None = None) -> None:
        port = self.port if port is None else port
        cmd = [
            self.python, "-m", "pulumi_governance.emulator",
            "--host", "127.0.0.1", "--port", str(port), "--db", str(self.db),
            "--org", self.org, "--token", self.token,
            "--org", self.other_org, "--token", self.other_token,
            "--page-size", str(self.page_size), *self.extra_args,
        ]  # fmt: skip
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=log, cwd=self.cwd, env=env
            )
        line = self._first_line(timeout=30)
        url = line[line.index("http://") :].split()[0]
        self.url = url
        self.port = int(url.rsplit(":", 1)[1])

    def _first_line(self, timeout: float) -> str:
        assert self.process is not None and self.process.stdout is not None
        deadline = time.monotonic() + timeout
        buf = b""
        while b"\n" not in buf:
            left = deadline - time.monotonic()
            if left <= 0 or self.process.poll() is not None:
                self.process.kill()
                raise RuntimeError(f"emulator did not start: {self.log.read_text()[-2000:]}")
            ready, _, _ = select.select([self.process.stdout], [], [], left)
            if ready:
                chunk = os.read(self.process.stdout.fileno(), 4096)
                if not chunk:
                    continue
                buf += chunk
        return buf.decode()

    def stop(self, kill: bool = False, timeout: float = 15) -> int:
        """Stop the process; returns its exit code."""
        if self.process is None:
            return 0
        proc, self.process = self.process, None
        self.session.close()
        self.session = requests.Session()
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            code = proc.wait(timeout=timeout)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            if proc.stdout:
                proc.stdout.close()
        return code

    @property
    def orgs(self) -> dict[str, str]:
        """Each organization, with its admin token."""
        return {self.org: self.token, self.other_org: self.other_token}

    def restart(self, kill: bool = False) -> None:
        port = self.port
        self.stop(kill=kill)
        try:
            self.start(port=port)
        except RuntimeError:
            self.start(port=0)  # the old port was taken meanwhile

    # HTTP -------------------------------------------------------------------------------
    def headers(self, token: str | None = None) -> dict[str, str]:
        return {
            "Authorization": f"token {token or self.token}",
            "Accept": "application/vnd.pulumi+8",
            "Content-Type": "application/json",
        }

    def request(
        self, method: str, path: str, token: str | None = None, **kw: Any
    ) -> requests.Response:
        headers = {**self.headers(token), **kw.pop("headers", {})}
        kw.setdefault("timeout", 15)
        return self.session.request(method, self.url + path, headers=headers, **kw)

    def _admin(self, method: str, path: str, **kw: Any) -> Any:
        resp = self.request(method, "/_emulator" + path, **kw)
        assert resp.status_code < 300, f"{method} /_emulator{path}: {resp.status_code} {resp.text}"
        return resp.json() if resp.content else None

    def set_faults(self, **changes: Any) -> dict[str, Any]:
        result: dict[str, Any] = self._admin("PUT", "/faults", json=changes)
        return result

    def faults(self) -> dict[str, Any]:
        result: dict[str, Any] = self._admin("GET", "/faults")
        return result

    def clear_faults(self) -> None:
        self.set_faults(
            rate_429=0, rate_5xx=0, latency_ms=0, drop_after_commit_rate=0,
            rate_limit_per_token=0, next_429=0, next_5xx=0, next_5xx_write=0, next_drop=0,
            retry_after_s=1, status_5xx=503,
        )  # fmt: skip

    def state(self) -> dict[str, Any]:
        result: dict[str, Any] = self._admin("GET", "/state")
        return result

    def reset(self) -> None:
        self._admin("POST", "/reset")

    def seed_violations(self, violations: list[dict[str, Any]], org: str | None = None) -> Any:
        return self._admin(
            "POST", "/violations", json={"org": org or self.org, "violations": violations}
        )


# The name the engine tests were first written against.
EmulatorProcess = Emulator
