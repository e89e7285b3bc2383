"""Every check kind, driven by data: tests/cases/<kind>/*.yaml (one runner, sqlfluff-style).

A case file holds one rule (its `check` block, and optionally `message`, `dimension`,
`applies-to`) and a list of cases. Each case is an interaction and what auditing it with that
rule alone must give::

    rule:
      check: {kind: threshold, value: {metric: rings}, max: 3}
    cases:
      - name: above the limit
        interaction: {metrics: {rings: 5}}          # id defaults to "case", channel to "phone"
        expect:                                      # the findings, in report order
          - en: "metric rings is 5; standard: 3"     # the message in English (exact)
            zh: "metric rings 为 5；标准：3"          # optional: the message in Chinese (exact)
            evidence: {event: 4, at: 11, text: …}    # optional: the evidence (exact)
            dimension: empathy                       # optional: the finding's dimension
      - name: at the limit
        interaction: {metrics: {rings: 3}}
        expect: pass                                 # no finding, no problem
      - name: a string metric
        interaction: {metrics: {rings: "5"}}
        expect: {error: "metric 'rings' is '5', not a number"}   # a MeasureError (exit 3)
      - name: a boolean metric
        interaction: {metrics: {rings: true}}
        expect: {error: "metric 'rings' is True, not a number",  # optional: the problem in Chinese
                 zh: "指标 'rings' 的值 True 不是数字"}

The rule is compiled by the real loader (`rules.parse_rule`) as if it were written in the case
file, so relative phrase files resolve beside it. Besides the expected findings, every case also
checks that durable-rules decided exactly what the condition's Python reading says.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from conftest import CASES
from svccheck.audit import Auditor
from svccheck.interactions import build_interaction
from svccheck.kinds import KINDS
from svccheck.model import Evidence, InputProblem, Interaction, SourceLocation
from svccheck.rules import Rule, parse_rule
from svccheck.yamlpos import YamlDoc

RULE_HEADER = {
    "id": "test.case",
    "title": {"en": "test case", "zh": "测试用例"},
    "standard": "hotel.answer-phone-three-rings",
    "severity": "major",
    "dimension": "responsiveness",
    "gap": "delivery",
}
FILE_KEYS = {"rule", "cases"}
RULE_KEYS = {"check", "message", "dimension", "applies-to"}
CASE_KEYS = {"name", "interaction", "expect"}
FINDING_KEYS = {"en", "zh", "evidence", "dimension"}


def _load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def _case_files() -> list[Path]:
    return sorted(CASES.glob("*/*.yaml"))


def _cases() -> Iterator[Any]:
    for path in _case_files():
        data = _load(path)
        for case in data["cases"]:
            yield pytest.param(path, data["rule"], case, id=f"{path.parent.name}/{path.stem}/{case['name']}")


def _compile(path: Path, rule_block: Mapping[str, Any]) -> Rule:
    root = YAML(typ="rt").load(_dump({**RULE_HEADER, **rule_block}))
    rule, problems = parse_rule(YamlDoc(path, root), None)
    assert not problems, [str(p) for p in problems]
    assert rule is not None
    return rule


def _dump(data: Mapping[str, Any]) -> str:
    out = io.StringIO()
    YAML(typ="safe").dump(dict(data), out)
    return out.getvalue()


def _interaction(record: Mapping[str, Any]) -> Interaction | InputProblem:
    full = {"id": "case", "channel": "phone", **record}
    return build_interaction(full, SourceLocation("case.json", 1), 0)


def _evidence_dict(evidence: Evidence) -> dict[str, Any]:
    fields = {"event": evidence.event, "at": evidence.at, "text": evidence.text}
    return {k: v for k, v in fields.items() if v is not None}


# --- the case files themselves ---------------------------------------------------------------------


def test_every_kind_has_a_case_directory() -> None:
    assert sorted(p.name for p in CASES.iterdir() if p.is_dir()) == sorted(KINDS)


@pytest.mark.parametrize("path", _case_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_case_file_is_well_formed(path: Path) -> None:
    data = _load(path)
    assert set(data) == FILE_KEYS
    assert set(data["rule"]) <= RULE_KEYS
    assert data["rule"]["check"]["kind"] == path.parent.name
    names = [case["name"] for case in data["cases"]]
    assert len(names) == len(set(names)), "case names must be unique in a file"
    for case in data["cases"]:
        assert set(case) == CASE_KEYS, case["name"]
        expect = case["expect"]
        assert expect == "pass" or isinstance(expect, list) or set(expect) - {"zh"} in ({"error"}, {"invalid"}), case["name"]
        if isinstance(expect, list):
            assert expect, f"{case['name']}: an empty list of findings is written `pass`"
            for finding in expect:
                assert set(finding) <= FINDING_KEYS and "en" in finding, case["name"]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_has_passing_and_failing_cases_and_a_chinese_message(kind: str) -> None:
    expects = [case["expect"] for path in sorted((CASES / kind).glob("*.yaml")) for case in _load(path)["cases"]]
    assert "pass" in expects
    assert any(isinstance(e, list) for e in expects)
    assert any(isinstance(e, list) and any("zh" in f for f in e) for e in expects), "no Chinese message checked"


# --- the runner ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "rule_block", "case"), list(_cases()))
def test_case(path: Path, rule_block: Mapping[str, Any], case: Mapping[str, Any]) -> None:
    rule = _compile(path, rule_block)
    item = _interaction(case["interaction"])
    expect = case["expect"]
    if isinstance(expect, Mapping) and "invalid" in expect:
        assert isinstance(item, InputProblem)
        assert item.message == expect["invalid"]
        if "zh" in expect:
            assert item.text("zh") == expect["zh"]
        return
    assert isinstance(item, Interaction), item
    outcome = Auditor([rule], "en").audit(item)
    if isinstance(expect, Mapping):
        assert outcome.findings == []
        assert [str(p) for p in outcome.problems] == [f"case.json:1: interaction case: rule test.case: {expect['error']}"]
        if "zh" in expect:  # the problem is said in the report's language, whatever the auditor's
            assert [p.describe("zh") for p in outcome.problems] == [f"case.json:1: 交互 case: 规则 test.case: {expect['zh']}"]
        return
    assert outcome.problems == []
    wanted = [] if expect == "pass" else list(expect)
    assert [f.message for f in outcome.findings] == [w["en"] for w in wanted]
    for finding, want in zip(outcome.findings, wanted, strict=True):
        if "evidence" in want:
            assert _evidence_dict(finding.evidence) == want["evidence"]
        if "dimension" in want:
            assert finding.dimension.value == want["dimension"]
        assert finding.rule == "test.case" and finding.interaction == "case"
    if any("zh" in w for w in wanted):
        zh = Auditor([rule], "zh").audit(item)
        assert [f.message for f, w in zip(zh.findings, wanted, strict=True) if "zh" in w] == [
            w["zh"] for w in wanted if "zh" in w
        ]
    _engine_agrees_with_python(rule, item, outcome.findings)


def _engine_agrees_with_python(rule: Rule, interaction: Interaction, findings: list[Any]) -> None:
    """durable-rules decided; the condition's Python reading must flag the same measurements."""
    if not rule.applies_to.matches(interaction):
        assert findings == []
        return
    measured = rule.check.measure(interaction)
    by_python = [m for m in measured if rule.check.condition.holds(m.value)]
    assert len(by_python) == len(findings)
    assert [m.evidence for m in by_python] == [f.evidence for f in findings]
