"""Standard 5-field cron (minute hour day-of-month month day-of-week), evaluated in UTC, as the
service documents for schedules: validation and the next firing time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
FIELDS: tuple[tuple[str, int, int, list[str]], ...] = (  # name, low, high, value names
    ("minute", 0, 59, []),
    ("hour", 0, 23, []),
    ("day of month", 1, 31, []),
    ("month", 1, 12, MONTHS),
    ("day of week", 0, 7, DAYS),
)


class CronError(ValueError):
    pass


def _value(text: str, low: int, high: int, names: list[str], field: str) -> int:
    upper = text.upper()
    if upper in names:
        return names.index(upper) + low
    if not text.isdigit():
        raise CronError(f"{field}: {text!r} is not a number")
    number = int(text)
    if not low <= number <= high:
        raise CronError(f"{field}: {number} is outside {low}-{high}")
    return number


def _field(text: str, low: int, high: int, names: list[str], field: str) -> set[int]:
    values: set[int] = set()
    for part in text.split(","):
        span, _, step_text = part.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) == 0:
                raise CronError(f"{field}: bad step {step_text!r}")
            step = int(step_text)
        if span == "*":
            first, last = low, high
        elif "-" in span:
            a, _, b = span.partition("-")
            first, last = _value(a, low, high, names, field), _value(b, low, high, names, field)
            if first > last:
                raise CronError(f"{field}: range {span!r} runs backwards")
        else:
            first = _value(span, low, high, names, field)
            last = high if step_text else first
        values.update(range(first, last + 1, step))
    return values


def parse(expression: str) -> list[set[int]]:
    parts = expression.split()
    if len(parts) != 5:
        raise CronError(f"expected 5 fields (minute hour day month weekday), got {len(parts)}")
    sets = [
        _field(p, lo, hi, names, f) for p, (f, lo, hi, names) in zip(parts, FIELDS, strict=True)
    ]
    if 7 in sets[4]:
        sets[4] = (sets[4] - {7}) | {0}
    return sets


def next_after(expression: str, after: datetime) -> datetime:
    """The first firing strictly after `after` (within 5 years; else CronError)."""
    minutes, hours, days, months, weekdays = parse(expression)
    day = after.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    for _ in range(366 * 5):
        weekday = (day.weekday() + 1) % 7  # cron counts Sunday as 0
        if day.month in months and day.day in days and weekday in weekdays:
            for hour in sorted(hours):
                for minute in sorted(minutes):
                    moment = day.replace(hour=hour, minute=minute)
                    if moment > after:
                        return moment
        day += timedelta(days=1)
    raise CronError(f"{expression!r} never fires")
