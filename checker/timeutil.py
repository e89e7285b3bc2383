"""Times in interactions: ISO 8601 datetimes with an offset, or seconds since the start.

Datetimes become POSIX seconds, so times written with different offsets compare correctly
(18:00+08:00 is 10:00Z). Durations are rendered in human units for finding messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .problems import ProblemMessage


class TimeFormatError(ValueError):
    """A time value that is neither a datetime with an offset nor a number of seconds; `said`:
    the message, to be said in a report's language (`str(err)` is its English)."""

    def __init__(self, said: ProblemMessage) -> None:
        super().__init__(said.text("en"))
        self.said = said


def parse_datetime(text: str) -> float:
    """POSIX seconds of an ISO 8601 datetime that carries an offset (`Z` or `+08:00`)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise TimeFormatError(ProblemMessage.of("time.not_iso", value=repr(text))) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise TimeFormatError(ProblemMessage.of("time.no_offset", value=repr(text), text=text))
    return moment.timestamp()


@dataclass(frozen=True, slots=True)
class _Units:
    day: str
    hour: str
    minute: str  # alone: "30 min", "30分钟"
    minute_before_seconds: str  # "1 min 35 s", "1分35秒"
    second: str
    space: str  # between a number and its unit, and between parts


_EN = _Units("d", "h", "min", "min", "s", " ")
_ZH = _Units("天", "小时", "分钟", "分", "秒", "")


def _duration(seconds: float, u: _Units) -> str:
    total = round(abs(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if total < 60:
        parts = [(secs, u.second)]
    elif days and not (hours or minutes):
        parts = [(days, u.day)]
    elif days or hours:
        # Seconds no longer matter at this scale; minutes still do ("1 d 0 h 30 min").
        parts = ([(days, u.day)] if days else []) + [(hours, u.hour)] + ([(minutes, u.minute)] if minutes else [])
    elif secs:
        parts = [(minutes, u.minute_before_seconds), (secs, u.second)]
    else:
        parts = [(minutes, u.minute)]
    return u.space.join(f"{number}{u.space}{unit}" for number, unit in parts)


def format_duration(seconds: float) -> str:
    """`95` -> "1 min 35 s"; `1800` -> "30 min"; `90000` -> "1 d 1 h"; `88200` -> "1 d 0 h 30 min".
    Negative is made positive; seconds are dropped from an hour on."""
    return _duration(seconds, _EN)


def format_duration_zh(seconds: float) -> str:
    """Chinese rendering of `format_duration`: "1分35秒", "30分钟", "1天1小时"."""
    return _duration(seconds, _ZH)
