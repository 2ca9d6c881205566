"""OrgToken rules on plain values: expiry spelling, auto-names, validation, what replaces."""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from datetime import UTC, datetime

from .kind import Failure, Props, is_unknown
from .times import parse_time

NAME_MAX = 40  # the service's limit on a token name
SUFFIX_HEX = 7
MAX_LIFETIME_S = 730 * 24 * 3600  # "at most two years ahead"
LIFETIME = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
UNIT_S = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
# Every one of these replaces the token: the service has no update of a token.
REPLACE_KEYS = ("organization", "name", "exact_name", "description", "expiry", "keepers", "admin")


def lifetime_seconds(text: str) -> int | None:
    """Seconds in a lifetime such as "90d", "12h", "30m", "2w"; None if `text` is not one."""
    match = LIFETIME.match(text)
    return int(match.group(1)) * UNIT_S[match.group(2)] if match else None


def expiry_error(expiry: object, now: float, check_past: bool = True) -> str | None:
    """None for a valid expiry, else the rule it breaks."""
    if not isinstance(expiry, str):
        return "must be an RFC 3339 time or a lifetime such as '90d' or '12h'"
    seconds = lifetime_seconds(expiry)
    if seconds is not None:
        if seconds <= 0:
            return f"{expiry!r} must be a positive lifetime"
        if seconds > MAX_LIFETIME_S:
            return f"{expiry!r} is more than two years (730d)"
        return None
    moment = parse_time(expiry, assume_utc=False)
    if moment is None:
        return (
            f"{expiry!r} is neither an RFC 3339 time with a zone (2026-12-01T00:00:00Z) "
            "nor a lifetime such as '90d' or '12h'"
        )
    if check_past and moment.timestamp() <= now:
        return f"{expiry!r} is in the past (an expired token needs a new expiry)"
    if moment.timestamp() > now + MAX_LIFETIME_S:
        return f"{expiry!r} is more than two years ahead"
    return None


def expires_at(expiry: str | None, now: float) -> int:
    """Unix seconds for the service (0 = never), from an absolute time or a lifetime."""
    if expiry is None:
        return 0
    seconds = lifetime_seconds(expiry)
    if seconds is not None:
        return int(now) + seconds
    moment = parse_time(expiry, assume_utc=False)
    if moment is None:
        raise ValueError(f"expiry {expiry!r} is not a time or a lifetime")
    return int(moment.timestamp())


def rfc3339(unix: int) -> str:
    return datetime.fromtimestamp(unix, UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if unix else ""


def auto_name(base: str, seed: object = None) -> str:
    """`base-<7 hex>`: a fresh name each call (token names stay reserved after deletion), or,
    with a `seed` (the resource's identity in its stack), the same name for the same seed, so a
    create interrupted before it was recorded is found again by name."""
    if isinstance(seed, str) and seed:
        digest = hashlib.sha256(f"{seed}/{base}".encode()).hexdigest()
        return f"{base}-{digest[:SUFFIX_HEX]}"
    return f"{base}-{secrets.token_hex(4)[:SUFFIX_HEX]}"


def _open(value: object) -> bool:
    """Not given, or not known yet: nothing to check."""
    return value is None or is_unknown(value)


def _max_base(exact: bool) -> int:
    return NAME_MAX if exact else NAME_MAX - SUFFIX_HEX - 1


def check_fields(olds: Props, news: Props, now: float | None = None) -> list[Failure]:
    now = time.time() if now is None else now
    failures: list[Failure] = []
    name, exact = news.get("name"), bool(news.get("exact_name"))
    if not is_unknown(name):
        limit = _max_base(exact)
        if not isinstance(name, str) or not name.strip():
            failures.append(Failure("name", "must be a non-empty string"))
        elif len(name) > limit:
            why = "" if exact else " (the auto-name adds an 8-character suffix)"
            failures.append(Failure("name", f"must be at most {limit} characters{why}"))
    description = news.get("description")
    if not _open(description) and not isinstance(description, str):
        failures.append(Failure("description", "must be a string"))
    expiry = news.get("expiry")
    if expiry is not None and not is_unknown(expiry):
        # A time that has passed since the token was made is no input error while the token
        # stays; refresh shows it as expired and the diff replaces it. For the replacement the
        # engine checks again without olds, and then a past time fails here, in preview.
        unchanged = "token_name" in olds and olds.get("expiry") == expiry
        error = expiry_error(expiry, now, check_past=not unchanged)
        if error:
            failures.append(Failure("expiry", error))
    keepers = news.get("keepers")
    if keepers is not None and not is_unknown(keepers) and not isinstance(keepers, dict):
        failures.append(Failure("keepers", "must be a map of strings to values"))
    for flag in ("exact_name", "admin"):
        value = news.get(flag)
        if value is not None and not is_unknown(value) and not isinstance(value, bool):
            failures.append(Failure(flag, "must be true or false"))
    return failures


def token_name(olds: Props, news: Props) -> str | None:
    """The name sent to the service. An exact name is the name; otherwise the old auto-name is
    kept while nothing that replaces the token changed (so previews are stable), and a fresh
    suffix is drawn when the token will be replaced. None while the name is unknown."""
    name = news.get("name")
    if not isinstance(name, str) or is_unknown(name):
        return None
    if news.get("exact_name"):
        return name
    kept = olds.get("token_name")
    same = all(
        not is_unknown(news.get(k)) and _norm(olds, k) == _norm(news, k) for k in REPLACE_KEYS
    )
    if isinstance(kept, str) and same:
        return kept
    # The first create's name follows from the seed; a replacement draws a fresh one.
    return auto_name(name, None if olds else news.get("name_seed"))


def replaced_keys(olds: Props, news: Props) -> list[str]:
    """Every change replaces (the service has no update of a token); an expired token is
    replaced too (refresh marks it `expired`)."""
    replaces = [
        k for k in REPLACE_KEYS if is_unknown(news.get(k)) or _norm(olds, k) != _norm(news, k)
    ]
    if olds.get("expired") is True and "expiry" not in replaces:
        replaces.append("expiry")  # the expiry has passed: a new token is due
    return replaces


def _norm(props: Props, key: str) -> object:
    value = props.get(key)
    if key in ("exact_name", "admin"):
        return bool(value)
    if key == "description":
        return value or ""
    if key == "keepers":
        return value or {}
    return value
