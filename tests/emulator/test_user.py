"""The caller and the service as the CLI reads them: /api/user, default org, /api/capabilities."""

from __future__ import annotations

import requests

from devtools.emulator import Emulator
from tests.emulator.helpers import ok
from tests.support import unique


def test_admin_token_is_the_emulator_user_admin_of_its_orgs(emulator: Emulator) -> None:
    user = ok(emulator.request("GET", "/api/user"), 200)
    assert user["githubLogin"] == "emulator-admin"
    mine = {"name": emulator.org, "githubLogin": emulator.org, "avatarUrl": "", "role": "admin"}
    assert mine in user["organizations"]
    assert "tokenInfo" not in user
    default = ok(emulator.request("GET", "/api/user/organizations/default"), 200)
    assert default == {"GitHubLogin": emulator.org, "Messages": []}


def test_org_token_is_the_org_with_token_info(emulator: Emulator) -> None:
    name = unique("ci")
    created = ok(
        emulator.request("POST", f"/api/orgs/{emulator.org}/tokens", json={"name": name}), 200
    )
    user = ok(emulator.request("GET", "/api/user", token=created["tokenValue"]), 200)
    assert user["githubLogin"] == emulator.org
    assert [o["role"] for o in user["organizations"]] == ["member"]
    assert user["tokenInfo"] == {"name": name, "organization": emulator.org, "team": ""}
    default = emulator.request(
        "GET", "/api/user/organizations/default", token=created["tokenValue"]
    )
    assert ok(default, 200)["GitHubLogin"] == emulator.org


def test_user_needs_a_token(emulator: Emulator) -> None:
    assert ok(requests.get(emulator.url + "/api/user", timeout=10), 401) is not None
    assert emulator.request("GET", "/api/user", token="nope").status_code == 401


def test_capabilities_list_only_what_the_emulator_serves(emulator: Emulator) -> None:
    body = ok(emulator.request("GET", "/api/capabilities"), 200)
    assert isinstance(body["capabilities"], list)
    for entry in body["capabilities"]:
        assert entry["capability"]
