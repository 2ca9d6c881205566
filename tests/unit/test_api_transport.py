"""Transport details over real loopback sockets that tests/unit/test_api_http.py does not reach:
a refused connection retried for a POST until the server is up (sent once), Retry-After as an
HTTP date, a 429-then-503 mix on a GET, one shared session and a bounded pool under 8 threads."""

from __future__ import annotations

import email.utils
import json
import logging
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool

from pulumi_governance.api import (
    AmbiguousWriteError,
    PulumiCloudClient,
    RetryPolicy,
    TransportError,
    close_sessions,
)
from pulumi_governance.config import Settings
from tests.unit.api_loopback import Reply, ScriptedServer, free_port, run_in_threads


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    srv = ScriptedServer()
    yield srv
    srv.close()
    close_sessions()


@pytest.fixture
def token() -> str:
    return "pul-" + uuid.uuid4().hex


def make_client(url: str, token: str, retry: RetryPolicy) -> PulumiCloudClient:
    # A 5 s connect timeout: the scripted server's listen backlog is 5, so of 8 simultaneous
    # connects one may wait for a SYN retransmit (1 s); a shorter timeout would open a 9th.
    return PulumiCloudClient(Settings(url, token), retry=retry, timeout=(5.0, 5.0))


def connections_opened(session: requests.Session, url: str) -> int:
    """TCP connections urllib3 opened for `url` (its pools' `num_connections`). Summed over
    the pools of that host and port: requests keys pools by TLS settings too (CA bundle from
    the environment), so `poolmanager.connection_from_url(url)` would make a new, empty one."""
    parsed = urlsplit(url)
    adapter = session.get_adapter(url)
    assert isinstance(adapter, HTTPAdapter)
    manager = adapter.poolmanager
    total = 0
    for key in list(manager.pools.keys()):
        if (key.key_host, key.key_port) == (parsed.hostname, parsed.port):
            pool: HTTPConnectionPool = manager.pools[key]
            total += pool.num_connections
    return total


class _Recorder(BaseHTTPRequestHandler):
    """Answers 201 {"made": true} to anything; the server counts requests."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.server.hits += 1  # type: ignore[attr-defined]
        payload = json.dumps({"made": True}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def test_refused_connection_is_retried_for_a_post_and_sent_once(
    token: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing reached the service while the port refused connections, so resending a POST is
    safe: the client keeps trying until the server listens, and the server sees it once."""
    caplog.set_level(logging.DEBUG, logger="pulumi_governance.api")
    port = free_port()
    started: list[ThreadingHTTPServer] = []

    def listen_later() -> None:
        time.sleep(0.4)
        httpd = ThreadingHTTPServer(("127.0.0.1", port), _Recorder)
        httpd.daemon_threads = True
        httpd.hits = 0  # type: ignore[attr-defined]
        started.append(httpd)
        httpd.serve_forever(poll_interval=0.05)

    thread = threading.Thread(target=listen_later, daemon=True)
    thread.start()
    retry = RetryPolicy(max_attempts=40, base_delay=0.1, max_delay=0.1)
    client = make_client(f"http://127.0.0.1:{port}", token, retry)
    try:
        assert client.request("POST", "/api/things", json={"name": "x"}) == {"made": True}
        refusals = [r for r in caplog.records if "POST /api/things failed" in r.getMessage()]
        assert refusals, "the first attempt should have been refused"
        assert started[0].hits == 1  # type: ignore[attr-defined]
    finally:
        close_sessions()  # let go of the kept-alive connection
        if started:
            started[0].shutdown()
            started[0].server_close()
        thread.join(timeout=5)


def test_retry_after_as_an_http_date_is_waited_for(server: ScriptedServer, token: str) -> None:
    when = email.utils.formatdate(time.time() + 2, usegmt=True)  # whole seconds: 1-2 s ahead
    server.add("/api/p", Reply(429, headers={"Retry-After": when}), Reply(body={"ok": 1}))
    retry = RetryPolicy(max_attempts=3, base_delay=0.0, max_delay=0.0, max_retry_after=5.0)
    began = time.monotonic()
    assert make_client(server.url, token, retry).request("POST", "/api/p", json={}) == {"ok": 1}
    elapsed = time.monotonic() - began
    assert 0.9 <= elapsed < 4.0
    assert len(server.requests_to("/api/p")) == 2


def test_get_rides_out_a_mix_of_429_and_5xx(server: ScriptedServer, token: str) -> None:
    server.add(
        "/api/g",
        Reply(429, headers={"Retry-After": "0"}),
        Reply(503),
        Reply(504),
        Reply(body={"v": 1}),
    )
    retry = RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.02)
    assert make_client(server.url, token, retry).request("GET", "/api/g") == {"v": 1}
    assert len(server.requests_to("/api/g")) == 4


def test_post_after_a_429_then_a_503_is_ambiguous_after_two_sends(
    server: ScriptedServer, token: str
) -> None:
    server.add("/api/p", Reply(429, headers={"Retry-After": "0"}), Reply(503), Reply(201, {}))
    retry = RetryPolicy(max_attempts=5, base_delay=0.01, max_delay=0.02)
    with pytest.raises(AmbiguousWriteError) as caught:
        make_client(server.url, token, retry).request("POST", "/api/p", json={})
    assert (caught.value.method, caught.value.path, caught.value.status) == ("POST", "/api/p", 503)
    assert len(server.requests_to("/api/p")) == 2


def test_eight_threads_use_one_session_and_a_bounded_pool(
    server: ScriptedServer, token: str
) -> None:
    retry = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.02)
    sessions: set[int] = set()
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def work() -> None:
        client = make_client(server.url, token, retry)  # a client object per thread
        barrier.wait()
        for _ in range(30):
            client.request("GET", "/api/x")
        with lock:
            sessions.add(id(client.session))

    assert run_in_threads(work, 8) == []
    assert len(sessions) == 1
    assert len(server.seen) == 240
    session = make_client(server.url, token, retry).session
    opened = connections_opened(session, server.url)
    # One connection per concurrent thread at most; never one per request.
    assert 1 <= opened <= 8
    assert len({seen.peer_port for seen in server.seen}) == opened


def test_unresolvable_host_is_not_ambiguous_for_a_post(
    token: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A name that does not resolve (RFC 6761 .invalid) means nothing was sent: the POST is
    retried like a refused connection and ends as a TransportError, not an ambiguous write."""
    caplog.set_level(logging.DEBUG, logger="pulumi_governance.api")
    retry = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.02)
    client = make_client("http://no-such-host.invalid", token, retry)
    with pytest.raises(TransportError) as caught:
        client.request("POST", "/api/things", json={})
    assert not isinstance(caught.value, AmbiguousWriteError)
    failures = [r for r in caplog.records if "POST /api/things failed" in r.getMessage()]
    assert len(failures) == retry.max_attempts
