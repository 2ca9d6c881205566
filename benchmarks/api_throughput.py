"""API client throughput and connection reuse, against a local emulator on loopback.

Prints (1) requests per second of 8 concurrent client threads for a bounded number of calls
each, read-only and mixed read/write (about 1 write in 5), with one shared client object and
with a client object per thread (both share the one pooled session per URL and token), beside a
baseline that opens a new connection for every call; and (2) how many TCP connections 100
sequential client calls open, from urllib3's pool statistics (`num_connections`) and from the
distinct local ports the client used.

Note: when the emulator answers on a reused connection without TCP_NODELAY, each response body
waits for the client's delayed ACK (~40 ms), and the pooled rows come out slower than the
new-connection baseline; that is a property of the server, visible in the latency column.

    .venv/bin/python benchmarks/api_throughput.py [--calls 150] [--threads 8]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import requests  # noqa: E402

from devtools.emulator import Emulator  # noqa: E402
from pulumi_governance.api import PulumiCloudClient, close_sessions  # noqa: E402
from pulumi_governance.config import Settings  # noqa: E402

Work = Callable[[PulumiCloudClient, int, int], None]


def read(client: PulumiCloudClient, org: str, project: str) -> None:
    client.policy_groups.list(org)
    client.stacks.get(org, project, "dev")


def mixed_call(org: str, project: str) -> Work:
    def call(client: PulumiCloudClient, worker: int, n: int) -> None:
        if n % 5 == 4:  # a write: a tag set (POST or PATCH) on the worker's own stack
            client.stacks.set_tag(org, project, f"w{worker}", "seq", str(n))
        elif n % 2:
            client.policy_groups.list(org)
        else:
            client.stacks.get(org, project, "dev")

    return call


def read_call(org: str, project: str) -> Work:
    def call(client: PulumiCloudClient, worker: int, n: int) -> None:
        if n % 2:
            client.policy_groups.list(org)
        else:
            client.stacks.get(org, project, "dev")

    return call


def run(
    make_client: Callable[[], PulumiCloudClient],
    shared: bool,
    work: Work,
    threads: int,
    calls: int,
) -> tuple[float, int]:
    """(requests per second, requests) for `threads` workers doing `calls` client calls each."""
    one = make_client() if shared else None
    counts = [0] * threads
    errors: list[BaseException] = []
    start = threading.Barrier(threads + 1)

    def worker(index: int) -> None:
        client = one or make_client()
        start.wait()
        try:
            for n in range(calls):
                work(client, index, n)
                counts[index] += 1
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


def connection_reuse(emu: Emulator, project: str) -> list[tuple[str, int, int]]:
    rows = []
    for label, kind in (("pooled session", PulumiCloudClient), ("new session per call", None)):
        close_sessions()
        client = (kind or NewConnectionEachCall)(Settings(emu.url, emu.token))
        ports: set[int] = set()
        opened = 0
        for n in range(100):
            response = client.session.get(
                f"{emu.url}/api/stacks/{emu.org}/{project}/dev", stream=True, timeout=10
            )
            sock = response.raw.connection.sock if response.raw.connection else None
            if sock is not None:
                ports.add(sock.getsockname()[1])
            response.content  # noqa: B018  (read the body: the connection goes back to the pool)
            if kind is None:
                opened += 1
                response.close()
            del n
        if kind is not None:
            manager = client.session.get_adapter(emu.url).poolmanager
            opened = sum(manager.pools[key].num_connections for key in manager.pools.keys())  # noqa: SIM118
        rows.append((label, opened, len(ports)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=150, help="client calls per thread")
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

            def pooled() -> PulumiCloudClient:
                return PulumiCloudClient(Settings(emu.url, emu.token))

            def fresh() -> PulumiCloudClient:
                return NewConnectionEachCall(Settings(emu.url, emu.token))

            print(f"{args.threads} threads x {args.calls} client calls, emulator on loopback")
            print(f"{'traffic':<10} {'clients':<34} {'calls':>6} {'calls/s':>9} {'ms/call':>8}")
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
                print(f"{traffic:<10} {label:<34} {total:>6} {rate:>9.0f} {latency:>8.1f}")
            print("(a mixed write is a tag set: GET the stack, then POST or PATCH its tag)")

            print()
            print("100 sequential calls: TCP connections opened")
            print(f"{'client':<24} {'urllib3 num_connections':>24} {'distinct local ports':>21}")
            for label, opened, ports in connection_reuse(emu, project):
                print(f"{label:<24} {opened:>24} {ports:>21}")
        finally:
            emu.stop()


if __name__ == "__main__":
    main()
