"""Emulator: organization access tokens over real HTTP (raw requests, OpenAPI-checked bodies)."""

from __future__ import annotations

import time
from typing import Any

import requests

from devtools.emulator import Emulator
from tests.emulator.helpers import ok
from tests.emulator.openapi_check import check
from tests.support import unique


def tokens_path(emu: Emulator) -> str:
    return f"/api/orgs/{emu.org}/tokens"


def create(emu: Emulator, name: str, **body: Any) -> dict[str, Any]:
    body = {"name": name, "description": "", "expires": 0, "admin": False, **body}
    created: dict[str, Any] = ok(emu.request("POST", tokens_path(emu), json=body), 200)
    return created


def listed(emu: Emulator, query: str = "", token: str | None = None) -> list[dict[str, Any]]:
    kw = {"token": token} if token else {}
    body = ok(emu.request("GET", tokens_path(emu) + query, **kw), 200)
    return list(body["tokens"])


def error(resp: Any, status: int) -> str:
    assert resp.status_code == status, resp.text
    check(resp)
    return str(resp.json()["message"])


def test_create_returns_value_once_and_list_shows_metadata(emulator: Emulator) -> None:
    name = unique("ci")
    created = create(emulator, name, description="deploys from CI")
    assert created["tokenValue"].startswith("pul-") and created["id"]
    (found,) = [t for t in listed(emulator) if t["id"] == created["id"]]
    assert found["name"] == name and found["description"] == "deploys from CI"
    assert found["expires"] == 0 and found["type"] == "organization"
    assert "tokenValue" not in found and created["tokenValue"] not in str(listed(emulator))


def test_created_token_authenticates_for_its_org_until_deleted(emulator: Emulator) -> None:
    created = create(emulator, unique("member"))
    value = created["tokenValue"]
    ok(emulator.request("GET", f"/api/orgs/{emulator.org}/policygroups", token=value), 200)
    other = emulator.request("GET", f"/api/orgs/{emulator.other_org}/policygroups", token=value)
    error(other, 403)
    # A non-admin org token may not manage tokens; an admin one may.
    error(emulator.request("GET", tokens_path(emulator), token=value), 403)
    admin = create(emulator, unique("admin"), admin=True)
    assert any(t["id"] == created["id"] for t in listed(emulator, token=admin["tokenValue"]))
    resp = emulator.request("DELETE", f"{tokens_path(emulator)}/{created['id']}")
    assert resp.status_code == 204 and not resp.content
    check(resp)
    gone = emulator.request("GET", f"/api/orgs/{emulator.org}/policygroups", token=value)
    error(gone, 401)
    error(emulator.request("DELETE", f"{tokens_path(emulator)}/{created['id']}"), 404)


def test_token_stops_working_when_it_expires(emulator: Emulator) -> None:
    created = create(emulator, unique("short"), expires=int(time.time()) + 2)
    path = f"/api/orgs/{emulator.org}/policygroups"
    ok(emulator.request("GET", path, token=created["tokenValue"]), 200)
    time.sleep(3)
    error(emulator.request("GET", path, token=created["tokenValue"]), 401)
    ids = lambda q: {t["id"] for t in listed(emulator, q)}  # noqa: E731
    assert created["id"] not in ids("")
    assert created["id"] in ids("?filter=expired")
    assert created["id"] in ids("?filter=all")
    assert created["id"] in ids("?show_expired=true")  # the prose documents' parameter
    error(emulator.request("GET", tokens_path(emulator) + "?filter=nonsense"), 400)


def test_names_unique_forever_and_at_most_40_characters(emulator: Emulator) -> None:
    name = unique("dup")
    first = create(emulator, name)
    taken = emulator.request("POST", tokens_path(emulator), json={"name": name, "expires": 0})
    assert "already exists" in error(taken, 409)
    ok(emulator.request("DELETE", f"{tokens_path(emulator)}/{first['id']}"), 204)
    again = emulator.request("POST", tokens_path(emulator), json={"name": name, "expires": 0})
    error(again, 409)
    create(emulator, unique("forty").ljust(40, "x"))  # exactly 40 is allowed
    long = emulator.request("POST", tokens_path(emulator), json={"name": "y" * 41})
    assert "40" in error(long, 400)
    error(emulator.request("POST", tokens_path(emulator), json={"name": ""}), 400)
    error(emulator.request("POST", tokens_path(emulator), json={"description": "x"}), 400)


def test_expiry_rules(emulator: Emulator) -> None:
    now = int(time.time())
    for expires in (now - 10, now + 2 * 366 * 86400 + 3600, -1, "soon", True):
        body = {"name": unique("exp"), "expires": expires}
        error(emulator.request("POST", tokens_path(emulator), json=body), 400)
    year = create(emulator, unique("year"), expires=now + 365 * 86400)
    (found,) = [t for t in listed(emulator) if t["id"] == year["id"]]
    assert found["expires"] == now + 365 * 86400


def test_auth_errors(emulator: Emulator) -> None:
    error(requests.get(emulator.url + tokens_path(emulator), timeout=10), 401)
    error(emulator.request("GET", tokens_path(emulator), token="not-a-token"), 401)
    error(emulator.request("GET", tokens_path(emulator), token=emulator.other_token), 403)
    error(emulator.request("GET", "/api/orgs/no-such-org/tokens"), 404)


def test_pagination(emulator_factory) -> None:  # type: ignore[no-untyped-def]
    emu: Emulator = emulator_factory(page_size=2)
    made = [create(emu, unique("p"))["id"] for _ in range(5)]
    seen: list[str] = []
    query = ""
    pages = 0
    while True:
        body = ok(emu.request("GET", tokens_path(emu) + query), 200)
        assert len(body["tokens"]) <= 2
        seen += [t["id"] for t in body["tokens"]]
        pages += 1
        if "continuationToken" not in body:
            break
        query = f"?continuationToken={body['continuationToken']}"
    assert seen == made and pages == 3
    big = ok(emu.request("GET", tokens_path(emu) + "?maxResults=1000"), 200)
    assert [t["id"] for t in big["tokens"]] == made and "continuationToken" not in big
    for bad in ("?maxResults=0", "?maxResults=1001", "?continuationToken=garbage"):
        error(emu.request("GET", tokens_path(emu) + bad), 400)


def test_tokens_and_their_names_survive_a_restart(emulator_factory) -> None:  # type: ignore[no-untyped-def]
    emu: Emulator = emulator_factory()
    name = unique("durable")
    created = create(emu, name)
    emu.restart(kill=True)
    ok(emu.request("GET", f"/api/orgs/{emu.org}/policygroups", token=created["tokenValue"]), 200)
    assert [t["name"] for t in listed(emu)] == [name]
    ok(emu.request("DELETE", f"{tokens_path(emu)}/{created['id']}"), 204)
    emu.restart()
    error(emu.request("POST", tokens_path(emu), json={"name": name}), 409)
