"""The test harness's process hygiene: what a CLI run leaves behind is found and killed."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from devtools.cli_run import kill_session, kill_strays


def test_kill_strays_kills_processes_working_in_or_naming_the_directory(tmp_path: Path) -> None:
    inside = subprocess.Popen(["sleep", "600"], cwd=tmp_path)
    naming = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", str(tmp_path)])
    elsewhere = subprocess.Popen(["sleep", "600"], cwd=tmp_path.parent)
    try:
        killed = kill_strays(tmp_path)
        assert inside.wait(timeout=10) == -9 and naming.wait(timeout=10) == -9
        assert len(killed) == 2 and elsewhere.poll() is None
    finally:
        elsewhere.kill()
        elsewhere.wait()


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
