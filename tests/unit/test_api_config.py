"""Where the token and API URL come from: arguments, environment, `pulumi login` credentials."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pulumi_governance.config import (
    DEFAULT_API_URL,
    MissingTokenError,
    Settings,
    normalize_api_url,
    resolve_settings,
)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty PULUMI_HOME and no Pulumi variables in the environment."""
    monkeypatch.setenv("PULUMI_HOME", str(tmp_path))
    monkeypatch.delenv("PULUMI_ACCESS_TOKEN", raising=False)
    monkeypatch.delenv("PULUMI_API", raising=False)
    return tmp_path


def write_credentials(home: Path, tokens: dict[str, str], current: str | None = None) -> None:
    body = {"current": current or next(iter(tokens), ""), "accessTokens": tokens, "accounts": {}}
    (home / "credentials.json").write_text(json.dumps(body))


def test_explicit_arguments_win_over_environment_and_login(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULUMI_ACCESS_TOKEN", "env-token")
    monkeypatch.setenv("PULUMI_API", "https://env.example.com")
    write_credentials(home, {"https://arg.example.com": "login-token"})
    settings = resolve_settings(api_url="https://arg.example.com/", token="arg-token")
    assert settings == Settings("https://arg.example.com", "arg-token")


def test_environment_used_when_no_arguments(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULUMI_ACCESS_TOKEN", "env-token")
    monkeypatch.setenv("PULUMI_API", "https://env.example.com//")
    write_credentials(home, {"https://env.example.com": "login-token"})
    assert resolve_settings() == Settings("https://env.example.com", "env-token")


def test_default_url_is_the_public_service(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULUMI_ACCESS_TOKEN", "env-token")
    assert resolve_settings().api_url == DEFAULT_API_URL == "https://api.pulumi.com"


def test_login_token_for_the_same_url_ignoring_trailing_slashes(home: Path) -> None:
    write_credentials(
        home,
        {"https://api.pulumi.com/": "public-login", "http://127.0.0.1:8080/": "local-login"},
        current="https://api.pulumi.com/",
    )
    assert resolve_settings().token == "public-login"
    assert resolve_settings(api_url="http://127.0.0.1:8080").token == "local-login"


def test_login_token_of_another_url_is_not_used(home: Path) -> None:
    write_credentials(home, {"https://other.example.com": "other-login"})
    with pytest.raises(MissingTokenError):
        resolve_settings(api_url="https://api.example.com")


def test_missing_token_lists_every_place_looked(home: Path) -> None:
    with pytest.raises(MissingTokenError) as caught:
        resolve_settings(api_url="https://api.example.com")
    message = str(caught.value)
    assert "https://api.example.com" in message
    assert "PULUMI_ACCESS_TOKEN" in message
    assert str(home / "credentials.json") in message
    assert "explicit" in message


def test_unreadable_credentials_file_counts_as_no_login(home: Path) -> None:
    (home / "credentials.json").write_text("{not json")
    with pytest.raises(MissingTokenError):
        resolve_settings()


def test_default_pulumi_home_is_dot_pulumi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PULUMI_HOME", raising=False)
    monkeypatch.delenv("PULUMI_ACCESS_TOKEN", raising=False)
    monkeypatch.delenv("PULUMI_API", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".pulumi").mkdir()
    write_credentials(tmp_path / ".pulumi", {"https://api.pulumi.com": "home-login"})
    assert resolve_settings().token == "home-login"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://api.pulumi.com/", "https://api.pulumi.com"),
        ("  http://127.0.0.1:8080//  ", "http://127.0.0.1:8080"),
        ("https://app.pulumi.com", "https://api.pulumi.com"),
        ("https://app.pulumi.com/", "https://api.pulumi.com"),
        ("https://pulumi.example.com/api-host", "https://pulumi.example.com/api-host"),
    ],
)
def test_normalize_api_url(given: str, expected: str) -> None:
    assert normalize_api_url(given) == expected


def test_settings_never_show_the_token() -> None:
    settings = Settings("https://api.example.com", "pul-secret-value")
    assert "pul-secret-value" not in repr(settings)
    assert "pul-secret-value" not in str(settings)


def test_several_logins_pick_the_one_for_the_url_not_the_current_one(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_credentials(
        home,
        {
            "https://api.pulumi.com": "public-login",
            "https://pulumi.corp.example.com/": "corp-login",
            "http://127.0.0.1:8080": "local-login",
        },
        current="http://127.0.0.1:8080",
    )
    assert resolve_settings().token == "public-login"
    monkeypatch.setenv("PULUMI_API", "https://pulumi.corp.example.com")
    assert resolve_settings() == Settings("https://pulumi.corp.example.com", "corp-login")
    # An explicit URL beats PULUMI_API, and still finds its own login.
    assert resolve_settings(api_url="http://127.0.0.1:8080/").token == "local-login"
    # The environment token beats every login.
    monkeypatch.setenv("PULUMI_ACCESS_TOKEN", "env-token")
    assert resolve_settings(api_url="http://127.0.0.1:8080").token == "env-token"
