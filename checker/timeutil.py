"""Times in interactions: ISO 8601 datetimes with an offset, or seconds since the start.

Datetimes become POSIX seconds, so times written with different offsets compare correctly
(18:00+08:00 is 10:00Z). Durations are rendered in human units for finding messages.
"""

from __future__ import annotations

from datetime import datetime


class TimeFormatError(ValueError):
    """A time value that is neither a datetime with an offset nor a number of seconds."""


def parse_datetime(text: str) -> float:
    """POSIX seconds of an ISO 8601 datetime that carries an offset (`Z` or `+08:00`)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise TimeFormatError(f"{text!r} is not an ISO 8601 datetime") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise TimeFormatError(f"{text!r} has no UTC offset (write e.g. {text}+08:00 or {text}Z)")
    return moment.timestamp()


def format_duration(seconds: float) -> str:
    """`95` -> "1 min 35 s"; `1800` -> "30 min"; `90000` -> "1 d 1 h". Negative is made positive."""
    total = round(abs(seconds))
    if total < 60:
        return f"{total} s"
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min {secs} s" if secs else f"{minutes} min"


def format_duration_zh(seconds: float) -> str:
    """Chinese rendering of `format_duration`: "1分35秒", "30分钟", "1天1小时"."""
    total = round(abs(seconds))
    if total < 60:
        return f"{total}秒"
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时" if hours else f"{days}天"
    if hours:
        return f"{hours}小时{minutes}分钟" if minutes else f"{hours}小时"
    return f"{minutes}分{secs}秒" if secs else f"{minutes}分钟"
