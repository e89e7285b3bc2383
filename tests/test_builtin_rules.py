"""The built-in rules (rules/*.yaml): the issue's table, their phrase lists, and their examples.

Every built-in rule carries interactions that must pass and must fail; they are run here through
`svccheck.ruletest.run_examples`, each rule alone.
"""

from __future__ import annotations

from typing import Any

import pytest

from svccheck.audit import Auditor
from svccheck.interactions import build_interaction
from svccheck.kinds import Condition
from svccheck.model import Dimension, Gap, Interaction, SourceLocation
from svccheck.rules import AppliesTo, Rule
from svccheck.ruletest import run_examples
from svccheck.standards import load_standards

PHONE = AppliesTo(channels=frozenset({"phone"}))
COMPLAINT = AppliesTo(tags=frozenset({"complaint"}))
ANY = AppliesTo()

# rule id -> (dimension, gap, applies-to, kind, condition) as issue 2's table states them.
TABLE: dict[str, tuple[str | None, str, AppliesTo, str, Condition]] = {
    "phone.answer-within-three-rings": ("responsiveness", "delivery", PHONE, "threshold", Condition(">", 3)),
    "phone.greeting": ("assurance", "delivery", PHONE, "required-phrases", Condition("<", 1)),
    "phone.hold-permission": ("responsiveness", "delivery", PHONE, "required-phrases", Condition("<", 1)),
    "phone.closing-courtesy": ("assurance", "delivery", PHONE, "required-phrases", Condition("<", 1)),
    "speech.forbidden-phrases": ("empathy", "delivery", ANY, "forbidden-phrases", Condition(">", 0)),
    "complaint.apology": ("empathy", "delivery", COMPLAINT, "required-phrases", Condition("<", 1)),
    "complaint.confirm-satisfaction": ("empathy", "delivery", COMPLAINT, "required-phrases", Condition("<", 1)),
    "complaint.too-many-transfers": ("responsiveness", "delivery", COMPLAINT, "threshold", Condition(">", 2)),
    "promise.kept": ("reliability", "communication", ANY, "promise", Condition(">", 0)),
    "promise.checkout-three-minutes": ("reliability", "communication", ANY, "threshold", Condition(">", 180)),
    "promise.first-dish-ten-minutes": ("reliability", "communication", ANY, "threshold", Condition(">", 10)),
    "visit.greeted-promptly": ("responsiveness", "delivery", ANY, "checklist", Condition("<", 1)),
    "visit.staff-groomed": ("tangibles", "delivery", ANY, "checklist", Condition("<", 1)),
    "visit.environment-clean": ("tangibles", "delivery", ANY, "checklist", Condition("<", 1)),
    "visit.accompanied-guest": ("empathy", "delivery", ANY, "checklist", Condition("<", 1)),
    "visit.helped-with-luggage": ("empathy", "delivery", ANY, "checklist", Condition("<", 1)),
    "visit.smile-eye-contact": ("empathy", "delivery", ANY, "checklist", Condition("<", 1)),
    "survey.servqual-gap": (None, "perception", ANY, "survey-gap", Condition(">", 0)),
}

# What each check measures, as the table says it.
PARAMS: dict[str, dict[str, Any]] = {
    "phone.answer-within-three-rings": {"value": [{"metric": "rings"}, {"count": "ring", "before": "answer"}], "max": 3},
    "phone.greeting": {"scope": {"first": 1}, "speakers": ["agent"]},
    "phone.hold-permission": {"scope": {"before": "hold"}, "speakers": ["agent"]},
    "phone.closing-courtesy": {"scope": {"last": 2}, "speakers": ["agent"]},
    "speech.forbidden-phrases": {"speakers": ["agent"]},
    "complaint.apology": {"speakers": ["agent"]},
    "complaint.confirm-satisfaction": {"scope": {"last": 3}, "speakers": ["agent"]},
    "complaint.too-many-transfers": {"value": {"count": "transfer"}, "max": 2},
    "promise.checkout-three-minutes": {"value": {"metric": "checkout_seconds"}, "max": 180},
    "promise.first-dish-ten-minutes": {"value": {"metric": "first_dish_minutes"}, "max": 10},
    "visit.greeted-promptly": {"items": ["greeted_promptly"]},
    "visit.staff-groomed": {"items": ["staff_groomed"]},
    "visit.environment-clean": {"items": ["environment_clean"]},
    "visit.accompanied-guest": {"items": ["accompanied_guest"]},
    "visit.helped-with-luggage": {"items": ["helped_with_luggage"]},
    "visit.smile-eye-contact": {"items": ["smile_eye_contact"]},
}

# The phrases issue 2 names for each phrase rule, each in a sentence an agent would say.
# Required-phrase rules must accept each; the forbidden-phrase rule must flag each.
SAID: dict[str, list[str]] = {
    "phone.greeting": [
        "您好，锦江酒店前台。", "你好，前台。", "早上好，外滩酒店。", "下午好，请讲。", "晚上好，客房服务。",
        "欢迎致电锦江酒店。", "Hello, Harbour Hotel.", "Hi, this is Anna at the front desk.",
        "Good morning, Harbour Hotel.", "Good afternoon, reservations.", "Good evening, room service.",
        "Thank you for calling Harbour Hotel.", "Thanks for calling, this is Anna.",
    ],
    "phone.hold-permission": [
        "请稍等。", "请您稍等，我查一下。", "稍等一下，我帮您看看。", "麻烦您稍等。", "请稍候。", "Please hold.",
        "One moment, please.", "May I put you on hold?", "Could you hold for a moment?",
    ],
    "phone.closing-courtesy": [
        "谢谢您的来电。", "感谢您的耐心。", "再见！", "Thank you for your patience.", "Thanks for waiting.",
        "Goodbye!", "Bye now.",
    ],
    "speech.forbidden-phrases": [
        "这个我不知道。", "这个我不清楚。", "我不晓得。", "这个没办法。", "这不归我管。", "这不关我的事。",
        "这不是我们的问题。", "我们规定就是这样。", "I don't know.", "I do not know.", "That's not my job.",
        "That's not my problem.", "There's nothing I can do.",
    ],
    "complaint.apology": [
        "非常抱歉。", "对不起，让您久等了。", "不好意思，给您添麻烦了。", "Sorry about that.",
        "We apologize for the delay.", "I apologise for the trouble.", "My apologies.",
    ],
    "complaint.confirm-satisfaction": [
        "请问还有什么可以帮您？", "还有其他问题吗？", "您对处理结果满意吗？", "请问您是否满意？",
        "Anything else I can do for you?", "Is there anything else I can help with?",
    ],
}


@pytest.fixture(scope="module")
def by_id(builtin_rules: list[Rule]) -> dict[str, Rule]:
    return {rule.id: rule for rule in builtin_rules}


def test_every_rule_of_the_table_is_built_in(by_id: dict[str, Rule]) -> None:
    assert set(TABLE) <= set(by_id)


@pytest.mark.parametrize("rule_id", sorted(TABLE))
def test_rule_matches_the_table(by_id: dict[str, Rule], rule_id: str) -> None:
    dimension, gap, applies_to, kind, condition = TABLE[rule_id]
    rule = by_id[rule_id]
    assert rule.dimension == (Dimension(dimension) if dimension else None)
    assert rule.gap is Gap(gap)
    assert rule.applies_to == applies_to
    assert rule.kind == kind
    assert rule.check.condition == condition
    for key, value in PARAMS.get(rule_id, {}).items():
        assert rule.params[key] == value, key


def test_every_builtin_rule_names_a_catalogued_standard(builtin_rules: list[Rule]) -> None:
    standards = load_standards()
    assert {rule.id: rule.standard for rule in builtin_rules if rule.standard not in standards} == {}


def test_every_builtin_rule_has_a_title_and_message_in_both_languages(builtin_rules: list[Rule]) -> None:
    missing = [r.id for r in builtin_rules if not (r.title.en and r.title.zh and r.message.en and r.message.zh)]
    assert missing == []


@pytest.mark.parametrize(("rule_id", "text"), [(r, t) for r, texts in SAID.items() for t in texts])
def test_the_phrase_lists_know_the_issues_phrases(by_id: dict[str, Rule], rule_id: str, text: str) -> None:
    rule = by_id[rule_id]
    events: list[dict[str, Any]] = [{"type": "utterance", "speaker": "agent", "text": text}]
    if rule_id == "phone.hold-permission":
        events.append({"type": "hold", "seconds": 30})
    record = {"id": "said", "channel": "phone", "tags": ["complaint"], "events": events}
    item = build_interaction(record, SourceLocation("said.json"), 0)
    assert isinstance(item, Interaction)
    outcome = Auditor([rule]).audit(item)
    assert outcome.problems == []
    assert len(outcome.findings) == (1 if rule.kind == "forbidden-phrases" else 0)


def test_every_builtin_rule_has_a_passing_and_a_failing_example(builtin_rules: list[Rule]) -> None:
    lacking = [
        r.id
        for r in builtin_rules
        if not any(e.expect_fail for e in r.examples) or all(e.expect_fail for e in r.examples)
    ]
    assert lacking == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_builtin_example_gives_what_it_says(builtin_rules: list[Rule], lang: str) -> None:
    results = list(run_examples(builtin_rules, lang=lang))
    assert len(results) == sum(len(r.examples) for r in builtin_rules)
    with_messages = {(r.id, e.name) for r in builtin_rules for e in r.examples if e.messages is not None}
    failures = [f"{r.location}: {r.rule} {r.name}: {r.detail}" for r in results if not r.ok
                # exact `messages` are written in English; in Chinese only counts and outcomes carry over
                and not (lang == "zh" and (r.rule, r.name) in with_messages)]
    assert failures == []
