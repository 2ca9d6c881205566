"""Emulator core: process lifecycle, auth, admin endpoints, faults, durability, concurrency."""

from __future__ import annotations

import json
import socket
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from devtools.emulator import Emulator
from tests.emulator.helpers import create_stack, ok
from tests.emulator.openapi_check import check
from tests.support import unique


def test_prints_url_and_stops_cleanly_on_sigterm(emulator_factory) -> None:
    emu = emulator_factory()
    assert emu.url.startswith("http://127.0.0.1:") and emu.port > 0
    ok(emu.request("GET", f"/api/orgs/{emu.org}/policygroups"), 200)
    assert emu.stop() == 0


def test_missing_or_invalid_token_is_401(emulator: Emulator) -> None:
    path = f"/api/orgs/{emulator.org}/policygroups"
    no_auth = requests.get(emulator.url + path, timeout=10)
    assert no_auth.status_code == 401
    check(no_auth)
    bad = emulator.request("GET", path, token="nope")
    assert bad.status_code == 401
    assert bad.json()["code"] == 401


def test_token_of_another_org_is_403_and_unknown_org_404(emulator: Emulator) -> None:
    create_stack(emulator, "p", stack := unique("s"))
    other = emulator.request(
        "GET", f"/api/stacks/{emulator.org}/p/{stack}", token=emulator.other_token
    )
    assert other.status_code == 403
    check(other)
    assert emulator.request("GET", "/api/orgs/no-such-org/policygroups").status_code == 404


def test_admin_endpoints_need_an_admin_token(emulator: Emulator) -> None:
    r = requests.get(emulator.url + "/_emulator/state", timeout=10)
    assert r.status_code == 401
    state = emulator.state()
    assert emulator.org in state["orgs"] and emulator.other_org in state["orgs"]
    assert "default-policy-group" in state["orgs"][emulator.org]["policygroup"]
    bad = emulator.request("PUT", "/_emulator/faults", json={"no_such_fault": 1})
    assert bad.status_code == 400 and "no_such_fault" in bad.json()["message"]


def test_injected_429_carries_retry_after_and_does_not_touch_state(emulator: Emulator) -> None:
    emulator.set_faults(next_429=2, retry_after_s=3)
    stack = unique("s")
    for _ in range(2):
        r = emulator.request("POST", f"/api/stacks/{emulator.org}/p", json={"stackName": stack})
        assert r.status_code == 429
        assert r.headers["Retry-After"] == "3"
        assert r.json() == {"code": 429, "message": r.json()["message"]}
    assert emulator.request("GET", f"/api/stacks/{emulator.org}/p/{stack}").status_code == 404
    create_stack(emulator, "p", stack)
    assert emulator.faults()["injected"]["429"] >= 2


def test_injected_5xx_then_recovery(emulator: Emulator) -> None:
    emulator.set_faults(next_5xx=1, status_5xx=502)
    path = f"/api/orgs/{emulator.org}/policygroups"
    r = emulator.request("GET", path)
    assert r.status_code == 502 and r.json()["code"] == 502
    ok(emulator.request("GET", path), 200)


def test_faults_do_not_apply_outside_api(emulator: Emulator) -> None:
    emulator.set_faults(rate_5xx=1.0)
    assert emulator.state()["orgs"]  # /_emulator still answers
    assert emulator.request("GET", f"/api/orgs/{emulator.org}/policygroups").status_code == 503


def test_latency_is_injected(emulator: Emulator) -> None:
    emulator.set_faults(latency_ms=300)
    start = time.monotonic()
    ok(emulator.request("GET", f"/api/orgs/{emulator.org}/policygroups"), 200)
    assert time.monotonic() - start >= 0.3


def test_rate_limit_per_token(emulator: Emulator) -> None:
    emulator.set_faults(rate_limit_per_token=2)
    path = f"/api/orgs/{emulator.org}/policygroups"
    codes = [emulator.request("GET", path).status_code for _ in range(6)]
    assert 429 in codes and codes[0] == 200
    limited = next(r for r in [emulator.request("GET", path)] if r.status_code == 429)
    assert int(limited.headers["Retry-After"]) >= 1
    # Another token has its own bucket.
    r = emulator.request(
        "GET", f"/api/orgs/{emulator.other_org}/policygroups", token=emulator.other_token
    )
    assert r.status_code == 200


def test_drop_after_commit_commits_then_closes_the_connection(emulator: Emulator) -> None:
    emulator.set_faults(next_drop=1)
    stack = unique("s")
    with pytest.raises(requests.ConnectionError):
        requests.post(
            f"{emulator.url}/api/stacks/{emulator.org}/p",
            json={"stackName": stack},
            headers=emulator.headers(),
            timeout=10,
        )
    got = ok(emulator.request("GET", f"/api/stacks/{emulator.org}/p/{stack}"), 200)
    assert got["stackName"] == stack
    assert emulator.faults()["injected"]["drop"] >= 1


def test_drop_sends_no_bytes_at_all(emulator: Emulator) -> None:
    emulator.set_faults(next_drop=1)
    stack = unique("s")
    body = json.dumps({"stackName": stack}).encode()
    host, port = emulator.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            f"POST /api/stacks/{emulator.org}/p HTTP/1.1\r\nHost: x\r\n"
            f"Authorization: token {emulator.token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        try:
            received = sock.recv(65536)
        except ConnectionResetError:
            received = b""
    assert received == b""
    ok(emulator.request("GET", f"/api/stacks/{emulator.org}/p/{stack}"), 200)


def test_drop_applies_to_writes_only(emulator: Emulator) -> None:
    emulator.set_faults(next_drop=1)
    ok(emulator.request("GET", f"/api/orgs/{emulator.org}/policygroups"), 200)
    assert emulator.faults()["next_drop"] == 1


@pytest.mark.parametrize("kill", [False, True], ids=["sigterm", "sigkill"])
def test_state_survives_restart(emulator_factory, kill: bool) -> None:
    emu = emulator_factory()
    create_stack(emu, "p", "dev")
    ok(emu.request("POST", f"/api/orgs/{emu.org}/policygroups", json={"name": "g"}), 204)
    ok(
        emu.request(
            "PATCH",
            f"/api/orgs/{emu.org}/policygroups/g",
            json={"addStack": {"name": "dev", "routingProject": "p"}},
        ),
        204,
    )
    emu.restart(kill=kill)
    got = ok(emu.request("GET", f"/api/orgs/{emu.org}/policygroups/g"), 200)
    assert got["stacks"] == [{"name": "dev", "routingProject": "p"}]
    ok(emu.request("GET", f"/api/stacks/{emu.org}/p/dev"), 200)


def test_file_of_an_earlier_emulator_gets_its_stack_indexes(emulator_factory) -> None:
    emu = emulator_factory()
    for project, stack in [("p", "dev"), ("p", "prod"), ("q", "dev")]:
        create_stack(emu, project, stack)
    ok(
        emu.request(
            "POST", f"/api/stacks/{emu.org}/p/dev/tags", json={"name": "team", "value": "web"}
        ),
        204,
    )
    page = f"/api/user/stacks?organization={emu.org}&project=p"
    ids = {s["stackName"]: s["id"] for s in ok(emu.request("GET", page), 200)["stacks"]}
    emu.stop()
    with sqlite3.connect(emu.db) as db:  # the layout before the stack id and tag indexes
        db.execute("DROP TABLE stack_ids")
        db.execute("DROP TABLE stack_tags")
    emu.start()
    listed = ok(emu.request("GET", page), 200)["stacks"]
    assert {s["stackName"]: s["id"] for s in listed} == ids
    assert len(ids) == 2
    by_tag = f"/api/user/stacks?organization={emu.org}&tagName=team"
    tagged = ok(emu.request("GET", by_tag), 200)
    assert [(s["projectName"], s["stackName"]) for s in tagged["stacks"]] == [("p", "dev")]


def test_cli_seeds_stacks_and_tags(emulator_factory) -> None:
    emu = emulator_factory(
        extra_args=["--stack", "acme/web/prod", "--stack-tag", "acme/web/prod=team=platform"]
    )
    got = ok(emu.request("GET", f"/api/stacks/{emu.org}/web/prod"), 200)
    assert got["tags"] == {"team": "platform"}


def test_concurrent_creates_are_all_committed(emulator: Emulator) -> None:
    names = [unique("c") for _ in range(24)]

    def make(name: str) -> int:
        return requests.post(
            f"{emulator.url}/api/stacks/{emulator.org}/conc",
            json={"stackName": name},
            headers=emulator.headers(),
            timeout=15,
        ).status_code

    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(make, names)) == {200}
    stacks = emulator.state()["orgs"][emulator.org]["stack"]
    assert all(f"conc/{n}" in stacks for n in names)
