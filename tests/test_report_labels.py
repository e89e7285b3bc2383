"""The wording of the aggregate reports (svccheck.reports._labels): the gap-diagnosis reasons in
both languages, singular and plural counts, the names of values, and that the two languages
cover the same texts with the project's existing Chinese terms."""

from __future__ import annotations

import re

import pytest

from svccheck import explain
from svccheck.aggregate import NONE, Case, aggregate, diagnose
from svccheck.model import DIMENSION_NAMES_ZH, DIMENSIONS, GAPS, SEVERITIES, Severity
from svccheck.reports import _labels
from svccheck.reports._labels import Words, words
from svccheck.words import count
from test_aggregate import OBSERVED, batch, cases, finding

EN, ZH = words("en"), words("zh")


# --- gap-diagnosis reasons ------------------------------------------------------------------------


def test_delivery_reason() -> None:
    failed = cases(("s1", "s1-a0"), ("s1", "s1-a0"), ("s1", "s1-a0"), ("s2", "s2-a1"), ("s4", "s4-a0"))
    d = diagnose("visit.smile", "rule", "Smile", failed, OBSERVED)
    assert EN.reason(d) == (
        "concentrated in a few agents: coach s1-a0 (3), s2-a1 (1) "
        "(5 failures in 24 visits; 3 of 6 sites (50%); top 2 agents 80% of failures)"
    )
    assert ZH.reason(d) == (
        "集中在少数员工：辅导 s1-a0 (3)、s2-a1 (1)（24 次访问中 5 次未达标；6 家门店中 3 家（50%）；前 2 名员工占 80%）"
    )


def test_standards_and_mixed_reasons() -> None:
    spread = cases(("s1", "s1-a0"), ("s2", "s2-a1"), ("s3", "s3-a0"), ("s4", "s4-a1"), ("s5", "s5-a0"))
    d = diagnose("visit.promises", "rule", "Promises", spread, OBSERVED)
    assert EN.reason(d) == (
        "spread across most sites: fix the standard or the process behind it "
        "(5 failures in 24 visits; 5 of 6 sites (83%); top 2 agents 40% of failures)"
    )
    assert ZH.reason(d).startswith("遍及多数门店：修订标准或其背后的流程（24 次访问中 5 次未达标；")
    mixed = diagnose("r", "rule", "r", cases(("s1", "s1-a0"), ("s1", "s1-a1"), ("s2", "s2-a0"), ("s2", "s2-a1")), OBSERVED)
    assert EN.reason(mixed).startswith("neither a few agents nor most sites: review the sites involved (4 failures")
    assert ZH.reason(mixed).startswith("既非集中在少数员工，也非遍及多数门店：检查涉及的门店（")


def test_too_few_reason() -> None:
    few = diagnose("r", "rule", "r", cases(("s1", "s1-a0"), ("s1", "s1-a0")), OBSERVED)
    assert EN.reason(few) == (
        "fewer than 3 failures: no verdict (2 failures in 24 visits; 1 of 6 sites (17%); top 1 agent 100% of failures)"
    )
    assert ZH.reason(few) == "未达标不足 3 次：不下结论（24 次访问中 2 次未达标；6 家门店中 1 家（17%）；前 1 名员工占 100%）"


def test_reason_counts_in_the_singular() -> None:
    # one failure in the one visit it was observed in, at one site: no "1 visits", "1 sites"
    one = diagnose("r", "rule", "r", [Case("v1", "s1", "a1")], [Case("v1", "s1", "a1")])
    assert EN.reason(one) == (
        "fewer than 3 failures: no verdict (1 failure in 1 visit; 1 of 1 site (100%); top 1 agent 100% of failures)"
    )
    nobody = diagnose("r", "rule", "r", [Case("v1", "s1", None)], [Case("v1", "s1", None), Case("v2", "s2", None)])
    assert EN.reason(nobody).endswith("(1 failure in 2 visits; 1 of 2 sites (50%); top 0 agents 0% of failures)")


# --- counts, names, keys --------------------------------------------------------------------------


@pytest.mark.parametrize(("number", "en", "zh"), [
    (0, "0 visits", "0 次访问"),
    (1, "1 visit", "1 次访问"),
    (2, "2 visits", "2 次访问"),
])
def test_counts(number: int, en: str, zh: str) -> None:
    assert (EN.count(number, "visit"), ZH.count(number, "visit")) == (en, zh)
    assert (EN.count(1, "finding"), EN.count(3, "finding"), ZH.count(3, "finding")) == ("1 finding", "3 findings", "3 条问题")


def test_the_shared_count_helper() -> None:
    assert (count(1, "finding"), count(2, "finding"), count(2, "inquiry", "inquiries")) == (
        "1 finding", "2 findings", "2 inquiries")


def test_names_in_english_are_the_values_and_in_chinese_the_project_terms() -> None:
    assert [EN.name("dimension", d) for d in DIMENSIONS] == list(DIMENSIONS)
    assert {d: ZH.name("dimension", d) for d in DIMENSIONS} == DIMENSION_NAMES_ZH  # as finding messages name them
    # gaps and severities as `svccheck explain` names them
    assert {g: ZH.name("gap", g) for g in GAPS} == {g: explain._ZH_NAMES[g] for g in GAPS}
    assert {s: ZH.name("severity", s) for s in SEVERITIES} == {s: explain._ZH_NAMES[s] for s in SEVERITIES}
    # the verdicts delivery and standards are gaps 3 and 2
    assert (ZH.name("verdict", "delivery"), ZH.name("verdict", "standards")) == ("服务交付差距", "标准差距")
    assert [ZH.name("result", r) for r in ("pass", "fail", "auto-fail", "not scored")] == ["合格", "不合格", "一票否决", "未评分"]


def test_group_keys_are_data_except_none() -> None:
    assert (EN.key(NONE), ZH.key(NONE)) == ("(none)", "（无）")
    # a site that happens to be called like a dimension or gap is not translated
    assert (ZH.key("delivery"), ZH.key("上海外滩店")) == ("delivery", "上海外滩店")


def test_severity_lists_and_weights() -> None:
    visits = batch()
    agg = aggregate(visits, [finding(visits[0]), finding(visits[1]), finding(visits[1], severity=Severity.MINOR)])
    assert (EN.severities(agg.totals), ZH.severities(agg.totals)) == ("major 2, minor 1", "重要 2、次要 1")
    empty = aggregate(visits, []).totals
    assert (EN.severities(empty), ZH.severities(empty)) == ("none", "无")
    assert EN.weights() == "reliability 32, responsiveness 22, assurance 19, empathy 16, tangibles 11"
    assert ZH.weights() == "可靠性 32、反应性 22、保证性 19、移情性 16、可感知性 11"


# --- the tables themselves ------------------------------------------------------------------------


def test_both_languages_have_the_same_texts_and_placeholders() -> None:
    en, zh = _labels._TEXT["en"], _labels._TEXT["zh"]
    assert en.keys() == zh.keys()
    assert _labels._NOUNS["en"].keys() == _labels._NOUNS["zh"].keys()
    # a placeholder only one language has would be a number or name missing from the other
    placeholders = {key: set(re.findall(r"{(\w+)}", text)) for key, text in en.items()}
    different = {k for k in en if set(re.findall(r"{(\w+)}", zh[k])) != placeholders[k]}
    # why_too_few: English counts "3 failures", Chinese puts the bare number in "不足 3 次"
    assert different == {"why_too_few"}


def test_templates_need_no_html_escaping() -> None:
    """The HTML renderer escapes only the fields it fills in, so the templates must be plain."""
    texts = [t for lang in _labels._TEXT.values() for t in lang.values()]
    texts += [n for lang in _labels._NOUNS.values() for pair in lang.values() for n in pair]
    texts += list(_labels._ZH_COLUMNS.values()) + [n for kind in _labels._ZH_NAMES.values() for n in kind.values()]
    assert [t for t in texts if set(t) & set("<>&\"'")] == []


def test_an_unknown_language_is_an_error() -> None:
    with pytest.raises(ValueError, match="no report wording in 'fr'"):
        words("fr")
    with pytest.raises(ValueError, match="no report language 'fr'"):
        aggregate([], [], lang="fr")
    assert isinstance(words("zh"), Words)
