"""Fixtures for the client-against-emulator tests: a `PulumiCloudClient` on the shared emulator.

Import the fixture functions into a test module (`from tests.api.client_fixtures import
client_fixture, org_fixture`); tests then ask for `client` and `org`.
Retries are fast (10-50 ms) so injected faults do not slow the suite; Retry-After is capped at
1 s for the same reason.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pulumi_governance.api import PulumiCloudClient, RetryPolicy, close_sessions
from pulumi_governance.config import Settings
from tests.api import emulator_helpers
from tests.api.conftest import Emulator

FAST_RETRY = RetryPolicy(max_attempts=5, base_delay=0.01, max_delay=0.05, max_retry_after=1.0)

POLICIES = emulator_helpers.POLICIES[:1]


def client_of(emu: Emulator, token: str | None = None) -> PulumiCloudClient:
    """A client of `emu` with the admin token of its org (or `token`)."""
    return PulumiCloudClient(
        Settings(emu.url, token or emu.token), retry=FAST_RETRY, timeout=(5.0, 15.0)
    )


@pytest.fixture(name="client")
def client_fixture(emulator: Emulator) -> Iterator[PulumiCloudClient]:
    emulator.set_faults(retry_after_s=0)
    yield client_of(emulator)
    close_sessions()


@pytest.fixture(name="org")
def org_fixture(emulator: Emulator) -> str:
    return emulator.org


def hook_body(org: str, name: str, **extra: object) -> dict[str, object]:
    """A webhook create/update body with a loopback payload URL (nothing listens there)."""
    return {
        "organizationName": org,
        "name": name,
        "displayName": name.title(),
        "payloadUrl": "http://127.0.0.1:9/hook",
        "active": True,
        "format": "raw",
        **extra,
    }


def pack_body(name: str, tag: str) -> dict[str, object]:
    return {"name": name, "displayName": name.title(), "versionTag": tag, "policies": POLICIES}
