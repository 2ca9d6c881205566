"""Fixtures of the client tests.

- ``client``/``org``: a `PulumiCloudClient` on the shared emulator (tests/conftest.py) with fast
  retries, and that emulator's org.
- ``server``/``token``: the scripted loopback server (`loopback.ScriptedServer`) and a fresh
  token, for transport details an emulator cannot script.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from devtools.emulator import Emulator
from pulumi_governance.api import PulumiCloudClient, close_sessions
from tests.client.loopback import ScriptedServer
from tests.support import client_of


@pytest.fixture
def client(emulator: Emulator) -> Iterator[PulumiCloudClient]:
    emulator.set_faults(retry_after_s=0)
    yield client_of(emulator)
    close_sessions()


@pytest.fixture
def org(emulator: Emulator) -> str:
    return emulator.org


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    srv = ScriptedServer()
    yield srv
    srv.close()
    close_sessions()


@pytest.fixture
def token() -> str:
    return "pul-" + uuid.uuid4().hex
