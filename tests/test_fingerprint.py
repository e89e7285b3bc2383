"""Fingerprints (svccheck.fingerprint): stable across re-exports, distinct where findings differ."""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from pathlib import Path

import pytest

from svccheck.audit import audit_paths, triage
from svccheck.baseline import parse_baseline
from svccheck.fingerprint import disambiguate, fingerprint, is_fingerprint, occurrence
from svccheck.model import Dimension, Evidence, Finding, Gap, InputProblem, Severity, SourceLocation
from svccheck.rules import Rule
from svccheck.text import normalise

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"


def _sha(material: str) -> str:
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:16]


def _finding(fp: str, event: int) -> Finding:
    return Finding(
        rule="speech.forbidden-phrases",
        interaction="c-1",
        severity=Severity.MAJOR,
        dimension=Dimension.EMPATHY,
        gap=Gap.DELIVERY,
        message="m",
        evidence=Evidence(event, None, "我不知道"),
        location=SourceLocation("x.json", 1),
        ordinal=0,
        fingerprint=fp,
    )


@pytest.mark.parametrize("text", ["  喂？ ", "這個我 不知道", "Sorry, I DON\u2019T know.", "ｏｋ　好的"])
def test_an_utterance_normalised_once_gives_the_same_fingerprint(text: str) -> None:
    # The audit hands over the utterance's norm_text instead of normalising the quote again.
    evidence = Evidence(2, 5, text)
    assert fingerprint("r", "i", evidence, {}, normalise(text)) == fingerprint("r", "i", evidence, {})


def test_the_audit_reuses_the_utterance_normalisation_only_for_a_whole_quote() -> None:
    from svccheck.audit import _normalised
    from svccheck.interactions import build_interaction

    long_text = "我不知道。" + "很长的一句话" * 60  # longer than an evidence quote (200 characters)
    record = {"id": "x", "channel": "chat", "events": [
        {"type": "utterance", "speaker": "agent", "text": "這個我不知道"},
        {"type": "utterance", "speaker": "agent", "text": long_text},
        {"type": "hold", "seconds": 5},
    ]}
    interaction = build_interaction(record, SourceLocation("x.json", 1), 0)
    assert not isinstance(interaction, InputProblem)
    assert _normalised(interaction, Evidence(0, None, "這個我不知道")) == "这个我不知道"
    assert _normalised(interaction, Evidence(1, None, long_text[:199] + "…")) is None  # shortened quote
    assert _normalised(interaction, Evidence(2, None, "這個我不知道")) is None  # not an utterance
    assert _normalised(interaction, Evidence(7, None, "x")) is None and _normalised(interaction, Evidence()) is None


def test_material_is_scheme_rule_interaction_and_normalised_text() -> None:
    got = fingerprint("phone.greeting", "h-call-03", Evidence(3, 9, "  喂？ "), {})
    assert got == _sha("svccheck/v1\x1fphone.greeting\x1fh-call-03\x1f喂?")
    assert is_fingerprint(got)


def test_identity_fields_are_hashed_in_order_and_others_ignored() -> None:
    fields = {"what": "call back", "promise": "p1", "due": "2026-03-01T10:00:00Z", "late": "5 min"}
    got = fingerprint("promise.kept", "dl-1", Evidence(2, 30, "call back"), fields)
    assert got == _sha("svccheck/v1\x1fpromise.kept\x1fdl-1\x1fcallback\x1fpromise=p1")
    assert got != fingerprint("promise.kept", "dl-1", Evidence(2, 30, "call back"), {**fields, "promise": "p2"})


@pytest.mark.parametrize(
    "values", [(1, 1.0, True), (True, 1, 1.0), (0.0, -0.0), (["a"], "['a']", ("a",)), ("empathy", "Empathy", " empathy")]
)
def test_identity_values_are_hashed_as_their_own_text_every_time(values: tuple[object, ...]) -> None:
    # Identity texts are remembered between findings: 1, 1.0 and True (or 0.0 and -0.0) would be
    # one dict key but are different texts, and an unhashable value cannot be remembered at all.
    # Each is hashed as its own text, whatever came before it.
    for _ in range(2):
        for value in values:
            got = fingerprint("visit.x", "v-1", Evidence(), {"item": value})
            assert got == _sha(f"svccheck/v1\x1fvisit.x\x1fv-1\x1f\x1fitem={''.join(normalise(str(value)).split())}")


@pytest.mark.parametrize(
    "other",
    [
        Evidence(7, 120, "這個我不知道"),  # another event index and time, Traditional script
        Evidence(0, "2026-03-01T10:00:00+08:00", "这个我 不知道"),  # whitespace inside
        Evidence(None, None, "这个我不知道"),
    ],
)
def test_position_time_and_spelling_do_not_change_it(other: Evidence) -> None:
    base = fingerprint("speech.forbidden-phrases", "c-1", Evidence(2, 10, "这个我不知道"), {})
    assert fingerprint("speech.forbidden-phrases", "c-1", other, {}) == base


def test_rule_interaction_and_text_do_change_it() -> None:
    base = fingerprint("r", "i", Evidence(text="a"), {})
    assert len({base, fingerprint("r2", "i", Evidence(text="a"), {}), fingerprint("r", "i2", Evidence(text="a"), {}),
                fingerprint("r", "i", Evidence(text="b"), {})}) == 4


def test_repeated_material_is_numbered_by_occurrence() -> None:
    plain = fingerprint("speech.forbidden-phrases", "c-1", Evidence(text="我不知道"), {})
    out = disambiguate([_finding(plain, 2), _finding(plain, 5), _finding(plain, 9)])
    assert [f.fingerprint for f in out] == [plain, _sha(f"{plain}#2"), _sha(f"{plain}#3")]
    assert occurrence(plain, 1) == plain


@pytest.mark.parametrize("value", ["0123456789abcdef", "ffffffffffffffff"])
def test_is_fingerprint_accepts(value: str) -> None:
    assert is_fingerprint(value)


@pytest.mark.parametrize("value", ["0123456789ABCDEF", "0123456789abcde", "0123456789abcdefa", 12, None, "g" * 16])
def test_is_fingerprint_rejects(value: object) -> None:
    assert not is_fingerprint(value)


def _shuffled_copy(source: Path, target: Path, seed: int) -> None:
    if source.suffix == ".jsonl":
        lines = [line for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
        random.Random(seed).shuffle(lines)
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        data = json.loads(source.read_text(encoding="utf-8"))
        items = data["interactions"] if isinstance(data, dict) else data
        random.Random(seed).shuffle(items)
        target.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def _keyed(findings: tuple[Finding, ...]) -> Counter[tuple[str, str, str, str]]:
    return Counter((f.rule, f.interaction, f.message, f.fingerprint) for f in findings)


@pytest.mark.parametrize("name", ["phone-calls.json", "complaint-chats.jsonl", "promises.json", "visits.json"])
def test_shuffling_the_input_keeps_fingerprints_and_the_baseline_comparison(
    name: str, tmp_path: Path, builtin_rules: list[Rule]
) -> None:
    original = audit_paths([EXAMPLES / name], builtin_rules)
    target = tmp_path / f"shuffled-{name}"
    _shuffled_copy(EXAMPLES / name, target, seed=20260301)
    shuffled = audit_paths([target], builtin_rules)
    assert [f.interaction for f in shuffled.findings] != [f.interaction for f in original.findings]
    assert _keyed(shuffled.findings) == _keyed(original.findings)
    assert len({f.fingerprint for f in original.findings}) == len(original.findings)

    baseline = parse_baseline(Path("b.json"), {"version": 1, "fingerprints": [f.fingerprint for f in original.findings]})
    compared = triage(shuffled, baseline=baseline)
    assert compared.baseline is not None
    assert (compared.baseline.suppressed, compared.baseline.fixed) == (len(original.findings), 0)
    assert compared.by_status()["new"] == 0


def test_same_utterance_twice_gets_two_stable_fingerprints(tmp_path: Path, builtin_rules: list[Rule]) -> None:
    said = {"type": "utterance", "speaker": "agent", "text": "这个我不知道。"}
    calls = [
        {"id": "twice", "channel": "chat", "events": [said, {"type": "utterance", "speaker": "customer", "text": "啊?"}, said]},
        {"id": "other", "channel": "chat", "events": [said]},
    ]
    forward, backward = tmp_path / "a.json", tmp_path / "b.json"
    forward.write_text(json.dumps(calls, ensure_ascii=False), encoding="utf-8")
    backward.write_text(json.dumps(calls[::-1], ensure_ascii=False), encoding="utf-8")

    def prints(path: Path) -> dict[tuple[str, int | None], str]:
        report = audit_paths([path], builtin_rules)
        return {(f.interaction, f.evidence.event): f.fingerprint for f in report.findings if f.rule == "speech.forbidden-phrases"}

    first = prints(forward)
    assert set(first) == {("twice", 0), ("twice", 2), ("other", 0)}
    assert first[("twice", 2)] == _sha(f"{first[('twice', 0)]}#2")
    assert len(set(first.values())) == 3
    assert prints(backward) == first

