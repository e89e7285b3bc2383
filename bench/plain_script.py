"""The benchmark's yardstick: a plain, single-process script doing the built-in rules' checks.

    python bench/plain_script.py FILE.jsonl|FILE.json

This is what a developer would write instead of svccheck: the standard `json` module, one loop,
every built-in rule hand-coded (no rule files, no schema validation beyond what the checks need,
no rules engine; the mystery-shopper scorecard is a hard-coded table of its items, points,
weights, auto-fail items and pass mark). The phrase matching reuses `svccheck.text` and the
built-in phrase lists, so both sides do the same text work and the comparison measures
svccheck's own overhead (loading, validation, the rules engine, findings and report), not a
different matcher. It prints the number of interactions and the findings per rule as JSON,
which `bench/run.py` compares with svccheck's summary.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from svccheck.paths import builtin_rules_dir
from svccheck.text import PhraseMatcher, hit_context, load_phrase_file, normalise

PHRASES = builtin_rules_dir() / "phrases"


def matcher(*names: str) -> PhraseMatcher:
    phrases: list[str] = []
    for name in names:
        phrases += load_phrase_file(PHRASES / f"{name}.txt")
    return PhraseMatcher(phrases)


FORBIDDEN = matcher("forbidden-zh", "forbidden-en")
OVER_PROMISING = matcher("over-promising")
# A guarantee asked back ("你能保证吗?") or supposed ("if I could guarantee...") is not one.
PROMISE_EXCUSES = frozenset({"question", "conditional"})
GREETING = matcher("greeting")
HOLD = matcher("hold-permission")
CLOSING = matcher("closing-courtesy")
APOLOGY = matcher("apology")
SATISFIED = matcher("satisfaction-check")
CHECKLIST = {
    "greeted_promptly": "visit.greeted-promptly",
    "staff_groomed": "visit.staff-groomed",
    "environment_clean": "visit.environment-clean",
    "accompanied_guest": "visit.accompanied-guest",
    "helped_with_luggage": "visit.helped-with-luggage",
    "smile_eye_contact": "visit.smile-eye-contact",
}
METRIC_LIMITS = {
    "checkout_seconds": ("promise.checkout-three-minutes", 180),
    "first_dish_minutes": ("promise.first-dish-ten-minutes", 10),
    "fries_held_minutes": ("food.holding-time-fries", 7),
    "burger_held_minutes": ("food.holding-time-burgers", 10),
    "coffee_held_minutes": ("food.holding-time-coffee", 30),
}
DIMENSIONS = ("tangibles", "reliability", "responsiveness", "assurance", "empathy")
# The hotel mystery-shopper scorecard for visits: (section weight, items), an item being
# (checklist item or metric, points, auto-fail, metric maximum or None for a checklist item).
SCORECARD = (
    (20, (("staff_groomed", 2, False, None), ("fixtures_working", 1, False, None),
          ("environment_clean", 2, False, None), ("items_intact", 2, True, None),
          ("pleasant_ambience", 1, False, None))),
    (25, (("promise_kept", 3, False, None), ("matches_publicity", 2, False, None),
          ("open_as_posted", 2, False, None), ("found_property_returned", 2, True, None),
          ("service_promises_displayed", 1, False, None))),
    (20, (("greeted_promptly", 2, False, None), ("rings", 2, False, 3), ("litter_picked_up", 1, False, None))),
    (15, (("protects_image", 1, False, None), ("three_quiet", 1, False, None),
          ("knows_opening_hours", 1, False, None), ("knows_procedures", 1, False, None),
          ("knows_fire_procedure", 1, False, None), ("safe_environment", 2, True, None))),
    (20, (("smile_eye_contact", 2, False, None), ("helped_with_luggage", 1, False, None),
          ("accompanied_guest", 2, False, None), ("anticipated_needs", 1, False, None),
          ("no_discouraging_words", 2, False, None))),
)
PASS_MARK = 80


def records(path: str) -> Iterator[Any]:
    with open(path, encoding="utf-8-sig") as handle:
        if path.endswith(".jsonl"):
            for line in handle:
                if line.strip():
                    yield json.loads(line)
        else:
            data = json.load(handle)
            yield from data if isinstance(data, list) else data.get("interactions", [data])


def seconds(value: Any, start: float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, str):
        return datetime.fromisoformat(value).timestamp()
    return float(value) + (start or 0.0)


def met(value: Any, limit: float | None) -> bool | None:
    """A scorecard item's outcome: True met, False not met, None N/A; ValueError if unscorable."""
    if value is None:
        return None
    if limit is None:
        if not isinstance(value, bool):
            raise ValueError(value)
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(value)
    return value <= limit


def scorecard_fails(checklist: dict[str, Any], metrics: dict[str, Any]) -> bool:
    """Whether a visit fails the scorecard: an auto-fail item not met, or a weighted score (N/A
    items and all-N/A sections left out) below the pass mark. An unscored visit does not fail."""
    total = weights = 0.0
    auto_failed = False
    for weight, items in SCORECARD:
        earned = possible = 0
        for name, points, auto_fail, limit in items:
            outcome = met((metrics if limit is not None else checklist).get(name), limit)
            if outcome is not None:
                possible += points
                earned += points if outcome else 0
                auto_failed |= auto_fail and not outcome
        if possible:
            total += weight * earned / possible
            weights += weight
    return bool(weights) and (auto_failed or round(100.0 * total / weights, 2) < PASS_MARK)


def check(rec: dict[str, Any], found: Counter[str]) -> None:
    channel, tags = rec["channel"], set(rec.get("tags", ()))
    metrics, events = rec.get("metrics", {}), rec.get("events", [])
    start = seconds(rec["started_at"], None) if "started_at" in rec else None
    norms = [normalise(e["text"]) if e["type"] == "utterance" else "" for e in events]
    said = [(e, n) for e, n in zip(events, norms) if e["type"] == "utterance"]
    agent = [(e, n) for e, n in said if e["speaker"] == "agent"]
    for _, norm in agent:
        hits = FORBIDDEN.search(norm)
        if any(not hit_context(norm, h) for h in hits):
            found["speech.forbidden-phrases"] += 1
        hits = OVER_PROMISING.search(norm)
        if any(not PROMISE_EXCUSES & hit_context(norm, h) for h in hits):
            found["speech.no-over-promising"] += 1
    if channel == "phone":
        rings = metrics.get("rings")
        if rings is None:
            rings = 0
            for e in events:
                if e["type"] == "answer":
                    break
                rings += e["type"] == "ring"
        if rings > 3:
            found["phone.answer-within-three-rings"] += 1
        if agent:
            if GREETING.first(agent[0][1]) is None:
                found["phone.greeting"] += 1
            if not any(CLOSING.first(n) for _, n in agent[-2:]):
                found["phone.closing-courtesy"] += 1
        last = None
        for e, n in zip(events, norms):
            if e["type"] == "utterance" and e["speaker"] == "agent":
                last = n
            elif e["type"] == "hold" and (last is None or HOLD.first(last) is None):
                found["phone.hold-permission"] += 1
    if "complaint" in tags:
        if agent and not any(APOLOGY.first(n) for _, n in agent):
            found["complaint.apology"] += 1
        if agent and not any(SATISFIED.first(n) for _, n in agent[-3:]):
            found["complaint.confirm-satisfaction"] += 1
        if sum(e["type"] == "transfer" for e in events) > 2:
            found["complaint.too-many-transfers"] += 1
        asked = next((e for e, _ in said if e["speaker"] == "customer" and "at" in e), None)
        if asked is not None:
            t0 = seconds(asked["at"], start)
            reply = next((e for e, _ in agent if "at" in e and seconds(e["at"], start) >= t0), None)  # type: ignore[operator]
            if reply is None or seconds(reply["at"], start) - t0 > 3600:  # type: ignore[operator]
                found["complaint.acknowledged-in-time"] += 1
    done: dict[str, float] = {}
    for e in events:
        if e["type"] == "fulfilled":
            done.setdefault(e["promise"], seconds(e["at"], start))  # type: ignore[arg-type]
    for e in events:
        if e["type"] == "promise":
            fulfilled = done.get(e["id"])
            if fulfilled is None or fulfilled > seconds(e["due"], start):  # type: ignore[operator]
                found["promise.kept"] += 1
    for name, (rule, limit) in METRIC_LIMITS.items():
        if name in metrics and metrics[name] > limit:
            found[rule] += 1
    for item, rule in CHECKLIST.items():
        if rec.get("checklist", {}).get(item) is False:
            found[rule] += 1
    if channel == "visit":
        try:
            if scorecard_fails(rec.get("checklist", {}), metrics):
                found["scorecard.hotel-mystery-shopper"] += 1
        except ValueError:
            pass  # svccheck reports an unscorable value as a problem for this rule only
    survey = rec.get("survey")
    if survey:
        expected, perceived = survey.get("expected", {}), survey.get("perceived", {})
        for dim in DIMENSIONS:
            if dim in expected and dim in perceived and perceived[dim] < expected[dim]:
                found["survey.servqual-gap"] += 1


def main(paths: list[str]) -> int:
    found: Counter[str] = Counter()
    seen: set[str] = set()
    audited = errors = 0
    for path in paths:
        for rec in records(path):
            if not isinstance(rec, dict) or not isinstance(rec.get("id"), str) or rec["id"] in seen:
                errors += 1
                continue
            seen.add(rec["id"])
            try:
                check(rec, found)
            except (KeyError, TypeError, ValueError):
                errors += 1
                continue
            audited += 1
    json.dump({"interactions": audited, "errors": errors, "by_rule": dict(sorted(found.items()))}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
