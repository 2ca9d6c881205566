"""GET/DELETE /_emulator/requests: method, path and status of every /api request and upload."""

from __future__ import annotations

from typing import Any

import requests

from devtools.emulator import Emulator
from tests.emulator.helpers import create_stack, publish_pack
from tests.support import unique


def log(emu: Emulator, since: int = 0) -> dict[str, Any]:
    got = emu.request("GET", f"/_emulator/requests?since={since}")
    assert got.status_code == 200, got.text
    result: dict[str, Any] = got.json()
    return result


def test_every_api_request_is_logged_with_its_status(emulator_factory) -> None:
    emu: Emulator = emulator_factory()
    stack = unique("s")
    create_stack(emu, "proj", stack)
    emu.request("GET", f"/api/stacks/{emu.org}/proj/nope")
    emu.set_faults(next_429=1)
    emu.request("GET", f"/api/stacks/{emu.org}/proj/{stack}")
    emu.request("GET", f"/api/stacks/{emu.org}/proj/{stack}")
    publish_pack(emu, unique("pack"), "1.0.0")
    got = log(emu)
    seen = [(r["method"], r["path"], r["status"]) for r in got["requests"]]
    assert seen[:4] == [
        ("POST", f"/api/stacks/{emu.org}/proj", 200),
        ("GET", f"/api/stacks/{emu.org}/proj/nope", 404),
        ("GET", f"/api/stacks/{emu.org}/proj/{stack}", 429),
        ("GET", f"/api/stacks/{emu.org}/proj/{stack}", 200),
    ]
    assert [r[0] for r in seen[4:]] == ["POST", "PUT", "POST"]  # create, upload, complete
    assert seen[5][1].startswith("/_emulator/uploads/")
    assert got["total"] == 7  # the admin calls (faults, this log) are not recorded
    counts = {(c["method"], c["path"], c["status"]): c["count"] for c in got["counts"]}
    assert counts[("GET", f"/api/stacks/{emu.org}/proj/{stack}", 200)] == 1
    # Only what came after a given entry; a clear starts the log and the counts afresh.
    assert [r["seq"] for r in log(emu, since=5)["requests"]] == [6, 7]
    assert emu.request("DELETE", "/_emulator/requests").status_code == 204
    emu.request("GET", f"/api/orgs/{emu.org}/policygroups")
    after = log(emu)
    assert [(r["method"], r["status"]) for r in after["requests"]] == [("GET", 200)]
    assert sum(c["count"] for c in after["counts"]) == 1


def test_request_log_needs_an_admin_token(emulator: Emulator) -> None:
    assert requests.get(emulator.url + "/_emulator/requests", timeout=10).status_code == 401
    created = emulator.request(
        "POST", f"/api/orgs/{emulator.org}/tokens", json={"name": unique("t"), "admin": True}
    )
    org_token = created.json()["tokenValue"]
    assert emulator.request("GET", "/_emulator/requests", token=org_token).status_code == 403
    assert emulator.request("DELETE", "/_emulator/requests", token=org_token).status_code == 403
