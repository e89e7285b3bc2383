"""Number formats shared by the report renderers (so HTML and Markdown show the same values).
Words around the numbers, in the report's language, are in `_labels`."""

from __future__ import annotations


def score(value: float | None) -> str:
    """A score in percent as computed (at most two decimals, no trailing zeros: 81.25, 62.5,
    100), or an en dash when there is none."""
    return "–" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


def percent(share: float | None) -> str:
    """A share 0..1 as a whole percentage."""
    return "–" if share is None else f"{share * 100:.0f}%"


def gap(value: float | None) -> str:
    """A SERVQUAL gap with its sign (perceived minus expected)."""
    return "–" if value is None else f"{value:+.2f}"


def result(passed: bool | None, auto_failed: tuple[str, ...]) -> str:
    """A visit's result as a key of `_labels` (the English word): pass, fail, auto-fail, not scored."""
    if passed is None:
        return "not scored"
    if auto_failed:
        return "auto-fail"
    return "pass" if passed else "fail"
