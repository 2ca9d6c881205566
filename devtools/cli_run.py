"""Running the `pulumi` CLI from the demo and the tests without leaving processes behind.

The CLI starts each plugin and language host in a process group of its own and stops them when it
exits, but not always: `pulumi policy publish` (3.188) never stops the policy analyzer it starts,
and a killed CLI stops nothing. Every process it starts stays in its session, though, so a CLI run
in a session of its own can be cleaned up whole.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from contextlib import suppress
from pathlib import Path


def run_pulumi(
    args: Sequence[str], *, cwd: Path | None, env: Mapping[str, str], timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """`pulumi args...` with its output captured; whatever it leaves running is killed when it
    exits (or times out)."""
    with subprocess.Popen(
        ["pulumi", *args],
        cwd=cwd,
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        finally:
            kill_session(process.pid)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def kill_session(session: int) -> None:
    """SIGKILL every process of the session `session` (the pid of the process that began it
    with `start_new_session=True`)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError):  # gone meanwhile
            # After the command's name: state, ppid, process group, session, ...
            if int(stat.read_text().rsplit(")", 1)[1].split()[3]) == session:
                os.kill(int(stat.parent.name), signal.SIGKILL)
