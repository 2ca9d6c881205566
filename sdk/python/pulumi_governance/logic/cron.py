"""A validator for standard 5-field cron expressions (MIN HOUR DOM MON DOW, evaluated in UTC).

Each field is a comma-separated list of items; an item is `*`, a value, or a range `a-b`, each
optionally followed by a step `/n`. Months and weekdays also take three-letter names (JAN, MON);
weekday 7 is Sunday, like 0. Macros (@daily) and seconds or year fields are not standard here.
"""

from __future__ import annotations

from dataclasses import dataclass

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    names_start: int = 0


FIELDS = (
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day of month", 1, 31),
    _Field("month", 1, 12, MONTHS, 1),
    _Field("day of week", 0, 7, WEEKDAYS, 0),
)


class CronError(ValueError):
    pass


def _value(text: str, field: _Field) -> int:
    upper = text.upper()
    if upper in field.names:
        return field.names.index(upper) + field.names_start
    if not text.isdigit():
        raise CronError(f"{field.name}: {text!r} is not a number")
    value = int(text)
    if not field.low <= value <= field.high:
        raise CronError(f"{field.name}: {value} is outside {field.low}-{field.high}")
    return value


def _item(item: str, field: _Field) -> None:
    base, slash, step = item.partition("/")
    if slash:
        if not step.isdigit() or int(step) == 0:
            raise CronError(f"{field.name}: step {step!r} must be a positive number")
        if int(step) > field.high - field.low + 1:
            raise CronError(f"{field.name}: step {step} is larger than the field's range")
    if base == "*":
        return
    start, dash, end = base.partition("-")
    if not start:
        raise CronError(f"{field.name}: {item!r} is not a value, range or *")
    low = _value(start, field)
    if dash:
        high = _value(end, field)
        if high < low:
            raise CronError(f"{field.name}: range {base!r} runs backwards")


def validate_cron(expression: str) -> str | None:
    """None when `expression` is a valid 5-field cron expression, else the reason it is not."""
    if not isinstance(expression, str):
        return "must be a string"
    if expression.strip().startswith("@"):
        return f"{expression!r}: macros are not supported; write the 5 fields (e.g. '0 0 * * *')"
    parts = expression.split()
    if len(parts) != 5:
        return (
            f"{expression!r} has {len(parts)} fields; expected 5: "
            "minute hour day-of-month month day-of-week"
        )
    try:
        for part, field in zip(parts, FIELDS, strict=True):
            for item in part.split(","):
                _item(item, field)
    except CronError as error:
        return f"{expression!r}: {error}"
    return None
