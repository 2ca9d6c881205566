"""The emulator as the backend of an ordinary stack: the CLI's stack commands, durability, cancel.

One emulator per module (the kill -9 test restarts it on the same SQLite file and port).
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.cli_run import kill_session
from devtools.emulator import Emulator
from devtools.engine import EngineEnv, write_program
from tests.engine.pulumi_cli import PulumiCli

ORG = "acme"

PROGRAM = """
import time
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, Resource, ResourceProvider, UpdateResult


class NoteProvider(ResourceProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        time.sleep(float(props.get("delay") or 0))
        return CreateResult(id_="note-" + props["title"], outs=props)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return DiffResult(changes=olds.get("text") != news.get("text"), replaces=[])

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(outs=news)


class Note(Resource):
    def __init__(self, title: str, text: str, delay: str) -> None:
        super().__init__(NoteProvider(), title, {"title": title, "text": text, "delay": delay})


config = pulumi.Config()
note = Note(config.get("title") or "first", config.require("text"), config.get("delay") or "0")
pulumi.export("text", note.id.apply(lambda _: config.require("text")))
pulumi.export("password", config.require_secret("password"))
"""


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    process = Emulator(tmp_path_factory.mktemp("backend-emulator"))
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def cli(
    emulator: Emulator, tmp_path_factory: pytest.TempPathFactory, engine_bin_dir: Path
) -> PulumiCli:
    engine = EngineEnv(root=tmp_path_factory.mktemp("backend-engine"), bin_dir=engine_bin_dir)
    engine.prepare()
    cli = PulumiCli(engine, emulator, emulator.token)
    cli.login()
    return cli


@pytest.fixture
def program(tmp_path: Path) -> Path:
    return write_program(tmp_path / "notes", "notes", PROGRAM)


def _stack(cli: PulumiCli, program: Path, name: str, text: str, **config: str) -> str:
    ref = f"{ORG}/{name}"
    cli.run("stack", "init", ref, cwd=program)
    cli.run("config", "set", "--secret", "password", "s3cret", "--stack", ref, cwd=program)
    cli.run("config", "set", "text", text, "--stack", ref, cwd=program)
    for key, value in config.items():
        cli.run("config", "set", key, value, "--stack", ref, cwd=program)
    return ref


def _history(cli: PulumiCli, program: Path, ref: str) -> list[tuple[int, str, str]]:
    entries = json.loads(cli.run("stack", "history", "--json", "--stack", ref, cwd=program))
    return [(e["version"], e["kind"], e["result"]) for e in entries]


def test_stack_commands_work_against_the_emulator(cli: PulumiCli, program: Path) -> None:
    ref = _stack(cli, program, "dev", "hello")
    secret_line = (program / "Pulumi.dev.yaml").read_text()
    assert "secure:" in secret_line and "s3cret" not in secret_line
    assert cli.run("config", "get", "password", "--stack", ref, cwd=program).strip() == "s3cret"

    assert "+ 2 to create" in cli.run("preview", "--stack", ref, cwd=program)
    cli.run("up", "--yes", "--stack", ref, cwd=program)
    outputs = json.loads(
        cli.run("stack", "output", "--json", "--show-secrets", "--stack", ref, cwd=program)
    )
    assert outputs == {"text": "hello", "password": "s3cret"}
    assert "[secret]" in cli.run("stack", "output", "password", "--stack", ref, cwd=program)

    cli.run("refresh", "--yes", "--stack", ref, cwd=program)
    exported = cli.run("stack", "export", "--stack", ref, cwd=program)
    state = json.loads(exported)
    assert state["deployment"]["secrets_providers"]["type"] == "service"
    assert "s3cret" not in exported
    assert len(state["deployment"]["resources"]) == 3

    state_file = program / "state.json"
    state_file.write_text(exported)
    cli.run("stack", "import", "--file", str(state_file), "--stack", ref, cwd=program)
    assert _history(cli, program, ref) == [
        (3, "import", "succeeded"),
        (2, "refresh", "succeeded"),
        (1, "update", "succeeded"),
    ]
    assert cli.run("stack", "export", "--version", "1", "--stack", ref, cwd=program)

    refused = cli.run("stack", "rm", "--yes", "--stack", ref, cwd=program, check=False)
    assert "still has resources" in refused or "still contains resources" in refused
    cli.run("destroy", "--yes", "--stack", ref, cwd=program)
    cli.run("stack", "rm", "--yes", "--stack", ref, cwd=program)
    assert "dev" not in cli.run("stack", "ls", "--all", cwd=program)


def test_kill_9_of_the_emulator_between_two_ups_loses_nothing(
    cli: PulumiCli, program: Path, emulator: Emulator
) -> None:
    ref = _stack(cli, program, "durable", "before")
    cli.run("up", "--yes", "--stack", ref, cwd=program)
    emulator.restart(kill=True)
    assert cli.emulator.url == emulator.url  # same port: the login still points at it

    cli.run("config", "set", "text", "after", "--stack", ref, cwd=program)
    assert "~ 1 to update" in cli.run("preview", "--stack", ref, cwd=program)
    cli.run("up", "--yes", "--stack", ref, cwd=program)
    emulator.restart(kill=True)

    outputs = json.loads(
        cli.run("stack", "output", "--json", "--show-secrets", "--stack", ref, cwd=program)
    )
    assert outputs == {"text": "after", "password": "s3cret"}
    assert _history(cli, program, ref) == [(2, "update", "succeeded"), (1, "update", "succeeded")]


def test_cancel_stops_a_running_update(cli: PulumiCli, program: Path, emulator: Emulator) -> None:
    ref = _stack(cli, program, "cancelled", "slow", delay="6")
    up = subprocess.Popen(
        ["pulumi", "up", "--yes", "--skip-preview", "--non-interactive", "--stack", ref],
        cwd=program,
        env=cli.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while (
            not emulator.request("GET", f"/api/stacks/{ORG}/notes/cancelled")
            .json()
            .get("activeUpdate")
        ):
            assert time.monotonic() < deadline, "the update never started"
            time.sleep(0.2)
        assert "cancelled" in cli.run("cancel", "--yes", "--stack", ref, cwd=program).lower()
        output, _ = up.communicate(timeout=120)
    finally:
        kill_session(up.pid)
    assert up.returncode != 0, output
    assert _history(cli, program, ref) == [(1, "update", "cancelled")]

    cli.run("config", "set", "delay", "0", "--stack", ref, cwd=program)
    cli.run("up", "--yes", "--stack", ref, cwd=program)  # the stack is not left locked
    assert _history(cli, program, ref)[0] == (2, "update", "succeeded")
