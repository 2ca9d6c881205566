"""REST calls for Schedule and OidcIssuer, on the API client's low-level request.

Reads and deletes go through as they are. Updates, pause and resume set a state (repeating one
does no harm), so after an ambiguous failure they are simply sent again; creates are not retried
here (their logic looks before retrying).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pulumi_governance.api import PulumiCloudClient

IDEMPOTENT_ATTEMPTS = 3


def http_errors() -> Any:
    """The API client's module, for its error classes (imported on first use)."""
    return importlib.import_module("pulumi_governance.api")


def get(api: PulumiCloudClient, path: str) -> Any:
    return api.request("GET", path)


def post(api: PulumiCloudClient, path: str, body: Any) -> Any:
    return api.request("POST", path, json=body)


def delete(api: PulumiCloudClient, path: str) -> None:
    api.request("DELETE", path)


def send_idempotent(api: PulumiCloudClient, method: str, path: str, body: Any) -> Any:
    """A write that sets a state: sent again after an ambiguous failure."""
    for attempt in range(IDEMPOTENT_ATTEMPTS):
        try:
            return api.request(method, path, json=body)
        except http_errors().AmbiguousWriteError:
            if attempt == IDEMPOTENT_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")
