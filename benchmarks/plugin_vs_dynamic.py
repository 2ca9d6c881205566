"""The same 40-webhook Python program through the dynamic resources and through the plugin.

Against a local emulator, runs `pulumi up` (creates 40 webhooks), a no-change `pulumi preview`
and `pulumi refresh` of one program written twice: with `pulumi_governance.Webhook` (dynamic
resources) and with `pulumi_governance_plugin.Webhook` (the provider plugin, through the SDK that
`pulumi package add` generates). Prints wall time and the CPU seconds of the CLI and every process
it started (language host, program, provider processes), side by side. Both programs run in
a virtualenv of their own (as `pulumi package add` needs for the plugin's SDK).

    .venv/bin/python benchmarks/plugin_vs_dynamic.py [--resources 40]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from devtools.emulator import Emulator  # noqa: E402
from devtools.engine import EngineEnv, pulumi_bin_dir  # noqa: E402
from devtools.plugin_programs import ORG, pulumi, python_program  # noqa: E402

PROGRAM = """
import pulumi
import {module} as governance

for i in range({count}):
    governance.Webhook(
        f"hook-{{i}}",
        name=f"{prefix}-{{i}}",
        display_name=f"Hook {{i}}",
        payload_url=f"https://hooks.example.com/{{i}}",
        filters=["update_failed"],
        organization="{org}",
    )
"""
COMMANDS = (("up", ("up", "--yes")), ("preview", ("preview",)), ("refresh", ("refresh", "--yes")))


def timed(engine: EngineEnv, program: Path, args: tuple[str, ...]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of `pulumi args` and all its children."""
    start = time.perf_counter()
    process = subprocess.Popen(
        ["pulumi", *args, "--stack", "bench", "--non-interactive"],
        cwd=program,
        env={**os.environ, **engine.env_vars()},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        assert process.stderr is not None
        raise RuntimeError(f"pulumi {' '.join(args)} failed: {process.stderr.read().decode()}")
    return wall, usage.ru_utime + usage.ru_stime


def prepare(engine: EngineEnv, program: Path, emulator: Emulator) -> None:
    pulumi(engine, program, "stack", "init", "bench")
    pulumi(engine, program, "config", "set", "governance:apiUrl", emulator.url)
    pulumi(engine, program, "config", "set", "--secret", "governance:accessToken", emulator.token)
    pulumi(engine, program, "config", "set", "governance:organization", ORG)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=40)
    count = parser.parse_args().resources
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        emulator = Emulator(root / "emulator")
        emulator.start()
        try:
            engine = EngineEnv(root=root / "engine", bin_dir=pulumi_bin_dir())
            engine.prepare()
            programs = {
                "dynamic": python_program(
                    engine, root / "dynamic", "bench-dynamic",
                    PROGRAM.format(module="pulumi_governance", count=count, prefix="dyn", org=ORG),
                    add_package=False,
                ),
                "plugin": python_program(
                    engine, root / "plugin", "bench-plugin",
                    PROGRAM.format(
                        module="pulumi_governance_plugin", count=count, prefix="plg", org=ORG
                    ),
                ),
            }  # fmt: skip
            results: dict[str, dict[str, tuple[float, float]]] = {}
            for label, program in programs.items():
                prepare(engine, program, emulator)
                results[label] = {name: timed(engine, program, args) for name, args in COMMANDS}
                timed(engine, program, ("destroy", "--yes"))
        finally:
            emulator.stop()
    print(f"{count} webhooks, one Python program; wall s / CPU s of the CLI and its children\n")
    print(f"{'command':<10} {'dynamic resources':>20} {'provider plugin':>20}")
    for name, _ in COMMANDS:
        cells = [f"{results[k][name][0]:7.1f} / {results[k][name][1]:6.1f}" for k in programs]
        print(f"{name:<10} {cells[0]:>20} {cells[1]:>20}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
