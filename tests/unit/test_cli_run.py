"""The test harness's process hygiene: what a CLI run leaves behind is found and killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import suppress
from pathlib import Path

from devtools.cli_run import kill_session, kill_strays


def orphan(command: str, cwd: Path) -> int:
    """Start `command` through a shell that leaves it running: its parent is gone at once."""
    started = subprocess.run(
        ["sh", "-c", f"{command} >/dev/null 2>&1 & echo $!"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(started.stdout)


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_kill_strays_kills_orphans_working_in_or_naming_the_directory(tmp_path: Path) -> None:
    inside = orphan("sleep 600", tmp_path)
    sleeper = f"{sys.executable} -c 'import time; time.sleep(600)'"
    naming = orphan(f"{sleeper} {tmp_path}", tmp_path.parent)
    elsewhere = orphan("sleep 600", tmp_path.parent)
    own_child = subprocess.Popen(["sleep", "600"], cwd=tmp_path)  # e.g. a fixture's emulator
    try:
        killed = kill_strays(tmp_path)
        deadline = time.monotonic() + 5
        while (running(inside) or running(naming)) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not running(inside) and not running(naming)
        assert len(killed) == 2, killed
        assert running(elsewhere) and own_child.poll() is None
    finally:
        for pid in (inside, naming, elsewhere):
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        own_child.kill()
        own_child.wait()


def in_session(session: int) -> list[str]:
    found = subprocess.run(["pgrep", "-s", str(session)], capture_output=True, text=True)
    return found.stdout.split()


def test_kill_session_kills_the_process_groups_a_command_left() -> None:
    # A child in a process group of its own, as the CLI starts its plugins, outlives its parent.
    script = "import subprocess; subprocess.Popen(['sleep', '600'], process_group=0)"
    leader = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    leader.wait(timeout=10)
    assert in_session(leader.pid), "the child runs on after its parent"
    kill_session(leader.pid)
    deadline = time.monotonic() + 5
    while in_session(leader.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert in_session(leader.pid) == []
