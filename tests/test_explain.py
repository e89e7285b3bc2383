"""`svccheck explain` and svccheck.explain: a rule in plain words, its parameters as configured,
and a passing and a failing example as short transcripts."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from svccheck.cli import main
from svccheck.config import Config, load_rule_set
from svccheck.explain import flow, kinds_reference, transcript
from svccheck.interactions import build_interaction
from svccheck.kinds import KINDS
from svccheck.model import Interaction, SourceLocation

RING_RULE = "phone.answer-within-three-rings"


def _explain(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["explain", *args], env={"LANG": "C", "LC_ALL": None})
    assert not result.exception or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def _section(text: str, heading: str) -> list[str]:
    """The lines of a blank-line separated block starting with `heading`."""
    block = next(b for b in text.split("\n\n") if b.startswith(heading))
    return block.splitlines()


def test_the_ring_rule_explained_with_its_defaults(here: Path) -> None:
    rule = next(r for r in load_rule_set(Config.default()).rules if r.id == RING_RULE)
    code, out, _ = _explain(RING_RULE)
    assert code == 0
    assert out.splitlines()[:3] == [RING_RULE, "  电话三声内接起", "  Answer the phone within three rings"]
    fields = dict(line.split(": ", 1) for line in _section(out, "standard:"))
    assert {k: v.strip() for k, v in fields.items() if k not in ("standard", "manual", "quote")} == {
        "dimension": "responsiveness",
        "gap": "delivery (gap 3)",
        "severity": "major",
        "applies to": "channel phone",
        "checks": "metric rings else the number of ring events before the first answer must be at most 3",
        "rule file": str(rule.location),
        "configuration": "(none: built-in defaults)",
    }
    assert fields["standard"].strip() == "hotel.answer-phone-three-rings: Answer the phone within three rings"
    assert _section(out, "parameters") == [
        "parameters (kind threshold):",
        "  value: [{metric: rings}, {count: ring, before: answer}]",
        "  max: 3",
    ]
    failing = _section(out, "failing example")
    assert failing[1:] == ["  channel phone", "  metrics: rings=5", "  → answered after 5 rings; standard: within 3"]


def test_one_line_of_svccheck_yaml_makes_explain_show_4(here: Path) -> None:
    (here / "svccheck.yaml").write_text(f"overrides: {{{RING_RULE}: {{max: 4}}}}\n", encoding="utf-8")
    code, out, _ = _explain(RING_RULE)
    assert code == 0
    assert "  max: 4  (overridden at svccheck.yaml:1:47)" in _section(out, "parameters")
    assert "configuration: svccheck.yaml" in out
    assert _section(out, "failing example")[-1] == "  → answered after 5 rings; standard: within 4"


def test_an_example_that_no_longer_fails_is_not_picked(here: Path) -> None:
    # With max 5 the five-ring example passes; the four-ring events example does too: the first
    # failing example is shown with what the rule now says about it.
    (here / "svccheck.yaml").write_text(f"overrides: {{{RING_RULE}: {{max: 5}}}}\n", encoding="utf-8")
    _, out, _ = _explain(RING_RULE)
    assert _section(out, "failing example")[-1] == "  → no finding"


def test_chinese_output(here: Path) -> None:
    code, out, _ = _explain(RING_RULE, "--lang", "zh")
    assert code == 0
    labels = [line.split(":")[0] for line in _section(out, "服务标准")]
    assert labels == ["服务标准", "来源手册", "原文", "质量维度", "差距", "严重程度", "适用范围", "检查内容", "规则文件", "配置文件"]
    assert "质量维度: responsiveness（反应性）" in out
    assert _section(out, "不合格示例")[-1] == "  → 响铃5声后才接听；标准：3声以内"


def test_an_unknown_rule_suggests_the_closest(here: Path) -> None:
    assert _explain("phone.greting") == (2, "", "svccheck: error: unknown rule 'phone.greting' (did you mean 'phone.greeting'?)\n")
    assert _explain("zzz") == (2, "", "svccheck: error: unknown rule 'zzz'\n")
    assert _explain("phone.greting", "--lang", "zh") == (
        2, "", "svccheck: error: 未知的规则 'phone.greting'（是否应为 'phone.greeting'？）\n"
    )


def test_a_rule_id_and_kinds_together_or_neither_is_a_usage_error(here: Path) -> None:
    # --kinds once printed the reference and silently ignored the rule id.
    assert _explain(RING_RULE, "--kinds") == (
        2, "", "svccheck explain: error: give a RULE_ID or --kinds, not both (see svccheck explain --help)\n"
    )
    assert _explain() == (
        2, "", "svccheck explain: error: give a RULE_ID (`svccheck rules` lists them) or --kinds"
        " (see svccheck explain --help)\n"
    )


def test_kinds_reference_has_every_kind_with_its_keys(here: Path) -> None:
    code, out, _ = _explain("--kinds")
    assert code == 0
    assert out == kinds_reference()
    headings = [line for line in out.splitlines() if line.startswith("### ")]
    assert headings == [f"### `{name}`" for name in sorted(KINDS)]
    assert "Keys: `value`, `max`, `min`, `unit`. Required: `value`." in out


def test_a_transcript_shows_speakers_events_and_times_from_the_start() -> None:
    record = {
        "id": "t", "channel": "chat", "tags": ["complaint", "vip"], "started_at": "2026-03-02T09:00:00+08:00",
        "metrics": {"queue_seconds": 30},
        "events": [
            {"type": "utterance", "speaker": "customer", "at": "2026-03-02T01:00:05Z", "text": "我的包裹丢了"},
            {"type": "promise", "at": "2026-03-02T09:01:30+08:00", "id": "p1", "what": "call back",
             "due": "2026-03-02T10:00:00+08:00"},
            {"type": "hold"},
            {"type": "utterance", "speaker": "agent", "text": "好的"},
        ],
    }
    item = build_interaction(record, SourceLocation("t.json"), 0)
    assert isinstance(item, Interaction)
    assert transcript(item) == [
        "channel chat #complaint #vip",
        "metrics: queue_seconds=30",
        "customer (5s): 我的包裹丢了",
        '[promise 1m30s id=p1 what="call back" due="2026-03-02T10:00:00+08:00"]',
        "[hold]",
        "agent: 好的",
    ]


def test_flow_style_values() -> None:
    assert flow({"a": [1, 2.5, True], "b": "x: y"}) == '{a: [1, 2.5, true], b: "x: y"}'
    assert flow(list(range(14)), limit=3) == "[0, 1, 2, … (14 in all)]"
