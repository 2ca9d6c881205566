"""Policy group membership at scale: our batched logic beside one request per stack.

For groups of 10, 100, 1,000 and 5,000 stacks, on a local emulator seeded with that many stacks,
prints the HTTP requests and wall time of (a) creating the group with all its stacks and (b)
changing 10% of its membership (10% removed, as many added), done by the PolicyGroup logic, and
the same work done one stack per PATCH. Requests are counted at the transport (a response hook on
the client's shared HTTP session), so every request sent, retries included, is counted however
the logic calls the client.

    .venv/bin/python benchmarks/policy_group_membership.py [--sizes 10,100,1000,5000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from devtools.emulator import Emulator  # noqa: E402
from pulumi_governance.api import PulumiCloudClient  # noqa: E402
from pulumi_governance.config import resolve_settings  # noqa: E402
from pulumi_governance.logic.policy_group import POLICY_GROUP  # noqa: E402

ORG = "acme"


class TransportCount:
    """Every HTTP response the client's session receives, counted by a response hook."""

    def __init__(self, client: PulumiCloudClient) -> None:
        self.count = 0
        client.session.hooks["response"].append(self._seen)

    def _seen(self, response: Any, *args: Any, **kwargs: Any) -> None:
        self.count += 1


def measure(counter: TransportCount, work: Callable[[], object]) -> tuple[int, float]:
    before, start = counter.count, time.perf_counter()
    work()
    return counter.count - before, time.perf_counter() - start


def per_stack(
    api: PulumiCloudClient, name: str, add: list[str], remove: list[str], create: bool
) -> None:
    if create:
        api.policy_groups.create(ORG, name, "stacks", "preventative")
    for ref in remove:
        api.policy_groups.update_member(ORG, name, {"remove_stack": ref})
    for ref in add:
        api.policy_groups.update_member(ORG, name, {"add_stack": ref})


def run(size: int, workdir: Path) -> list[tuple[str, int, float, int, float]]:
    stacks = [f"proj{i // 100}/stack{i % 100}" for i in range(size + size // 10)]
    emulator = Emulator(workdir, stacks=[f"{ORG}/{s}" for s in stacks])
    emulator.start()
    try:
        settings = resolve_settings(api_url=emulator.url, token=emulator.token)
        api = PulumiCloudClient(settings)
        counter = TransportCount(api)
        logic = POLICY_GROUP
        first, changed = stacks[:size], stacks[size // 10 :]  # 10% leave, 10% join
        news, _ = logic.check({}, {"name": "batched", "organization": ORG, "stacks": first})
        made: list[Any] = []
        create = measure(counter, lambda: made.append(logic.create(api, news)))
        olds, changed_news = made[0].outs, {**news, "stacks": changed}
        update = measure(counter, lambda: logic.update(api, made[0].id, olds, changed_news))
        base_create = measure(counter, lambda: per_stack(api, "single", first, [], create=True))
        leaving, joining = stacks[: size // 10], stacks[size:]
        base_update = measure(
            counter, lambda: per_stack(api, "single", joining, leaving, create=False)
        )
        return [
            ("create", *create, *base_create),
            ("change 10%", *update, *base_update),
        ]
    finally:
        emulator.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000,5000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    header = ("stacks", "operation", "batched req", "batched s", "per-stack req", "per-stack s")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            for op, req, secs, base_req, base_secs in run(size, Path(tmp)):
                row = (f"{size:,}", op, str(req), f"{secs:.2f}", str(base_req), f"{base_secs:.2f}")
                print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
