"""Walk every /api endpoint of the stacks and policy routers; validate each response body against
the OpenAPI document. The walk must cover every such route the emulator serves."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from fastapi.routing import APIRoute

from devtools.emulator import Emulator
from pulumi_governance.emulator.policy_groups import routes as policy_groups
from pulumi_governance.emulator.policy_packs import routes as policy_packs
from pulumi_governance.emulator.policy_results import routes as policy_results
from pulumi_governance.emulator.stacks import routes as stacks
from tests.emulator.openapi_check import check, check_response
from tests.support import POLICIES

# Paths that exist only in the prose documents, and the operation whose response shape they share
# (None: no body to validate).
PROSE_ONLY: dict[tuple[str, str], str | None] = {
    ("GET", "/api/orgs/{orgName}/policypacks/{policyPackName}/latest"): "GetPolicyPack",
    ("POST", "/api/orgs/{orgName}/policypacks/{policyPackName}/latest"): None,
    ("GET", "/api/orgs/{orgName}/policyresults/violations"): None,
}


def served_api_routes() -> set[tuple[str, str]]:
    out = set()
    for module in (stacks, policy_packs, policy_groups, policy_results):
        for route in module.router.routes:
            if isinstance(route, APIRoute) and route.path.startswith("/api"):
                out |= {(m, route.path) for m in route.methods}
    return out


def test_every_endpoint_validates_against_openapi(emulator_factory) -> None:
    emu: Emulator = emulator_factory(page_size=2)
    org = emu.org
    covered: set[tuple[str, str]] = set()
    checked: list[str] = []

    def call(method: str, template: str, status: int, json: Any = None, **kw: Any) -> Any:
        path = template.format(
            orgName=org,
            projectName="proj",
            stackName=kw.pop("stack", "dev"),
            policyGroup=kw.pop("group", "grp"),
            policyPackName="pack",
            version=kw.pop("version", 1),
            tagName="team",
        )
        resp = emu.request(method, path, json=json, **kw)
        assert resp.status_code == status, f"{method} {path}: {resp.status_code} {resp.text}"
        if (method, template) in PROSE_ONLY:
            op = PROSE_ONLY[(method, template)]
            if op is not None:
                checked.append(check(resp, operation_id=op))
            else:
                assert resp.status_code == 204 or resp.json()
        else:
            checked.append(check(resp))
        covered.add((method, template))
        return resp.json() if resp.content else None

    s = "/api/stacks/{orgName}/{projectName}"
    st = s + "/{stackName}"
    pp = "/api/orgs/{orgName}/policypacks"
    pg = "/api/orgs/{orgName}/policygroups"

    # Stacks and tags.
    call("POST", s, 200, {"stackName": "dev", "tags": {"team": "a"}})
    call("POST", s, 200, {"stackName": "other"})
    call("POST", s, 200, {"stackName": "gone"})
    call("POST", s, 409, {"stackName": "dev"})
    call("GET", st, 200)
    call("GET", "/api/user/stacks", 200, params={"organization": org})
    call("POST", st + "/tags", 204, {"name": "env", "value": "prod"})
    call("PATCH", st + "/tags/{tagName}", 204, {"name": "team", "value": "b"})
    call("DELETE", st + "/tags/{tagName}", 204)
    call("PATCH", st + "/tags", 204, {"team": "c", "env": "prod"})
    call("DELETE", st, 204, stack="gone")
    call("GET", st, 404, stack="gone")

    # Policy packs.
    created = call("POST", pp, 201, {"name": "pack", "displayName": "Pack", "versionTag": "1.0.0",
                                     "policies": POLICIES})  # fmt: skip
    put = requests.put(
        created["uploadURI"], data=b"tgz", headers=created["requiredHeaders"], timeout=10
    )
    assert put.status_code == 200
    call("GET", pp + "/{policyPackName}/versions/{version}", 400)  # not complete yet
    call("POST", pp + "/{policyPackName}/versions/{version}/complete", 204)
    call(
        "POST",
        pp,
        400,
        {"name": "pack", "displayName": "", "versionTag": "1.0.0", "policies": POLICIES},
    )
    call("GET", pp, 200)
    call("GET", pp, 200, params={"policypack": "pack"})
    call("GET", pp + "/{policyPackName}/latest", 200)
    call("GET", pp + "/{policyPackName}/versions/{version}", 200)
    call("GET", pp + "/{policyPackName}/versions/{version}/schema", 200)
    call("POST", pp + "/{policyPackName}/latest", 204)

    # Policy groups.
    call("GET", pg, 200)
    call("POST", pg, 204, {"name": "grp", "entityType": "stacks", "mode": "audit"})
    call("POST", pg, 409, {"name": "grp", "entityType": "stacks"})
    ref = {"name": "dev", "routingProject": "proj"}
    pack_ref = {"name": "pack", "displayName": "Pack", "version": 1, "versionTag": "1.0.0",
                "config": {"tags-required": {"enforcementLevel": "mandatory"}}}  # fmt: skip
    call("PATCH", pg + "/{policyGroup}", 204, {"addStack": ref, "addPolicyPack": pack_ref})
    batch = [{"addStack": {"name": "other", "routingProject": "proj"}}, {"removeStack": ref}]
    call("PATCH", pg + "/{policyGroup}/batch", 204, batch)
    call("PATCH", pg + "/{policyGroup}", 204, {"stacks": [ref]})
    call("GET", pg + "/{policyGroup}", 200)
    call("GET", pg + "/metadata", 200)
    call("GET", st + "/policygroups", 200)
    call("GET", st + "/policypacks", 200)
    call("GET", st + "/policypacks", 200, params={"mode": "preventative"})
    call("DELETE", pp + "/{policyPackName}/versions/{version}", 409)
    call("DELETE", pp + "/{policyPackName}", 400)
    call("DELETE", pg + "/{policyGroup}", 204)
    call("DELETE", pg + "/{policyGroup}", 400, group="default-policy-group")
    unapply = {"name": "pack", "displayName": "", "version": 0, "versionTag": ""}
    call(
        "PATCH",
        pg + "/{policyGroup}",
        204,
        {"removePolicyPack": unapply},
        group="default-policy-group",
    )
    call("DELETE", pp + "/{policyPackName}/versions/{version}", 200)
    again = call(
        "POST",
        pp,
        201,
        {"name": "pack", "displayName": "", "versionTag": "2", "policies": POLICIES},
    )
    call("DELETE", pp + "/{policyPackName}", 200)
    assert again["version"] == 2

    # Violations.
    emu.seed_violations([{"policyName": f"p{i}"} for i in range(3)])
    first = call("GET", "/api/orgs/{orgName}/policyresults/violationsv2", 200)
    call("GET", "/api/orgs/{orgName}/policyresults/violationsv2", 200,
         params={"continuationToken": first["continuationToken"]})  # fmt: skip
    call("GET", "/api/orgs/{orgName}/policyresults/violations", 200)

    # Errors everywhere share one shape (validated by check()).
    call("GET", pg, 401, headers={"Authorization": "token wrong"})
    call("GET", pg, 403, token=emu.other_token)

    missing = served_api_routes() - covered
    assert not missing, f"routes never exercised: {sorted(missing)}"
    assert len(set(checked)) >= 20


def test_the_checker_rejects_bad_bodies() -> None:
    good = {"name": "g", "isOrgDefault": False, "entityType": "stacks", "mode": "audit",
            "numStacks": 0, "numEnabledPolicyPacks": 0}  # fmt: skip
    check_response("GET", "/api/orgs/o/policygroups", 200, {"policyGroups": [good]})
    for bad in ({**good, "invented": 1}, {**good, "mode": "strict"}, {"name": "g"}):
        with pytest.raises(AssertionError):
            check_response("GET", "/api/orgs/o/policygroups", 200, {"policyGroups": [bad]})
    with pytest.raises(AssertionError):  # 201 is not documented for ListPolicyGroups
        check_response("GET", "/api/orgs/o/policygroups", 201, {"policyGroups": []})
    with pytest.raises(AssertionError):  # error bodies need {"code", "message"}
        check_response("GET", "/api/orgs/o/policygroups", 404, {"error": "nope"})
