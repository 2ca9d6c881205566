"""PolicyPack logic over real HTTP: publish, refresh, adopt, delete against the emulator, and the
rollback of a half-published version against a scripted server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from devtools.emulator import Emulator
from pulumi_governance.api import PulumiCloudClient, RetryPolicy
from pulumi_governance.config import Settings
from pulumi_governance.logic.policy_pack import POLICY_PACK
from tests.client.loopback import Reply, ScriptedServer
from tests.support import example_pack_named, unique

LOGIC = POLICY_PACK


def checked(pack: Path, org: str, adopt: bool = False) -> dict[str, Any]:
    news = {"source": str(pack), "version_tag": None, "organization": org, "adopt": adopt}
    inputs, failures = LOGIC.check({}, news)
    assert failures == []
    return {**news, **inputs}


def test_publish_refresh_adopt_delete(tmp_path: Path, emulator: Emulator) -> None:
    api = PulumiCloudClient(Settings(emulator.url, emulator.token))
    name = unique("pack")
    news = checked(example_pack_named(tmp_path, name), emulator.org)

    created = LOGIC.create(api, news)
    assert created.id == f"{emulator.org}/{name}/1.0.0" and created.outs["adopted"] is False
    found = LOGIC.read(api, created.id, created.outs)
    assert found is not None and found.outs == created.outs  # refresh finds no drift
    imported = LOGIC.read(api, created.id, {})  # `pulumi import`: from the ID alone
    assert imported is not None and imported.inputs == {
        "version_tag": "1.0.0",
        "organization": emulator.org,
    }

    with pytest.raises(RuntimeError, match=r"exists already.*`adopt` to true"):
        LOGIC.create(api, news)
    adopted = LOGIC.create(api, {**news, "adopt": True})
    assert adopted.outs["adopted"] is True and adopted.outs["version"] == created.outs["version"]
    assert "adopted existing" in adopted.messages[0]

    other = example_pack_named(tmp_path / "other", name)
    main = other / "__main__.py"
    main.write_text(main.read_text().replace("review.", "review today."))
    with pytest.raises(RuntimeError, match="other policies"):
        LOGIC.create(api, checked(other, emulator.org, adopt=True))

    LOGIC.delete(api, created.id, created.outs)
    assert LOGIC.read(api, created.id, created.outs) is None  # gone: refresh drops it
    LOGIC.delete(api, created.id, created.outs)  # deleting a gone version succeeds


@pytest.mark.parametrize("failing", ["upload", "complete"])
def test_a_failed_upload_or_complete_deletes_the_reserved_version(
    tmp_path: Path, failing: str
) -> None:
    server = ScriptedServer()
    try:
        news = checked(example_pack_named(tmp_path, "rollback"), "acme")
        versions = "/api/orgs/acme/policypacks/rollback/versions/7"
        created = {"version": 7, "uploadURI": f"{server.url}/upload", "requiredHeaders": {}}
        listed = Reply(200, {"policyPacks": []})  # the look for an existing version, then create
        server.add("/api/orgs/acme/policypacks", listed, Reply(201, created))
        if failing == "upload":
            server.add("/upload", Reply(403, {"message": "signature expired"}))
        else:
            server.add(f"{versions}/complete", Reply(400, {"message": "not uploaded"}))
        retry = RetryPolicy(max_attempts=1, base_delay=0.01, max_delay=0.02)
        api = PulumiCloudClient(Settings(server.url, "pul-test"), retry=retry)
        with pytest.raises(Exception, match=r"signature expired|not uploaded"):
            LOGIC.create(api, news)
        # a 400 to complete is first looked at: a version already complete would be success
        looked = ["GET"] if failing == "complete" else []
        assert [s.method for s in server.requests_to(versions)] == [*looked, "DELETE"]
    finally:
        server.close()


def test_a_complete_that_finds_the_version_complete_succeeds(tmp_path: Path) -> None:
    server = ScriptedServer()
    try:
        news = checked(example_pack_named(tmp_path, "resent"), "acme")
        versions = "/api/orgs/acme/policypacks/resent/versions/3"
        created = {"version": 3, "uploadURI": f"{server.url}/upload", "requiredHeaders": {}}
        listed = Reply(200, {"policyPacks": []})
        server.add("/api/orgs/acme/policypacks", listed, Reply(201, created))
        # the first complete was applied and its answer lost; the resend finds it complete
        server.add(
            f"{versions}/complete", Reply(400, {"message": "Policy Pack is already complete"})
        )
        server.add(versions, Reply(200, {"name": "resent", "version": 3, "versionTag": "1.0.0"}))
        retry = RetryPolicy(max_attempts=1, base_delay=0.01, max_delay=0.02)
        api = PulumiCloudClient(Settings(server.url, "pul-test"), retry=retry)
        made = LOGIC.create(api, news)
        assert made.outs["version"] == 3
        assert [s.method for s in server.requests_to(versions)] == ["GET"]  # never deleted
    finally:
        server.close()


@pytest.mark.parametrize("failing", ["create", "complete"])
def test_a_503_at_a_publishing_write_converges(tmp_path: Path, failing: str) -> None:
    server = ScriptedServer()
    try:
        news = checked(example_pack_named(tmp_path, "flaky"), "acme")
        packs = "/api/orgs/acme/policypacks"
        complete = f"{packs}/flaky/versions/5/complete"
        created = {"version": 5, "uploadURI": f"{server.url}/upload", "requiredHeaders": {}}
        unavailable = Reply(503, {"message": "unavailable"})
        answers = (
            [unavailable, Reply(201, created)] if failing == "create" else [Reply(201, created)]
        )
        server.add(packs, Reply(200, {"policyPacks": []}), *answers)
        if failing == "complete":
            server.add(complete, unavailable, Reply(204))
        retry = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.02)
        api = PulumiCloudClient(Settings(server.url, "pul-test"), retry=retry)
        made = LOGIC.create(api, news)
        assert made.outs["version"] == 5
        # a create that may have been applied is looked for, then sent once more; complete sets
        # a state, so it is simply retried
        posts = [s for s in server.requests_to(packs) if s.method == "POST"]
        assert len(posts) == (2 if failing == "create" else 1)
        assert len(server.requests_to(complete)) == (2 if failing == "complete" else 1)
    finally:
        server.close()
