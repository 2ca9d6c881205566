"""Engine tests: the real `pulumi` CLI (Automation API, local file backend) against an emulator."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.emulator import EmulatorProcess
from devtools.engine import EngineEnv, pulumi_bin_dir

ORG = "acme"
OTHER_ORG = "globex"


@pytest.fixture(scope="session")
def engine_bin_dir() -> Path:
    return pulumi_bin_dir()


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    db = tmp_path_factory.mktemp("emulator") / "cloud.db"
    process = EmulatorProcess(
        db=db,
        orgs={ORG: "pul-" + secrets.token_hex(20), OTHER_ORG: "pul-" + secrets.token_hex(20)},
        stacks=[f"{ORG}/web/prod", f"{ORG}/web/staging", f"{ORG}/api/prod"],
    )
    process.start()
    yield process
    process.stop()


@pytest.fixture
def engine(tmp_path: Path, engine_bin_dir: Path) -> EngineEnv:
    """A fresh, isolated engine home and backend for one test."""
    env = EngineEnv(root=tmp_path / "engine", bin_dir=engine_bin_dir)
    env.prepare()
    return env
