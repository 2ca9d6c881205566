"""What `pulumi up` costs for a PolicyGroup change, beside the engine's floor for a Python provider.

One run prints, side by side, the CPU seconds (the CLI and every process under it: language host,
program, provider) and wall time of `pulumi up --skip-preview` that swaps 20 of a group's 200
stacks, for
- the PolicyGroup program (one PolicyGroup resource, against a local emulator), and
- the same program whose only resource is a no-op dynamic resource with inputs of the same size
  (its provider returns its inputs; no HTTP): the floor.
Each figure is the median of `--runs` swaps (back and forth) after the stack was created.

    .venv/bin/python benchmarks/policy_group_up_cost.py [--runs 5] [--profile DIR]

`--profile DIR` runs each provider process under py-spy (installed separately: `pip install
py-spy`), which writes its samples (collapsed stacks) into DIR; the timings then include the
sampling overhead.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from devtools.emulator import Emulator  # noqa: E402
from devtools.engine import EngineEnv, pulumi_bin_dir, write_program  # noqa: E402

ORG = "acme"
SIZE, SWAP = 200, 20

GROUP_PROGRAM = """
import json
import pulumi
from pulumi_governance import PolicyGroup

stacks = json.loads(pulumi.Config().require("stacks"))
PolicyGroup("group", name="bench", mode="audit", stacks=stacks, organization="acme")
"""

# The floor: a dynamic resource with the PolicyGroup's inputs whose provider does no work.
NOOP_PROGRAM = """
import json
import pulumi
from pulumi.dynamic import CreateResult, DiffResult, Resource, ResourceProvider, UpdateResult


class NoopProvider(ResourceProvider):
    def create(self, props):
        return CreateResult("noop", props)

    def diff(self, id, olds, news):
        return DiffResult(changes=olds != news)

    def update(self, id, olds, news):
        return UpdateResult(news)


class Noop(Resource):
    def __init__(self, name, props):
        super().__init__(NoopProvider(), name, props)


stacks = json.loads(pulumi.Config().require("stacks"))
Noop("group", {"name": "bench", "entity_type": "stacks", "mode": "audit", "stacks": stacks,
               "policy_packs": None, "insights_accounts": None, "organization": "acme",
               "adopt": False})
"""


def pulumi(engine: EngineEnv, program: Path, *args: str) -> tuple[float, float]:
    """Run the CLI in `program`; (CPU seconds of it and every process it waited for, wall)."""
    env = {**os.environ, **engine.env_vars()}
    command = [str(engine.bin_dir / "pulumi"), *args, "--non-interactive"]
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=program,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output = process.stdout.read() if process.stdout else b""
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"pulumi {' '.join(args)} failed:\n{output.decode(errors='replace')}")
    return usage.ru_utime + usage.ru_stime, wall


def measure(
    engine: EngineEnv, program: Path, emulator: Emulator, stacks: list[str], runs: int
) -> tuple[float, float]:
    first, swapped = stacks[:SIZE], stacks[SWAP : SIZE + SWAP]
    pulumi(engine, program, "stack", "init", "bench")
    pulumi(engine, program, "config", "set", "governance:apiUrl", emulator.url)
    pulumi(engine, program, "config", "set", "--secret", "governance:accessToken", emulator.token)
    pulumi(engine, program, "config", "set", "stacks", json.dumps(first))
    pulumi(engine, program, "up", "--yes", "--skip-preview")
    cpu, wall = [], []
    for run in range(runs):
        declared = swapped if run % 2 == 0 else first
        pulumi(engine, program, "config", "set", "stacks", json.dumps(declared))
        spent, took = pulumi(engine, program, "up", "--yes", "--skip-preview")
        cpu.append(spent)
        wall.append(took)
    pulumi(engine, program, "destroy", "--yes", "--skip-preview")
    return statistics.median(cpu), statistics.median(wall)


PROFILING_PYTHON = """#!/bin/sh
# The interpreter the engine runs. A dynamic provider gets py-spy attached to its own process
# (its stdout stays the provider's: the engine reads the port from it); anything else runs as is.
case "$*" in
  *pulumi.dynamic*)
    (sleep 0.02; py-spy record --pid $$ --format raw --rate 250 --nonblocking \\
        --output {dir}/provider-$$.txt >/dev/null 2>&1) &
    ;;
esac
exec {python} "$@"
"""


def profiling_python(directory: Path) -> str:
    """A PULUMI_PYTHON_CMD that samples the provider processes into `directory`."""
    script = directory / "python"
    script.write_text(PROFILING_PYTHON.format(dir=directory.resolve(), python=sys.executable))
    script.chmod(0o755)
    return str(script)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", type=Path, default=None)
    options = parser.parse_args()
    runs, env = options.runs, {}
    if options.profile:
        options.profile.mkdir(parents=True, exist_ok=True)
        env["PULUMI_PYTHON_CMD"] = profiling_python(options.profile)
    stacks = [f"proj{i // 50}/stack{i % 50}" for i in range(SIZE + SWAP)]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        emulator = Emulator(root / "emulator", stacks=[f"{ORG}/{s}" for s in stacks])
        emulator.start()
        try:
            results = {}
            for label, text in (("PolicyGroup", GROUP_PROGRAM), ("no-op dynamic", NOOP_PROGRAM)):
                slug = label.replace(" ", "-")
                engine = EngineEnv(root / slug, pulumi_bin_dir(), dict(env))
                engine.prepare()
                program = write_program(root / f"program-{slug}", "bench", text)
                results[label] = measure(engine, program, emulator, stacks, runs)
        finally:
            emulator.stop()
    print(f"`pulumi up --skip-preview` swapping {SWAP} of {SIZE} stacks, median of {runs}:")
    print("| program | CPU s (CLI + children) | wall s |")
    print("|---|---|---|")
    for label, (cpu, wall) in results.items():
        print(f"| {label} | {cpu:.2f} | {wall:.2f} |")


if __name__ == "__main__":
    main()
