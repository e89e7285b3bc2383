"""The domain model: interactions, rules, findings and the report.

Everything here is an immutable record. The audit engine builds them; formatters
only read them. Nothing in this module imports the engine, the CLI or durable-rules.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .problems import ProblemMessage


class Severity(enum.Enum):
    """How bad a violation is; ordered from most to least severe."""

    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is more severe (critical 3 ... info 0)."""
        return _SEVERITY_RANK[self]

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank


_SEVERITY_RANK = {Severity.CRITICAL: 3, Severity.MAJOR: 2, Severity.MINOR: 1, Severity.INFO: 0}
SEVERITIES: tuple[str, ...] = tuple(s.value for s in Severity)
SEVERITY_NAMES_ZH = {"critical": "严重", "major": "重要", "minor": "次要", "info": "提示"}


class Dimension(enum.Enum):
    """SERVQUAL dimensions of service quality."""

    TANGIBLES = "tangibles"
    RELIABILITY = "reliability"
    RESPONSIVENESS = "responsiveness"
    ASSURANCE = "assurance"
    EMPATHY = "empathy"


DIMENSIONS: tuple[str, ...] = tuple(d.value for d in Dimension)
#: Chinese names, as the source manuals write them (standards/customer-service.yaml). One
#: vocabulary for finding messages, `svccheck explain` and the mystery-shopper reports.
DIMENSION_NAMES_ZH = {
    "tangibles": "可感知性",
    "reliability": "可靠性",
    "responsiveness": "反应性",
    "assurance": "保证性",
    "empathy": "移情性",
}


class Gap(enum.Enum):
    """The five gaps of the service-quality gap model, in order (gap 1 ... gap 5)."""

    KNOWLEDGE = "knowledge"
    STANDARDS = "standards"
    DELIVERY = "delivery"
    COMMUNICATION = "communication"
    PERCEPTION = "perception"

    @property
    def number(self) -> int:
        return list(Gap).index(self) + 1


GAPS: tuple[str, ...] = tuple(g.value for g in Gap)
GAP_NAMES_ZH = {
    "knowledge": "认知差距",
    "standards": "标准差距",
    "delivery": "服务交付差距",
    "communication": "沟通差距",
    "perception": "感知差距",
}


@dataclass(frozen=True, slots=True)
class Localised:
    """A text in English and Chinese; `get` falls back to whichever exists."""

    en: str
    zh: str

    def get(self, lang: str) -> str:
        if lang == "zh":
            return self.zh or self.en
        return self.en or self.zh


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """Where something came from: a file, and a 1-based line and column when known."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


# --- interactions ---------------------------------------------------------------------------------


class Event(NamedTuple):
    """One event of an interaction.

    `at` is the event's time on the interaction's timeline (seconds; see `Interaction.timeline`),
    or None when the event carries no time. `at_raw` is the time exactly as written in the input,
    for quoting in evidence. `norm_text` is the utterance text normalised once for phrase matching
    ("" when built for an auditor none of whose rules reads that speaker's words: see
    `Check.text_speakers`).

    A named tuple rather than a frozen dataclass: every event of every interaction is built, and
    a named tuple is built in a quarter of the time (0.25 us instead of 1 us, 9 per interaction).
    """

    # Shadows tuple.index (the method), which nothing calls on an event.
    index: int  # type: ignore[assignment]
    type: str
    at: float | None
    at_raw: str | float | None
    data: Mapping[str, Any]
    norm_text: str = ""
    # Read by every phrase rule for every utterance: stored once rather than looked up each time.
    speaker: str | None = None

    @property
    def text(self) -> str:
        value = self.data.get("text")
        return value if isinstance(value, str) else ""


@dataclass(frozen=True, slots=True)
class Survey:
    expected: Mapping[str, float]
    perceived: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class Interaction:
    """One recorded service interaction (interaction format v1).

    `timeline` says what event times mean: "absolute" (POSIX seconds, UTC) when any time in the
    interaction is a datetime or `started_at` is given, "relative" (seconds since the start) when
    every time is a number of seconds and there is no `started_at`.
    """

    id: str
    channel: str
    location: SourceLocation
    ordinal: int
    site: str | None = None
    agent: str | None = None
    source: str | None = None
    wave: str | None = None
    started_at: str | None = None
    start: float | None = None
    timeline: str = "relative"
    tags: frozenset[str] = frozenset()
    metrics: Mapping[str, Any] = field(default_factory=dict)
    events: tuple[Event, ...] = ()
    checklist: Mapping[str, Any] = field(default_factory=dict)
    survey: Survey | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)
    # `utterances` per speakers asked for: five built-in rules ask for the agent's of every call.
    _utterances: dict[frozenset[str] | None, tuple[Event, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def utterances(self, speakers: frozenset[str] | None = None) -> tuple[Event, ...]:
        """The utterances (of `speakers`, or of everyone), in order; worked out once per speakers."""
        said = self._utterances.get(speakers)
        if said is None:
            if speakers is None:
                said = tuple([e for e in self.events if e.type == "utterance"])
            else:
                # The speaker test first: it rules out most events (rings, holds...) cheaply.
                said = tuple([e for e in self.events if e.speaker in speakers and e.type == "utterance"])
            self._utterances[speakers] = said
        return said


# --- rules and findings ---------------------------------------------------------------------------


class Evidence(NamedTuple):
    """What a finding points at: an event (0-based index), its time as written, quoted text.

    A named tuple rather than a frozen dataclass: every measurement carries one (four or so per
    interaction, most of them never becoming a finding), and a named tuple is built in a third
    of the time."""

    event: int | None = None
    at: str | float | None = None
    text: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The fields that are known, in a fixed order (for machine-readable reports)."""
        out: dict[str, Any] = {}
        if self.event is not None:
            out["event"] = self.event
        if self.at is not None:
            out["at"] = self.at
        if self.text is not None:
            out["text"] = self.text
        return out

    def pointer(self) -> str:
        """`" [event 3, at 9]"` for people; empty when no event is at fault."""
        if self.event is None:
            return ""
        at = f", at {self.at}" if self.at is not None else ""
        return f" [event {self.event}{at}]"


class Status(enum.Enum):
    """What a finding means for the gate: only `new` findings can fail a run.

    `baselined`: its fingerprint is in the `--baseline` file (known before, accepted for now);
    `waived`: an unexpired waiver covers it (see `svccheck.waivers`)."""

    NEW = "new"
    BASELINED = "baselined"
    WAIVED = "waived"


@dataclass(frozen=True, slots=True)
class Waiver:
    """One entry of a waivers file: which findings it covers (globs; None = any), and why."""

    location: SourceLocation
    reason: str
    approved_by: str
    expires: str  # ISO date, inclusive: the waiver applies up to and including this day
    interaction: str | None = None
    rule: str | None = None
    site: str | None = None
    agent: str | None = None

    def scope(self) -> str:
        """The selectors in words: "rule phone.greeting, site hotel-*"."""
        parts = [
            f"{name} {value}"
            for name, value in (
                ("interaction", self.interaction),
                ("rule", self.rule),
                ("site", self.site),
                ("agent", self.agent),
            )
            if value is not None
        ]
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    interaction: str
    severity: Severity
    dimension: Dimension
    gap: Gap
    message: str
    evidence: Evidence
    location: SourceLocation
    ordinal: int
    site: str | None = None
    agent: str | None = None
    standard: str | None = None
    #: Stable identity across re-exports (see `svccheck.fingerprint`); "" until assigned.
    fingerprint: str = ""
    status: Status = Status.NEW
    #: The waiver that covers it, when `status` is WAIVED.
    waiver: Waiver | None = None

    def sort_key(self) -> tuple[int, str, int]:
        """Input order, then rule id, then event. Ties keep the order the check measured them
        in (sorts are stable), e.g. survey dimensions in SERVQUAL order."""
        event = -1 if self.evidence.event is None else self.evidence.event
        return (self.ordinal, self.rule, event)


@dataclass(frozen=True, slots=True)
class InputProblem:
    """An input that could not be audited (fully): unreadable file, invalid interaction...

    `message` is in English, as it always was (JSON consumers and tests read it); `said` is the
    same message as a catalogue code and values (see `svccheck.problems`), so that `text` and
    `describe` can say it in the report's language. Made with `InputProblem.of`, which words
    `message` from `said`; a problem made with a message alone is said in English only."""

    location: SourceLocation
    message: str
    interaction: str | None = None
    rule: str | None = None
    #: Where in the interaction the problem is, as a JSON path (("events", 2, "at")), when it is
    #: one value; the message names it too. Lets a reader point at that value in a .json file.
    path: tuple[str | int, ...] = ()
    #: How to say `message` in another language; not part of a problem's identity (`message` is).
    said: ProblemMessage | None = field(default=None, compare=False)

    @classmethod
    def of(
        cls,
        location: SourceLocation,
        said: ProblemMessage,
        interaction: str | None = None,
        rule: str | None = None,
        path: tuple[str | int, ...] = (),
    ) -> InputProblem:
        return cls(location, said.text("en"), interaction, rule, path, said)

    def text(self, lang: str = "en") -> str:
        """The message in `lang`; English is `message` itself, byte for byte."""
        if lang == "en" or self.said is None:
            return self.message
        return self.said.text(lang)

    def describe(self, lang: str = "en") -> str:
        """`file:line:col: interaction X: rule R: message` in `lang` (English: `str(self)`)."""
        names = _PROBLEM_NAMES_ZH if lang == "zh" else _PROBLEM_NAMES
        where = str(self.location)
        if self.interaction:  # an empty id is the problem itself, said in the message
            where += f": {names[0]} {self.interaction}"
        if self.rule is not None:
            where += f": {names[1]} {self.rule}"
        return f"{where}: {self.text(lang)}"

    def __str__(self) -> str:
        return self.describe("en")


_PROBLEM_NAMES = ("interaction", "rule")
_PROBLEM_NAMES_ZH = ("交互", "规则")


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What a formatter may know about a rule (no compiled check, no engine)."""

    id: str
    title: Localised
    standard: str
    severity: Severity
    dimension: Dimension | None
    gap: Gap
    description: str
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class Summary:
    interactions: int
    clean: int
    findings: int
    errors: int
    by_severity: Mapping[str, int]
    by_rule: Mapping[str, int]
    by_gap: Mapping[str, int]
    by_dimension: Mapping[str, int]
    by_site: Mapping[str, int]

    def at_or_above(self, level: Severity) -> int:
        """How many findings are at or above `level` (the gate of a streamed report)."""
        return sum(n for name, n in self.by_severity.items() if Severity(name).at_least(level))

    def as_dict(self) -> dict[str, Any]:
        return {
            "interactions": self.interactions,
            "clean": self.clean,
            "findings": self.findings,
            "errors": self.errors,
            "by_severity": dict(self.by_severity),
            "by_rule": dict(self.by_rule),
            "by_gap": dict(self.by_gap),
            "by_dimension": dict(self.by_dimension),
            "by_site": dict(self.by_site),
        }


@dataclass(frozen=True, slots=True)
class Coverage:
    """Which rules applied to one audited interaction (JUnit needs passing test cases too).

    `rules` tuples are shared between interactions with the same applicable rules, so this
    costs one small record per interaction."""

    interaction: str
    location: SourceLocation
    rules: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BaselineStats:
    """How a run compared with its `--baseline` file."""

    file: str
    fingerprints: int  # distinct fingerprints in the baseline
    suppressed: int  # findings of this run found in the baseline (status BASELINED)
    fixed: int  # baseline fingerprints not seen in this run


@dataclass(frozen=True, slots=True)
class WaiverUse:
    """A waiver and how many findings it matches (for an expired one: would have matched)."""

    waiver: Waiver
    matched: int


@dataclass(frozen=True, slots=True)
class WaiverStats:
    """How a run used its `--waivers` file, as of `today` (ISO date)."""

    file: str
    today: str
    total: int  # waivers in the file
    waived: int  # findings of this run with status WAIVED
    expired: tuple[WaiverUse, ...]
    stale: tuple[Waiver, ...]  # unexpired waivers that matched no finding


@dataclass(frozen=True, slots=True)
class Report:
    """The immutable result of an audit: all formatters take this and nothing else."""

    findings: tuple[Finding, ...]
    errors: tuple[InputProblem, ...]
    summary: Summary
    rules: tuple[RuleInfo, ...]
    fail_on: Severity
    lang: str = "en"
    config: str | None = None
    inputs: tuple[str, ...] = ()
    coverage: tuple[Coverage, ...] = ()
    baseline: BaselineStats | None = None
    waivers: WaiverStats | None = None
    #: `--max-findings`: how many failing findings are tolerated (None: none are).
    max_findings: int | None = None

    def failing(self) -> tuple[Finding, ...]:
        """New findings at or above `fail_on`: the ones the gate counts (baselined and waived
        findings never fail a run)."""
        # Membership in a tuple of members is an identity test: `at_least` per finding (a
        # property and a dict lookup through Enum's Python-level __hash__) cost 0.03 s a call
        # on 68,000 findings, and a run asks three times (report, gate, summary line).
        gating = tuple(s for s in Severity if s.at_least(self.fail_on))
        return tuple(f for f in self.findings if f.status is Status.NEW and f.severity in gating)

    def gate_failed(self) -> bool:
        """More failing findings than `max_findings` allows (any, when it is not set)."""
        return len(self.failing()) > (self.max_findings or 0)

    def by_status(self) -> dict[str, int]:
        """Findings per status, every status present, in `Status` order."""
        counts = {s.value: 0 for s in Status}
        for finding in self.findings:
            counts[finding.status.value] += 1
        return counts
