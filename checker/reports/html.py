"""html: the aggregate report as one self-contained HTML file (no network needed to view it).

Everything is inline: the CSS, the charts (SVG drawn here, no chart library) and a few lines of
JavaScript that make the visits table sortable (click a column header; again to reverse). The
charts: mean score by site (with the pass mark), findings by dimension, findings by gap, and
the mean score by wave. Each site has its own section (reached from the ranking table) with
its visits, findings, items not met, the shoppers' comments and evidence links. Evidence links
are made clickable only for http(s) URLs; anything else is shown as text.

Every chart bar is an SVG ``rect`` with ``class="bar"`` and ``data-label``/``data-value``
attributes, so the report can be checked by a browser test; ``data-label`` is the value itself
(a site, or a dimension or gap key) whatever the language the bar's text is in. Headings, column
headers, chart titles and sentences are in the aggregate's language (`Aggregate.lang`, see
`_labels`), and so is ``<html lang>``. Output is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from html import escape
from typing import TextIO

from ..aggregate import Aggregate, GroupStats, Share, SitePage, Visit
from . import _numbers as fmt
from ._labels import Words, words

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Microsoft YaHei",sans-serif;
margin:0;color:#1f2328;background:#f6f8fa}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{margin-top:0}h2{border-bottom:1px solid #d0d7de;padding-bottom:4px;margin-top:36px}
section.site{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:12px 18px;margin:18px 0}
table{border-collapse:collapse;background:#fff;margin:8px 0 16px;font-size:14px}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef1f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th[aria-sort=ascending]::after{content:" \\25B2"}
table.sortable th[aria-sort=descending]::after{content:" \\25BC"}
.charts{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
figure{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin:0;padding:8px}
figcaption{font-weight:600;margin-bottom:4px}
.pass{color:#1a7f37}.fail{color:#cf222e}.muted{color:#656d76}
svg text{font-size:12px;fill:#1f2328}
"""

_SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, column) {
    th.addEventListener("click", function () {
      var numeric = th.dataset.type === "number";
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      function key(row) {
        var cell = row.cells[column];
        var raw = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent;
        if (!numeric) { return raw; }
        var value = parseFloat(raw);
        return isNaN(value) ? -Infinity : value;
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        var order = numeric ? x - y : String(x).localeCompare(String(y));
        if (order === 0) { order = a.dataset.index - b.dataset.index; return order; }
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
"""

_COLORS = {
    "tangibles": "#8250df",
    "reliability": "#0969da",
    "responsiveness": "#1a7f37",
    "assurance": "#9a6700",
    "empathy": "#cf222e",
    "knowledge": "#6e7781",
    "standards": "#bc4c00",
    "delivery": "#0969da",
    "communication": "#8250df",
    "perception": "#1a7f37",
}


def e(text: object) -> str:
    return escape(str(text), quote=True)


# --- charts ---------------------------------------------------------------------------------------


def bar_chart(
    chart_id: str,
    title: str,
    bars: Sequence[tuple[str, str, float, str]],
    maximum: float,
    marker: tuple[float, str] | None = None,
) -> str:
    """Horizontal bars: (key, label, value, text shown after the bar); the key is the bar's
    ``data-label`` and picks its colour, the label is what people read. `marker` draws a
    vertical line at a value (the pass mark)."""
    label_w, bar_w, row_h = 170, 300, 24
    height = row_h * len(bars) + (30 if marker is not None else 12)
    width = label_w + bar_w + 70
    scale = bar_w / maximum if maximum > 0 else 0.0
    parts = [
        f'<figure id="{e(chart_id)}"><figcaption>{e(title)}</figcaption>',
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{e(title)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
    ]
    for index, (key, label, value, shown) in enumerate(bars):
        y = 10 + index * row_h
        length = max(value, 0.0) * scale
        color = _COLORS.get(key, "#0969da")
        parts.append(
            f'<text class="label" x="{label_w - 6}" y="{y + 15}" text-anchor="end">{e(_short(label))}</text>'
            f'<rect class="bar" data-label="{e(key)}" data-value="{value:g}" x="{label_w}" y="{y + 3}" '
            f'width="{length:.1f}" height="{row_h - 8}" fill="{color}"><title>{e(label)}: {e(shown)}</title></rect>'
            f'<text class="value" x="{label_w + length + 4:.1f}" y="{y + 15}">{e(shown)}</text>'
        )
    if marker is not None:
        x = label_w + marker[0] * scale
        parts.append(
            f'<line class="marker" x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{height - 18}" stroke="#cf222e" '
            f'stroke-dasharray="4 3"/><text x="{x:.1f}" y="{height - 4}" text-anchor="middle">{e(marker[1])}</text>'
        )
    parts.append("</svg></figure>")
    return "".join(parts)


def line_chart(chart_id: str, title: str, points: Sequence[tuple[str, float | None, str]]) -> str:
    """Mean score per wave (0-100) as a line with a labelled dot per wave; waves without a
    score are skipped by the line but keep their place on the axis."""
    step, left, top, plot_h = 110, 40, 14, 160
    width = left + step * max(len(points), 1) + 20
    height = top + plot_h + 40
    parts = [
        f'<figure id="{e(chart_id)}"><figcaption>{e(title)}</figcaption>',
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{e(title)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
    ]
    for tick in (0, 50, 100):
        y = top + plot_h - tick / 100 * plot_h
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#d0d7de"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>'
        )
    coords = []
    for index, (label, value, shown) in enumerate(points):
        x = left + step * index + step / 2
        parts.append(f'<text class="label" x="{x:.1f}" y="{top + plot_h + 18}" text-anchor="middle">{e(label)}</text>')
        if value is None:
            continue
        y = top + plot_h - value / 100 * plot_h
        coords.append(f"{x:.1f},{y:.1f}")
        parts.append(
            f'<circle class="point" data-label="{e(label)}" data-value="{value:g}" cx="{x:.1f}" cy="{y:.1f}" r="5" '
            f'fill="#0969da"><title>{e(label)}: {e(shown)}</title></circle>'
            f'<text class="value" x="{x:.1f}" y="{y - 9:.1f}" text-anchor="middle">{e(shown)}</text>'
        )
    if len(coords) > 1:
        parts.insert(2, f'<polyline class="trend" fill="none" stroke="#0969da" stroke-width="2" points="{" ".join(coords)}"/>')
    parts.append("</svg></figure>")
    return "".join(parts)


def _short(label: str, limit: int = 18) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


# --- tables ---------------------------------------------------------------------------------------


def _table(
    header: Sequence[tuple[str, str]], rows: Iterable[Sequence[tuple[str, str | None]]], table_id: str = "",
    sortable: bool = False,
) -> str:
    """`header`: (title, "number"|"text"); each cell: (HTML content, sort key or None)."""
    attrs = (f' id="{e(table_id)}"' if table_id else "") + (' class="sortable"' if sortable else "")
    head = "".join(f'<th data-type="{kind}" scope="col">{e(title)}</th>' for title, kind in header)
    body = []
    for index, row in enumerate(rows):
        cells = []
        for (content, key), (_, kind) in zip(row, header):
            sort = f' data-sort="{e(key)}"' if key is not None else ""
            css = ' class="num"' if kind == "number" else ""
            cells.append(f"<td{css}{sort}>{content}</td>")
        body.append(f'<tr data-index="{index}">' + "".join(cells) + "</tr>")
    return f"<table{attrs}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _num(value: float | None, shown: str) -> tuple[str, str | None]:
    return e(shown), ("" if value is None else f"{value:g}")


def _text(value: object) -> tuple[str, str | None]:
    return e(value), None


def _columns(w: Words, *specs: tuple[str, str]) -> list[tuple[str, str]]:
    """(English header, kind) -> (header in the report's language, kind)."""
    return [(w.column(title), kind) for title, kind in specs]


_STATS_HEADER = (("visits", "number"), ("mean score", "number"), ("pass rate", "number"),
                 ("findings", "number"), ("findings/visit", "number"))


def _stats_cells(stats: GroupStats) -> list[tuple[str, str | None]]:
    return [
        _num(stats.visits, str(stats.visits)),
        _num(stats.mean_score, fmt.score(stats.mean_score)),
        _num(stats.pass_rate, fmt.percent(stats.pass_rate)),
        _num(stats.findings, str(stats.findings)),
        _num(stats.findings_per_visit, f"{stats.findings_per_visit:.2f}"),
    ]


def _site_anchor(rank: int) -> str:
    return f"site-{rank}"


# --- sections -------------------------------------------------------------------------------------


def _summary(agg: Aggregate, w: Words) -> str:
    t = agg.totals
    out = [f"<h1>{e(w('title'))}</h1>"]
    if agg.inputs:
        out.append(f"<p>{w('inputs', names=w.join([f'<code>{e(i)}</code>' for i in agg.inputs]))}</p>")
    if agg.scorecard is not None:
        card = agg.scorecard
        title = e(card.title.get(agg.lang))
        out.append(f"<p>{w('scorecard', id=f'<code>{e(card.id)}</code>', title=title, mark=f'{card.pass_mark:g}')}</p>")
    out.append(f'<h2 id="summary">{e(w("summary"))}</h2>')
    header = _columns(w, ("visits", "number"), ("scored", "number"), ("mean score", "number"), ("pass rate", "number"),
                      ("findings", "number"), ("findings/visit", "number"), ("by severity", "text"))
    row = [_num(t.visits, str(t.visits)), _num(t.scored, str(t.scored)), _num(t.mean_score, fmt.score(t.mean_score)),
           _num(t.pass_rate, fmt.percent(t.pass_rate)), _num(t.findings, str(t.findings)),
           _num(t.findings_per_visit, f"{t.findings_per_visit:.2f}"), _text(w.severities(t))]
    out.append(_table(header, [row], "summary-table"))
    return "".join(out)


def _share_bars(shares: Sequence[Share], name: Callable[[str], str]) -> list[tuple[str, str, float, str]]:
    return [(s.name, name(s.name), float(s.count), f"{s.count} ({fmt.percent(s.share)})") for s in shares]


def _charts(agg: Aggregate, w: Words) -> str:
    out = [f'<h2 id="charts">{e(w("charts"))}</h2><div class="charts">']
    scored = [s for s in agg.ranking if s.mean_score is not None]
    card = agg.scorecard
    if scored:
        marker = (card.pass_mark, w("pass_marker", mark=f"{card.pass_mark:g}")) if card else None
        out.append(
            bar_chart(
                "chart-scores", w("chart_scores"),
                [(s.key, w.key(s.key), s.mean_score or 0.0, fmt.score(s.mean_score)) for s in scored], 100.0, marker,
            )
        )
    top = max([s.count for s in (*agg.by_dimension, *agg.by_gap)] or [0])
    out.append(bar_chart("chart-dimensions", w("by_dimension"),
                         _share_bars(agg.by_dimension, lambda d: w.name("dimension", d)), float(top)))
    out.append(bar_chart("chart-gaps", w("by_gap"), _share_bars(agg.by_gap, lambda g: w.name("gap", g)), float(top)))
    if agg.waves:
        out.append(line_chart("chart-waves", w("chart_waves"),
                              [(wave.key, wave.mean_score, fmt.score(wave.mean_score)) for wave in agg.waves]))
    out.append("</div>")
    return "".join(out)


def _ranking(agg: Aggregate, w: Words) -> str:
    rows = []
    for page in agg.sites:
        site = w.key(page.site)
        link = f'<a href="#{_site_anchor(page.rank)}">{e(site)}</a>'
        rows.append([_num(page.rank, str(page.rank)), (link, site), *_stats_cells(page.stats)])
    header = _columns(w, ("rank", "number"), ("site", "text"), *_STATS_HEADER)
    out = f'<h2 id="ranking">{e(w("ranking"))}</h2>' + _table(header, rows, "ranking-table", sortable=True)
    if agg.group_by != "site":
        out += f'<h2 id="groups">{e(w("by_group", field=w.column(agg.group_by)))}</h2>' + _table(
            _columns(w, (agg.group_by, "text"), *_STATS_HEADER),
            ([_text(w.key(s.key)), *_stats_cells(s)] for s in agg.groups), "group-table", sortable=True,
        )
    if agg.waves:
        out += f'<h2 id="waves">{e(w("waves"))}</h2>' + _table(
            _columns(w, ("wave", "text"), *_STATS_HEADER), ([_text(s.key), *_stats_cells(s)] for s in agg.waves),
            "wave-table",
        )
    return out


def _servqual(agg: Aggregate, w: Words) -> str:
    if not agg.servqual or not any(g is not None for row in agg.servqual for _, g, _ in row.gaps):
        return ""
    dims = [(w.name("dimension", d), "number") for d, _, _ in agg.servqual[0].gaps]
    rows = ([_text(w.key(row.site)), *(_num(g, fmt.gap(g)) for _, g, _ in row.gaps),
             _num(row.weighted, fmt.gap(row.weighted))] for row in agg.servqual)
    header = [(w.column("site"), "text"), *dims, (w.column("weighted"), "number")]
    return (
        f'<h2 id="servqual">{e(w("servqual"))}</h2><p class="muted">{e(w("servqual_note", weights=w.weights()))}</p>'
        + _table(header, rows, "servqual-table", True)
    )


def _diagnosis(agg: Aggregate, w: Words) -> str:
    if not agg.diagnoses:
        return ""
    rows = (
        [_text(d.subject), _text(d.title), _num(d.failures, str(d.failures)),
         _num(d.site_share, f"{d.sites_affected}/{d.sites_observed} ({fmt.percent(d.site_share)})"),
         _num(d.top_share, w.top_agents(d)), _text(w.name("verdict", d.verdict)), _text(w.reason(d))]
        for d in agg.diagnoses
    )
    header = _columns(w, ("rule or item", "text"), ("title", "text"), ("failures", "number"), ("sites", "number"),
                      ("top agents", "number"), ("verdict", "text"), ("why", "text"))
    return f'<h2 id="diagnosis">{e(w("diagnosis"))}</h2>' + _table(header, rows, "diagnosis-table", sortable=True)


def _result_cell(visit: Visit, w: Words) -> tuple[str, str | None]:
    text = w.name("result", fmt.result(visit.passed, visit.auto_failed))
    css = "pass" if visit.passed else ("fail" if visit.passed is False else "muted")
    return f'<span class="{css}">{e(text)}</span>', text


def _visits(agg: Aggregate, w: Words) -> str:
    anchors = {page.site: _site_anchor(page.rank) for page in agg.sites}
    rows = []
    for v in agg.visits:
        site = v.site or ""
        site_html = f'<a href="#{anchors[v.key("site")]}">{e(site)}</a>' if site else ""
        rows.append([
            _text(v.id), (site_html, site), _text(v.agent or ""), _text(v.wave or ""), _text(v.started_at or ""),
            _num(v.score, fmt.score(v.score)), _result_cell(v, w), _num(v.findings, str(v.findings)),
        ])
    header = _columns(w, ("visit", "text"), ("site", "text"), ("agent", "text"), ("wave", "text"), ("started", "text"),
                      ("score", "number"), ("result", "text"), ("findings", "number"))
    return (
        f'<h2 id="visits">{e(w("visits"))}</h2><p class="muted">{e(w("sort_hint"))}</p>'
        + _table(header, rows, "visits-table", sortable=True)
    )


def _link(text: str) -> str:
    if text.startswith(("https://", "http://")):
        return f'<a href="{e(text)}" rel="noreferrer">{e(text)}</a>'
    return e(text)


def _site(page: SitePage, w: Words) -> str:
    s = page.stats
    line = w("site_line", visits=w.count(s.visits, "visit"), score=fmt.score(s.mean_score),
             rate=fmt.percent(s.pass_rate), findings=w.count(s.findings, "finding"), severities=w.severities(s),
             gap=fmt.gap(page.servqual.weighted))
    out = [
        f'<section class="site" id="{_site_anchor(page.rank)}"><h3>{page.rank}. {e(w.key(page.site))}</h3>',
        f"<p>{e(line)}</p>",
    ]
    if page.items_not_met:
        items = w.join([f"{e(i)} ({n})" for i, n in page.items_not_met])
        out.append(f"<p>{w('items_not_met', items=items)}</p>")
    if page.findings:
        out.append(
            _table(
                _columns(w, ("visit", "text"), ("agent", "text"), ("rule", "text"), ("severity", "text"), ("gap", "text"),
                         ("message", "text")),
                ([_text(f.interaction), _text(f.agent or ""), _text(f.rule), _text(w.name("severity", f.severity.value)),
                  _text(w.name("gap", f.gap.value)), _text(f.message)] for f in page.findings),
            )
        )
    notes = [(v.id, label, text, False) for v in page.visits for label, text in v.comments]
    notes += [(v.id, label, text, True) for v in page.visits for label, text in v.evidence]
    if notes:
        out.append(f'<h4>{e(w("notes"))}</h4><ul class="evidence">')
        for visit_id, label, text, is_link in sorted(notes, key=lambda n: (n[0], n[3])):
            shown = _link(text) if is_link else e(text)
            prefix = f"{e(visit_id)}" + (f" · {e(label)}" if label else "")
            out.append(f"<li>{prefix}: {shown}</li>")
        out.append("</ul>")
    out.append("</section>")
    return "".join(out)


def _errors(agg: Aggregate, w: Words) -> str:
    if not agg.errors:
        return ""
    items = "".join(f"<li>{e(err)}</li>" for err in agg.errors)
    return f'<h2 id="errors">{e(w("errors"))}</h2><ul>{items}</ul>'


def render(agg: Aggregate, out: TextIO) -> None:
    w = words(agg.lang)
    body = (
        _summary(agg, w) + _charts(agg, w) + _ranking(agg, w) + _servqual(agg, w) + _diagnosis(agg, w)
        + _visits(agg, w) + f'<h2 id="sites">{e(w("sites"))}</h2>' + "".join(_site(page, w) for page in agg.sites)
        + _errors(agg, w)
    )
    out.write(
        "<!DOCTYPE html>\n"
        f'<html lang="{e(w("html_lang"))}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # Nothing may be fetched: the report must work offline and leak nothing when opened.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
        f"<title>{e(w('title'))}</title>"
        f"<style>{_CSS}</style></head>\n<body><main>\n{body}\n</main>"
        f"<script>{_SCRIPT}</script></body></html>\n"
    )
