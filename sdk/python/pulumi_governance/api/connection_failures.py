"""What happened when a request got no HTTP answer, in words a user can act on.

`describe(error)` looks through requests' wrapping (ConnectionError -> urllib3 MaxRetryError ->
its reason -> the OS error) and names the failure: connection refused, name not resolved,
connection timed out, no response within the read timeout, TLS failure, or connection closed
before an answer. `never_sent` is True when the connection could not be opened at all, so the
request cannot have reached the service (safe to send again, whatever the method).
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass

import requests
from urllib3.exceptions import (
    ConnectTimeoutError,
    MaxRetryError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)


@dataclass(frozen=True)
class Failure:
    what: str
    never_sent: bool
    retry: bool = True  # False for what waiting does not fix


def _chain(error: BaseException) -> Iterator[object]:
    """The error and everything it wraps (reasons, args, causes, contexts), each once."""
    pending: list[object] = [error]
    seen: set[int] = set()
    while pending:
        item = pending.pop(0)
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        if isinstance(item, MaxRetryError) and item.reason is not None:
            pending.append(item.reason)
        if isinstance(item, BaseException):
            pending.extend(a for a in item.args if isinstance(a, BaseException))
            pending.extend(e for e in (item.__cause__, item.__context__) if e is not None)


def _tls_reason(chain: list[object]) -> str:
    for item in chain:
        if isinstance(item, ssl.SSLCertVerificationError):
            return item.verify_message or "certificate verify failed"
        if isinstance(item, ssl.SSLError):
            return item.reason or str(item)
    return "handshake failed"


def describe(error: requests.RequestException, read_timeout: float) -> Failure:
    chain = list(_chain(error))
    kinds = tuple(type(item) for item in chain)

    def has(*types: type) -> bool:
        return any(issubclass(kind, types) for kind in kinds)

    if has(NameResolutionError, socket.gaierror):
        return Failure("name not resolved", never_sent=True)
    if has(ConnectionRefusedError):
        return Failure("connection refused", never_sent=True)
    if isinstance(error, requests.ConnectTimeout) or has(ConnectTimeoutError):
        return Failure("connection timed out", never_sent=True)
    if has(SSLError, ssl.SSLError) or isinstance(error, requests.exceptions.SSLError):
        # The handshake precedes the request: nothing was sent, and waiting does not fix it.
        return Failure(f"TLS failed: {_tls_reason(chain)}", never_sent=True, retry=False)
    if has(NewConnectionError):
        return Failure("connection could not be opened", never_sent=True)
    if isinstance(error, requests.ReadTimeout) or has(ReadTimeoutError, socket.timeout):
        return Failure(f"no response within {read_timeout:g} s (read timed out)", False)
    if has(ConnectionResetError, ProtocolError, ConnectionAbortedError, BrokenPipeError):
        return Failure("connection closed before a response", never_sent=False)
    return Failure(f"no response ({type(error).__name__})", never_sent=False)
