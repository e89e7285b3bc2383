"""The HTML aggregate report, opened in a real headless Chromium: charts and tables render, the
visits table sorts on a click, nothing is fetched from the network, in English and in Chinese;
plus static checks that the file is self-contained and deterministic, and of its exact headings
and counted words in both languages.

The browser is Debian's chromium (/usr/bin/chromium, or $SVCCHECK_CHROMIUM) driven by
Playwright's Python package; Playwright's own browser download is never used. Without a browser
the browser tests skip, saying so.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from svccheck.aggregate import Aggregate, aggregate
from svccheck.audit import Auditor, build_report
from svccheck.cli import main
from svccheck.interactions import read_inputs
from svccheck.model import DIMENSIONS, GAPS, Interaction, Severity
from svccheck.reports import html as html_report
from svccheck.rules import load_rules
from svccheck.standards import load_standards
from test_report_markdown import build as build_mini

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "mystery-shopper" / "shopper-export-2026.csv"
MAPPING = ROOT / "examples" / "mystery-shopper" / "mapping.yaml"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@dataclass(frozen=True)
class Built:
    html: Path
    agg: Aggregate


def build(tmp_path: Path, lang: str = "en") -> Built:
    visits = tmp_path / "visits.jsonl"
    imported = CliRunner().invoke(main, ["import", str(EXAMPLE), "--mapping", str(MAPPING), "-o", str(visits)])
    assert imported.exit_code == 3, imported.stderr  # the example's one broken row
    html = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", str(visits), "--format", "html", "-o", str(html), "--lang", lang])
    assert result.exit_code == 0, result.stderr
    # The numbers the page must show, computed through the library rather than read from the page.
    rules = load_rules([], load_standards())
    items = list(read_inputs([visits]))
    report = build_report(Auditor(rules, lang).outcomes(items), rules, Severity.MAJOR, lang)
    (card,) = [r for r in rules if r.kind == "scorecard"]
    agg = aggregate([i for i in items if isinstance(i, Interaction)], list(report.findings), [], rules, card, lang=lang)
    return Built(html, agg)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def built_zh(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("report-zh"), "zh")


def test_self_contained(built: Built) -> None:
    text = built.html.read_text(encoding="utf-8")
    for external in ("src=", "<link", "@import", "url(", "<iframe", "<img"):
        assert external not in text
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    # evidence links are plain anchors, shown but never fetched
    assert '<a href="https://ms.example.com/2026/MS-202605-CD-02/p1.jpg" rel="noreferrer">' in text


def headings(html: str) -> dict[str, list[str]]:
    """The fixed text a reader scans first: title, headings, chart titles, the first column headers."""
    return {
        "lang": re.findall(r'<html lang="([^"]*)"', html),
        "title": re.findall(r"<title>([^<]*)</title>", html)[:1],
        "h1-h2": re.findall(r"<h[12][^>]*>([^<]*)</h[12]>", html),
        "charts": re.findall(r"<figcaption>([^<]*)</figcaption>", html),
        "h4": sorted(set(re.findall(r"<h4>([^<]*)</h4>", html))),
        "summary": re.findall(r'<th [^>]*>([^<]*)</th>', html)[:7],
    }


def test_headings_in_english(built: Built) -> None:
    assert headings(built.html.read_text(encoding="utf-8")) == {
        "lang": ["en"],
        "title": ["Mystery-shopper report"],
        "h1-h2": ["Mystery-shopper report", "Summary", "Charts", "Sites ranked", "Trend by wave",
                  "SERVQUAL gaps by site", "Gap diagnosis", "Visits", "Sites"],
        "charts": ["Mean score by site", "Findings by dimension", "Findings by gap", "Mean score by wave"],
        "h4": ["Comments and evidence"],
        "summary": ["visits", "scored", "mean score", "pass rate", "findings", "findings/visit", "by severity"],
    }


def test_headings_in_chinese(built_zh: Built) -> None:
    assert headings(built_zh.html.read_text(encoding="utf-8")) == {
        "lang": ["zh-Hans"],
        "title": ["神秘顾客报告"],
        "h1-h2": ["神秘顾客报告", "概况", "图表", "门店排名", "各轮次趋势", "各门店 SERVQUAL 差距", "差距诊断",
                  "访问记录", "各门店"],
        "charts": ["各门店平均得分", "按维度统计问题", "按差距统计问题", "各轮次平均得分"],
        "h4": ["备注与证据"],
        "summary": ["访问数", "已评分", "平均得分", "合格率", "问题数", "每次访问问题数", "各严重程度"],
    }


def render_mini(tmp_path: Path, lang: str) -> str:
    out = io.StringIO()
    html_report.render(build_mini(tmp_path, lang=lang), out)
    return out.getvalue()


def test_counted_words_and_sentences(tmp_path: Path) -> None:
    # the small batch of test_report_markdown: one visit per site, one finding at north
    en = render_mini(tmp_path, "en")
    assert "<p>1 visit · mean score 100 · pass rate 100% · 0 findings (none) · weighted SERVQUAL gap –</p>" in en
    assert "<p>1 visit · mean score 62.5 · pass rate 0% · 1 finding (minor 1) · weighted SERVQUAL gap -1.50</p>" in en
    assert "<p>Scorecard: <code>scorecard.mini</code> (Mini scorecard), pass mark 75%.</p>" in en
    assert "1 visits" not in en and "1 findings" not in en
    zh = render_mini(tmp_path, "zh")
    assert "<p>1 次访问 · 平均得分 100 · 合格率 100% · 0 条问题（无） · SERVQUAL 加权差距 –</p>" in zh
    assert "<p>1 次访问 · 平均得分 62.5 · 合格率 0% · 1 条问题（次要 1） · SERVQUAL 加权差距 -1.50</p>" in zh
    assert "<p>评分表：<code>scorecard.mini</code>（迷你评分表），及格线 75%。</p>" in zh
    assert "<p>未达标的评分项：walk (1)</p>" in zh
    assert '<p class="muted">各维度感知减期望的平均值；负值表示服务未达期望。加权：可靠性 32、反应性 22、保证性 19、移情性 16、可感知性 11。</p>' in zh


def test_deterministic(tmp_path: Path, built: Built) -> None:
    again = build(tmp_path)
    # the inputs line names the temporary directory; everything else is byte-identical
    first = built.html.read_text(encoding="utf-8").replace(str(built.html.parent), "DIR")
    second = again.html.read_text(encoding="utf-8").replace(str(again.html.parent), "DIR")
    assert first == second


# --- in a real browser ------------------------------------------------------------------------------


def chromium() -> str | None:
    for candidate in (os.environ.get("SVCCHECK_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One headless Chromium for the module (Playwright's sync API allows one at a time)."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright's Python package is not installed: pip install -e '.[test]'"
    )
    executable = chromium()
    if executable is None:
        pytest.skip("no Chromium browser installed (Debian: apt-get install chromium; .ci/run installs it)")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=executable, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        yield context
        context.close()


def open_tab(browser: Any, html: Path) -> Any:
    """`html` in a new tab that records every URL it asks for and every error."""
    tab = browser.new_page()
    tab.requests = []  # every URL the page asks for
    tab.errors = []  # JavaScript errors and console errors
    tab.on("request", lambda request: tab.requests.append(request.url))
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    tab.on("console", lambda message: tab.errors.append(message.text) if message.type == "error" else None)
    tab.goto(html.as_uri())
    return tab


@pytest.fixture(scope="module")
def page(browser: Any, built: Built) -> Any:
    return open_tab(browser, built.html)


@pytest.fixture(scope="module")
def page_zh(browser: Any, built_zh: Built) -> Any:
    return open_tab(browser, built_zh.html)


def bars(page: Any, chart: str) -> list[dict[str, Any]]:
    return page.eval_on_selector_all(
        f"#{chart} rect.bar",
        "rects => rects.map(r => ({label: r.dataset.label, value: parseFloat(r.dataset.value),"
        " width: r.getBBox().width, shown: r.getBoundingClientRect().width}))",
    )


def test_score_chart(page: Any, built: Built) -> None:
    drawn = bars(page, "chart-scores")
    ranking = [s for s in built.agg.ranking if s.mean_score is not None]
    assert [(b["label"], b["value"]) for b in drawn] == [(s.key, s.mean_score) for s in ranking]
    assert len(drawn) == 6
    assert all(b["shown"] > 0 for b in drawn)
    widths = [b["width"] for b in drawn]
    assert widths == sorted(widths, reverse=True)  # ranked best first
    assert page.locator("#chart-scores line.marker").count() == 1


def test_dimension_and_gap_charts(page: Any, built: Built) -> None:
    dims = bars(page, "chart-dimensions")
    assert [(b["label"], b["value"]) for b in dims] == [(s.name, s.count) for s in built.agg.by_dimension]
    assert [b["label"] for b in dims] == list(DIMENSIONS)
    gaps = bars(page, "chart-gaps")
    assert [(b["label"], b["value"]) for b in gaps] == [(s.name, s.count) for s in built.agg.by_gap]
    assert [b["label"] for b in gaps] == list(GAPS)
    assert any(b["shown"] > 0 for b in gaps)


def test_wave_trend_chart(page: Any, built: Built) -> None:
    points = page.eval_on_selector_all(
        "#chart-waves circle.point", "cs => cs.map(c => [c.dataset.label, parseFloat(c.dataset.value)])"
    )
    assert points == [[w.key, w.mean_score] for w in built.agg.waves]
    assert [p[0] for p in points] == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert page.locator("#chart-waves polyline.trend").count() == 1


def test_tables_and_site_sections(page: Any, built: Built) -> None:
    assert page.locator("#visits-table tbody tr").count() == len(built.agg.visits) == 29
    assert page.locator("#ranking-table tbody tr").count() == 6
    assert page.locator("section.site").count() == 6
    # the ranking links to each site's section
    first = built.agg.sites[0]
    page.click("#ranking-table a[href='#site-1']")
    assert page.locator("#site-1 h3").inner_text() == f"1. {first.site}"
    # the auto-failed visit's site section carries its shopper's comment and evidence
    (auto,) = [v for v in built.agg.visits if v.auto_failed]
    rank = next(p.rank for p in built.agg.sites if p.site == auto.site)
    section = page.locator(f"#site-{rank}").inner_text()
    assert "迷你吧牛奶已过保质期两天" in section
    assert f"https://ms.example.com/2026/{auto.id}/p1.jpg" in section


def column(page: Any, index: int) -> list[str]:
    return page.eval_on_selector_all(
        "#visits-table tbody tr", f"rows => rows.map(r => r.cells[{index}].dataset.sort ?? r.cells[{index}].textContent)"
    )


def test_clicking_a_header_sorts_the_visits(page: Any, built: Built) -> None:
    header = page.locator("#visits-table th", has_text="score")
    before = column(page, 0)
    assert before == [v.id for v in built.agg.visits]
    header.click()
    assert header.get_attribute("aria-sort") == "ascending"
    scores = [float(s) for s in column(page, 5)]
    assert scores == sorted(scores) and scores[0] == 0.0 and scores != [float(v.score or 0) for v in built.agg.visits]
    header.click()
    assert header.get_attribute("aria-sort") == "descending"
    assert [float(s) for s in column(page, 5)] == sorted(scores, reverse=True)
    page.locator("#visits-table th", has_text="visit").first.click()
    assert column(page, 0) == sorted(before)


def test_no_network_no_errors_and_a_screenshot(page: Any, built: Built, tmp_path: Path) -> None:
    assert page.errors == []
    assert page.requests and all(url.startswith("file://") for url in page.requests)
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000


def test_the_chinese_page(page_zh: Any, built_zh: Built) -> None:
    assert page_zh.errors == []
    assert page_zh.evaluate("document.documentElement.lang") == "zh-Hans"
    assert page_zh.locator("h1").inner_text() == "神秘顾客报告"
    # bars keep their keys for machines; people read the Chinese names
    dims = bars(page_zh, "chart-dimensions")
    assert [b["label"] for b in dims] == list(DIMENSIONS)
    assert page_zh.locator("#chart-dimensions text.label").all_text_contents() == ["可感知性", "可靠性", "反应性", "保证性", "移情性"]
    assert page_zh.locator("#chart-gaps text.label").all_text_contents() == ["认知差距", "标准差距", "服务交付差距", "沟通差距", "感知差距"]
    # the visits table still sorts, by its Chinese header
    header = page_zh.locator("#visits-table th", has_text="得分")
    header.click()
    scores = [float(s) for s in column(page_zh, 5)]
    assert header.get_attribute("aria-sort") == "ascending" and scores == sorted(scores)
    (auto,) = [v for v in built_zh.agg.visits if v.auto_failed]
    assert "一票否决" in page_zh.locator(f"#visits-table tr:has-text('{auto.id}')").inner_text()
