"""Helpers shared by the test folders (plain functions and data; fixtures live in conftest.py)."""

from __future__ import annotations

import itertools
import shutil
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple

from devtools.emulator import Emulator
from pulumi_governance.api import PulumiCloudClient, RetryPolicy
from pulumi_governance.config import Settings

REPO = Path(__file__).resolve().parents[1]
_counter = itertools.count()


EXAMPLE_PACK = REPO / "examples" / "policy-packs" / "baseline"
# Its policies and their enforcement levels.
EXAMPLE_PACK_LEVELS = {
    "required-tags": "mandatory",
    "no-public-acl": "advisory",
    "max-resources": "advisory",
}


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


class Delivery(NamedTuple):
    path: str
    headers: dict[str, str]
    body: bytes


class WebhookReceiver:
    """A webhook endpoint on loopback (a real socket) that records each POST it receives and
    answers it `202 thanks` with the header `X-Seen: yes`. `close()` stops it."""

    def __init__(self) -> None:
        self.received: list[Delivery] = []
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                received.append(Delivery(self.path, dict(self.headers), body))
                self.send_response(202)
                self.send_header("X-Seen", "yes")
                self.end_headers()
                self.wfile.write(b"thanks")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
