"""Reading request bodies and writing answers as the service does: timestamps, fields, pages."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from .errors import BadRequest


def wire_time(moment: datetime | None = None) -> str:
    """The service's timestamp format in these areas, e.g. ``2024-04-19 15:07:54.693`` (UTC)."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def text(body: dict[str, Any], field: str, *, required: bool = False, default: str = "") -> str:
    """A string field of a request body: 400 when it has another type or is required and empty."""
    value = body.get(field)
    if value is None:
        if required:
            raise BadRequest(f"{field} is required")
        return default
    if not isinstance(value, str):
        raise BadRequest(f"{field} must be a string")
    if required and not value.strip():
        raise BadRequest(f"{field} must not be empty")
    return value


def integer(body: dict[str, Any], field: str, default: int | None = None) -> int | None:
    value = body.get(field)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f"{field} must be an integer")
    return value


def strings(body: dict[str, Any], field: str) -> list[str] | None:
    value = body.get(field)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadRequest(f"{field} must be a list of strings")
    return list(value)


def page(items: list[Any], continuation: str | None, size: int) -> tuple[list[Any], str | None]:
    """One page of ``items`` from an opaque continuation token (400 when it is not ours)."""
    start = 0
    if continuation:
        try:
            start = int(base64.urlsafe_b64decode(continuation.encode()).decode().split(":", 1)[1])
        except (ValueError, IndexError, binascii.Error, UnicodeDecodeError):
            raise BadRequest("invalid continuationToken") from None
        if start < 0 or start > len(items):
            raise BadRequest("invalid continuationToken")
    end = start + size
    token = (
        base64.urlsafe_b64encode(f"offset:{end}".encode()).decode() if end < len(items) else None
    )
    return items[start:end], token


class RequestBody(BaseModel):
    """A request body read as the service reads it: ``null`` is the field left out (so the
    field's default applies), and fields the emulator does not know are ignored."""

    model_config = ConfigDict(extra="ignore")

    @model_validator(mode="before")
    @classmethod
    def _null_is_absent(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data
