"""The HTTP core: pooled sessions, headers, timeouts, retries, typed errors, pagination.

One `requests.Session` per (API URL, token) is shared by every client object and thread of a
process; it is made on first use, so client objects are cheap and hold no connection.

Retries (exponential backoff with full jitter, `RetryPolicy`):
- 429 is retried for any method, POST included: the service refuses a rate-limited request before
  doing anything, so resending cannot duplicate a write. `Retry-After` (seconds or an HTTP date) is
  honoured, capped at `RetryPolicy.max_retry_after`.
- 502/503/504, read timeouts and dropped connections are retried only for idempotent requests:
  GET, HEAD, PUT, DELETE, OPTIONS, and a POST/PATCH the caller marks `idempotent=True` (each area
  module says which of its calls are marked, and why).
- A connection that could not be opened at all (refused, name not resolved, connect timeout) is
  retried for any method: nothing was sent. A TLS failure is reported at once (it does not heal).
- A POST (or unmarked PATCH) whose outcome is unknown (the connection dropped after sending, a read
  timeout, or any 5xx) raises `AmbiguousWriteError` at once. The caller looks before sending it
  again: every create has a finder (`find_*`), and `create_then_look` wires the two together.

Errors name the method and the URL tried (without the query) and what happened: the status and
the service's message, or for no answer at all connection refused / name not resolved /
connection timed out / read timed out / TLS failed / connection closed (`connection_failures`).

Nothing here puts the access token into a message, a log line or a repr.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Mapping
from functools import cached_property
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from pulumi_governance._version import __version__
from pulumi_governance.config import Settings, resolve_settings

from .connection_failures import describe
from .errors import (
    AmbiguousWriteError,
    PulumiCloudError,
    TransportError,
    error_for_status,
)
from .oidc import OidcApi
from .policy import PolicyGroupsApi, PolicyPacksApi, PolicyResultsApi
from .retry import RetryPolicy, parse_retry_after
from .schedules import SchedulesApi
from .stacks import StacksApi
from .tokens import OrgTokensApi
from .webhooks import WebhooksApi

log = logging.getLogger("pulumi_governance.api")

ACCEPT = "application/vnd.pulumi+8"
USER_AGENT = f"pulumi-governance/{__version__}"
RETRYABLE_STATUS = (502, 503, 504)
IDEMPOTENT_METHODS = ("GET", "HEAD", "PUT", "DELETE", "OPTIONS")


POOL_SIZE = 16  # connections kept per host; the dynamic provider runs 4 calls at once


_sessions: dict[tuple[str, str], requests.Session] = {}
_sessions_lock = threading.Lock()


def shared_session(api_url: str, token: str) -> requests.Session:
    """The process-wide session for (API URL, token), made on first use. Safe to share between
    threads: its connection pool holds up to `POOL_SIZE` connections per host."""
    key = (api_url, token)
    with _sessions_lock:
        session = _sessions.get(key)
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=4, pool_maxsize=POOL_SIZE, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.headers.update(
                {"Authorization": f"token {token}", "Accept": ACCEPT, "User-Agent": USER_AGENT}
            )
            _sessions[key] = session
        return session


def close_sessions() -> None:
    """Close and forget every shared session (tests and benchmarks; clients make new ones)."""
    with _sessions_lock:
        sessions = list(_sessions.values())
        _sessions.clear()
    for session in sessions:
        session.close()


def _retry_after(response: requests.Response) -> float | None:
    return parse_retry_after(response.headers.get("Retry-After"))


def _message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:500] or response.reason
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return body["message"]
    return str(body)[:500]


class PulumiCloudClient:
    """A client of one Pulumi Cloud API (api.pulumi.com, self-hosted, or the emulator)."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        api_url: str | None = None,
        token: str | None = None,
        timeout: tuple[float, float] = (10.0, 60.0),
        retry: RetryPolicy | None = None,
    ) -> None:
        """`settings` (or `api_url`/`token`, resolved by `config.resolve_settings`); `timeout` is
        (connect, read) seconds for every request; `retry` the retry policy. Cheap: no session
        or connection is made until the first request, and none is held on the object."""
        self.settings = settings or resolve_settings(api_url=api_url, token=token)
        self.timeout = timeout
        self.retry = retry or RetryPolicy()

    def __getstate__(self) -> dict[str, Any]:
        raise TypeError("PulumiCloudClient is not picklable: construct it at call time")

    def __repr__(self) -> str:
        return f"PulumiCloudClient(api_url={self.settings.api_url!r})"

    @cached_property
    def stacks(self) -> StacksApi:
        return StacksApi(self)

    @cached_property
    def policy_packs(self) -> PolicyPacksApi:
        return PolicyPacksApi(self)

    @cached_property
    def policy_groups(self) -> PolicyGroupsApi:
        return PolicyGroupsApi(self)

    @cached_property
    def policy_results(self) -> PolicyResultsApi:
        return PolicyResultsApi(self)

    @cached_property
    def org_tokens(self) -> OrgTokensApi:
        return OrgTokensApi(self)

    @cached_property
    def webhooks(self) -> WebhooksApi:
        return WebhooksApi(self)

    @cached_property
    def schedules(self) -> SchedulesApi:
        return SchedulesApi(self)

    @cached_property
    def oidc(self) -> OidcApi:
        return OidcApi(self)

    @property
    def api_url(self) -> str:
        return self.settings.api_url

    @property
    def session(self) -> requests.Session:
        return shared_session(self.settings.api_url, self.settings.token)

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
    ) -> Any:
        """Send one API request; returns the decoded JSON body (None when empty)."""
        response = self._send(method, self.settings.api_url + path, path, json, params, idempotent)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            return response.text

    def upload(self, url: str, data: bytes, headers: Mapping[str, str]) -> None:
        """PUT `data` to a pre-signed upload URL with exactly the given headers: no Pulumi
        credentials go there (it may be another host). Retried like any PUT."""
        self._send("PUT", url, "(upload URL)", None, None, True, data=data, headers=headers)

    def paginate(
        self, path: str, items_key: str, params: Mapping[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every item of a list endpoint, following `continuationToken` to the end (lazily: one
        page is fetched when the previous one is used up). Stops if a token repeats."""
        query = {k: v for k, v in (params or {}).items() if v is not None}
        seen: set[str] = set()
        while True:
            body = self.request("GET", path, params=query) or {}
            yield from body.get(items_key) or []
            token = body.get("continuationToken")
            if not token or token in seen:
                return
            seen.add(token)
            query["continuationToken"] = token

    def _send(
        self,
        method: str,
        url: str,
        path: str,
        json: Any,
        params: Mapping[str, Any] | None,
        idempotent: bool | None,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> requests.Response:
        method = method.upper()
        shown = url.partition("?")[0]  # a pre-signed upload URL's query holds its signature
        safe = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        foreign = data is not None  # an upload URL: a plain request, not the API session
        attempt = 0
        while True:
            started = time.monotonic()
            try:
                if foreign:
                    # A fresh session: no Pulumi headers go to a foreign URL.
                    response = requests.request(
                        method, url, data=data, headers=dict(headers or {}), timeout=self.timeout
                    )
                else:
                    response = self.session.request(
                        method, url, json=json, params=params, timeout=self.timeout
                    )
            except requests.RequestException as error:
                attempt += 1
                failure = describe(error, self.timeout[1])
                log.debug(
                    "%s %s failed after %.2fs: %s",
                    method,
                    path,
                    time.monotonic() - started,
                    failure.what,
                )
                retryable = safe or failure.never_sent
                if retryable and failure.retry and attempt < self.retry.max_attempts:
                    time.sleep(self.retry.delay(attempt - 1))
                    continue
                kind = TransportError if retryable else AmbiguousWriteError
                tries = f" ({attempt} tries)" if attempt > 1 else ""
                raise kind(method, path, None, failure.what + tries, shown) from None

            log.debug(
                "%s %s -> %s in %.2fs",
                method,
                path,
                response.status_code,
                time.monotonic() - started,
            )
            status = response.status_code
            if status < 400:
                return response
            attempt += 1
            retryable = status == 429 or (safe and status in RETRYABLE_STATUS)
            if retryable and attempt < self.retry.max_attempts:
                time.sleep(self.retry.delay(attempt - 1, _retry_after(response)))
                continue
            if status >= 500 and not safe:
                raise AmbiguousWriteError(method, path, status, _message(response), shown)
            raise error_for_status(method, path, status, _message(response), shown)


__all__ = ["PulumiCloudClient", "PulumiCloudError", "close_sessions", "shared_session"]
