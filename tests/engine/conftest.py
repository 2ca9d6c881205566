"""Engine tests: the real `pulumi` CLI (Automation API, local file backend) against an emulator."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.cli_run import kill_strays
from devtools.emulator import Emulator
from devtools.engine import EngineEnv, pulumi_bin_dir

SEEDED_STACKS = ("web/prod", "web/staging", "api/prod")


@pytest.fixture(scope="session", autouse=True)
def no_strays(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """At the end, nothing started by the session's CLI runs still runs: what is left (by the
    Automation API's runs, which `run_pulumi` does not wrap) is killed and named in the warnings
    summary."""
    yield
    strays = kill_strays(tmp_path_factory.getbasetemp())
    if strays:
        listed = "\n".join(f"  {command[:160]}" for command in strays)
        message = f"killed {len(strays)} process(es) the CLI left running:\n{listed}"
        warnings.warn(message, stacklevel=1)


@pytest.fixture(scope="session")
def engine_bin_dir() -> Path:
    return pulumi_bin_dir()


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """One emulator for the session: org "acme" with SEEDED_STACKS, and a second org "globex"."""
    process = Emulator(
        tmp_path_factory.mktemp("emulator"), stacks=[f"acme/{s}" for s in SEEDED_STACKS]
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


@pytest.fixture(scope="module")
def module_engine(tmp_path_factory: pytest.TempPathFactory, engine_bin_dir: Path) -> EngineEnv:
    """An engine home and backend shared by one test module: for a stack whose scenarios build on
    each other (each test still checks one rule)."""
    env = EngineEnv(root=tmp_path_factory.mktemp("engine"), bin_dir=engine_bin_dir)
    env.prepare()
    return env
