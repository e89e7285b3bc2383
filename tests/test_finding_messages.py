"""A finding's message: the rule's template filled with the measured fields and the common ones
(`kinds.COMMON_FIELDS`), `Localised` values said in the report's language."""

from __future__ import annotations

from pathlib import Path

import pytest

from svccheck.audit import Auditor
from svccheck.interactions import build_interaction
from svccheck.kinds import COMMON_FIELDS
from svccheck.model import Interaction, SourceLocation
from svccheck.rules import load_rules
from svccheck.standards import load_standards

RULE = """\
id: test.rings
title: {{en: Test, zh: 测试}}
standard: hotel.answer-phone-three-rings
severity: major
dimension: responsiveness
gap: delivery
check: {{kind: threshold, value: {{metric: rings}}, max: 3, unit: seconds}}
message: {{en: "{en}", zh: "{zh}"}}
"""
RECORD = {"id": "c-1", "channel": "phone", "site": "S1", "agent": "A7", "metrics": {"rings": 95}}
COMMON = {"rule": "test.rings", "interaction": "c-1", "site": "S1", "agent": "A7", "channel": "phone"}


def _message(tmp_path: Path, en: str, zh: str, lang: str, record: dict[str, object] = RECORD) -> str:
    (tmp_path / "r.yaml").write_text(RULE.format(en=en, zh=zh), encoding="utf-8")
    rules = load_rules([tmp_path], load_standards(), builtin=False)
    interaction = build_interaction(record, SourceLocation("x.json", 1), 0)
    assert isinstance(interaction, Interaction)
    (finding,) = Auditor(rules, lang).audit(interaction).findings
    return finding.message


def test_every_common_field_is_given() -> None:
    assert set(COMMON) == COMMON_FIELDS


@pytest.mark.parametrize("name", sorted(COMMON_FIELDS))
def test_a_common_field_in_a_message(tmp_path: Path, name: str) -> None:
    assert _message(tmp_path, f"<{{{name}}}>", "-", "en") == f"<{COMMON[name]}>"


def test_measured_fields_localised_values_and_absent_site(tmp_path: Path) -> None:
    template = "{value} > {limit} ({value_human}) at [{site}]"
    no_site = {k: v for k, v in RECORD.items() if k != "site"}
    assert _message(tmp_path, template, template, "en", no_site) == "95 > 3 (1 min 35 s) at []"
    assert _message(tmp_path, "x", "{value_human}，{channel}", "zh") == "1分35秒，phone"
