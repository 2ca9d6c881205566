"""Emulator stacks API: create/get/delete, list with filters and pagination, tags."""

from __future__ import annotations

from devtools.emulator import Emulator
from tests.emulator.helpers import create_stack, ok
from tests.support import unique


def test_create_get_delete(emulator: Emulator) -> None:
    stack = unique("s")
    org = emulator.org
    ok(
        emulator.request(
            "POST", f"/api/stacks/{org}/proj", json={"stackName": stack, "tags": {"a": "1"}}
        ),
        200,
    )
    got = ok(emulator.request("GET", f"/api/stacks/{org}/proj/{stack}"), 200)
    assert (got["orgName"], got["projectName"], got["stackName"]) == (org, "proj", stack)
    assert got["tags"] == {"a": "1"}
    dup = emulator.request("POST", f"/api/stacks/{org}/proj", json={"stackName": stack})
    assert dup.status_code == 409
    ok(emulator.request("DELETE", f"/api/stacks/{org}/proj/{stack}"), 204)
    assert emulator.request("GET", f"/api/stacks/{org}/proj/{stack}").status_code == 404
    assert emulator.request("DELETE", f"/api/stacks/{org}/proj/{stack}").status_code == 404


def test_create_validates_input(emulator: Emulator) -> None:
    org = emulator.org
    for body in ({}, {"stackName": "bad name"}, {"stackName": 5}, {"stackName": ""}):
        r = emulator.request("POST", f"/api/stacks/{org}/proj", json=body)
        assert r.status_code == 400, body
        assert r.json()["code"] == 400


def test_new_stack_joins_default_policy_group_and_leaves_on_delete(emulator: Emulator) -> None:
    stack = unique("s")
    create_stack(emulator, "proj", stack)
    ref = {"name": stack, "routingProject": "proj"}
    default = ok(
        emulator.request("GET", f"/api/orgs/{emulator.org}/policygroups/default-policy-group"), 200
    )
    assert ref in default["stacks"]
    ok(emulator.request("DELETE", f"/api/stacks/{emulator.org}/proj/{stack}"), 204)
    default = ok(
        emulator.request("GET", f"/api/orgs/{emulator.org}/policygroups/default-policy-group"), 200
    )
    assert ref not in default["stacks"]


def test_list_paginates_and_filters(emulator_factory) -> None:
    emu = emulator_factory(page_size=3)
    for i in range(7):
        create_stack(emu, "alpha" if i % 2 else "beta", f"s{i}")
    ok(
        emu.request(
            "POST",
            f"/api/stacks/{emu.other_org}/p",
            json={"stackName": "hidden"},
            token=emu.other_token,
        ),
        200,
    )
    ok(
        emu.request(
            "POST", f"/api/stacks/{emu.org}/alpha/s1/tags", json={"name": "env", "value": "prod"}
        ),
        204,
    )
    ok(
        emu.request(
            "POST", f"/api/stacks/{emu.org}/beta/s2/tags", json={"name": "env", "value": "dev"}
        ),
        204,
    )

    seen, token, pages = [], None, 0
    while True:
        params = {"organization": emu.org}
        if token:
            params["continuationToken"] = token
        body = ok(emu.request("GET", "/api/user/stacks", params=params), 200)
        pages += 1
        seen += [(s["projectName"], s["stackName"]) for s in body["stacks"]]
        assert len(body["stacks"]) <= 3
        token = body.get("continuationToken")
        if not token:
            break
    assert pages == 3
    assert sorted(seen) == sorted(("alpha" if i % 2 else "beta", f"s{i}") for i in range(7))
    assert len(set(seen)) == 7

    # The admin of acme does not see globex's stacks, even without an organization filter.
    all_acme = ok(emu.request("GET", "/api/user/stacks", params={"maxResults": 100}), 200)
    assert all(s["orgName"] == emu.org for s in all_acme["stacks"])

    alpha = ok(emu.request("GET", "/api/user/stacks", params={"project": "alpha"}), 200)
    assert {s["stackName"] for s in alpha["stacks"]} == {"s1", "s3", "s5"}
    tagged = ok(emu.request("GET", "/api/user/stacks", params={"tagName": "env"}), 200)
    assert {s["stackName"] for s in tagged["stacks"]} == {"s1", "s2"}
    prod = ok(
        emu.request("GET", "/api/user/stacks", params={"tagName": "env", "tagValue": "prod"}), 200
    )
    assert [s["stackName"] for s in prod["stacks"]] == ["s1"]
    bad = emu.request("GET", "/api/user/stacks", params={"continuationToken": "!!garbage"})
    assert bad.status_code == 400


def test_tags_add_update_delete_replace(emulator: Emulator) -> None:
    stack = unique("s")
    create_stack(emulator, "proj", stack)
    base = f"/api/stacks/{emulator.org}/proj/{stack}"

    def tags() -> dict[str, str]:
        return ok(emulator.request("GET", base), 200)["tags"]

    ok(emulator.request("POST", base + "/tags", json={"name": "team", "value": "a"}), 204)
    ok(emulator.request("POST", base + "/tags", json={"name": "team", "value": "b"}), 400)
    ok(emulator.request("POST", base + "/tags", json={"name": "bad name!", "value": "b"}), 400)
    ok(emulator.request("PATCH", base + "/tags/team", json={"name": "team", "value": "b"}), 204)
    assert tags() == {"team": "b"}
    ok(emulator.request("PATCH", base + "/tags/nope", json={"name": "nope", "value": "x"}), 404)
    ok(emulator.request("PATCH", base + "/tags", json={"x": "1", "y": "2"}), 204)
    assert tags() == {"x": "1", "y": "2"}
    ok(emulator.request("DELETE", base + "/tags/x"), 204)
    assert tags() == {"y": "2"}
    assert emulator.request("DELETE", base + "/tags/x").status_code == 404
    assert emulator.request("DELETE", base + "/tags/pulumi:project").status_code == 400
    missing = emulator.request(
        "POST", f"/api/stacks/{emulator.org}/proj/nope/tags", json={"name": "a", "value": "b"}
    )
    assert missing.status_code == 404
