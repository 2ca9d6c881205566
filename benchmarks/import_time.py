"""Import time of pulumi-governance beside the pulumi SDK's.

Each statement runs in a fresh interpreter (bytecode caches warm: one run first is discarded), and
the table shows the median and best of the time the import itself took, with the number of
modules loaded. `import pulumi_governance` loads names on first use, so the second row is what a
program pays when it touches a resource class (which imports the pulumi SDK).

    .venv/bin/python benchmarks/import_time.py [--runs 9] [--python PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

STATEMENTS = {
    "import pulumi_governance": "import pulumi_governance",
    "pulumi_governance.PolicyGroup (first use)": (
        "import pulumi_governance\npulumi_governance.PolicyGroup"
    ),
    "every public name of pulumi_governance": (
        "import pulumi_governance\nfor name in pulumi_governance.__all__:\n"
        "    getattr(pulumi_governance, name)"
    ),
    "import pulumi": "import pulumi",
}

TIMER = """
import sys, time, json
before = len(sys.modules)
start = time.perf_counter()
{statement}
print(json.dumps([time.perf_counter() - start, len(sys.modules) - before]))
"""


def time_once(python: str, statement: str) -> tuple[float, int]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(
        [python, "-c", TIMER.format(statement=statement)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd="/",
    )
    seconds, modules = json.loads(done.stdout.strip().splitlines()[-1])
    return float(seconds), int(modules)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--python", default=sys.executable, help="the interpreter to measure")
    args = parser.parse_args()

    print(f"{'statement':<44} {'median ms':>10} {'best ms':>8} {'modules':>8}")
    for label, statement in STATEMENTS.items():
        time_once(args.python, statement)  # warm the bytecode cache
        runs = [time_once(args.python, statement) for _ in range(args.runs)]
        times = [seconds * 1000 for seconds, _ in runs]
        print(f"{label:<44} {statistics.median(times):>10.1f} {min(times):>8.1f} {runs[-1][1]:>8}")


if __name__ == "__main__":
    main()
