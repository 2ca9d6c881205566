"""Fault injection for /api paths: latency, 429 (with Retry-After), 5xx, commit-then-drop.

Faults are decided before the request reaches the app, in this order: rate limit per token,
the one-shot counters (``next_429``, ``next_5xx``, ``next_5xx_write``, ``next_drop``), then
the random rates. ``next_5xx_write`` answers 5xx to the next writes only (POST, PUT, PATCH,
DELETE), so a test can fail a create that follows reads.
429 and 5xx are answered without touching the store. A drop runs the request to completion
(the store commits), throws the response away and aborts the TCP connection, so the client sees
a connection error for a write that did happen.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import math
import random
import socket
import threading
import time
from dataclasses import asdict, dataclass, fields
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# The TCP transport of the connection being served. The protocol sets it in data_received, the
# request task created there inherits it, so the middleware can abort that very connection.
_TRANSPORT: contextvars.ContextVar[asyncio.Transport | None] = contextvars.ContextVar(
    "emulator_transport", default=None
)


class DroppableH11Protocol(H11Protocol):
    def connection_made(self, transport: Any) -> None:
        # h11 writes headers and body separately; without TCP_NODELAY a kept-alive connection
        # waits out the client's delayed ACK (~40 ms) before the body goes out.
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)

    def data_received(self, data: bytes) -> None:
        _TRANSPORT.set(self.transport)
        super().data_received(data)


@dataclass
class FaultConfig:
    rate_429: float = 0.0
    rate_5xx: float = 0.0
    latency_ms: int = 0
    drop_after_commit_rate: float = 0.0
    rate_limit_per_token: float = 0.0  # requests per second per token; 0 = unlimited
    retry_after_s: int = 1
    status_5xx: int = 503
    next_429: int = 0
    next_5xx: int = 0
    next_5xx_write: int = 0
    next_drop: int = 0
    seed: int | None = None


_RATES = ("rate_429", "rate_5xx", "drop_after_commit_rate")


class Faults:
    def __init__(self, config: FaultConfig | None = None) -> None:
        self._lock = threading.Lock()
        self.config = config or FaultConfig()
        self._rng = random.Random(self.config.seed)
        self._buckets: dict[str, tuple[float, float]] = {}  # token -> (tokens, last refill)
        self.counts = {"429": 0, "5xx": 0, "drop": 0, "rate_limited": 0}

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {**asdict(self.config), "injected": dict(self.counts)}

    def update(self, changes: dict[str, Any]) -> None:
        """Apply a partial update; raises ValueError naming the offending field."""
        known = {f.name: f for f in fields(FaultConfig)}
        new = asdict(self.config)
        for key, value in changes.items():
            if key not in known:
                raise ValueError(f"unknown fault setting '{key}'")
            if key == "seed":
                if value is not None and not isinstance(value, int):
                    raise ValueError("seed must be an integer or null")
            elif isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{key} must be a number")
            elif value < 0 or (key in _RATES and value > 1):
                raise ValueError(f"{key} out of range")
            new[key] = value
        for key in (
            "latency_ms",
            "retry_after_s",
            "status_5xx",
            "next_429",
            "next_5xx",
            "next_5xx_write",
            "next_drop",
        ):
            new[key] = int(new[key])
        if not 500 <= new["status_5xx"] <= 599:
            raise ValueError("status_5xx must be 5xx")
        with self._lock:
            if "seed" in changes:
                self._rng = random.Random(new["seed"])
            if "rate_limit_per_token" in changes:
                self._buckets.clear()
            self.config = FaultConfig(**new)

    def decide(self, method: str, token: str) -> tuple[str | None, float]:
        """Return (action, retry_after): action is None, "429", "5xx" or "drop"."""
        with self._lock:
            c = self.config
            if c.rate_limit_per_token > 0:
                wait = self._take(token, c.rate_limit_per_token)
                if wait > 0:
                    self.counts["rate_limited"] += 1
                    return "429", max(1.0, math.ceil(wait))
            if c.next_429 > 0:
                c.next_429 -= 1
                return self._count("429"), c.retry_after_s
            if c.next_5xx > 0:
                c.next_5xx -= 1
                return self._count("5xx"), 0
            if method in MUTATING and c.next_5xx_write > 0:
                c.next_5xx_write -= 1
                return self._count("5xx"), 0
            if method in MUTATING and c.next_drop > 0:
                c.next_drop -= 1
                return self._count("drop"), 0
            if c.rate_429 and self._rng.random() < c.rate_429:
                return self._count("429"), c.retry_after_s
            if c.rate_5xx and self._rng.random() < c.rate_5xx:
                return self._count("5xx"), 0
            if (
                method in MUTATING
                and c.drop_after_commit_rate
                and self._rng.random() < c.drop_after_commit_rate
            ):
                return self._count("drop"), 0
            return None, 0

    def _count(self, action: str) -> str:
        self.counts[action] += 1
        return action

    def _take(self, token: str, rate: float) -> float:
        """Token bucket of capacity ``rate``; returns seconds to wait (0 when allowed)."""
        now = time.monotonic()
        level, last = self._buckets.get(token, (rate, now))
        level = min(rate, level + (now - last) * rate)
        if level >= 1:
            self._buckets[token] = (level - 1, now)
            return 0.0
        self._buckets[token] = (level, now)
        return (1 - level) / rate


class FaultMiddleware:
    """Pure ASGI middleware (a BaseHTTPMiddleware could not suppress the response)."""

    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api"):
            await self.app(scope, receive, send)
            return
        latency = self.faults.config.latency_ms
        if latency > 0:
            await asyncio.sleep(latency / 1000)
        headers = dict(scope.get("headers") or [])
        token = headers.get(b"authorization", b"").decode("latin-1")
        action, retry_after = self.faults.decide(scope["method"], token)
        if action == "429":
            await _send_json(
                send, 429, "Too many requests (injected)", [(b"retry-after", b"%d" % retry_after)]
            )
        elif action == "5xx":
            status = self.faults.config.status_5xx
            await _send_json(send, status, "Service unavailable (injected)", [])
        elif action == "drop":
            await self._run_then_drop(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _run_then_drop(self, scope: Scope, receive: Receive, send: Send) -> None:
        held: list[Message] = []

        async def hold(message: Message) -> None:
            held.append(message)

        await self.app(scope, receive, hold)
        transport = _TRANSPORT.get()
        if transport is None:  # not served by DroppableH11Protocol (e.g. in-process tests)
            raise RuntimeError("cannot drop the connection: transport unknown")
        transport.abort()
        # Hand the response to the server anyway: the aborted transport discards the bytes, and
        # uvicorn does not log an "ASGI callable returned without starting response" error.
        for message in held:
            await send(message)


async def _send_json(
    send: Any, status: int, message: str, extra: list[tuple[bytes, bytes]]
) -> None:
    body = json.dumps({"code": status, "message": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", b"%d" % len(body)),
                *extra,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
