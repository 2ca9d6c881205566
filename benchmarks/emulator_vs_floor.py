"""The emulator against the framework floor, side by side in one run.

The floor is a bare FastAPI app under the same uvicorn server and HTTP protocol as the emulator,
answering every path with a small JSON body: the least any FastAPI endpoint costs here. Both run
as subprocesses on loopback; 1 and 8 client threads (one kept-alive connection each) send the same
requests to each for a fixed time. Endpoints: stack list (the first page of an org of --stacks
stacks), policy group get (a group of 10 stacks and a pack), policy group PATCH (add, then remove,
a stack), webhook create + delete (two requests). Printed per endpoint and client count: requests
per second and server CPU milliseconds per request (from /proc) of each, and the emulator's share
of the floor's throughput. Also: the emulator's start-up time with --stacks seeded stacks, and
the CPU of one stack-list page at two org sizes (a page must cost the same at any size).

    .venv/bin/python benchmarks/emulator_vs_floor.py [--stacks 5000] [--seconds 6] [--rounds 3]

Each server gets ``--seconds`` per endpoint and client count, in ``--rounds`` alternating rounds;
the best round of each is printed (the machine may be shared).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from devtools.emulator import Emulator  # noqa: E402

ORG, PROJECT, GROUP = "acme", "bench", "bench-group"
CLK_TCK = os.sysconf("SC_CLK_TCK")

FLOOR_APP = textwrap.dedent(
    """
    import socket, sys
    import uvicorn
    from fastapi import FastAPI
    from pulumi_governance.emulator.faults import DroppableH11Protocol

    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.api_route("/{path:path}", methods=["GET", "POST", "PATCH", "DELETE"])
    def floor(path: str) -> dict:
        return {"ok": True}

    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    print(f"http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    config = uvicorn.Config(app, http=DroppableH11Protocol, log_level="warning",
                            access_log=False, lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])
    """
)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


@dataclass
class Server:
    url: str
    pid: int
    token: str


Request = tuple[str, str, dict | None]  # method, path, JSON body
Plan = Callable[[int, int], list[Request]]  # (client, n) -> the requests of one step


def call(conn: http.client.HTTPConnection, token: str, method: str, path: str, body: dict | None):
    data = None if body is None else json.dumps(body).encode()
    headers = {"Authorization": f"token {token}", "Content-Type": "application/json"}
    conn.request(method, path, body=data, headers=headers)
    response = conn.getresponse()
    response.read()
    if response.status >= 300:
        raise RuntimeError(f"{method} {path}: {response.status}")


def measure(server: Server, plan: Plan, clients: int, seconds: float) -> tuple[float, float]:
    """(requests per second, server CPU ms per request)."""
    host, port = server.url.removeprefix("http://").split(":")
    counts = [0] * clients
    stop = time.monotonic() + seconds
    errors: list[BaseException] = []

    def work(client: int) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        n = 0
        try:
            while time.monotonic() < stop:
                for method, path, body in plan(client, n):
                    call(conn, server.token, method, path, body)
                    counts[client] += 1
                n += 1
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            conn.close()

    cpu0, t0 = cpu_seconds(server.pid), time.monotonic()
    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed, cpu = time.monotonic() - t0, cpu_seconds(server.pid) - cpu0
    if errors:
        raise errors[0]
    total = sum(counts)
    return total / elapsed, 1000 * cpu / max(total, 1)


def plans(emu_org: str) -> dict[str, Plan]:
    base = f"/api/orgs/{emu_org}"

    def stack_list(client: int, n: int) -> list[Request]:
        return [("GET", f"/api/user/stacks?organization={emu_org}&project={PROJECT}", None)]

    def group_get(client: int, n: int) -> list[Request]:
        return [("GET", f"{base}/policygroups/{GROUP}", None)]

    def group_patch(client: int, n: int) -> list[Request]:
        ref = {"name": f"s{client:05d}", "routingProject": PROJECT}
        op = "addStack" if n % 2 == 0 else "removeStack"
        return [("PATCH", f"{base}/policygroups/{GROUP}", {op: ref})]

    def hook_pair(client: int, n: int) -> list[Request]:
        name = f"bench-{client}-{n}"
        body = {
            "organizationName": emu_org,
            "name": name,
            "displayName": "bench",
            "payloadUrl": "http://127.0.0.1:9/hook",
            "active": True,
        }
        return [("POST", f"{base}/hooks", body), ("DELETE", f"{base}/hooks/{name}", None)]

    return {
        "stack list (page of 100)": stack_list,
        "policy group get": group_get,
        "policy group PATCH": group_patch,
        "webhook create+delete": hook_pair,
    }


def start_floor() -> tuple[subprocess.Popen[bytes], Server]:
    process = subprocess.Popen([sys.executable, "-c", FLOOR_APP], stdout=subprocess.PIPE)
    assert process.stdout is not None
    url = process.stdout.readline().decode().strip()
    return process, Server(url, process.pid, "floor")


def start_emulator(workdir: Path, stacks: int) -> tuple[Emulator, float]:
    refs = [f"{ORG}/{PROJECT}/s{i:05d}" for i in range(stacks)]
    emu = Emulator(workdir, stacks=refs)
    started = time.monotonic()
    emu.start()
    took = time.monotonic() - started
    emu.request("POST", f"/api/orgs/{ORG}/policygroups", json={"name": GROUP})
    members = [{"name": f"s{i:05d}", "routingProject": PROJECT} for i in range(10, 20)]
    emu.request("PATCH", f"/api/orgs/{ORG}/policygroups/{GROUP}", json={"stacks": members})
    return emu, took


def page_cpu_ms(server: Server, org: str, seconds: float = 1.5) -> float:
    path = f"/api/user/stacks?organization={org}"
    return measure(server, lambda c, n: [("GET", path, None)], 1, seconds)[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stacks", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=6.0, help="per endpoint, server, count")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        floor_process, floor = start_floor()
        emu, startup = start_emulator(Path(tmp) / "emulator", args.stacks)
        assert emu.process is not None
        emulator = Server(emu.url, emu.process.pid, emu.token)
        small_org = f"small-{uuid.uuid4().hex[:6]}"
        emu.request("POST", "/_emulator/orgs", json={"name": small_org, "token": emu.token})
        for i in range(150):
            body = {"stackName": f"s{i:03d}"}
            emu.request("POST", f"/api/stacks/{small_org}/{PROJECT}", json=body)
        try:
            print(f"emulator start-up with {args.stacks} seeded stacks: {startup:.2f} s")
            big = page_cpu_ms(emulator, ORG)
            small = page_cpu_ms(emulator, small_org)
            print(
                f"one stack-list page (100 stacks): {big:.2f} ms CPU in an org of "
                f"{args.stacks} stacks, {small:.2f} ms in an org of 150"
            )
            print()
            header = (
                f"{'endpoint':26} {'clients':>7} {'floor req/s':>11} {'emulator req/s':>14} "
                f"{'ratio':>6} {'floor CPU ms':>12} {'emulator CPU ms':>15}"
            )
            print(header)
            print("-" * len(header))
            for name, plan in plans(ORG).items():
                for clients in (1, 8):
                    # Alternate the two servers and keep each one's best round: the machine is
                    # shared, and a round that others slowed down says nothing about either.
                    rounds = [
                        (measure(floor, plan, clients, args.seconds / args.rounds),
                         measure(emulator, plan, clients, args.seconds / args.rounds))
                        for _ in range(args.rounds)
                    ]  # fmt: skip
                    f_rate, f_cpu = max((f for f, _ in rounds), key=lambda r: r[0])
                    e_rate, e_cpu = max((e for _, e in rounds), key=lambda r: r[0])
                    print(
                        f"{name:26} {clients:>7} {f_rate:>11.0f} {e_rate:>14.0f} "
                        f"{e_rate / f_rate:>6.2f} {f_cpu:>12.2f} {e_cpu:>15.2f}",
                        flush=True,
                    )
        finally:
            emu.stop()
            floor_process.terminate()
            floor_process.wait()


if __name__ == "__main__":
    main()
