"""Number formats shared by the report renderers (so HTML and Markdown show the same values)."""

from __future__ import annotations

from ..aggregate import Diagnosis, GroupStats


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


def severities(stats: GroupStats) -> str:
    return ", ".join(f"{name} {count}" for name, count in stats.by_severity) or "none"


def top_agents(diagnosis: Diagnosis) -> str:
    names = ", ".join(f"{agent} ({count})" for agent, count in diagnosis.top_agents) or "–"
    return f"{names}: {percent(diagnosis.top_share)}"


def result(passed: bool | None, auto_failed: tuple[str, ...]) -> str:
    if passed is None:
        return "not scored"
    if auto_failed:
        return "auto-fail"
    return "pass" if passed else "fail"
