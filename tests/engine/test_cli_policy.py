"""The CLI's policy commands against the emulator, with a pulumi-policy Python pack: publish, ls,
group ls, enable (latest, a version, --config, --policy-group), validate-config, disable, rm."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from devtools.emulator import Emulator
from devtools.engine import EngineEnv
from tests.engine.pulumi_cli import PulumiCli
from tests.support import example_pack_named, unique

DEFAULT_GROUP = "default-policy-group"


@pytest.fixture
def cli(engine: EngineEnv, emulator: Emulator) -> PulumiCli:
    logged_in = PulumiCli(engine, emulator, emulator.token)
    logged_in.login()
    return logged_in


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    """The example pack under a name no other test uses (the directory's name)."""
    return example_pack_named(tmp_path, unique("baseline"))


def pack_name(pack: Path) -> str:
    return pack.name


def publish(cli: PulumiCli, pack: Path, version: str) -> None:
    project = pack / "PulumiPolicy.yaml"
    lines = [f"version: {version}" if ln.startswith("version:") else ln
             for ln in project.read_text().splitlines()]  # fmt: skip
    project.write_text("\n".join(lines) + "\n")
    cli.run("policy", "publish", cli.emulator.org, cwd=pack)


def group(emulator: Emulator, name: str) -> dict[str, Any]:
    got = emulator.request("GET", f"/api/orgs/{emulator.org}/policygroups/{name}")
    assert got.status_code == 200, got.text
    result: dict[str, Any] = got.json()
    return result


def applied(emulator: Emulator, group_name: str, pack: str) -> list[tuple[str, dict[str, Any]]]:
    packs = group(emulator, group_name)["appliedPolicyPacks"]
    return [(p["versionTag"], p.get("config") or {}) for p in packs if p["name"] == pack]


def new_group(emulator: Emulator) -> str:
    name = f"guard-{uuid.uuid4().hex[:8]}"
    body = {"name": name, "entityType": "stacks"}
    created = emulator.request("POST", f"/api/orgs/{emulator.org}/policygroups", json=body)
    assert created.status_code == 204, created.text
    return name


def test_policy_publish_completes_each_version_and_ls_lists_them(
    cli: PulumiCli, pack: Path
) -> None:
    publish(cli, pack, "0.9.0")
    publish(cli, pack, "1.0.0")
    listed = json.loads(cli.run("policy", "ls", cli.emulator.org, "--json"))
    mine = next(p for p in listed if p["name"] == pack_name(pack))
    assert mine["versions"] == ["1.0.0", "0.9.0"]


def processes_in(directory: Path) -> list[int]:
    """Processes whose working directory is `directory`."""
    found = []
    for cwd in Path("/proc").glob("[0-9]*/cwd"):
        try:
            if cwd.resolve() == directory.resolve():
                found.append(int(cwd.parent.name))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def test_policy_publish_leaves_no_analyzer_running(cli: PulumiCli, pack: Path) -> None:
    # The CLI (3.188) never stops the policy analyzer `policy publish` starts in the pack's
    # directory; the CLI's runner kills what a command leaves in its session.
    publish(cli, pack, "1.0.0")
    assert processes_in(pack) == []


def test_policy_enable_latest_applies_the_newest_to_the_default_group(
    cli: PulumiCli, pack: Path
) -> None:
    org, name = cli.emulator.org, pack_name(pack)
    publish(cli, pack, "1.0.0")
    publish(cli, pack, "1.1.0")
    cli.run("policy", "enable", f"{org}/{name}", "latest")
    try:
        assert applied(cli.emulator, DEFAULT_GROUP, name) == [("1.1.0", {})]
        groups = json.loads(cli.run("policy", "group", "ls", org, "--json"))
        default = next(g for g in groups if g["name"] == DEFAULT_GROUP)
        assert default["default"] and default["numPolicyPacks"] >= 1
    finally:
        cli.run("policy", "disable", f"{org}/{name}")


def test_policy_enable_version_with_config_in_a_policy_group(
    cli: PulumiCli, pack: Path, tmp_path: Path
) -> None:
    org, name = cli.emulator.org, pack_name(pack)
    publish(cli, pack, "1.0.0")
    publish(cli, pack, "2.0.0")
    target = new_group(cli.emulator)
    config = {"max-resources": {"maxResources": 10}, "required-tags": {"requiredTags": ["team"]}}
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    cli.run("policy", "enable", f"{org}/{name}", "1.0.0", "--config", str(path),
            "--policy-group", target)  # fmt: skip
    assert applied(cli.emulator, target, name) == [("1.0.0", config)]
    assert applied(cli.emulator, DEFAULT_GROUP, name) == []


def test_policy_validate_config_checks_the_version_schema(
    cli: PulumiCli, pack: Path, tmp_path: Path
) -> None:
    org, name = cli.emulator.org, pack_name(pack)
    publish(cli, pack, "1.0.0")
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps({"max-resources": {"maxResources": 5}}))
    bad.write_text(json.dumps({"max-resources": {"maxResources": 0}}))
    assert "valid" in cli.run("policy", "validate-config", f"{org}/{name}", "1.0.0",
                              "--config", str(good))  # fmt: skip
    refused = cli.run("policy", "validate-config", f"{org}/{name}", "1.0.0", "--config", str(bad),
                      check=False)  # fmt: skip
    assert "greater than or equal to 1" in refused


def test_policy_disable_removes_the_pack_from_the_group(cli: PulumiCli, pack: Path) -> None:
    org, name = cli.emulator.org, pack_name(pack)
    publish(cli, pack, "1.0.0")
    target = new_group(cli.emulator)
    cli.run("policy", "enable", f"{org}/{name}", "1.0.0", "--policy-group", target)
    assert applied(cli.emulator, target, name) == [("1.0.0", {})]
    cli.run("policy", "disable", f"{org}/{name}", "--policy-group", target, "--version", "1.0.0")
    assert applied(cli.emulator, target, name) == []


def test_policy_rm_a_version_then_all(cli: PulumiCli, pack: Path) -> None:
    org, name = cli.emulator.org, pack_name(pack)
    publish(cli, pack, "0.9.0")
    publish(cli, pack, "1.0.0")
    cli.run("policy", "rm", f"{org}/{name}", "0.9.0", "--yes")
    listed = json.loads(cli.run("policy", "ls", org, "--json"))
    assert next(p for p in listed if p["name"] == name)["versions"] == ["1.0.0"]
    cli.run("policy", "rm", f"{org}/{name}", "all", "--yes")
    listed = json.loads(cli.run("policy", "ls", org, "--json"))
    assert all(p["name"] != name for p in listed)
