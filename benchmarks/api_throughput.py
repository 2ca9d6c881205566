"""API client throughput and connection reuse, against a local emulator on loopback.

Prints (1) HTTP requests per second of 8 concurrent client threads doing a bounded number of
client calls (default 250 each, 2,000 in all), read-only and mixed (70% reads: GET a stack, list
policy groups; 30% writes: set a stack tag, PATCH a policy group's full stack list), with one
shared client object, with a client object per thread (both share the one pooled session per URL
and token), and with a baseline that opens a new connection for every call; and (2) how many TCP
connections 100 sequential client calls open: urllib3's `num_connections` of the session's pool
before and after, and the "Starting new HTTP connection" events urllib3 logs.

    .venv/bin/python benchmarks/api_throughput.py [--calls 250] [--threads 8]
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import requests  # noqa: E402
from requests.adapters import HTTPAdapter  # noqa: E402

from devtools.emulator import Emulator  # noqa: E402
from pulumi_governance.api import PulumiCloudClient, close_sessions  # noqa: E402
from pulumi_governance.config import Settings  # noqa: E402

Work = Callable[[PulumiCloudClient, int, int], int]  # returns the HTTP requests it sent


def read_call(org: str, project: str) -> Work:
    def call(client: PulumiCloudClient, worker: int, n: int) -> int:
        if n % 2:
            client.policy_groups.list(org)
        else:
            client.stacks.get(org, project, "dev")
        return 1

    return call


def mixed_call(org: str, project: str) -> Work:
    """Per 10 calls: 7 reads, 2 tag sets on the worker's stack (GET, then POST or PATCH) and 1
    PATCH of the worker's policy group (its full stack list, alternating between 1 and 0)."""

    def call(client: PulumiCloudClient, worker: int, n: int) -> int:
        slot = n % 10
        if slot in (7, 8):
            client.stacks.set_tag(org, project, f"w{worker}", "seq", str(n))
            return 2
        if slot == 9:
            stacks = [{"name": f"w{worker}", "routingProject": project}] if n % 20 < 10 else []
            client.policy_groups.update(org, f"bench-w{worker}", {"stacks": stacks})
            return 1
        if slot % 2:
            client.policy_groups.list(org)
        else:
            client.stacks.get(org, project, "dev")
        return 1

    return call


def run(
    make_client: Callable[[], PulumiCloudClient],
    shared: bool,
    work: Work,
    threads: int,
    calls: int,
) -> tuple[float, int]:
    """(HTTP requests per second, requests) for `threads` workers doing `calls` calls each."""
    one = make_client() if shared else None
    counts = [0] * threads
    errors: list[BaseException] = []
    start = threading.Barrier(threads + 1)

    def worker(index: int) -> None:
        client = one or make_client()
        start.wait()
        try:
            for n in range(calls):
                counts[index] += work(client, index, n)
        except BaseException as error:
            errors.append(error)

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise errors[0]
    total = sum(counts)
    return total / elapsed, total


class NewConnectionEachCall(PulumiCloudClient):
    """Baseline: the same client, but every request on a fresh session (a new TCP connection)."""

    @property
    def session(self) -> requests.Session:
        fresh = requests.Session()
        fresh.headers.update(
            {"Authorization": f"token {self.settings.token}", "Accept": "application/vnd.pulumi+8"}
        )
        return fresh


class _NewConnections(logging.Handler):
    """Counts urllib3's "Starting new HTTP connection" debug events."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("Starting new HTTP"):
            self.count += 1


def num_connections(session: requests.Session, url: str) -> int:
    """urllib3's `num_connections` of the pools the session uses for `url`'s host. Summed over
    that host's pools: requests keys pools by TLS settings too (the CA bundle), so
    `poolmanager.connection_from_url(url)` would make a new, empty pool and report 0."""
    parsed = urlsplit(url)
    adapter = session.get_adapter(url)
    assert isinstance(adapter, HTTPAdapter)
    manager = adapter.poolmanager
    return sum(
        manager.pools[key].num_connections
        for key in list(manager.pools.keys())
        if (key.key_host, key.key_port) == (parsed.hostname, parsed.port)
    )


def connection_reuse(emu: Emulator, project: str) -> list[tuple[str, str, int]]:
    """(client, num_connections before -> after, connections urllib3 started) for 100 calls."""
    rows = []
    events = _NewConnections()
    urllib3_log = logging.getLogger("urllib3.connectionpool")
    urllib3_log.addHandler(events)
    urllib3_log.setLevel(logging.DEBUG)
    try:
        for label, kind in (
            ("pooled client", PulumiCloudClient),
            ("new connection per call", NewConnectionEachCall),
        ):
            close_sessions()
            client = kind(Settings(emu.url, emu.token))
            pooled = kind is PulumiCloudClient
            before = num_connections(client.session, emu.url) if pooled else 0
            events.count = 0
            for n in range(100):
                if n % 2:
                    client.stacks.get(emu.org, project, "dev")
                else:
                    client.policy_groups.list(emu.org)
            after = num_connections(client.session, emu.url) if pooled else events.count
            rows.append((label, f"{before} -> {after}", events.count))
    finally:
        urllib3_log.removeHandler(events)
        urllib3_log.setLevel(logging.WARNING)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=250, help="client calls per thread")
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        emu = Emulator(Path(tmp))
        emu.start()
        try:
            org, project = emu.org, "bench"
            setup = PulumiCloudClient(Settings(emu.url, emu.token))
            for name in ["dev"] + [f"w{i}" for i in range(args.threads)]:
                setup.stacks.create(org, project, name)
            for i in range(args.threads):
                setup.policy_groups.create(org, f"bench-w{i}")

            def pooled() -> PulumiCloudClient:
                return PulumiCloudClient(Settings(emu.url, emu.token))

            def fresh() -> PulumiCloudClient:
                return NewConnectionEachCall(Settings(emu.url, emu.token))

            calls = args.threads * args.calls
            head = f"{args.threads} threads x {args.calls} client calls ({calls})"
            print(head + ", emulator on loopback")
            print(
                f"{'traffic':<10} {'clients':<26} {'requests':>9} {'requests/s':>11} {'ms/req':>7}"
            )
            cases = [
                ("read", "one shared client", pooled, True, read_call(org, project)),
                ("read", "a client per thread", pooled, False, read_call(org, project)),
                ("read", "new connection per call", fresh, False, read_call(org, project)),
                ("mixed", "one shared client", pooled, True, mixed_call(org, project)),
                ("mixed", "a client per thread", pooled, False, mixed_call(org, project)),
                ("mixed", "new connection per call", fresh, False, mixed_call(org, project)),
            ]
            for traffic, label, make, shared, work in cases:
                close_sessions()
                rate, total = run(make, shared, work, args.threads, args.calls)
                latency = 1000 * args.threads / rate
                print(f"{traffic:<10} {label:<26} {total:>9} {rate:>11.0f} {latency:>7.1f}")
            print("(mixed: 70% reads, 20% tag sets = GET + POST/PATCH, 10% group PATCH)")

            print()
            print("100 sequential client calls: TCP connections opened")
            print(f"{'client':<26} {'num_connections':>16} {'new connections logged':>23}")
            for label, counts, started in connection_reuse(emu, project):
                print(f"{label:<26} {counts:>16} {started:>23}")
        finally:
            emu.stop()


if __name__ == "__main__":
    main()
