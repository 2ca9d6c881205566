"""The Pulumi Cloud REST API client: `PulumiCloudClient` and its typed errors.

It speaks the wire format (camelCase JSON dicts in and out) and knows nothing of Pulumi's engine.
"""

from .client import PulumiCloudClient, RetryPolicy, shared_session
from .errors import (
    AmbiguousWriteError,
    Conflict,
    Forbidden,
    InvalidRequest,
    NotFound,
    PulumiCloudError,
    RateLimited,
    ServerError,
    TransportError,
    Unauthorized,
)

__all__ = [
    "AmbiguousWriteError",
    "Conflict",
    "Forbidden",
    "InvalidRequest",
    "NotFound",
    "PulumiCloudClient",
    "PulumiCloudError",
    "RateLimited",
    "RetryPolicy",
    "ServerError",
    "TransportError",
    "Unauthorized",
    "shared_session",
]
