"""``pulumi stack ls`` with tag filters and ``pulumi stack tag`` against the emulator."""

from __future__ import annotations

import json
import uuid

import pytest

from devtools.emulator import Emulator
from devtools.engine import EngineEnv
from tests.engine.pulumi_cli import PulumiCli


@pytest.fixture
def cli(engine: EngineEnv, emulator: Emulator) -> PulumiCli:
    logged_in = PulumiCli(engine, emulator, emulator.token)
    logged_in.login()
    return logged_in


def create_stack(emulator: Emulator, project: str, tags: dict[str, str]) -> str:
    stack = f"s-{uuid.uuid4().hex[:8]}"
    body = {"stackName": stack, "tags": tags}
    created = emulator.request("POST", f"/api/stacks/{emulator.org}/{project}", json=body)
    assert created.status_code == 200, created.text
    return f"{emulator.org}/{project}/{stack}"


def listed(cli: PulumiCli, *filters: str) -> set[str]:
    out = json.loads(cli.run("stack", "ls", "--all", "--json", *filters))
    return {s["name"] for s in out}


def test_stack_ls_filters_by_tag_name_and_value(cli: PulumiCli, emulator: Emulator) -> None:
    key = f"tier-{uuid.uuid4().hex[:6]}"
    gold = create_stack(emulator, "shop", {key: "gold"})
    silver = create_stack(emulator, "shop", {key: "silver"})
    untagged = create_stack(emulator, "shop", {})
    assert listed(cli, "--tag", f"{key}=gold") == {gold}
    assert listed(cli, "--tag", key) == {gold, silver}
    assert {gold, silver, untagged} <= listed(cli, "--project", "shop")


def test_stack_tag_set_get_ls_rm(cli: PulumiCli, emulator: Emulator) -> None:
    stack = create_stack(emulator, "shop", {"team": "web"})
    cli.run("stack", "tag", "set", "owner", "alice", "--stack", stack)
    assert cli.run("stack", "tag", "get", "owner", "--stack", stack).strip() == "alice"
    tags = json.loads(cli.run("stack", "tag", "ls", "--json", "--stack", stack))
    assert tags == {"team": "web", "owner": "alice"}
    cli.run("stack", "tag", "rm", "owner", "--stack", stack)
    assert json.loads(cli.run("stack", "tag", "ls", "--json", "--stack", stack)) == {"team": "web"}
    _, _, name = stack.split("/")
    held = emulator.request("GET", f"/api/stacks/{emulator.org}/shop/{name}").json()
    assert held["tags"] == {"team": "web"}
