"""Fixtures shared by the client and emulator tests: the emulator as a real subprocess on loopback.

- ``emulator``: one emulator process shared by the session (faults are reset after each test;
  state is not, so tests use unique names, e.g. ``tests.support.unique("stack")``).
- ``emulator_factory``: ``emulator_factory(page_size=3, extra_args=[...])`` starts a dedicated
  emulator (stopped at the end of the test), for restarts and settings-dependent tests.

``Emulator`` (``devtools.emulator``) attributes: ``url``, ``org``/``token`` (admin token of
``org``), ``other_org``/``other_token`` (a second org, for 403 tests), ``db``, ``port``,
``process``. Methods: ``request(method, path, token=..., **kw)``, ``headers(token=None)``,
``set_faults(**kw)``, ``faults()``, ``state()``, ``reset()``, ``seed_violations(list, org=None)``,
``restart(kill=False)``, ``stop()``. The engine tests override ``emulator`` with their own.

- ``webhook_receiver``: a ``tests.support.WebhookReceiver`` on loopback (``url``, ``received``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devtools.emulator import Emulator
from tests.support import WebhookReceiver


@pytest.fixture(scope="session")
def _shared_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    emu = Emulator(tmp_path_factory.mktemp("emulator"))
    emu.start()
    yield emu
    emu.stop()


@pytest.fixture
def emulator(_shared_emulator: Emulator) -> Iterator[Emulator]:
    if _shared_emulator.process is None or _shared_emulator.process.poll() is not None:
        _shared_emulator.start()
    yield _shared_emulator
    _shared_emulator.clear_faults()


@pytest.fixture
def emulator_factory(tmp_path: Path) -> Iterator[Callable[..., Emulator]]:
    started: list[Emulator] = []

    def make(page_size: int = 100, extra_args: list[str] | None = None) -> Emulator:
        workdir = tmp_path / f"emulator-{len(started)}"
        workdir.mkdir()
        emu = Emulator(workdir, page_size=page_size, extra_args=extra_args)
        started.append(emu)
        emu.start()
        return emu

    yield make
    for emu in started:
        emu.stop(kill=True)


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()
