"""Emulator: OIDC issuers and their auth policies over real HTTP, OpenAPI-checked."""

from __future__ import annotations

from typing import Any

import requests

from devtools.emulator import Emulator
from tests.emulator.helpers import ok
from tests.emulator.openapi_check import check
from tests.support import unique


def issuers(emu: Emulator) -> str:
    return f"/api/orgs/{emu.org}/oidc/issuers"


def url() -> str:
    return f"https://{unique('idp')}.example.com"


def register(emu: Emulator, **body: Any) -> dict[str, Any]:
    body.setdefault("name", "idp")
    body.setdefault("url", url())
    created: dict[str, Any] = ok(emu.request("POST", issuers(emu), json=body), 200)
    return created


def error(resp: requests.Response, status: int) -> str:
    assert resp.status_code == status, resp.text
    check(resp)
    return str(resp.json()["message"])


def rule(decision: str, token_type: str, **fields: Any) -> dict[str, Any]:
    return {"decision": decision, "tokenType": token_type, "authorizedPermissions": [],
            "rules": {}, **fields}  # fmt: skip


def policy_of(emu: Emulator, issuer_id: str) -> dict[str, Any]:
    path = f"/api/orgs/{emu.org}/auth/policies/oidcissuers/{issuer_id}"
    found: dict[str, Any] = ok(emu.request("GET", path), 200)
    return found


def test_register_get_list_update_delete(emulator: Emulator) -> None:
    where = url()
    created = register(emulator, name="GitHub", url=where, maxExpiration=3600)
    assert (created["name"], created["url"], created["issuer"]) == ("GitHub", where, where)
    assert created["maxExpiration"] == 3600 and created["created"]
    # No thumbprints given: a deterministic stand-in (no outbound TLS), the same every time.
    (print_,) = created["thumbprints"]
    assert len(print_) in (40, 64) and int(print_, 16) >= 0
    path = f"{issuers(emulator)}/{created['id']}"
    assert ok(emulator.request("GET", path), 200) == created
    listed = ok(emulator.request("GET", issuers(emulator)), 200)["oidcIssuers"]
    assert created in listed
    patch = {"name": "GitHub Actions", "maxExpiration": 7200, "thumbprints": ["ab" * 20]}
    updated = ok(emulator.request("PATCH", path, json=patch), 200)
    assert (updated["name"], updated["maxExpiration"], updated["thumbprints"]) == (
        "GitHub Actions",
        7200,
        ["ab" * 20],
    )
    assert updated["url"] == where and updated["id"] == created["id"]
    regenerated = ok(emulator.request("POST", f"{path}/regenerate-thumbprints"), 200)
    assert regenerated["thumbprints"] == created["thumbprints"]
    resp = emulator.request("DELETE", path)
    assert resp.status_code == 204 and not resp.content
    error(emulator.request("GET", path), 404)
    error(emulator.request("DELETE", path), 404)
    error(emulator.request("PATCH", path, json={"name": "x"}), 404)
    error(
        emulator.request(
            "GET", f"/api/orgs/{emulator.org}/auth/policies/oidcissuers/{created['id']}"
        ),
        404,
    )


def test_validation(emulator: Emulator) -> None:
    base = issuers(emulator)
    for body in (
        {"url": url()},
        {"name": "", "url": url()},
        {"name": "x"},
        {"name": "x", "url": "http://insecure.example.com"},
        {"name": "x", "url": "not a url"},
        {"name": "x", "url": url(), "thumbprints": ["xyz"]},
        {"name": "x", "url": url(), "maxExpiration": 10 * 86400},
        {"name": "x", "url": url(), "jwks": {"nokeys": []}},
    ):
        error(emulator.request("POST", base, json=body), 400)
    where = url()
    first = register(emulator, url=where)
    assert "already" in error(emulator.request("POST", base, json={"name": "y", "url": where}), 409)
    path = f"{base}/{first['id']}"
    # An issuer's url cannot change: the field is ignored, as any field update does not know.
    moved = emulator.request("PATCH", path, json={"name": "z", "url": url(), "other": 1})
    assert moved.status_code == 200 and moved.json()["url"] == where, moved.text
    error(emulator.request("PATCH", path, json={"name": "z", "maxExpiration": -1}), 400)
    error(emulator.request("PATCH", path, json={"maxExpiration": 60}), 400)  # name is required


def test_static_jwks_cannot_regenerate(emulator: Emulator) -> None:
    created = register(emulator, jwks={"keys": []}, thumbprints=["cd" * 32])
    path = f"{issuers(emulator)}/{created['id']}/regenerate-thumbprints"
    assert "statically configured" in error(emulator.request("POST", path), 400)


def test_each_issuer_has_one_auth_policy(emulator: Emulator) -> None:
    issuer = register(emulator)
    policy = policy_of(emulator, issuer["id"])
    assert policy["policies"] == [] and policy["version"] == 1
    rules = {"aud": f"urn:pulumi:org:{emulator.org}", "sub": "repo:acme/*"}
    policies = [
        rule("allow", "organization", authorizedPermissions=["admin"], rules=rules),
        rule("deny", "team", teamName="platform"),
        rule("allow", "personal", userLogin="alice", rules=rules),
        rule("allow", "runner", runnerID="pool-1", rules=rules),
    ]
    path = f"/api/orgs/{emulator.org}/auth/policies/{policy['id']}"
    updated = ok(emulator.request("PATCH", path, json={"policies": policies}), 200)
    assert updated["id"] == policy["id"] and updated["version"] == 2
    assert updated["policies"] == policies
    assert policy_of(emulator, issuer["id"]) == updated
    # The list is replaced, not merged; an empty list clears it.
    cleared = ok(emulator.request("PATCH", path, json={"policies": []}), 200)
    assert cleared["policies"] == [] and cleared["version"] == 3
    # Another issuer has its own policy.
    other = policy_of(emulator, register(emulator)["id"])
    assert other["id"] != policy["id"]


def test_policy_validation(emulator: Emulator) -> None:
    policy = policy_of(emulator, register(emulator)["id"])
    path = f"/api/orgs/{emulator.org}/auth/policies/{policy['id']}"
    base = {
        "decision": "allow",
        "tokenType": "organization",
        "authorizedPermissions": [],
        "rules": {},
    }
    for bad in (
        {"decision": "maybe"},
        {"tokenType": "robot"},
        {"tokenType": "team"},  # teamName required
        {"tokenType": "personal"},  # userLogin required
        {"tokenType": "runner"},  # runnerID required
        {"authorizedPermissions": ["write"]},  # organization tokens: admin only
        {"rules": "sub=*"},
    ):
        error(emulator.request("PATCH", path, json={"policies": [{**base, **bad}]}), 400)
    error(emulator.request("PATCH", path, json={}), 400)
    error(emulator.request("PATCH", path, json={"policies": "all"}), 400)
    error(
        emulator.request(
            "PATCH", f"/api/orgs/{emulator.org}/auth/policies/nope", json={"policies": []}
        ),
        404,
    )


def test_auth_and_org_isolation(emulator: Emulator) -> None:
    issuer = register(emulator)
    path = f"{issuers(emulator)}/{issuer['id']}"
    error(requests.get(emulator.url + issuers(emulator), timeout=10), 401)
    error(emulator.request("GET", path, token=emulator.other_token), 403)
    other_path = f"/api/orgs/{emulator.other_org}/oidc/issuers/{issuer['id']}"
    error(emulator.request("GET", other_path, token=emulator.other_token), 404)
    # The same URL may be registered in another org.
    body = {"name": "idp", "url": issuer["url"]}
    other = emulator.request(
        "POST",
        f"/api/orgs/{emulator.other_org}/oidc/issuers",
        json=body,
        token=emulator.other_token,
    )
    ok(other, 200)


def test_issuer_and_policy_survive_a_restart(emulator_factory) -> None:  # type: ignore[no-untyped-def]
    emu: Emulator = emulator_factory()
    issuer = register(emu, name="durable")
    policy = policy_of(emu, issuer["id"])
    rule = {
        "decision": "allow",
        "tokenType": "organization",
        "authorizedPermissions": [],
        "rules": {"sub": "x"},
    }
    ok(
        emu.request(
            "PATCH", f"/api/orgs/{emu.org}/auth/policies/{policy['id']}", json={"policies": [rule]}
        ),
        200,
    )
    emu.restart(kill=True)
    assert ok(emu.request("GET", f"{issuers(emu)}/{issuer['id']}"), 200) == issuer
    assert policy_of(emu, issuer["id"])["policies"] == [rule]


def test_null_and_zero_max_expiration_are_not_given(emulator: Emulator) -> None:
    """Pulumi's Cloud SDK sends ``maxExpiration: 0`` and ``null`` fields for "not given"."""
    created = register(emulator, maxExpiration=0, jwks=None, thumbprints=None)
    assert "maxExpiration" not in created and created["thumbprints"]
    path = f"{issuers(emulator)}/{created['id']}"
    updated = emulator.request(
        "PATCH", path, json={"name": "renamed", "maxExpiration": 0, "jwks": None}
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["name"] == "renamed" and "maxExpiration" not in updated.json()
    limited = emulator.request("PATCH", path, json={"name": "renamed", "maxExpiration": 600})
    assert limited.json()["maxExpiration"] == 600
    kept = emulator.request("PATCH", path, json={"name": "renamed", "maxExpiration": 0})
    assert kept.json()["maxExpiration"] == 600
