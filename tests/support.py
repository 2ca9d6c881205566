"""Helpers shared by the test folders (plain functions and data; fixtures live in conftest.py)."""

from __future__ import annotations

import itertools
import shutil
import uuid
from pathlib import Path

from devtools.emulator import Emulator
from pulumi_governance.api import PulumiCloudClient, RetryPolicy
from pulumi_governance.config import Settings

REPO = Path(__file__).resolve().parents[1]
_counter = itertools.count()


EXAMPLE_PACK = REPO / "examples" / "policy-packs" / "baseline"


def example_pack_named(directory: Path, name: str) -> Path:
    """A copy of the example policy pack under `directory`, renamed `name` (its own pack)."""
    pack = directory / name
    shutil.copytree(EXAMPLE_PACK, pack)
    main = pack / "__main__.py"
    main.write_text(main.read_text().replace('name="baseline"', f'name="{name}"'))
    return pack


def unique(prefix: str) -> str:
    """A name no other test of the session uses (the shared emulator keeps its state)."""
    return f"{prefix}-{next(_counter)}-{uuid.uuid4().hex[:6]}"


POLICIES = [
    {
        "name": "no-public-buckets",
        "displayName": "No public buckets",
        "description": "Buckets must be private",
        "enforcementLevel": "mandatory",
        "message": "bucket is public",
        "configSchema": {
            "type": "object",
            "properties": {"allowed": {"type": "array", "items": {"type": "string"}}},
        },
    },
    {
        "name": "tags-required",
        "displayName": "Tags required",
        "description": "Resources need tags",
        "enforcementLevel": "advisory",
        "message": "missing tags",
    },
]


# Fast retries (10-50 ms) so injected faults do not slow the suite; Retry-After capped at 1 s.
FAST_RETRY = RetryPolicy(
    max_attempts=5, base_delay=0.01, max_delay=0.05, max_retry_after=1.0, max_resends=3
)


def client_of(emu: Emulator, token: str | None = None) -> PulumiCloudClient:
    """A client of `emu` with the admin token of its org (or `token`)."""
    return PulumiCloudClient(
        Settings(emu.url, token or emu.token), retry=FAST_RETRY, timeout=(5.0, 15.0)
    )


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
    return {"name": name, "displayName": name.title(), "versionTag": tag, "policies": POLICIES[:1]}
