"""The client's HTTP behaviour against the scripted server on loopback: headers, retries,
ambiguity, look-before-resend, errors naming the URL and what happened, pagination, pooling,
uploads, and that the token never leaks."""

from __future__ import annotations

import email.utils
import json
import logging
import pickle
import socket
import threading
import time
from urllib.parse import urlsplit

import pytest
import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool

from pulumi_governance import __version__
from pulumi_governance.api import (
    AmbiguousWriteError,
    Conflict,
    Forbidden,
    InvalidRequest,
    NotFound,
    PulumiCloudClient,
    PulumiCloudError,
    RateLimited,
    RetryPolicy,
    ServerError,
    TransportError,
    Unauthorized,
    close_sessions,
    create_then_look,
    org_scope,
    shared_session,
)
from pulumi_governance.config import Settings
from tests.client.loopback import Reply, ScriptedServer, free_port, run_in_threads

FAST = RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.02, max_retry_after=0.5)


def make_client(
    url: str, token: str, retry: RetryPolicy = FAST, timeout: tuple[float, float] = (2.0, 5.0)
) -> PulumiCloudClient:
    return PulumiCloudClient(Settings(url, token), retry=retry, timeout=timeout)


# headers -------------------------------------------------------------------------------------


def test_every_request_carries_auth_accept_and_user_agent(
    server: ScriptedServer, token: str
) -> None:
    client = make_client(server.url, token)
    client.request("GET", "/api/x")
    client.request("POST", "/api/y", json={"a": 1})
    get, post = server.seen
    for seen in (get, post):
        assert seen.headers["Authorization"] == f"token {token}"
        assert seen.headers["Accept"] == "application/vnd.pulumi+8"
        assert seen.headers["User-Agent"].startswith(f"pulumi-governance/{__version__}")
    assert post.headers["Content-Type"] == "application/json"
    assert json.loads(post.body) == {"a": 1}
    assert "Content-Type" not in get.headers


def test_path_segments_are_percent_encoded(server: ScriptedServer, token: str) -> None:
    client = make_client(server.url, token)
    client.stacks.get("acme", "my project", "dev/1")
    assert server.seen[0].path == "/api/stacks/acme/my%20project/dev%2F1"


def test_upload_sends_only_the_required_headers(server: ScriptedServer, token: str) -> None:
    client = make_client(server.url, token)
    created = {"uploadURI": server.url + "/upload/1", "requiredHeaders": {"X-Sig": "abc"}}
    client.policy_packs.upload(created, b"archive-bytes")
    (seen,) = server.requests_to("/upload/1")
    assert seen.method == "PUT"
    assert seen.body == b"archive-bytes"
    assert seen.headers["X-Sig"] == "abc"
    assert "Authorization" not in seen.headers
    assert token not in json.dumps(seen.headers)


# retries -------------------------------------------------------------------------------------


def test_get_is_retried_through_503_and_502(server: ScriptedServer, token: str) -> None:
    server.add("/api/r", Reply(503), Reply(502), Reply(body={"ok": True}))
    assert make_client(server.url, token).request("GET", "/api/r") == {"ok": True}
    assert len(server.requests_to("/api/r")) == 3


def test_get_gives_up_after_max_attempts_with_server_error(
    server: ScriptedServer, token: str
) -> None:
    server.add("/api/r", *[Reply(504, {"code": 504, "message": "gateway"})] * 10)
    with pytest.raises(ServerError) as caught:
        make_client(server.url, token).request("GET", "/api/r")
    assert caught.value.status == 504
    assert len(server.requests_to("/api/r")) == FAST.max_attempts


def test_429_on_post_is_retried_honouring_retry_after(server: ScriptedServer, token: str) -> None:
    server.add("/api/p", Reply(429, headers={"Retry-After": "0.3"}), Reply(201, {"id": "1"}))
    started = time.monotonic()
    assert make_client(server.url, token).request("POST", "/api/p", json={}) == {"id": "1"}
    assert time.monotonic() - started >= 0.3
    assert len(server.requests_to("/api/p")) == 2


def test_retry_after_is_capped(server: ScriptedServer, token: str) -> None:
    server.add("/api/p", Reply(429, headers={"Retry-After": "120"}), Reply(body={}))
    started = time.monotonic()
    make_client(server.url, token).request("GET", "/api/p")
    assert time.monotonic() - started < 5  # capped at FAST.max_retry_after (0.5s)


def test_429_still_after_retries_is_rate_limited(server: ScriptedServer, token: str) -> None:
    server.add("/api/p", *[Reply(429, {"message": "slow down"}, {"Retry-After": "0"})] * 10)
    with pytest.raises(RateLimited, match="slow down"):
        make_client(server.url, token).request("GET", "/api/p")


def test_503_on_post_is_ambiguous_and_not_retried(server: ScriptedServer, token: str) -> None:
    server.add("/api/p", Reply(503, {"code": 503, "message": "busy"}), Reply(201, {}))
    with pytest.raises(AmbiguousWriteError) as caught:
        make_client(server.url, token).request("POST", "/api/p", json={"name": "x"})
    assert isinstance(caught.value, PulumiCloudError)
    assert caught.value.status == 503
    assert len(server.requests_to("/api/p")) == 1


def test_dropped_connection_on_post_is_ambiguous(server: ScriptedServer, token: str) -> None:
    server.add("/api/p", Reply(drop=True), Reply(201, {}))
    with pytest.raises(AmbiguousWriteError) as caught:
        make_client(server.url, token).request("POST", "/api/p", json={})
    assert caught.value.status is None
    assert len(server.requests_to("/api/p")) == 1


def test_dropped_connection_on_get_is_retried(server: ScriptedServer, token: str) -> None:
    server.add("/api/g", Reply(drop=True), Reply(body={"v": 2}))
    assert make_client(server.url, token).request("GET", "/api/g") == {"v": 2}
    assert len(server.requests_to("/api/g")) == 2


def test_read_timeout_on_post_is_ambiguous(server: ScriptedServer, token: str) -> None:
    server.add("/api/slow", Reply(delay=1.0, body={}))
    client = make_client(server.url, token, timeout=(2.0, 0.3))
    with pytest.raises(AmbiguousWriteError) as caught:
        client.request("POST", "/api/slow", json={})
    assert str(caught.value) == (
        f"POST {server.url}/api/slow: no response within 0.3 s (read timed out)"
    )


def test_read_timeout_on_get_is_retried(server: ScriptedServer, token: str) -> None:
    server.add("/api/slow", Reply(delay=1.0, body={}), Reply(body={"late": False}))
    client = make_client(server.url, token, timeout=(2.0, 0.3))
    assert client.request("GET", "/api/slow") == {"late": False}


def test_patch_retried_only_when_marked_idempotent(server: ScriptedServer, token: str) -> None:
    client = make_client(server.url, token)
    server.add("/api/a", Reply(503), Reply(204))
    client.request("PATCH", "/api/a", json={}, idempotent=True)
    assert len(server.requests_to("/api/a")) == 2
    server.add("/api/b", Reply(503), Reply(204))
    with pytest.raises(AmbiguousWriteError):
        client.request("PATCH", "/api/b", json={})
    assert len(server.requests_to("/api/b")) == 1


def test_connection_refused_is_a_transport_error_naming_the_url(token: str) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    client = make_client(url, token)
    with pytest.raises(TransportError) as caught:
        client.request("POST", "/api/p", json={})  # nothing was sent: not ambiguous
    assert not isinstance(caught.value, AmbiguousWriteError)
    assert caught.value.method == "POST" and caught.value.path == "/api/p"
    tries = FAST.max_attempts
    assert str(caught.value) == f"POST {url}/api/p: connection refused ({tries} tries)"
    assert token not in str(caught.value)


def test_unresolvable_name_is_named(token: str) -> None:
    client = make_client("http://no-such-host.invalid", token, RetryPolicy(max_attempts=1))
    with pytest.raises(TransportError) as caught:
        client.request("GET", "/api/orgs/acme/hooks")
    assert str(caught.value) == (
        "GET http://no-such-host.invalid/api/orgs/acme/hooks: name not resolved"
    )


def test_connect_timeout_is_named(token: str) -> None:
    # A listening socket whose backlog is full: the next SYN is never answered.
    with socket.socket() as full:
        full.bind(("127.0.0.1", 0))
        full.listen(0)
        port = full.getsockname()[1]
        fillers = []
        try:
            for _ in range(8):
                filler = socket.socket()
                filler.setblocking(False)
                filler.connect_ex(("127.0.0.1", port))
                fillers.append(filler)
            client = make_client(
                f"http://127.0.0.1:{port}", token, RetryPolicy(max_attempts=1), (0.3, 1.0)
            )
            with pytest.raises(TransportError) as caught:
                client.request("GET", "/api/x")
        finally:
            for filler in fillers:
                filler.close()
    assert str(caught.value) == f"GET http://127.0.0.1:{port}/api/x: connection timed out"


def test_tls_failure_is_named_and_not_retried(server: ScriptedServer, token: str) -> None:
    # The scripted server speaks plain HTTP: a TLS handshake with it fails.
    https = server.url.replace("http://", "https://")
    client = make_client(https, token)
    with pytest.raises(TransportError) as caught:
        client.request("GET", "/api/x")
    assert str(caught.value).startswith(f"GET {https}/api/x: TLS failed: ")
    assert len(server.seen) == 0  # never got as far as a request


def test_connection_closed_before_an_answer_is_named(server: ScriptedServer, token: str) -> None:
    server.add("/api/g", *[Reply(drop=True)] * FAST.max_attempts)
    with pytest.raises(TransportError) as caught:
        make_client(server.url, token).request("GET", "/api/g")
    tries = FAST.max_attempts
    expected = f"GET {server.url}/api/g: connection closed before a response ({tries} tries)"
    assert str(caught.value) == expected


# errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, InvalidRequest),
        (422, InvalidRequest),
        (401, Unauthorized),
        (403, Forbidden),
        (404, NotFound),
        (409, Conflict),
        (500, ServerError),
        (418, PulumiCloudError),
    ],
)
def test_status_maps_to_error_type_with_the_server_message(
    server: ScriptedServer, token: str, status: int, kind: type[PulumiCloudError]
) -> None:
    server.add("/api/e", Reply(status, {"code": status, "message": f"said {status}"}))
    with pytest.raises(kind) as caught:
        make_client(server.url, token).request("DELETE", "/api/e", params={"secret": "q"})
    error = caught.value
    assert (error.method, error.path, error.status) == ("DELETE", "/api/e", status)
    assert error.message == f"said {status}"
    assert str(error) == f"DELETE {server.url}/api/e: HTTP {status}: said {status}"
    assert "secret" not in str(error)  # the query string is not part of the path


def test_error_message_falls_back_to_text(server: ScriptedServer, token: str) -> None:
    server.add("/api/e", Reply(404, raw=b"no such thing\n"))
    with pytest.raises(NotFound, match="no such thing"):
        make_client(server.url, token).request("GET", "/api/e")


# pagination ----------------------------------------------------------------------------------


def test_paginate_follows_continuation_tokens_to_the_end(
    server: ScriptedServer, token: str
) -> None:
    server.add(
        "/api/user/stacks",
        Reply(body={"stacks": [{"stackName": "a"}, {"stackName": "b"}], "continuationToken": "t1"}),
        Reply(body={"stacks": [{"stackName": "c"}], "continuationToken": "t2"}),
        Reply(body={"stacks": [{"stackName": "d"}]}),
    )
    client = make_client(server.url, token)
    stacks = client.stacks.list(organization="acme", tag_name="env", page_size=2)
    assert [s["stackName"] for s in stacks] == ["a", "b", "c", "d"]
    queries = [s.query for s in server.requests_to("/api/user/stacks")]
    assert queries[0] == "organization=acme&tagName=env&maxResults=2"
    assert queries[1].endswith("continuationToken=t1")
    assert queries[2].endswith("continuationToken=t2")


def test_paginate_stops_on_a_repeated_token(server: ScriptedServer, token: str) -> None:
    loop = Reply(body={"tokens": [{"id": "x"}], "continuationToken": "same"})
    server.add("/api/orgs/acme/tokens", loop, loop, loop)
    assert len(make_client(server.url, token).org_tokens.list("acme")) == 2
    assert "filter=all" in server.requests_to("/api/orgs/acme/tokens")[0].query


# sessions and pooling -------------------------------------------------------------------------


def test_one_session_per_url_and_token_shared_by_clients(
    server: ScriptedServer, token: str
) -> None:
    a, b = make_client(server.url, token), make_client(server.url, token)
    other = make_client(server.url, token + "-other")
    assert a.session is b.session is shared_session(server.url, token)
    assert other.session is not a.session
    adapter = a.session.get_adapter(server.url)
    assert adapter._pool_maxsize >= 8  # type: ignore[attr-defined]


def test_sequential_calls_reuse_one_connection(server: ScriptedServer, token: str) -> None:
    client = make_client(server.url, token)
    for _ in range(20):
        client.request("GET", "/api/x")
    assert len({seen.peer_port for seen in server.seen}) == 1


def test_client_construction_makes_no_connection_and_refuses_pickling(token: str) -> None:
    client = make_client(f"http://127.0.0.1:{free_port()}", token)  # nothing listens: fine
    with pytest.raises(TypeError, match="not picklable"):
        pickle.dumps(client)


# secrets -------------------------------------------------------------------------------------


def test_token_never_in_repr_str_errors_or_debug_logs(
    server: ScriptedServer, token: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, urllib3 included
    client = make_client(server.url, token)
    server.add("/api/e", Reply(401, {"message": "bad token"}))
    server.add("/api/p", Reply(drop=True))
    server.add("/api/g", Reply(503), Reply(body={}))
    caught: list[PulumiCloudError] = []
    for method, route in (("GET", "/api/e"), ("POST", "/api/p"), ("GET", "/api/g")):
        try:
            client.request(method, route, json={})
        except PulumiCloudError as error:
            caught.append(error)
    assert len(caught) == 2
    assert any(r.name == "pulumi_governance.api" for r in caplog.records)
    texts = [repr(client), str(client), repr(client.settings), str(client.settings)]
    texts += [repr(client.session), str(client.session)]
    texts += [repr(e) for e in caught] + [str(e) for e in caught]
    texts += [caplog.text]
    for text in texts:
        assert token not in text


def test_create_then_look_returns_what_the_finder_found(server: ScriptedServer, token: str) -> None:
    client = make_client(server.url, token)
    server.add("/api/orgs/acme/tokens", Reply(drop=True))
    server.add("/api/orgs/acme/tokens", Reply(body={"tokens": [{"id": "t1", "name": "ci"}]}))
    found = create_then_look(
        lambda: client.org_tokens.create("acme", "ci"),
        lambda: client.org_tokens.find_by_name("acme", "ci"),
    )
    assert found == {"id": "t1", "name": "ci"}
    methods = [s.method for s in server.requests_to("/api/orgs/acme/tokens")]
    assert methods == ["POST", "GET"]


def test_create_then_look_resends_when_nothing_was_found(
    server: ScriptedServer, token: str
) -> None:
    client = make_client(server.url, token)
    route = "/api/orgs/acme/oidc/issuers"
    server.add(route, Reply(502), Reply(body={"oidcIssuers": []}), Reply(body={"id": "i1"}))
    result = create_then_look(
        lambda: client.oidc.register("acme", {"name": "gh", "url": "https://gh.example"}),
        lambda: client.oidc.find_by_url("acme", "https://gh.example"),
    )
    assert result == {"id": "i1"}
    assert [s.method for s in server.requests_to(route)] == ["POST", "GET", "POST"]


def test_create_then_look_gives_up_after_max_resends(server: ScriptedServer, token: str) -> None:
    client = make_client(server.url, token)
    route = "/api/orgs/acme/policygroups"
    server.add(route, *[Reply(503), Reply(body={"policyGroups": []})] * 3)
    with pytest.raises(AmbiguousWriteError):
        create_then_look(
            lambda: client.policy_groups.create("acme", "g"),
            lambda: client.policy_groups.find("acme", "g"),
            FAST,
            max_resends=1,
        )
    assert [s.method for s in server.requests_to(route)] == ["POST", "GET", "POST", "GET"]


def test_create_then_look_rides_out_several_ambiguous_sends(
    server: ScriptedServer, token: str
) -> None:
    """503, a dropped answer that did not commit, 502: each time the look finds nothing, so the
    create is sent again (within the policy's resends), and exactly one is made."""
    client = make_client(server.url, token)
    route = "/api/orgs/acme/hooks"
    empty = Reply(body=[])
    server.add(route, Reply(503), empty, Reply(drop=True), empty, Reply(502), empty)
    server.add(route, Reply(201, {"name": "h"}))
    made = create_then_look(
        lambda: client.webhooks.create(org_scope("acme"), {"name": "h"}),
        lambda: client.webhooks.find(org_scope("acme"), "h"),
        RetryPolicy(max_resends=3, base_delay=0.01, max_delay=0.02),
    )
    assert made == {"name": "h"}
    methods = [s.method for s in server.requests_to(route)]
    assert methods == ["POST", "GET", "POST", "GET", "POST", "GET", "POST"]


def test_create_then_look_does_not_resend_after_other_errors(
    server: ScriptedServer, token: str
) -> None:
    client = make_client(server.url, token)
    route = "/api/orgs/acme/hooks"
    server.add(route, Reply(409, {"code": 409, "message": "taken"}))
    with pytest.raises(Conflict):
        create_then_look(
            lambda: client.webhooks.create(org_scope("acme"), {"name": "h"}),
            lambda: client.webhooks.find(org_scope("acme"), "h"),
            FAST,
        )
    assert [s.method for s in server.requests_to(route)] == ["POST"]


# transport details ----------------------------------------------------------------------------


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


def test_refused_connection_is_retried_for_a_post_and_sent_once(
    token: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing reached the service while the port refused connections, so resending a POST is
    safe: the client keeps trying until the server listens, and the server sees it once."""
    caplog.set_level(logging.DEBUG, logger="pulumi_governance.api")
    port = free_port()
    started: list[ScriptedServer] = []

    def listen_later() -> None:
        time.sleep(0.4)
        late = ScriptedServer(port)
        late.add("/api/things", Reply(201, {"made": True}))
        started.append(late)

    thread = threading.Thread(target=listen_later, daemon=True)
    thread.start()
    retry = RetryPolicy(max_attempts=40, base_delay=0.1, max_delay=0.1)
    client = make_client(f"http://127.0.0.1:{port}", token, retry, timeout=(5.0, 5.0))
    try:
        assert client.request("POST", "/api/things", json={"name": "x"}) == {"made": True}
        refusals = [r for r in caplog.records if "POST /api/things failed" in r.getMessage()]
        assert refusals, "the first attempt should have been refused"
        assert len(started[0].requests_to("/api/things")) == 1
    finally:
        close_sessions()  # let go of the kept-alive connection
        thread.join(timeout=5)
        for late in started:
            late.close()


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
        # A client object per thread. A 5 s connect timeout: the scripted server's listen backlog
        # is 5, so of 8 simultaneous connects one may wait for a SYN retransmit (1 s).
        client = make_client(server.url, token, retry, timeout=(5.0, 5.0))
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


def test_requests_is_not_patched() -> None:
    # The tests above use real sockets; make sure nothing swapped the transport.
    assert requests.Session.request.__module__ == "requests.sessions"
