"""The ``pulumi`` CLI logs in to the emulator and says who the token is, as with Pulumi Cloud."""

from __future__ import annotations

import uuid

from devtools.emulator import Emulator
from devtools.engine import EngineEnv
from tests.engine.pulumi_cli import PulumiCli


def test_login_with_admin_token_names_user_and_orgs(engine: EngineEnv, emulator: Emulator) -> None:
    cli = PulumiCli(engine, emulator, emulator.token)
    assert f"Logged in to {emulator.url} as emulator-admin" in cli.login()
    whoami = cli.run("whoami", "-v")
    assert "User: emulator-admin" in whoami
    assert f"Organizations: {emulator.org}" in whoami
    assert "Token type: personal" in whoami
    assert cli.run("org", "get-default").strip() == emulator.org


def test_login_with_org_token_is_the_org(engine: EngineEnv, emulator: Emulator) -> None:
    name = f"ci-{uuid.uuid4().hex[:8]}"
    created = emulator.request("POST", f"/api/orgs/{emulator.org}/tokens", json={"name": name})
    assert created.status_code == 200, created.text
    cli = PulumiCli(engine, emulator, created.json()["tokenValue"])
    assert f"as {emulator.org}" in cli.login()
    whoami = cli.run("whoami", "-v")
    assert f"User: {emulator.org}" in whoami
    assert f"Token type: organization: {emulator.org}" in whoami
    assert f"Token name: {name}" in whoami
    assert cli.run("org", "get-default").strip() == emulator.org
