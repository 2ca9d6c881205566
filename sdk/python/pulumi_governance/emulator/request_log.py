"""The request log behind ``/_emulator/requests``: method, path and status of every request.

Recorded: every ``/api`` request and the pre-signed pack uploads and downloads
(``/_emulator/uploads/...``), with the status the client was sent (an injected 429 or 5xx
included; a commit-then-drop is logged with the status the handler produced). The emulator's own
admin endpoints are not recorded, so reading the log does not change it. The newest ``LIMIT``
entries are kept; the counts cover every request since start (or the last clear).
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LIMIT = 10_000
_RECORDED = ("/api/", "/_emulator/uploads/")


class RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: deque[tuple[int, str, str, int]] = deque(maxlen=LIMIT)
        self._counts: Counter[tuple[str, str, int]] = Counter()
        self._seq = 0

    def record(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self._seq += 1
            self._entries.append((self._seq, method, path, status))
            self._counts[(method, path, status)] += 1

    def snapshot(self, since: int = 0) -> dict[str, Any]:
        """Entries with a sequence number above ``since``, and the counts of every request."""
        with self._lock:
            entries = [e for e in self._entries if e[0] > since]
            counts = sorted(self._counts.items())
            total = self._seq
        return {
            "total": total,
            "requests": [
                {"seq": seq, "method": m, "path": p, "status": s} for seq, m, p, s in entries
            ],
            "counts": [
                {"method": m, "path": p, "status": s, "count": n} for (m, p, s), n in counts
            ],
        }

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._counts.clear()


class RequestLogMiddleware:
    """Pure ASGI middleware, outermost, so injected faults are logged as the client saw them."""

    def __init__(self, app: ASGIApp, log: RequestLog) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(_RECORDED):
            await self.app(scope, receive, send)
            return
        status = 500

        async def observe(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, observe)
        finally:
            self.log.record(scope["method"], path, status)
