"""The backend of ordinary stacks over raw HTTP: update protocol rules, secrets, required policies,
policy events, and the areas the emulator does not serve. (The CLI drives the same endpoints in
tests/engine/test_app_backend.py and test_app_stacks.py.)"""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

import requests

from devtools.emulator import Emulator
from tests.emulator.helpers import create_stack, ok, publish_pack
from tests.support import unique

DEPLOYMENT = {
    "version": 3,
    "deployment": {
        "manifest": {"time": "2026-01-01T00:00:00Z", "magic": "", "version": "v3.188.0"},
        "resources": [
            {"urn": "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s", "type": "pulumi:pulumi:Stack"}
        ],
    },
}


def _stack(emulator: Emulator) -> tuple[str, str]:
    stack = unique("s")
    create_stack(emulator, "app", stack)
    return f"/api/stacks/{emulator.org}/app/{stack}", stack


def _start(emulator: Emulator, base: str, kind: str = "update") -> tuple[str, str]:
    created = ok(emulator.request("POST", f"{base}/{kind}", json={"name": "app"}), 200)
    started = ok(
        emulator.request("POST", f"{base}/update/{created['updateID']}", json={"tags": {}}), 200
    )
    return created["updateID"], started["token"]


def _as_update(token: str) -> dict[str, str]:
    return {"Authorization": f"update-token {token}"}


def _post(url: str, token: str, body: Any, method: str = "POST") -> requests.Response:
    return requests.request(method, url, json=body, headers=_as_update(token), timeout=10)


def test_update_lifecycle_versions_the_stack_and_keeps_the_checkpoint(emulator: Emulator) -> None:
    base, _ = _stack(emulator)
    update_id, token = _start(emulator, base)
    url = f"{emulator.url}{base}/update/{update_id}"
    renewed = _post(f"{url}/renew_lease", token, {"duration": 120})
    assert renewed.status_code == 200 and renewed.json()["token"] == token
    packed = gzip.compress(
        json.dumps({"version": 3, **{"deployment": DEPLOYMENT["deployment"]}}).encode()
    )
    patched = requests.patch(
        f"{url}/checkpoint",
        data=packed,
        headers={**_as_update(token), "Content-Encoding": "gzip"},
        timeout=10,
    )
    assert patched.status_code == 204, patched.text
    events = [{"sequence": 1, "timestamp": 1, "summaryEvent": {"resourceChanges": {"create": 1}}}]
    assert _post(f"{url}/events/batch", token, {"events": events}).status_code == 204
    assert _post(f"{url}/complete", token, {"status": "succeeded"}).status_code == 204

    stack = ok(emulator.request("GET", base), 200)
    assert (stack["version"], stack["activeUpdate"]) == (1, update_id)
    exported = ok(emulator.request("GET", f"{base}/export"), 200)
    assert exported["deployment"]["resources"] == DEPLOYMENT["deployment"]["resources"]
    history = ok(emulator.request("GET", f"{base}/updates"), 200)["updates"]
    assert [(h["version"], h["kind"], h["result"]) for h in history] == [(1, "update", "succeeded")]
    assert history[0]["resourceChanges"] == {"create": 1}
    assert ok(emulator.request("GET", f"{base}/update/{update_id}"), 200)["status"] == "succeeded"
    # A finished update takes no more update-token calls; the stack with resources is not deleted.
    assert _post(f"{url}/complete", token, {"status": "failed"}).status_code == 409
    refused = emulator.request("DELETE", base)
    assert refused.status_code == 400
    assert refused.json()["message"] == "Bad Request: Stack still contains resources."
    assert emulator.request("DELETE", f"{base}?force=true").status_code == 204


def test_one_update_at_a_time_previews_never_lock(emulator: Emulator) -> None:
    base, _ = _stack(emulator)
    first, _ = _start(emulator, base)
    second = ok(emulator.request("POST", f"{base}/update", json={}), 200)["updateID"]
    conflict = emulator.request("POST", f"{base}/update/{second}", json={})
    assert conflict.status_code == 409 and "pulumi cancel" in conflict.json()["message"]
    preview_id, preview_token = _start(emulator, base, kind="preview")
    assert preview_token
    wrong = _post(f"{emulator.url}{base}/update/{first}/complete", preview_token, {"status": "x"})
    assert wrong.status_code == 401
    ok(emulator.request("POST", f"{base}/update/{first}/cancel"), 204)
    assert emulator.request("POST", f"{base}/update/{first}/cancel").status_code == 409
    ok(emulator.request("POST", f"{base}/update/{second}", json={}), 200)
    assert emulator.request("GET", f"{base}/update/{preview_id}").json()["status"] == "running"


def test_secrets_are_bound_to_their_stack(emulator: Emulator) -> None:
    base, _ = _stack(emulator)
    other, _ = _stack(emulator)
    plain = base64.b64encode(b"hunter2").decode()

    def call(path: str, body: dict[str, Any]) -> Any:
        # Bytes travel as base64 strings (what the CLI sends and reads: Go's []byte in JSON); the
        # OpenAPI document types them as arrays, so these answers are not checked against it.
        answer = emulator.request("POST", f"{base}/{path}", json=body)
        assert answer.status_code == 200, answer.text
        return answer.json()

    cipher = call("encrypt", {"plaintext": plain})["ciphertext"]
    assert b"hunter2" not in base64.b64decode(cipher)
    assert call("decrypt", {"ciphertext": cipher})["plaintext"] == plain
    assert call("batch-decrypt", {"ciphertexts": [cipher]})["plaintexts"] == {cipher: plain}
    (again,) = call("batch-encrypt", {"plaintexts": [plain]})["ciphertexts"]
    assert again != cipher and call("decrypt", {"ciphertext": again})["plaintext"] == plain
    refused = emulator.request("POST", f"{other}/decrypt", json={"ciphertext": cipher})
    assert refused.status_code == 400


def test_update_reply_carries_the_required_policies_of_the_stacks_groups(
    emulator: Emulator,
) -> None:
    base, stack = _stack(emulator)
    pack = unique("pack")
    publish_pack(emulator, pack, "1.0.0")
    latest = emulator.request("GET", f"/api/orgs/{emulator.org}/policypacks/{pack}/latest")
    policies = [p["name"] for p in latest.json()["policies"]]
    ref = {"name": stack, "routingProject": "app"}
    groups = f"/api/orgs/{emulator.org}/policygroups"
    for name, mode, level in (
        ("strict", "preventative", "mandatory"),
        ("watch", "audit", "mandatory"),
    ):
        group = unique(name)
        ok(emulator.request("POST", groups, json={"name": group, "mode": mode}), 204)
        change = {
            "addStack": ref,
            "addPolicyPack": {
                "name": pack,
                "versionTag": "1.0.0",
                "config": {"all": {"enforcementLevel": level}},
            },
        }
        ok(emulator.request("PATCH", f"{groups}/{group}", json=change), 204)
        reply = ok(emulator.request("POST", f"{base}/preview", json={}), 200)
        (required,) = reply["requiredPolicies"]
        assert required["versionTag"] == "1.0.0"
        assert (
            requests.get(required["packLocation"], timeout=10).content
            == b"tarball:" + pack.encode()
        )
        # The preventative group's mandatory level wins over the audit group's (made advisory).
        assert {p: c["enforcementLevel"] for p, c in required["config"].items()} == {
            p: "mandatory" for p in policies
        }
    other, _ = _stack(emulator)
    assert "requiredPolicies" not in ok(emulator.request("POST", f"{other}/preview", json={}), 200)


def test_policy_events_become_violations(emulator: Emulator) -> None:
    base, stack = _stack(emulator)
    update_id, token = _start(emulator, base, kind="preview")
    event = {
        "sequence": 3,
        "timestamp": 1,
        "policyEvent": {
            "resourceUrn": f"urn:pulumi:{stack}::app::aws:s3/bucket:Bucket::logs",
            "message": "<{%reset%}>missing tags<{%reset%}>",
            "color": "raw",
            "policyName": "required-tags",
            "policyPackName": "baseline",
            "policyPackVersion": "1",
            "policyPackVersionTag": "1.0.0",
            "enforcementLevel": "mandatory",
        },
    }
    url = f"{emulator.url}{base}/update/{update_id}/events/batch"
    for _ in range(2):  # reported twice (an up's preview and update): one violation
        assert _post(url, token, {"events": [event]}).status_code == 204
    found = [
        v
        for v in ok(
            emulator.request("GET", f"/api/orgs/{emulator.org}/policyresults/violationsv2"), 200
        )["policyViolations"]
        if v["stackName"] == stack
    ]
    assert len(found) == 1
    assert found[0]["message"] == "missing tags"
    assert (found[0]["resourceType"], found[0]["resourceName"]) == ("aws:s3/bucket:Bucket", "logs")
    assert (found[0]["level"], found[0]["policyPack"]) == ("mandatory", "baseline")


def test_out_of_scope_areas_answer_501(emulator: Emulator) -> None:
    base, _ = _stack(emulator)
    for method, path in (
        ("POST", f"{base}/deployments"),
        ("GET", f"/api/esc/environments/{emulator.org}"),
        ("GET", f"/api/preview/insights/{emulator.org}/accounts"),
        ("POST", f"{base}/rename"),
        ("POST", f"/api/orgs/{emulator.org}/teams/pulumi"),
        ("POST", f"/api/orgs/{emulator.org}/members/someone"),
        ("GET", f"/api/orgs/{emulator.org}/roles"),
    ):
        answer = emulator.request(method, path, json={})
        assert answer.status_code == 501, (method, path, answer.text)
        assert "does not implement" in answer.json()["message"]
    # The policy pack registry stays a 404: the official provider takes it for "no registry".
    registry = f"/api/orgs/{emulator.org}/registry/policypacks/baseline"
    assert emulator.request("GET", registry).status_code == 404
    # Deployment schedules stay served by their own area.
    assert emulator.request("GET", f"{base}/deployments/schedules").status_code == 200
