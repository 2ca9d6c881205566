"""Timestamps as users write them and as the service returns them.

Users write ISO 8601 with a timezone ("2026-12-01T00:00:00Z"); the service may answer
"2026-12-01T00:00:00.000Z", "2026-12-01 00:00:00.000" (UTC, no zone) or another offset. Two
strings name the same time when they parse to the same instant; state keeps the user's spelling.
"""

from __future__ import annotations

from datetime import UTC, datetime


def parse_time(text: str, assume_utc: bool = True) -> datetime | None:
    """The instant `text` names (UTC), or None if it is not an ISO 8601 timestamp.

    A timestamp without a zone is read as UTC when `assume_utc` (the service's own format),
    and rejected otherwise (user input must say its zone)."""
    if not isinstance(text, str) or not text.strip():
        return None
    value = text.strip()
    if value[-1:] in ("z", "Z"):
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        if not assume_utc:
            return None
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def time_error(text: object, now: datetime | None = None, future: bool = False) -> str | None:
    """None for a valid user timestamp, else the rule it breaks."""
    if not isinstance(text, str):
        return "must be a string (ISO 8601 timestamp)"
    moment = parse_time(text, assume_utc=False)
    if moment is None:
        if parse_time(text) is not None:
            return f"{text!r} has no timezone; add one, e.g. 'Z' or '+02:00'"
        return f"{text!r} is not an ISO 8601 timestamp (e.g. 2026-12-01T00:00:00Z)"
    if future and moment <= (now or datetime.now(UTC)):
        return f"{text!r} is in the past"
    return None


def same_instant(a: object, b: object) -> bool:
    if a == b:
        return True
    if not isinstance(a, str) or not isinstance(b, str):
        return False
    left, right = parse_time(a), parse_time(b)
    return left is not None and left == right


def to_wire(text: str) -> str:
    """The canonical UTC form sent to the service: 2026-12-01T00:00:00.000Z."""
    moment = parse_time(text)
    if moment is None:
        return text
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def canonical(text: str) -> str:
    """A readable UTC form for a time the user did not write: 2026-12-01T00:00:00Z."""
    moment = parse_time(text)
    if moment is None:
        return text
    fraction = f".{moment.microsecond // 1000:03d}" if moment.microsecond else ""
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"


def as_written(service_value: str | None, user_value: object) -> str | None:
    """The service's time in the user's spelling when both name the same instant."""
    if service_value is None:
        return None
    if isinstance(user_value, str) and same_instant(service_value, user_value):
        return user_value
    return canonical(service_value)
