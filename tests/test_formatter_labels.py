"""The text and markdown formatters' label table: both languages say the same things."""

from __future__ import annotations

from string import Formatter

import pytest

from svccheck.formatters import _labels
from svccheck.formatters._labels import labels
from svccheck.model import Dimension, Evidence, Gap, Severity, Status

EN, ZH = labels("en"), labels("zh")


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name is not None}


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    en, zh = _labels._TEXT["en"], _labels._TEXT["zh"]
    assert set(en) == set(zh)
    differ = {key: (_placeholders(en[key]), _placeholders(zh[key])) for key in en
              if _placeholders(en[key]) != _placeholders(zh[key])}
    assert differ == {}


def test_both_languages_count_the_same_nouns_and_chinese_has_no_plural() -> None:
    assert set(_labels._NOUNS["en"]) == set(_labels._NOUNS["zh"])
    assert all(one == many for one, many in _labels._NOUNS["zh"].values())
    assert [EN.count(n, "input error") for n in (0, 1, 2)] == ["0 input errors", "1 input error", "2 input errors"]
    assert [ZH.count(n, "new finding") for n in (0, 1, 2)] == ["0 条新问题", "1 条新问题", "2 条新问题"]


def test_every_named_value_and_column_has_a_chinese_name() -> None:
    kinds = {"severity": Severity, "dimension": Dimension, "gap": Gap, "status": Status}
    untranslated = [(kind, member.value) for kind, enum in kinds.items() for member in enum
                    if ZH.name(kind, member.value) == member.value]
    assert untranslated == []
    named = (ZH.name("severity", "major"), ZH.name("gap", "delivery"), ZH.name("status", "waived"))
    assert named == ("重要", "服务交付差距", "已豁免")
    assert EN.name("severity", "major") == "major" and EN.column("where") == "where"
    assert ZH.column("where") == "位置"


@pytest.mark.parametrize(
    "evidence", [Evidence(), Evidence(3), Evidence(3, 9), Evidence(0, "2026-03-02T09:40:00Z", "喂？")]
)
def test_the_english_pointer_is_the_models(evidence: Evidence) -> None:
    assert EN.pointer(evidence) == evidence.pointer()


def test_the_chinese_pointer() -> None:
    assert [ZH.pointer(e) for e in (Evidence(), Evidence(3), Evidence(3, 9.5))] == ["", " [事件 3]", " [事件 3，时间 9.5]"]


def test_a_language_without_a_table_reads_english() -> None:
    assert labels("fr") == EN
    assert labels("fr")("input_errors", n=2) == "input errors (2):"
