"""Where the access token and the API URL come from.

Explicit arguments win; then `PULUMI_ACCESS_TOKEN` / `PULUMI_API`; then, for the token, the
current `pulumi login` for that API URL in `$PULUMI_HOME/credentials.json` (default
`~/.pulumi/credentials.json`). The API URL defaults to https://api.pulumi.com.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_API_URL = "https://api.pulumi.com"
CONSOLE_URLS = ("https://app.pulumi.com", "https://pulumi.com", "https://www.pulumi.com")

log = logging.getLogger("pulumi_governance.api")


class MissingTokenError(ValueError):
    """No access token was found in any of the places a token is looked for."""


@dataclass(frozen=True)
class Settings:
    """An API URL and the access token for it. The token never shows in repr or str."""

    api_url: str
    token: str = field(repr=False)

    def __str__(self) -> str:
        return f"Settings(api_url={self.api_url!r}, token=***)"


def normalize_api_url(url: str) -> str:
    """Trailing slashes and surrounding space removed; the console URL mapped to the API's."""
    url = url.strip().rstrip("/")
    # A console URL is a common mistake; its API lives on the api. host.
    if url.lower() in CONSOLE_URLS:
        log.warning("%s is the Pulumi Cloud console; using its API, %s", url, DEFAULT_API_URL)
        return DEFAULT_API_URL
    return url


def pulumi_home() -> Path:
    home = os.environ.get("PULUMI_HOME")
    return Path(home) if home else Path.home() / ".pulumi"


def login_token(api_url: str) -> str | None:
    """The token of a `pulumi login` to `api_url`, if credentials.json has one."""
    path = pulumi_home() / "credentials.json"
    try:
        credentials = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    tokens = credentials.get("accessTokens") or {}
    for url, token in tokens.items():
        if isinstance(token, str) and token and normalize_api_url(url) == api_url:
            return token
    return None


def resolve_settings(api_url: str | None = None, token: str | None = None) -> Settings:
    """The API URL and token to use; raises MissingTokenError listing where it looked."""
    url = normalize_api_url(api_url or os.environ.get("PULUMI_API") or DEFAULT_API_URL)
    found = token or os.environ.get("PULUMI_ACCESS_TOKEN") or login_token(url)
    if not found:
        raise MissingTokenError(
            f"no Pulumi access token for {url}: looked at the explicit argument (or stack config "
            f"governance:accessToken), the PULUMI_ACCESS_TOKEN environment variable, and the "
            f"`pulumi login` credentials in {pulumi_home() / 'credentials.json'}"
        )
    return Settings(api_url=url, token=found)
