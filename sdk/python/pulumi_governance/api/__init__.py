"""The Pulumi Cloud REST API client: `PulumiCloudClient` and its typed errors.

It speaks the wire format: request bodies are plain dicts of camelCase wire JSON, and responses
come back as the decoded JSON (dicts, or lists of dicts), unchanged. It knows nothing of Pulumi's
engine. Areas hang off the client: `stacks`, `policy_packs`, `policy_groups`, `policy_results`,
`org_tokens`, `webhooks`, `schedules`, `oidc`. Only this package builds REST paths, queries and
bodies; `request` and `paginate` are the transport the areas share.
"""

from .client import PulumiCloudClient, close_sessions, shared_session
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
from .look_before_resend import create_then_look
from .retry import RetryPolicy, parse_retry_after
from .webhooks import (
    environment_scope,
    hook_body,
    org_scope,
    preview_environment_scope,
    stack_scope,
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
    "close_sessions",
    "create_then_look",
    "environment_scope",
    "hook_body",
    "org_scope",
    "parse_retry_after",
    "preview_environment_scope",
    "shared_session",
    "stack_scope",
]
