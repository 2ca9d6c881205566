"""What ``GET /api/capabilities`` advertises: the one list of the service's optional features.

The CLI acts on every entry (e.g. ``delta-checkpoint-uploads-v2`` makes it send checkpoint deltas),
so an entry belongs here only once the emulator serves the feature it names. Entries have the
service's shape (``AppAPICapabilityConfig``): ``capability``, optional ``version`` and
``configuration``. Append to ``CAPABILITIES`` next to the code that implements the feature.
"""

from __future__ import annotations

from typing import Any

CAPABILITIES: list[dict[str, Any]] = []


def capabilities() -> dict[str, Any]:
    return {"capabilities": [dict(c) for c in CAPABILITIES]}
