"""Times (svccheck.timeutil): ISO 8601 datetimes with an offset, and durations in human units."""

from __future__ import annotations

import pytest

from svccheck.timeutil import TimeFormatError, format_duration, format_duration_zh, parse_datetime

TEN_Z = 1772445600.0  # 2026-03-02T10:00:00Z


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-02T10:00:00Z",
        "2026-03-02T18:00:00+08:00",
        "2026-03-02T05:00:00-05:00",
        "2026-03-02T10:00Z",
        "2026-03-02T10:00:00.000+00:00",
    ],
)
def test_datetimes_with_any_offset_are_the_same_instant(text: str) -> None:
    assert parse_datetime(text) == TEN_Z


def test_fractions_of_a_second_are_kept() -> None:
    assert parse_datetime("2026-03-02T10:00:00.250Z") == TEN_Z + 0.25


def test_a_datetime_without_offset_is_refused_with_a_fix() -> None:
    with pytest.raises(TimeFormatError) as caught:
        parse_datetime("2026-03-02T18:00:00")
    assert str(caught.value) == (
        "'2026-03-02T18:00:00' has no UTC offset (write e.g. 2026-03-02T18:00:00+08:00 or 2026-03-02T18:00:00Z)"
    )


@pytest.mark.parametrize("text", ["yesterday", "2026-13-02T10:00:00Z", "2026-02-30T10:00:00Z", ""])
def test_not_a_datetime(text: str) -> None:
    with pytest.raises(TimeFormatError) as caught:
        parse_datetime(text)
    assert str(caught.value) == f"{text!r} is not an ISO 8601 datetime"


@pytest.mark.parametrize(
    ("seconds", "en", "zh"),
    [
        (0, "0 s", "0秒"),
        (59.4, "59 s", "59秒"),
        (59.6, "1 min", "1分钟"),
        (60, "1 min", "1分钟"),
        (95, "1 min 35 s", "1分35秒"),
        (1800, "30 min", "30分钟"),
        (3600, "1 h", "1小时"),
        (3900, "1 h 5 min", "1小时5分钟"),
        (3661, "1 h 1 min", "1小时1分钟"),
        (86400, "1 d", "1天"),
        (90000, "1 d 1 h", "1天1小时"),
        (93600 + 1800, "1 d 2 h 30 min", "1天2小时30分钟"),
        (86400 + 1800, "1 d 0 h 30 min", "1天0小时30分钟"),
        (-300, "5 min", "5分钟"),
    ],
)
def test_durations_in_human_units(seconds: float, en: str, zh: str) -> None:
    assert format_duration(seconds) == en
    assert format_duration_zh(seconds) == zh
