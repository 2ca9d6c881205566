"""The client's HTTP behaviour against a scripted server on loopback: headers, retries,
ambiguity, errors, pagination, pooling, uploads, and that the token never leaks."""

from __future__ import annotations

import json
import logging
import pickle
import time
import uuid
from collections.abc import Iterator

import pytest
import requests

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
    create_then_look,
    shared_session,
)
from pulumi_governance.config import Settings
from tests.unit.api_loopback import Reply, ScriptedServer, free_port, run_in_threads

FAST = RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.02, max_retry_after=0.5)


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    srv = ScriptedServer()
    yield srv
    srv.close()


@pytest.fixture
def token() -> str:
    return "pul-" + uuid.uuid4().hex


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
    with pytest.raises(AmbiguousWriteError, match="ReadTimeout"):
        client.request("POST", "/api/slow", json={})


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


def test_connection_refused_is_a_transport_error_after_retries(token: str) -> None:
    client = make_client(f"http://127.0.0.1:{free_port()}", token)
    with pytest.raises(TransportError) as caught:
        client.request("POST", "/api/p", json={})  # nothing was sent: not ambiguous
    assert not isinstance(caught.value, AmbiguousWriteError)
    assert caught.value.method == "POST" and caught.value.path == "/api/p"


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
    assert str(error) == f"DELETE /api/e: HTTP {status}: said {status}"
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


def test_threads_share_the_session_safely(server: ScriptedServer, token: str) -> None:
    def work() -> None:
        client = make_client(server.url, token)
        for _ in range(25):
            client.request("GET", "/api/x")

    assert run_in_threads(work, 8) == []
    assert len(server.seen) == 200
    assert len({seen.peer_port for seen in server.seen}) <= 16  # pooled, not one per call


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
            max_resends=1,
        )
    assert [s.method for s in server.requests_to(route)] == ["POST", "GET", "POST", "GET"]


def test_requests_is_not_patched() -> None:
    # The tests above use real sockets; make sure nothing swapped the transport.
    assert requests.Session.request.__module__ == "requests.sessions"
