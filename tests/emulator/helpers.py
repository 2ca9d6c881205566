"""Small helpers for the emulator tests (raw HTTP, no client code)."""

from __future__ import annotations

from typing import Any

import requests

from devtools.emulator import Emulator
from tests.emulator.openapi_check import check
from tests.support import POLICIES


def ok(resp: requests.Response, status: int, operation_id: str | None = None) -> Any:
    """Assert the status, validate against the OpenAPI document, return the JSON body."""
    assert resp.status_code == status, f"{resp.request.method} {resp.url}: {resp.text}"
    check(resp, operation_id)
    return resp.json() if resp.content else None


def create_stack(emu: Emulator, project: str, stack: str, org: str | None = None) -> None:
    ok(
        emu.request("POST", f"/api/stacks/{org or emu.org}/{project}", json={"stackName": stack}),
        200,
    )


def publish_pack(
    emu: Emulator,
    name: str,
    tag: str,
    policies: list[dict[str, Any]] | None = None,
    complete: bool = True,
) -> int:
    body = {
        "name": name,
        "displayName": name.title(),
        "versionTag": tag,
        "policies": policies or POLICIES,
    }
    created = ok(emu.request("POST", f"/api/orgs/{emu.org}/policypacks", json=body), 201)
    put = requests.put(
        created["uploadURI"],
        data=b"tarball:" + name.encode(),
        headers=created["requiredHeaders"],
        timeout=10,
    )
    assert put.status_code == 200, put.text
    if complete:
        ok(
            emu.request(
                "POST",
                f"/api/orgs/{emu.org}/policypacks/{name}/versions/{created['version']}/complete",
            ),
            204,
        )
    return int(created["version"])


def group(emu: Emulator, name: str) -> dict[str, Any]:
    result: dict[str, Any] = ok(emu.request("GET", f"/api/orgs/{emu.org}/policygroups/{name}"), 200)
    return result
