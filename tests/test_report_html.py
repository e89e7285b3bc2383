"""The HTML aggregate report, opened in a real headless Chromium: charts and tables render, the
visits table sorts on a click, nothing is fetched from the network; plus static checks that the
file is self-contained and deterministic.

The browser is Debian's chromium (/usr/bin/chromium, or $SVCCHECK_CHROMIUM) driven by
Playwright's Python package; Playwright's own browser download is never used. Without a browser
the browser tests skip, saying so.
"""

from __future__ import annotations

import os
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
from svccheck.rules import load_rules
from svccheck.standards import load_standards

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


def build(tmp_path: Path) -> Built:
    visits = tmp_path / "visits.jsonl"
    imported = CliRunner().invoke(main, ["import", str(EXAMPLE), "--mapping", str(MAPPING), "-o", str(visits)])
    assert imported.exit_code == 3, imported.stderr  # the example's one broken row
    html = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", str(visits), "--format", "html", "-o", str(html), "--lang", "en"])
    assert result.exit_code == 0, result.stderr
    # The numbers the page must show, computed through the library rather than read from the page.
    rules = load_rules([], load_standards())
    items = list(read_inputs([visits]))
    report = build_report(Auditor(rules, "en").outcomes(items), rules, Severity.MAJOR, "en")
    (card,) = [r for r in rules if r.kind == "scorecard"]
    agg = aggregate([i for i in items if isinstance(i, Interaction)], list(report.findings), [], rules, card)
    return Built(html, agg)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("report"))


def test_self_contained(built: Built) -> None:
    text = built.html.read_text(encoding="utf-8")
    for external in ("src=", "<link", "@import", "url(", "<iframe", "<img"):
        assert external not in text
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    # evidence links are plain anchors, shown but never fetched
    assert '<a href="https://ms.example.com/2026/MS-202605-CD-02/p1.jpg" rel="noreferrer">' in text


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
def page(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
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
        tab = context.new_page()
        tab.requests = []  # every URL the page asks for
        tab.errors = []  # JavaScript errors and console errors
        tab.on("request", lambda request: tab.requests.append(request.url))
        tab.on("pageerror", lambda error: tab.errors.append(str(error)))
        tab.on("console", lambda message: tab.errors.append(message.text) if message.type == "error" else None)
        tab.goto(built.html.as_uri())
        yield tab
        context.close()


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
    page.click(f"#ranking-table a[href='#site-1']")
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
