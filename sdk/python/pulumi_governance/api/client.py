"""The HTTP core: pooled sessions, headers, timeouts, retries, typed errors, pagination.

One `requests.Session` per (API URL, token) is shared by every client object and thread of a
process; it is made on first use, so client objects are cheap and hold no connection.

Retries: a 429 is retried for any method (the service refused it before doing anything), honouring
`Retry-After`; 502/503/504 and dropped connections are retried only for idempotent requests (GET,
HEAD, PUT, DELETE, and a PATCH the caller marks `idempotent=True`). A POST (or unmarked PATCH) whose
outcome is unknown raises `AmbiguousWriteError`: the caller looks before sending it again.
A connection that could not be opened at all is retried for any method: nothing was sent.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from pulumi_governance import __version__
from pulumi_governance.config import Settings, resolve_settings

from .errors import (
    AmbiguousWriteError,
    PulumiCloudError,
    TransportError,
    error_for_status,
)
from .hooks import WebhooksApi
from .oidc import OidcApi
from .policy import PolicyGroupsApi, PolicyPacksApi, PolicyResultsApi
from .schedules import SchedulesApi
from .stacks import StacksApi
from .tokens import OrgTokensApi

log = logging.getLogger("pulumi_governance.api")

ACCEPT = "application/vnd.pulumi+8"
USER_AGENT = f"pulumi-governance/{__version__}"
RETRYABLE_STATUS = (502, 503, 504)
IDEMPOTENT_METHODS = ("GET", "HEAD", "PUT", "DELETE", "OPTIONS")


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    base_delay: float = 0.25
    max_delay: float = 8.0
    max_retry_after: float = 30.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before attempt `attempt + 1`: Retry-After if given, else exponential
        backoff with full jitter."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_retry_after)
        return random.uniform(0, min(self.max_delay, self.base_delay * (2**attempt)))


_sessions: dict[tuple[str, str], requests.Session] = {}
_sessions_lock = threading.Lock()


def shared_session(api_url: str, token: str) -> requests.Session:
    """The process-wide session for (API URL, token)."""
    key = (api_url, token)
    with _sessions_lock:
        session = _sessions.get(key)
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=4, pool_maxsize=16, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.headers.update(
                {"Authorization": f"token {token}", "Accept": ACCEPT, "User-Agent": USER_AGENT}
            )
            _sessions[key] = session
        return session


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:500] or response.reason
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return body["message"]
    return str(body)[:500]


def _never_sent(error: requests.RequestException) -> bool:
    """True when the connection could not be opened, so the request cannot have reached the
    service."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    text = repr(error)
    return "NewConnectionError" in text or "Connection refused" in text


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
        self.settings = settings or resolve_settings(api_url=api_url, token=token)
        self.timeout = timeout
        self.retry = retry or RetryPolicy()

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
        """PUT `data` to a pre-signed upload URL (no Pulumi credentials go there)."""
        self._send("PUT", url, "(upload URL)", None, None, True, data=data, headers=headers)

    def paginate(
        self, path: str, items_key: str, params: Mapping[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every item of a list endpoint, following `continuationToken` to the end."""
        query = dict(params or {})
        while True:
            body = self.request("GET", path, params=query) or {}
            yield from body.get(items_key) or []
            token = body.get("continuationToken")
            if not token:
                return
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
        safe = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        foreign = data is not None  # an upload URL: a plain request, not the API session
        attempt = 0
        while True:
            started = time.monotonic()
            try:
                if foreign:
                    response = requests.request(
                        method, url, data=data, headers=dict(headers or {}), timeout=self.timeout
                    )
                else:
                    response = self.session.request(
                        method, url, json=json, params=params, timeout=self.timeout
                    )
            except requests.RequestException as error:
                attempt += 1
                never_sent = _never_sent(error)
                reason = type(error).__name__
                log.debug(
                    "%s %s failed after %.2fs: %s", method, path, time.monotonic() - started, reason
                )
                if (safe or never_sent) and attempt < self.retry.max_attempts:
                    time.sleep(self.retry.delay(attempt - 1))
                    continue
                if not safe and not never_sent:
                    raise AmbiguousWriteError(
                        method, path, None, f"no response ({reason})"
                    ) from None
                raise TransportError(method, path, None, f"no response ({reason})") from None

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
                raise AmbiguousWriteError(method, path, status, _message(response))
            raise error_for_status(method, path, status, _message(response))


__all__ = ["PulumiCloudClient", "PulumiCloudError", "RetryPolicy", "shared_session"]
