"""Running the `pulumi` CLI from the demo and the tests without leaving processes behind.

The CLI starts each plugin and language host in a process group of its own and stops them when it
exits, but not always: `pulumi policy publish` (3.188) never stops the policy analyzer it starts,
and a killed CLI stops nothing. Every process it starts stays in its session, though, so a CLI run
in a session of its own can be cleaned up whole (`run_pulumi`). The Automation API runs the CLI
itself; `kill_strays` finds what such runs left by the directory they worked in.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import suppress
from pathlib import Path


def run_pulumi(
    args: Sequence[str], *, cwd: Path | None, env: Mapping[str, str], timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """`pulumi args...` with its output captured; whatever it leaves running is killed when it
    exits (or times out)."""
    with _start(args, cwd, env, subprocess.PIPE) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        finally:
            kill_session(process.pid)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def kill_pulumi_when(
    args: Sequence[str],
    ready: Callable[[], bool],
    *,
    cwd: Path,
    env: Mapping[str, str],
    timeout: float = 120,
) -> bool:
    """Start `pulumi args...` and kill it with everything it started (its language host, its
    plugins) as soon as `ready()` holds, as a machine that dies mid-run would; whether `ready()`
    held before `timeout` seconds or the command's end."""
    with _start(args, cwd, env, subprocess.DEVNULL) as process:
        deadline = time.monotonic() + timeout
        try:
            while not (held := ready()) and process.poll() is None:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.05)
        finally:
            kill_session(process.pid)
    return held


def _start(
    args: Sequence[str], cwd: Path | None, env: Mapping[str, str], output: int
) -> subprocess.Popen[str]:
    """`pulumi args...` in a session of its own, its stdout and stderr to `output`."""
    return subprocess.Popen(
        ["pulumi", *args],
        cwd=cwd,
        env=dict(env),
        stdout=output,
        stderr=output,
        text=True,
        start_new_session=True,
    )


def kill_session(session: int, wait: float = 5.0) -> None:
    """SIGKILL every process of the session `session` (the pid of the process that began it
    with `start_new_session=True`), and wait (up to `wait` seconds) until none of them runs."""
    for pid in _session_members(session):
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + wait
    while _session_members(session) and time.monotonic() < deadline:
        time.sleep(0.02)


def _processes() -> Iterator[tuple[int, str, int, int]]:
    """(pid, state, parent pid, session) of every process."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # After the command's name: state, ppid, process group, session, ...
            state, parent, _, session = stat.read_text().rsplit(")", 1)[1].split()[:4]
        except OSError:  # gone meanwhile
            continue
        yield int(stat.parent.name), state, int(parent), int(session)


def _session_members(session: int) -> list[int]:
    """The running (not yet exited) processes of the session."""
    return [pid for pid, state, _, owner in _processes() if owner == session and state != "Z"]


def kill_strays(root: Path) -> list[str]:
    """SIGKILL every process that works under `root` or names it on its command line (a language
    host's `-root=`, a plugin's program directory) and whose parent has gone: what a CLI run left
    behind. This process, its ancestors and its descendants (e.g. an emulator a fixture will stop)
    are spared. The command lines of the killed."""
    parents = {pid: parent for pid, _, parent, _ in _processes()}
    spared, pid = set(), os.getpid()
    while pid > 1:  # ancestors
        spared.add(pid)
        pid = parents.get(pid, 1)
    children: dict[int, list[int]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)
    unvisited = [os.getpid()]
    while unvisited:  # descendants
        pid = unvisited.pop()
        spared.add(pid)
        unvisited += children.get(pid, [])
    killed = []
    for pid in parents.keys() - spared:
        proc = Path(f"/proc/{pid}")
        with suppress(OSError):  # gone meanwhile, or not ours to read
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if str(root) in command or os.readlink(proc / "cwd").startswith(str(root)):
                os.kill(pid, signal.SIGKILL)
                killed.append(command.strip())
    return killed
