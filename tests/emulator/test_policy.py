"""Emulator policy API: packs (publish, complete, apply, delete), groups, stack views,
violations."""

from __future__ import annotations

import requests

from devtools.emulator import Emulator
from tests.emulator.helpers import create_stack, group, ok, publish_pack
from tests.support import POLICIES, unique


def _packs(emu: Emulator, name: str) -> list[dict]:
    body = ok(
        emu.request("GET", f"/api/orgs/{emu.org}/policypacks", params={"policypack": name}), 200
    )
    return body["policyPacks"]


def test_publish_lifecycle_and_visibility(emulator: Emulator) -> None:
    name = unique("pack")
    v1 = publish_pack(emulator, name, "1.0.0", complete=False)
    base = f"/api/orgs/{emulator.org}/policypacks/{name}"
    # Pending: not listed, not readable, and completing it twice fails.
    assert _packs(emulator, name) == []
    assert emulator.request("GET", f"{base}/versions/{v1}").status_code == 400
    ok(emulator.request("POST", f"{base}/versions/{v1}/complete"), 204)
    assert emulator.request("POST", f"{base}/versions/{v1}/complete").status_code == 400
    v2 = publish_pack(emulator, name, "1.1.0")
    assert v2 == v1 + 1
    [pack] = _packs(emulator, name)
    assert pack["versions"] == [v2, v1] and pack["versionTags"] == ["1.1.0", "1.0.0"]
    got = ok(emulator.request("GET", f"{base}/versions/{v1}"), 200)
    assert got["versionTag"] == "1.0.0" and got["applied"] is False
    assert [p["name"] for p in got["policies"]] == [p["name"] for p in POLICIES]
    latest = ok(emulator.request("GET", f"{base}/latest"), 200, operation_id="GetPolicyPack")
    assert latest["version"] == v2
    schema = ok(emulator.request("GET", f"{base}/versions/{v2}/schema"), 200)
    assert set(schema["configSchema"]) == {"no-public-buckets"}
    assert emulator.request("GET", f"{base}/versions/999").status_code == 404
    assert (
        emulator.request("GET", f"/api/orgs/{emulator.org}/policypacks/nope/latest").status_code
        == 404
    )


def test_version_tags_are_immutable_and_input_is_validated(emulator: Emulator) -> None:
    name = unique("pack")
    publish_pack(emulator, name, "1.0.0")
    url = f"/api/orgs/{emulator.org}/policypacks"
    again = emulator.request(
        "POST",
        url,
        json={"name": name, "displayName": "", "versionTag": "1.0.0", "policies": POLICIES},
    )
    assert again.status_code == 400
    no_policies = emulator.request(
        "POST", url, json={"name": name, "displayName": "", "versionTag": "2", "policies": []}
    )
    assert no_policies.status_code == 400
    bad_level = [{**POLICIES[0], "enforcementLevel": "fatal"}]
    r = emulator.request(
        "POST",
        url,
        json={"name": name, "displayName": "", "versionTag": "3", "policies": bad_level},
    )
    assert r.status_code == 400 and "enforcementLevel" in r.json()["message"]


def test_upload_requires_the_required_headers(emulator: Emulator) -> None:
    name = unique("pack")
    created = ok(
        emulator.request(
            "POST",
            f"/api/orgs/{emulator.org}/policypacks",
            json={"name": name, "displayName": "", "versionTag": "1", "policies": POLICIES},
        ),
        201,
    )
    assert requests.put(created["uploadURI"], data=b"x", timeout=10).status_code == 403
    complete = f"/api/orgs/{emulator.org}/policypacks/{name}/versions/{created['version']}/complete"
    assert emulator.request("POST", complete).status_code == 400  # nothing uploaded yet


def test_apply_to_default_group_and_delete_rules(emulator: Emulator) -> None:
    name = unique("pack")
    v1 = publish_pack(emulator, name, "1.0.0")
    base = f"/api/orgs/{emulator.org}/policypacks/{name}"
    # Prose-only endpoint (no OpenAPI operation): 204 and no body.
    applied_resp = emulator.request("POST", f"{base}/latest")
    assert applied_resp.status_code == 204 and applied_resp.content == b""
    applied = [
        p
        for p in group(emulator, "default-policy-group")["appliedPolicyPacks"]
        if p["name"] == name
    ]
    assert [(p["version"], p["versionTag"]) for p in applied] == [(v1, "1.0.0")]
    assert ok(emulator.request("GET", f"{base}/versions/{v1}"), 200)["applied"] is True
    assert emulator.request("DELETE", f"{base}/versions/{v1}").status_code == 409
    assert emulator.request("DELETE", base).status_code == 400
    ok(
        emulator.request(
            "PATCH",
            f"/api/orgs/{emulator.org}/policygroups/default-policy-group",
            json={
                "removePolicyPack": {
                    "name": name,
                    "displayName": "",
                    "version": v1,
                    "versionTag": "1.0.0",
                }
            },
        ),
        204,
    )
    ok(emulator.request("DELETE", f"{base}/versions/{v1}"), 200)
    assert emulator.request("DELETE", f"{base}/versions/{v1}").status_code == 404
    publish_pack(emulator, name, "2.0.0")
    ok(emulator.request("DELETE", base), 200)
    assert _packs(emulator, name) == []
    assert emulator.request("DELETE", base).status_code == 404


def test_policy_group_crud_and_membership(emulator: Emulator) -> None:
    org = emulator.org
    g = unique("grp")
    stack = unique("s")
    create_stack(emulator, "proj", stack)
    pack = unique("pack")
    v = publish_pack(emulator, pack, "1.0.0")
    ok(
        emulator.request(
            "POST", f"/api/orgs/{org}/policygroups", json={"name": g, "entityType": "stacks"}
        ),
        204,
    )
    assert (
        emulator.request(
            "POST", f"/api/orgs/{org}/policygroups", json={"name": g, "entityType": "stacks"}
        ).status_code
        == 409
    )
    assert (
        emulator.request(
            "POST", f"/api/orgs/{org}/policygroups", json={"name": "x", "entityType": "planets"}
        ).status_code
        == 400
    )
    url = f"/api/orgs/{org}/policygroups/{g}"
    ref = {"name": stack, "routingProject": "proj"}
    config = {"no-public-buckets": {"enforcementLevel": "advisory", "allowed": ["a"]}}
    ok(
        emulator.request(
            "PATCH",
            url,
            json={
                "addStack": ref,
                "addPolicyPack": {
                    "name": pack,
                    "displayName": "",
                    "version": v,
                    "versionTag": "1.0.0",
                    "config": config,
                },
            },
        ),
        204,
    )
    got = group(emulator, g)
    assert got["stacks"] == [ref]
    assert got["appliedPolicyPacks"][0]["config"] == config
    # Unknown stack, unknown pack version, config violating the policy's schema, unknown field.
    for body, status in [
        ({"addStack": {"name": "nope", "routingProject": "proj"}}, 404),
        (
            {"addPolicyPack": {"name": pack, "displayName": "", "version": 99, "versionTag": ""}},
            404,
        ),
        (
            {
                "addPolicyPack": {
                    "name": pack,
                    "displayName": "",
                    "version": v,
                    "versionTag": "1.0.0",
                    "config": {"no-public-buckets": {"allowed": "not-a-list"}},
                }
            },
            400,
        ),
        ({"stackMatchRule": {"literal": True}}, 400),
    ]:
        r = emulator.request("PATCH", url, json=body)
        assert r.status_code == status, (body, r.text)
    assert group(emulator, g)["appliedPolicyPacks"][0]["config"] == config  # unchanged

    # Stack views.
    groups = ok(emulator.request("GET", f"/api/stacks/{org}/proj/{stack}/policygroups"), 200)
    assert {x["name"] for x in groups["policyGroups"]} == {g, "default-policy-group"}
    packs = ok(emulator.request("GET", f"/api/stacks/{org}/proj/{stack}/policypacks"), 200)
    [req] = [p for p in packs["requiredPolicies"] if p["name"] == pack]
    assert req["version"] == v and req["config"] == config
    assert requests.get(req["packLocation"], timeout=10).content == b"tarball:" + pack.encode()
    audit = ok(
        emulator.request(
            "GET", f"/api/stacks/{org}/proj/{stack}/policypacks", params={"mode": "audit"}
        ),
        200,
    )
    assert audit.get("requiredPolicies", []) == []
    assert (
        emulator.request(
            "GET", f"/api/stacks/{org}/proj/{stack}/policypacks", params={"mode": "x"}
        ).status_code
        == 400
    )

    # Full-list replacement, rename, delete.
    ok(emulator.request("PATCH", url, json={"stacks": [], "policyPacks": []}), 204)
    assert group(emulator, g)["stacks"] == [] and group(emulator, g)["appliedPolicyPacks"] == []
    ok(emulator.request("PATCH", url, json={"newName": g + "-r"}), 204)
    assert emulator.request("GET", url).status_code == 404
    ok(emulator.request("DELETE", url + "-r"), 204)
    assert emulator.request("DELETE", url + "-r").status_code == 404
    assert (
        emulator.request("DELETE", f"/api/orgs/{org}/policygroups/default-policy-group").status_code
        == 400
    )
    names = [
        x["name"]
        for x in ok(emulator.request("GET", f"/api/orgs/{org}/policygroups"), 200)["policyGroups"]
    ]
    assert "default-policy-group" in names and g not in names


def test_batch_applies_all_adds_before_all_removes(emulator: Emulator) -> None:
    org = emulator.org
    g = unique("grp")
    a, b = unique("s"), unique("s")
    create_stack(emulator, "proj", a)
    create_stack(emulator, "proj", b)
    ok(
        emulator.request(
            "POST", f"/api/orgs/{org}/policygroups", json={"name": g, "entityType": "stacks"}
        ),
        204,
    )
    url = f"/api/orgs/{org}/policygroups/{g}/batch"
    ra, rb = {"name": a, "routingProject": "proj"}, {"name": b, "routingProject": "proj"}
    ok(emulator.request("PATCH", url, json=[{"addStack": ra}]), 204)
    # "remove a, then add a back, add b": adds run first, so a ends up removed.
    ok(
        emulator.request(
            "PATCH", url, json=[{"removeStack": ra}, {"addStack": ra}, {"addStack": rb}]
        ),
        204,
    )
    assert group(emulator, g)["stacks"] == [rb]
    # A failing operation rolls the whole batch back.
    bad = [{"removeStack": rb}, {"addStack": {"name": "nope", "routingProject": "proj"}}]
    assert emulator.request("PATCH", url, json=bad).status_code == 404
    assert group(emulator, g)["stacks"] == [rb]


def test_full_stack_list_keeps_members_in_place_and_appends_the_new(emulator: Emulator) -> None:
    g = unique("grp")
    a, b, c = (unique("s") for _ in range(3))
    for stack in (a, b, c):
        create_stack(emulator, "proj", stack)
    ok(emulator.request("POST", f"/api/orgs/{emulator.org}/policygroups", json={"name": g}), 204)
    url = f"/api/orgs/{emulator.org}/policygroups/{g}"
    ra, rb, rc = ({"name": s, "routingProject": "proj"} for s in (a, b, c))
    ok(emulator.request("PATCH", url, json={"stacks": [ra, rb]}), 204)
    assert group(emulator, g)["stacks"] == [ra, rb]
    # b stays where it was; c joins after it; a repeated entry counts once; a leaves.
    ok(emulator.request("PATCH", url, json={"stacks": [rc, rb, rc]}), 204)
    assert group(emulator, g)["stacks"] == [rb, rc]
    # A full list wins over an add and a remove in the same batch.
    batch = [{"addStack": ra}, {"removeStack": rb}, {"stacks": [rb]}]
    ok(emulator.request("PATCH", f"{url}/batch", json=batch), 204)
    assert group(emulator, g)["stacks"] == [rb]


def test_violations_pagination(emulator_factory) -> None:
    emu = emulator_factory(page_size=2)
    emu.seed_violations(
        [{"policyName": f"p{i}", "stackName": "dev", "stackVersion": i} for i in range(5)]
    )
    url = f"/api/orgs/{emu.org}/policyresults/violationsv2"
    seen, token = [], None
    while True:
        body = ok(
            emu.request("GET", url, params={"continuationToken": token} if token else {}), 200
        )
        seen += [v["policyName"] for v in body["policyViolations"]]
        token = body.get("continuationToken")
        if not token:
            break
    assert seen == [f"p{i}" for i in range(5)]
    prose = emu.request("GET", f"/api/orgs/{emu.org}/policyresults/violations")
    assert prose.status_code == 200
    assert prose.json()["policyViolations"][1]["updateVersion"] == 1
    other = emu.request("GET", url, token=emu.other_token)
    assert other.status_code == 403
