"""Tests for svccheck.text: normalisation, phrase syntax and matching, contexts,
and the built-in phrase lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from svccheck.text import (
    CONTEXT_KINDS,
    PhraseError,
    PhraseHit,
    PhraseMatcher,
    hit_context,
    load_phrase_file,
    normalise,
)

PHRASES = Path(__file__).resolve().parent.parent / "rules" / "phrases"


def hits(phrases: list[str], text: str) -> list[tuple[str, str]]:
    """(phrase as written, matched normalised text) for each hit."""
    n = normalise(text)
    return [(h.phrase, n[h.start:h.end]) for h in PhraseMatcher(phrases).search(n)]


def matched(phrase: str, text: str) -> bool:
    return PhraseMatcher([phrase]).first(normalise(text)) is not None


# --------------------------------------------------------------------------
# normalise
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Hello World", "hello world"),
        ("  leading and trailing  ", "leading and trailing"),
        ("a \t\n b\r\n\u3000c", "a b c"),
        ("ＡＢＣ１２３", "abc123"),  # full-width letters and digits
        ("您好，请问？！", "您好,请问?!"),  # full-width punctuation
        ("（括号）：；～", "(括号):;~"),
        ("I don’t know", "i don't know"),  # curly apostrophe
        ("‘quoted’ “double”", "'quoted' \"double\""),
        ("沒辦法", "没办法"),  # Traditional → Simplified
        ("不歸我管，這不是我們的問題", "不归我管,这不是我们的问题"),
        ("STRASSE Straße", "strasse strasse"),  # casefold, not just lower
        ("zero\u200bwidth", "zerowidth"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_normalise_is_idempotent() -> None:
    for text in ["這個ＡＢＣ  I Don’t   Know，不歸我管！", "Ça va? ÉCOLE", "ｶﾀｶﾅ"]:
        once = normalise(text)
        assert normalise(once) == once


# --------------------------------------------------------------------------
# PhraseMatcher: matching
# --------------------------------------------------------------------------


def test_case_insensitive() -> None:
    assert matched("I don't know", "I DON'T KNOW")
    assert matched("THANK YOU", "thank you")


def test_full_width_text_and_phrase() -> None:
    assert matched("abc", "ＡＢＣ")
    assert matched("ＡＢＣ", "abc")


def test_traditional_and_simplified_match_each_other() -> None:
    assert matched("没办法", "這個我們沒辦法")
    assert matched("沒辦法", "这个我们没办法")
    assert matched("不归我管", "那個不歸我管")


def test_curly_and_straight_apostrophes() -> None:
    assert matched("I don't know", "I don’t know")
    assert matched("I don’t know", "I don't know")


def test_apostrophe_of_nt_may_be_missing() -> None:
    assert matched("I don't know", "i dont know")
    assert not matched("we'll", "well")  # only n't is relaxed


def test_whitespace_inside_phrase() -> None:
    assert matched("不知道", "不 知道")
    assert matched("不知道", "不　知　道")  # ideographic spaces
    assert matched("I don't know", "I   don't\n know")
    assert matched("请 稍等", "请稍等")
    assert hits(["不知道"], "我 不 知 道") == [("不知道", "不 知 道")]


def test_english_whole_words() -> None:
    assert not matched("know", "knowledge")
    assert not matched("know", "know-how")
    assert not matched("how", "know-how")
    assert not matched("know", "unknown")
    assert not matched("I don't know", "I don't knowledge of that")
    assert not matched("hi", "this")
    assert matched("I don't know", "Sorry, I don't know.")
    assert matched("I don't know", "(I don't know)")
    assert matched("know", "'know'")
    assert matched("I don't know", "好的i don't know")  # Chinese is a boundary


def test_chinese_matches_anywhere() -> None:
    assert matched("知道", "我不知道")
    assert hits(["知道"], "abc知道def") == [("知道", "知道")]


def test_digits_are_word_characters() -> None:
    assert not matched("100", "10010")
    assert matched("10010", "call 10010 now")


def test_optional_part() -> None:
    assert matched("请[您]稍等", "请稍等")
    assert matched("请[您]稍等", "请您稍等")
    assert not matched("请[您]稍等", "请你稍等")


def test_alternatives() -> None:
    p = "不归(我|我们)管"
    assert matched(p, "不归我管")
    assert matched(p, "不归我们管")
    assert not matched(p, "不归管")


def test_optional_alternatives_degree_variants() -> None:
    p = "不[太|是很|大]清楚"
    for text in ["不清楚", "不太清楚", "不是很清楚", "不大清楚"]:
        assert hits([p], text) == [(p, text)]
    assert not matched(p, "不很清楚")


def test_nested_groups() -> None:
    p = "(请[您]稍等|稍等一下)"
    assert matched(p, "请您稍等")
    assert matched(p, "稍等一下")


def test_english_optional_words_and_spaces() -> None:
    p = "thank you [very much]"
    assert hits([p], "Thank you very much!") == [(p, "thank you very much")]
    assert hits([p], "Thank you.") == [(p, "thank you")]
    assert hits([p], "thank you so much") == [(p, "thank you")]
    assert hits(["[please] hold"], "Please hold") == [("[please] hold", "please hold")]
    assert hits(["[please] hold"], "hold on") == [("[please] hold", "hold")]


def test_escapes_make_brackets_literal() -> None:
    assert matched(r"a\(b\)", "a(b)")
    assert matched(r"x\[1\]", "x[1]")
    assert matched(r"a\|b", "a|b")


def test_full_width_brackets_are_syntax() -> None:
    assert matched("不归（我|我们）管", "不归我们管")


def test_longest_phrase_wins_and_hits_do_not_overlap() -> None:
    phrases = ["不知道", "我不知道", "知道"]
    assert hits(phrases, "我不知道") == [("我不知道", "我不知道")]
    assert hits(phrases, "不知道,知道") == [("不知道", "不知道"), ("知道", "知道")]
    # longest match, not longest phrase text: 不[太|是很]清楚 can match 5 characters
    assert hits(["不是很", "不[太|是很]清楚"], "不是很清楚") == [("不[太|是很]清楚", "不是很清楚")]


def test_search_left_to_right_with_offsets() -> None:
    n = normalise("I don't know. 沒辦法! Not my job.")
    m = PhraseMatcher(["没办法", "i don't know", "not my job"])
    got = m.search(n)
    assert got == [
        PhraseHit("i don't know", 0, 12),
        PhraseHit("没办法", 14, 17),
        PhraseHit("not my job", 19, 29),
    ]
    assert m.first(n) == got[0]
    assert m.first("nothing here") is None


def test_hit_reports_phrase_as_written() -> None:
    h = PhraseMatcher(["沒辦法"]).first(normalise("我们没办法"))
    assert h is not None and h.phrase == "沒辦法"


def test_duplicate_phrases_and_empty_matcher() -> None:
    assert hits(["知道", "知道", "知 道"], "知道") == [("知道", "知道")]
    assert PhraseMatcher([]).search("anything") == []
    assert PhraseMatcher([]).first("anything") is None


# --------------------------------------------------------------------------
# PhraseError
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "message"),
    [
        ("", 'phrase "": empty phrase'),
        ("   ", 'phrase "   ": empty phrase'),
        ("不(太|是很清楚", "phrase \"不(太|是很清楚\": unbalanced '(' (no closing ')')"),
        ("不太)清楚", "phrase \"不太)清楚\": unbalanced ')' (no opening '(')"),
        ("请[您稍等", "phrase \"请[您稍等\": unbalanced '[' (no closing ']')"),
        ("请您]稍等", "phrase \"请您]稍等\": unbalanced ']' (no opening '[')"),
        ("不(太]清楚", "phrase \"不(太]清楚\": ']' closes '('; expected ')'"),
        ("a()b", "phrase \"a()b\": empty group '()'"),
        ("a[]b", "phrase \"a[]b\": empty group '[]'"),
        ("(a|)", "phrase \"(a|)\": empty alternative in '(a|)'; write [a] for an optional part"),
        ("(|a)", "phrase \"(|a)\": empty alternative in '(|…'; write [a] for an optional part"),
        ("[您]", 'phrase "[您]": the phrase can match empty text; make some part of it not optional'),
        ("a|b", "phrase \"a|b\": '|' outside brackets; write alternatives as (a|b) or on separate lines"),
        (
            "不(太|大)?清楚",
            "phrase \"不(太|大)?清楚\": '?' after '(…)' is ambiguous; write […] or […|…] for an optional part",
        ),
        (
            "不[太]?清楚",
            "phrase \"不[太]?清楚\": '?' after '[…]' is ambiguous; write […] or […|…] for an optional part",
        ),
        ("abc\\", "phrase \"abc\\\": '\\' at the end; write \\\\ for a backslash"),
        ("a\nb)", "phrase \"a\\nb)\": unbalanced ')' (no opening '(')"),
        ("(" * 21 + "a" + ")" * 21, 'phrase "' + "(" * 21 + "a" + ")" * 21 + '": brackets nested more than 20 deep'),
    ],
)
def test_phrase_errors(phrase: str, message: str) -> None:
    with pytest.raises(PhraseError) as info:
        PhraseMatcher(["ok", phrase])
    assert str(info.value) == message
    assert info.value.phrase == phrase
    assert "\n" not in str(info.value)
    assert isinstance(info.value, ValueError)


def test_question_mark_is_literal_elsewhere() -> None:
    assert matched("满意吗?", "您满意吗？")
    assert not matched("满意吗?", "您满意吗")


# --------------------------------------------------------------------------
# load_phrase_file
# --------------------------------------------------------------------------


def test_load_phrase_file(tmp_path: Path) -> None:
    f = tmp_path / "p.txt"
    f.write_bytes(
        "\ufeff# a comment\n\n不知道\n  没[有]办法  \n谢谢  # inline comment\n"
        "   # indented comment\n\\#hashtag\nnot#comment\n".encode("utf-8")
    )
    assert load_phrase_file(f) == ["不知道", "没[有]办法", "谢谢", "#hashtag", "not#comment"]


def test_load_phrase_file_crlf_without_bom(tmp_path: Path) -> None:
    f = tmp_path / "p.txt"
    f.write_bytes("谢谢\r\nthank you\r\n".encode("utf-8"))
    assert load_phrase_file(f) == ["谢谢", "thank you"]


def test_load_phrase_file_errors(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        load_phrase_file(tmp_path / "missing.txt")
    bad = tmp_path / "bad.txt"
    bad.write_text("好的\n不(太|是很清楚\n", encoding="utf-8")
    with pytest.raises(PhraseError) as info:
        load_phrase_file(bad)
    assert str(info.value) == f"phrase \"不(太|是很清楚\": {bad}:2: unbalanced '(' (no closing ')')"
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("café\n".encode("latin-1"))
    with pytest.raises(PhraseError) as info:
        load_phrase_file(latin1)
    # About the file: no `phrase "":` in front.
    assert str(info.value) == info.value.reason == f"{latin1}: not UTF-8 text (byte 3)"


# --------------------------------------------------------------------------
# Contexts
# --------------------------------------------------------------------------


def ctx(phrase: str, text: str) -> frozenset[str]:
    n = normalise(text)
    h = PhraseMatcher([phrase]).first(n)
    assert h is not None, (phrase, text)
    return frozenset(hit_context(n, h))


def test_context_kinds_constant() -> None:
    assert CONTEXT_KINDS == ("question", "conditional", "description", "restatement")


@pytest.mark.parametrize(
    ("phrase", "text", "kinds"),
    [
        # refusals: no context
        ("不知道", "这个我不知道", set()),
        ("不知道", "这个我不知道。", set()),
        ("没办法", "这个我们确实没办法提供帮助", set()),
        ("i don't know", "I don't know", set()),
        ("i don't know", "I don't know, can you ask the shop?", set()),
        ("不知道", "我不知道,你问问别人吧?", set()),
        ("不知道", "我也不知道为什么", set()),
        # question
        ("不知道", "不知道您方便提供一下订单号吗?", {"question"}),
        ("不知道", "不知道是在哪些程序里卡顿呢?", {"question"}),
        ("不知道", "好的,不过不知道您是用的哪个版本呢？", {"question"}),
        ("不知道", "不知道您是否方便提供截图", {"question"}),
        ("不知道", "我们这边看了一下,不知道能否远程协助呀,亲?", {"question"}),
        ("i don't know", "I don't know which app you were using?", {"question"}),
        # conditional
        ("不知道", "如您不知道如何操作,可拨打客服热线", {"conditional"}),
        ("不清楚", "如有不清楚的地方,欢迎随时咨询", {"conditional"}),
        ("不清楚", "要是您还不清楚,我再发一遍说明", {"conditional"}),
        ("没有办法", "如果隐藏了这些图标,就没有办法在桌面找到了", {"conditional"}),
        ("i don't know", "If I don't know the answer, I will find out for you.", {"conditional"}),
        ("not sure", "In case you are not sure, please call us.", {"conditional"}),
        # description
        ("不知道", "在您不知道的情况下扣费是不应该的", {"description"}),
        ("不清楚", "客户不清楚规则的时候容易误操作", {"description"}),
        ("i don't know", "When I don't know something, I ask a colleague.", {"description"}),
        # restatement
        ("没办法", "还是没办法打开吗?", {"restatement"}),
        ("没办法", "是不是一直没办法登录?", {"restatement"}),
        ("没办法", "您反映的没办法登录的问题我们已经记录", {"restatement"}),
        ("nothing we can do", "You were told there is nothing we can do?", {"restatement"}),
        ("i don't know", 'Did our staff just say "I don\'t know" to you', {"restatement"}),
    ],
)
def test_contexts(phrase: str, text: str, kinds: set[str]) -> None:
    assert ctx(phrase, text) == kinds


def test_rude_phrases_stay_refusals_in_questions() -> None:
    assert ctx("你问我我问谁", "你问我我问谁?") == frozenset()
    assert ctx("(你|您)听不懂[吗|啊]", "你听不懂吗?") == frozenset()


def test_decimal_points_and_urls_do_not_cut_sentences() -> None:
    # '.' in 3.0.1 is not a sentence end, so the question mark still governs the clause
    assert ctx("不知道", "不知道您用的是3.0.1版本吗?") == {"question"}


# --------------------------------------------------------------------------
# Built-in phrase lists
# --------------------------------------------------------------------------

BUILTIN = [
    "forbidden-zh.txt",
    "forbidden-en.txt",
    "greeting.txt",
    "hold-permission.txt",
    "closing-courtesy.txt",
    "apology.txt",
    "satisfaction-check.txt",
]


@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_lists_compile(name: str) -> None:
    phrases = load_phrase_file(PHRASES / name)
    assert len(phrases) >= 10
    PhraseMatcher(phrases)


@pytest.fixture(scope="module")
def forbidden() -> PhraseMatcher:
    return PhraseMatcher(
        load_phrase_file(PHRASES / "forbidden-zh.txt") + load_phrase_file(PHRASES / "forbidden-en.txt")
    )


def is_refusal(m: PhraseMatcher, text: str) -> bool:
    n = normalise(text)
    return any(not hit_context(n, h) for h in m.search(n))


# Hand-written examples (not taken from any data set).
REFUSALS = [
    "这个问题我不知道,您自己去营业厅问吧。",
    "我不太清楚这个活动的规则。",
    "这个我真的不是很清楚哦~",
    "抱歉,这个我不大清楚。",
    "這個我們沒辦法處理。",
    "系统就是这样,我们也没有办法。",
    "这事不归我管,您找别的部门吧",
    "不关我的事,您问快递公司",
    "这不是我们的问题,是您手机的问题",
    "我们规定就是这样的,没有为什么",
    "您自己看着办吧",
    "爱买不买",
    "我已经说过很多遍了",
    "这个我也不晓得",
    "I don't know.",
    "Sorry, I do not know anything about that promotion.",
    "That's not my job, you should call the bank.",
    "It's not my problem, sir.",
    "There's nothing I can do about it.",
    "That's not my department.",
    "That's our policy.",
    "Please calm down.",
    "I have no idea, to be honest.",
    "I’m not sure, maybe try again tomorrow.",
]

NON_REFUSALS = [
    "不知道您方便提供一下订单号吗?",
    "不知道您是在哪个页面看到的提示呢？",
    "如您不知道如何操作,可以拨打客服热线。",
    "如有不清楚的地方,欢迎随时联系我们。",
    "在您不知道的情况下开通的业务,我们会为您退订。",
    "您是说手机还是没办法开机吗?",
    "请问现在还是没有办法登录吗？",
    "我们已经知道了,会尽快为您处理。",
    "这个问题我们很清楚,已经在修复了。",
    "If you don't know your booking number, we can look it up by your phone number.",
    "I know how frustrating this is, let me check for you.",
    "We have the know-how to fix this.",
    "Let me find out for you, one moment please.",
    "Thank you for your patience, the refund has been processed.",
    "Our knowledge base has an article on this.",
]


@pytest.mark.parametrize("text", REFUSALS)
def test_builtin_forbidden_refusals(forbidden: PhraseMatcher, text: str) -> None:
    assert is_refusal(forbidden, text)


@pytest.mark.parametrize("text", NON_REFUSALS)
def test_builtin_forbidden_non_refusals(forbidden: PhraseMatcher, text: str) -> None:
    assert not is_refusal(forbidden, text)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("greeting.txt", "您好,很高兴为您服务"),
        ("greeting.txt", "Good morning, thanks for calling!"),
        ("hold-permission.txt", "请您稍等一下,我帮您查询"),
        ("hold-permission.txt", "May I put you on hold for a moment?"),
        ("hold-permission.txt", "One moment, please."),
        ("closing-courtesy.txt", "感谢您的来电,再见"),
        ("closing-courtesy.txt", "Thanks, have a nice day! Bye."),
        ("apology.txt", "非常抱歉给您带来不便"),
        ("apology.txt", "We apologise for the delay."),
        ("satisfaction-check.txt", "请问还有什么可以帮您的吗?"),
        ("satisfaction-check.txt", "Is there anything else I can help you with?"),
    ],
)
def test_builtin_lists_match_typical_speech(name: str, text: str) -> None:
    assert PhraseMatcher(load_phrase_file(PHRASES / name)).first(normalise(text)) is not None


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("greeting.txt", "this morning the line was down"),
        ("greeting.txt", "您亲自去营业厅办理"),
        ("hold-permission.txt", "我们会请工程师上门"),
        ("closing-courtesy.txt", "the thanksgiving offer"),
        ("apology.txt", "sorrowful"),
    ],
)
def test_builtin_lists_avoid_false_hits(name: str, text: str) -> None:
    assert PhraseMatcher(load_phrase_file(PHRASES / name)).first(normalise(text)) is None


def test_tie_goes_to_the_plainer_phrase() -> None:
    assert hits(["不[太]知道", "不知道"], "我不知道") == [("不知道", "不知道")]
    assert hits(["不知道", "不[太]知道"], "我不太知道") == [("不[太]知道", "不太知道")]


def test_builtin_findings_name_plain_phrases(forbidden: PhraseMatcher) -> None:
    for text, phrase in [("这个我不知道。", "不知道"), ("這不歸我管。", "不归我管"), ("Sorry, I don’t know.", "I don't know")]:
        h = forbidden.first(normalise(text))
        assert h is not None and h.phrase == phrase


def test_contexts_of_many_hits_in_one_text_are_those_of_each_hit_alone() -> None:
    # The sentences of the last text are kept (a long utterance with many hits was quadratic);
    # answers must not depend on which text was asked about before.
    from svccheck import text as text_module

    matcher = PhraseMatcher(["不知道", "i don't know"])
    one = normalise("不知道您方便吗? 我不知道。 I don't know, if you don't know. " * 3)
    other = normalise("如果您不知道密码? 他也不知道。")
    expected = {}
    for sample in (one, other):
        for hit in matcher.search(sample):
            text_module._last_sentences = ("", [], [])  # forget: computed afresh
            expected[(sample, hit.start)] = hit_context("".join(list(sample)), hit)
    got = {}
    for sample in (one, other, one):
        for hit in matcher.search(sample):
            got[(sample, hit.start)] = hit_context(sample, hit)
    assert got == expected and len(got) == 11  # 3 x 3 in the first text, 2 in the other


@pytest.mark.parametrize("offset", range(0, 30))
def test_the_span_of_an_offset_is_found_as_by_a_scan(offset: int) -> None:
    from svccheck.text import _CLAUSE_CUT, _index_of, _spans

    sample = "ab,,cd;ef: gh,ij、kl"
    spans = _spans(sample, _CLAUSE_CUT, 0, len(sample))
    scanned = next(
        (i for i, s in enumerate(spans) if offset < s.end or (offset == s.end and s.delim == "")), len(spans) - 1
    )
    assert _index_of(spans, offset) == scanned


def _oracle_hits(matcher: PhraseMatcher, text: str) -> list[PhraseHit]:
    """Hits found by brute force: at each position from the left but a space (no hit starts
    with one), every phrase's own pattern with the full boundary checks (`_START`, and `_END`
    as first written, with its character class three times); the longest match wins, a tie
    goes to the later (plainer) phrase, and the search goes on after it."""
    import re

    from svccheck import text as text_module

    word, join = text_module._WORD, text_module._WORD_JOIN
    end = f"(?:(?<![{word}])|(?![{word}])(?![{join}][{word}]))"
    phrases = matcher._phrases
    patterns = [re.compile(f"{text_module._START}(?:{p.regex}){end}") for p in phrases]
    found: list[PhraseHit] = []
    pos = 0
    while pos < len(text):
        best, best_end = -1, -1
        for j, pattern in enumerate(patterns if text[pos] != " " else ()):
            m = pattern.match(text, pos)
            if m is not None and m.end() >= best_end:
                best, best_end = j, m.end()
        if best < 0:
            pos += 1
            continue
        found.append(PhraseHit(phrases[best].source, pos, best_end))
        pos = best_end
    return found


@pytest.mark.parametrize("name", BUILTIN)
def test_hits_are_those_of_each_phrase_tried_everywhere_with_full_boundary_checks(name: str) -> None:
    # The matcher tries a phrase's own pattern only where its combined pattern matched, and
    # that pattern leaves out the start check the combined one made (compiling it was a third
    # of a worker's warm-up): seeded random texts built from the list's own words, word
    # characters, joiners and punctuation must give exactly the brute-force hits.
    import random
    import re

    phrases = load_phrase_file(PHRASES / name)
    matcher = PhraseMatcher(phrases)
    rng = random.Random(name)
    group = re.compile(r"[\[(]([^\[\]()]*)[\])]")  # innermost: [optional|alternatives], (alternatives)

    def said(phrase: str) -> str:
        """The phrase as someone might say it: one of each group's alternatives, or none."""
        while m := group.search(phrase):
            choices = m.group(1).split("|") + ([""] if m.group(0)[0] == "[" else [])
            phrase = phrase[: m.start()] + rng.choice(choices) + phrase[m.end() :]
        return normalise(phrase)

    def piece() -> str:
        text = said(rng.choice(phrases))
        cut = rng.randrange(len(text) + 1)
        # whole, cut short, or run into a word or a joiner
        return rng.choice([text, text[:cut], text[cut:], text + rng.choice("ax1'-é"), rng.choice("ax1'-中д") + text])

    texts = [
        "".join(piece() + rng.choice(["", " ", " ", ",", "?"]) for _ in range(rng.randint(1, 4))) for _ in range(150)
    ]
    for text in texts:
        assert matcher.search(text) == _oracle_hits(matcher, text), text
    assert sum(bool(matcher.search(t)) for t in texts) > 30  # the texts do hit
