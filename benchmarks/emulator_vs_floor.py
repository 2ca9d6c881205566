"""The emulator against the framework floor, side by side in one run.

The floor is a bare FastAPI app under the same uvicorn server and HTTP protocol as the emulator:
one endpoint for every path that returns a dict. It answers each request with a JSON body of the
same size as the emulator's answer to it (a page of 100 stacks is ~20 KB, a deleted webhook
nothing), so both move the same bytes. It runs twice:

- "floor": the endpoint is a plain ``def``, as FastAPI's tutorial writes one (FastAPI runs it in
  its thread pool). The emulator's target, at least 0.8x of this, is judged against it.
- "async floor": the endpoint is an ``async def`` (no thread-pool trip), the least any FastAPI
  endpoint costs. The emulator's handlers run on the event loop too, so this ratio shows what
  the emulator's own work (dependencies, SQLite, its middlewares) costs.

Each server is a subprocess on loopback; 1 and 8 client threads (one kept-alive connection each)
send the same requests to each for a fixed time. Endpoints: stack list (the first page of an org
of --stacks stacks), policy group get (a group of 10 stacks and a pack), policy group PATCH (add,
then remove, a stack), webhook create + delete (two requests). Printed per endpoint and client
count: requests per second and server CPU milliseconds per request (from /proc) of each, and the
emulator's share of each floor's throughput. Also: the emulator's start-up time with --stacks
seeded stacks, the CPU of one stack-list page at two org sizes (a page must cost the same at any
size), and of one PATCH adding a stack to a small group and to the org's default group.

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
DEFAULT_GROUP = "default-policy-group"
CLK_TCK = os.sysconf("SC_CLK_TCK")

FLOOR_APP = textwrap.dedent(  # HANDLER is "def" or "async def"
    """
    import socket, sys
    import uvicorn
    from fastapi import FastAPI, Request
    from pulumi_governance.emulator.faults import DroppableH11Protocol

    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    answers = {}  # method -> the answer, padded to the size the emulator answers with

    @app.put("/_answer_sizes")
    HANDLER answer_sizes(sizes: dict[str, int]) -> dict:
        answers.clear()
        answers.update({m: {"pad": "x" * max(0, n - 10)} for m, n in sizes.items()})
        return {}

    @app.api_route("/{path:path}", methods=["GET", "POST", "PATCH", "DELETE"])
    HANDLER floor(request: Request) -> dict:
        return answers[request.method]

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


def call(
    conn: http.client.HTTPConnection, token: str, method: str, path: str, body: dict | None
) -> int:
    """Send one request; the size of the answer's body."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Authorization": f"token {token}", "Content-Type": "application/json"}
    conn.request(method, path, body=data, headers=headers)
    response = conn.getresponse()
    answer = response.read()
    if response.status >= 300:
        raise RuntimeError(f"{method} {path}: {response.status}")
    return len(answer)


def connect(server: Server) -> http.client.HTTPConnection:
    host, port = server.url.removeprefix("http://").split(":")
    return http.client.HTTPConnection(host, int(port), timeout=30)


def match_answer_sizes(emulator: Server, floors: list[Server], plan: Plan) -> None:
    """Have the floors answer each method of ``plan`` with as many bytes as the emulator does
    (two steps of client 0, which leave the emulator as they found it)."""
    conn = connect(emulator)
    sizes = {m: call(conn, emulator.token, m, p, b) for n in (0, 1) for m, p, b in plan(0, n)}
    conn.close()
    for floor in floors:
        conn = connect(floor)
        call(conn, floor.token, "PUT", "/_answer_sizes", sizes)
        conn.close()


def measure(server: Server, plan: Plan, clients: int, seconds: float) -> tuple[float, float]:
    """(requests per second, server CPU ms per request)."""
    counts = [0] * clients
    stop = time.monotonic() + seconds
    errors: list[BaseException] = []

    def work(client: int) -> None:
        conn = connect(server)
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


def start_floor(handler: str) -> tuple[subprocess.Popen[bytes], Server]:
    app = FLOOR_APP.replace("HANDLER", handler)
    process = subprocess.Popen([sys.executable, "-c", app], stdout=subprocess.PIPE)
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


def patch_cpu_ms(server: Server, group: str, seconds: float = 1.5) -> float:
    """CPU of a PATCH that adds or removes one stack of ``group`` (alternately)."""
    path, ref = (
        f"/api/orgs/{ORG}/policygroups/{group}",
        {"name": "s00000", "routingProject": PROJECT},
    )

    def plan(client: int, n: int) -> list[Request]:
        return [("PATCH", path, {"removeStack" if n % 2 else "addStack": ref})]

    return measure(server, plan, 1, seconds)[1]


def best_round(servers: list[Server], plan: Plan, clients: int, seconds: float, rounds: int):
    """Per server, the (requests/s, CPU ms) of its fastest round. The servers take turns each
    round: the machine is shared, and a round that others slowed down says nothing about either."""
    each = seconds / rounds
    results = [[measure(s, plan, clients, each) for s in servers] for _ in range(rounds)]
    return [max((r[i] for r in results), key=lambda m: m[0]) for i in range(len(servers))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stacks", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=6.0, help="per endpoint, server, count")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        floor_process, floor = start_floor("def")
        async_process, async_floor = start_floor("async def")
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
            print(
                f"one PATCH adding or removing a stack: {patch_cpu_ms(emulator, GROUP):.2f} ms CPU "
                f"in a group of 10 stacks, {patch_cpu_ms(emulator, DEFAULT_GROUP):.2f} ms in the "
                f"org's default group of {args.stacks}"
            )
            print()
            header = (
                f"{'endpoint':26} {'clients':>7} | {'req/s: floor':>12} {'async floor':>11} "
                f"{'emulator':>8} | {'ratio':>5} {'to async':>8} | {'CPU ms: floor':>13} "
                f"{'async floor':>11} {'emulator':>8}"
            )
            print(header)
            print("-" * len(header))
            for name, plan in plans(ORG).items():
                match_answer_sizes(emulator, [floor, async_floor], plan)
                for clients in (1, 8):
                    (f_rate, f_cpu), (a_rate, a_cpu), (e_rate, e_cpu) = best_round(
                        [floor, async_floor, emulator], plan, clients, args.seconds, args.rounds
                    )
                    print(
                        f"{name:26} {clients:>7} | {f_rate:>12.0f} {a_rate:>11.0f} "
                        f"{e_rate:>8.0f} | {e_rate / f_rate:>5.2f} {e_rate / a_rate:>8.2f} | "
                        f"{f_cpu:>13.2f} {a_cpu:>11.2f} {e_cpu:>8.2f}",
                        flush=True,
                    )
        finally:
            emu.stop()
            for process in (floor_process, async_process):
                process.terminate()
                process.wait()


if __name__ == "__main__":
    main()
