"""Typed errors of the Pulumi Cloud API: what failed (method and the URL tried, without its query),
the status, and the server's message or what happened on the wire. The access token is never part
of one (it travels in a header, never in a URL)."""

from __future__ import annotations


class PulumiCloudError(Exception):
    """A request to the Pulumi Cloud API failed."""

    def __init__(
        self, method: str, path: str, status: int | None, message: str, url: str | None = None
    ) -> None:
        self.method = method
        self.path = path
        self.url = url or path
        self.status = status
        self.message = message
        where = f"{method} {self.url}"
        super().__init__(f"{where}: HTTP {status}: {message}" if status else f"{where}: {message}")


class InvalidRequest(PulumiCloudError):
    """400 or 422: the service rejected the request's content."""


class Unauthorized(PulumiCloudError):
    """401: the token is missing, invalid or expired."""


class Forbidden(PulumiCloudError):
    """403: the token is valid but may not do this."""


class NotFound(PulumiCloudError):
    """404."""


class Conflict(PulumiCloudError):
    """409: the object exists already, or is in use."""


class RateLimited(PulumiCloudError):
    """429, still after the retries."""


class ServerError(PulumiCloudError):
    """5xx, still after the retries (or at once, for a request that may not be retried)."""


class TransportError(PulumiCloudError):
    """No HTTP answer: connection refused, name not resolved, timed out, TLS failure, or the
    connection closed before an answer; the message says which."""


class AmbiguousWriteError(PulumiCloudError):
    """A write may or may not have happened: the connection dropped or the server failed after
    the request was sent. Look (e.g. list and match) before sending it again."""


def error_for_status(
    method: str, path: str, status: int, message: str, url: str | None = None
) -> PulumiCloudError:
    kind: type[PulumiCloudError]
    if status in (400, 422):
        kind = InvalidRequest
    elif status == 401:
        kind = Unauthorized
    elif status == 403:
        kind = Forbidden
    elif status == 404:
        kind = NotFound
    elif status == 409:
        kind = Conflict
    elif status == 429:
        kind = RateLimited
    elif status >= 500:
        kind = ServerError
    else:
        kind = PulumiCloudError
    return kind(method, path, status, message, url)
