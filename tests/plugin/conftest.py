"""Plugin tests: the provider plugin as a real process over gRPC, against a real emulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devtools.emulator import Emulator
from tests.plugin._plugin import Plugin

ORG = "acme"


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    process = Emulator(tmp_path_factory.mktemp("emulator"), stacks=["acme/web/prod"])
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="session")
def plugin(emulator: Emulator) -> Iterator[Plugin]:
    """One plugin process for the session, configured for the emulator's org."""
    process = Plugin()
    process.start()
    process.configure(apiUrl=emulator.url, accessToken=emulator.token, organization=ORG)
    yield process
    process.stop()
