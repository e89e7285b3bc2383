"""Scorecards: weighted sections of scored items, auto-fail items, N/A, a pass mark.

A scorecard is a rule file whose check is ``kind: scorecard`` (see `svccheck.kinds.scorecard`
and ``checker/schemas/scorecard.schema.json``); this module holds the scorecard itself and the
arithmetic, so the audit (one finding per failed visit) and the aggregate report (a score for
every visit) compute the same numbers.

An item reads one value of the interaction:

- ``item: NAME``: the checklist item ``NAME``; ``true`` is met, ``false`` is not met, ``null``
  or absent is N/A. Anything else (a number, a string) is a data error.
- ``metric: NAME`` with ``max`` or ``min``: met when the metric is within the limit
  (``rings <= 3``); absent is N/A; a value that is not a number is a data error.

How a visit is scored (the numbers the tests check by hand):

1. each section's fraction = points of met items / points of applicable (not N/A) items;
   a section whose items are all N/A is left out, and its weight with it;
2. the raw score = sum(weight x fraction) / sum(weight of the sections left in) x 100,
   rounded to 0.01;
3. an ``auto-fail`` item that is not met fails the visit whatever its raw score, and its score
   becomes 0 (the raw score is kept beside it, so the report can say what it would have been);
4. otherwise the visit passes when its score is at least the pass mark;
5. a visit with no applicable item at all is not scored (no score, neither pass nor fail).

Example: sections A (weight 60: items of 2 and 1 points) and B (weight 40: one item of 1
point). A = {met, not met}, B = {N/A}: B drops out, A = 2/3, score = 60 x 2/3 / 60 = 66.67.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from .model import Dimension, Interaction, Localised
from .problems import ProblemMessage

Outcome = Literal["met", "not met", "n/a"]


class ScoreError(ValueError):
    """An interaction value an item cannot score (e.g. checklist item 3, metric "fast");
    `said`: the message, to be said in a report's language (`str(err)` is its English)."""

    def __init__(self, said: ProblemMessage) -> None:
        super().__init__(said.text("en"))
        self.said = said


@dataclass(frozen=True, slots=True)
class Item:
    """One scored question. `name` is the checklist item or metric it reads."""

    name: str
    source: Literal["item", "metric"]
    points: float
    auto_fail: bool
    title: Localised
    standard: str | None = None
    op: Literal["max", "min"] | None = None
    limit: float | None = None

    def outcome(self, interaction: Interaction) -> Outcome:
        if self.source == "item":
            value = interaction.checklist.get(self.name)
            if value is None:
                return "n/a"
            if not isinstance(value, bool):
                raise ScoreError(ProblemMessage.of("measure.checklist_not_bool", item=repr(self.name), value=repr(value)))
            return "met" if value else "not met"
        value = interaction.metrics.get(self.name)
        if value is None:
            return "n/a"
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ScoreError(ProblemMessage.of("measure.metric_not_number", name=repr(self.name), value=repr(value)))
        assert self.limit is not None
        within = value <= self.limit if self.op == "max" else value >= self.limit
        return "met" if within else "not met"

    def describe(self) -> str:
        if self.source == "item":
            return self.name
        sign = "<=" if self.op == "max" else ">="
        return f"{self.name} {sign} {self.limit:g}"


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: Localised
    weight: float
    dimension: Dimension | None
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Scorecard:
    id: str
    title: Localised
    pass_mark: float
    sections: tuple[Section, ...]

    def items(self) -> list[tuple[Section, Item]]:
        return [(section, item) for section in self.sections for item in section.items]


class ItemResult(NamedTuple):
    """One item's outcome in one visit. A named tuple: a visit has one per item (24 in the
    built-in scorecard), and one is built in a third of a frozen dataclass's time."""

    section: str
    item: str
    outcome: Outcome
    points: float
    auto_fail: bool
    standard: str | None


@dataclass(frozen=True, slots=True)
class SectionScore:
    id: str
    weight: float
    earned: float
    possible: float  # 0 when every item was N/A: the section is left out

    @property
    def fraction(self) -> float | None:
        return self.earned / self.possible if self.possible else None


@dataclass(frozen=True, slots=True)
class VisitScore:
    """The scorecard's verdict on one visit."""

    scorecard: str
    score: float  # 0 when auto-failed
    raw_score: float  # before auto-fail
    passed: bool
    pass_mark: float
    auto_failed: tuple[str, ...]
    not_met: tuple[str, ...]
    items: tuple[ItemResult, ...]
    sections: tuple[SectionScore, ...]
    dimension: Dimension | None  # where the visit lost most (see `weakest_dimension`)


_new_result = tuple.__new__


def score_visit(card: Scorecard, interaction: Interaction) -> VisitScore | None:
    """Score one interaction; None when no item applies. Raises ScoreError for bad values."""
    results: list[ItemResult] = []
    sections: list[SectionScore] = []
    for section in card.sections:
        earned = possible = 0.0
        for item in section.items:
            outcome = item.outcome(interaction)
            # tuple.__new__: a named tuple's own __new__ is Python code (see interactions._events)
            results.append(_new_result(ItemResult, (section.id, item.name, outcome, item.points, item.auto_fail, item.standard)))
            if outcome != "n/a":
                possible += item.points
                earned += item.points if outcome == "met" else 0.0
        sections.append(SectionScore(section.id, section.weight, earned, possible))
    counted = [s for s in sections if s.possible]
    if not counted:
        return None
    total_weight = sum(s.weight for s in counted)
    raw = round(100.0 * sum(s.weight * s.earned / s.possible for s in counted) / total_weight, 2)
    auto_failed = tuple(r.item for r in results if r.auto_fail and r.outcome == "not met")
    score = 0.0 if auto_failed else raw
    return VisitScore(
        scorecard=card.id,
        score=score,
        raw_score=raw,
        passed=not auto_failed and score >= card.pass_mark,
        pass_mark=card.pass_mark,
        auto_failed=auto_failed,
        not_met=tuple(r.item for r in results if r.outcome == "not met"),
        items=tuple(results),
        sections=tuple(sections),
        dimension=weakest_dimension(card, sections, auto_failed),
    )


def weakest_dimension(
    card: Scorecard, sections: Sequence[SectionScore], auto_failed: Sequence[str]
) -> Dimension | None:
    """The dimension a failed visit is reported under: the section of the first auto-failed
    item, else the section that lost the most weighted points; None if that has no dimension."""
    by_id = {s.id: s for s in card.sections}
    if auto_failed:
        for section in card.sections:
            if any(item.name == auto_failed[0] for item in section.items):
                return section.dimension
    total = sum(s.weight for s in sections if s.possible)
    best: tuple[float, Dimension | None] = (0.0, None)
    for score in sections:
        if not score.possible:
            continue
        lost = score.weight * (score.possible - score.earned) / score.possible / total
        if lost > best[0]:
            best = (lost, by_id[score.id].dimension)
    return best[1]


# --- building a scorecard from a validated `check` block -------------------------------------------


class ScorecardError(ValueError):
    """A scorecard that passed its schema but is inconsistent; `path` locates it in `check`,
    `said` is the message (`str(err)` is its English)."""

    def __init__(self, path: Sequence[str | int], said: ProblemMessage) -> None:
        super().__init__(said.text("en"))
        self.path = tuple(path)
        self.said = said


def _localised(value: Any, default: str) -> Localised:
    if value is None:
        return Localised(default, default)
    if isinstance(value, str):
        return Localised(value, value)
    return Localised(value.get("en", ""), value.get("zh", ""))


def build_scorecard(rule_id: str, title: Localised, params: Mapping[str, Any]) -> Scorecard:
    """A `Scorecard` from a `check: {kind: scorecard, ...}` block that passed its schema."""
    seen_items: dict[str, tuple[str | int, ...]] = {}
    seen_sections: set[str] = set()
    sections = []
    for s_index, raw in enumerate(params["sections"]):
        if raw["id"] in seen_sections:
            said = ProblemMessage.of("check.duplicate_section", id=repr(raw["id"]))
            raise ScorecardError(["sections", s_index, "id"], said)
        seen_sections.add(raw["id"])
        items = []
        for i_index, entry in enumerate(raw["items"]):
            path: tuple[str | int, ...] = ("sections", s_index, "items", i_index)
            source: Literal["item", "metric"] = "item" if "item" in entry else "metric"
            name = entry[source]
            if name in seen_items:
                first = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in seen_items[name]).lstrip(".")
                said = ProblemMessage.of("check.scored_twice", name=repr(name), first=first)
                raise ScorecardError([*path, source], said)
            seen_items[name] = path
            op: Literal["max", "min"] | None = None
            if source == "metric":
                op = "max" if "max" in entry else "min"
            items.append(
                Item(
                    name=name,
                    source=source,
                    points=float(entry.get("points", 1)),
                    auto_fail=bool(entry.get("auto-fail", False)),
                    title=_localised(entry.get("title"), name),
                    standard=entry.get("standard"),
                    op=op,
                    limit=float(entry[op]) if op else None,
                )
            )
        dimension = raw.get("dimension")
        sections.append(
            Section(
                id=raw["id"],
                title=_localised(raw.get("title"), raw["id"]),
                weight=float(raw["weight"]),
                dimension=Dimension(dimension) if dimension else None,
                items=tuple(items),
            )
        )
    return Scorecard(rule_id, title, float(params["pass-mark"]), tuple(sections))
