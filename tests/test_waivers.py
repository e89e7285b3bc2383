"""Waivers (svccheck.waivers, `audit --waivers --today`): validated with located errors, waived
findings reported not hidden, expired waivers stop applying and say so, stale ones reported."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from svccheck.audit import audit_paths, exit_code, triage
from svccheck.model import SourceLocation, Status, Waiver
from svccheck.rules import Rule
from svccheck.waivers import WaiverError, covers, load_waivers

REPO = Path(__file__).resolve().parents[1]
PHONE = "examples/phone-calls.json"

WAIVERS = """\
version: 1
waivers:
  - rule: phone.closing-courtesy
    site: bank-cc-*
    reason: Closing script changes with the new IVR.
    approved-by: QA lead, Li Wei
    expires: 2026-04-30
  - interaction: h-call-1?
    rule: speech.forbidden-*
    reason: Misattributed speaker, see QA-812.
    approved-by: j.smith@example.com
    expires: 2026-03-31
  - agent: NOBODY-*
    reason: Agent left.
    approved-by: ops
    expires: 2026-12-31
"""


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


@pytest.fixture
def waivers_file(tmp_path: Path) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(WAIVERS, encoding="utf-8")
    return path


def test_load(waivers_file: Path) -> None:
    loaded = load_waivers(waivers_file)
    assert loaded.file == str(waivers_file)
    assert loaded.waivers[0] == Waiver(
        location=SourceLocation(str(waivers_file), 3, 5),
        reason="Closing script changes with the new IVR.",
        approved_by="QA lead, Li Wei",
        expires="2026-04-30",
        rule="phone.closing-courtesy",
        site="bank-cc-*",
    )
    assert [w.scope() for w in loaded.waivers] == [
        "rule phone.closing-courtesy, site bank-cc-*",
        "interaction h-call-1?, rule speech.forbidden-*",
        "agent NOBODY-*",
    ]


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        (
            "waivers:\n  - rule: a\n    approved-by: x\n    expires: 2026-01-01\n",
            ["{path}:2:5: waivers[0]: 'reason' is a required property"],
        ),
        (
            "waivers:\n  - rule: a\n    reason: r\n    approved-by: x\n    expires: 2026-01-01\n    owner: me\n",
            ["{path}:6:5: waivers[0].owner: unknown key (expected one of: agent, approved-by, expires,"
             " interaction, reason, rule, site)"],
        ),
        (
            "waivers:\n  - rule: a\n    reason: r\n    approved-by: x\n    expires: next week\n",
            ["{path}:5:14: waivers[0].expires: 'next week' does not match '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$'"],
        ),
        (
            "waivers:\n  - rule: a\n    reason: r\n    approved-by: x\n    expires: '2026-02-30'\n",
            ["{path}:5:14: waivers[0].expires: '2026-02-30' is not a date"],
        ),
        (
            "waivers:\n  - reason: r\n    approved-by: x\n    expires: 2026-01-01\n",
            ["{path}:2:5: waivers[0]: needs at least one of interaction, rule, site, agent"
             " (a waiver cannot cover everything)"],
        ),
        ("waiver: []\n", ["{path}:1:1: (top level): 'waivers' is a required property",
                          "{path}:1:1: waiver: unknown key (expected one of: version, waivers) (did you mean 'waivers'?)"]),
        ("waivers: [\n", ["{path}:2:1: yaml: expected the node content, but found '<stream end>'"]),
        (
            "waivers:\n  - rule: a\n    reason: r\n    approved-by: x\n    expires: 2027-02-30\n",
            ["{path}:5:14: yaml: cannot read '2027-02-30' as !!timestamp: day is out of range for month"
             " (quote it if it is meant as text)"],
        ),
        (
            "waivers:\n  - rule: a\n    reason: r\n    approved-by: !!bool maybe\n    expires: 2027-02-28\n",
            ["{path}:4:18: yaml: cannot read 'maybe' as !!bool"],
        ),
        (
            # "billion laughs": refused before anything expands the 10**8 strings the aliases name
            "l0: &l0 [" + ", ".join(["lol"] * 9) + "]\n"
            + "".join(f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 10) + "]\n" for n in range(1, 8))
            + "waivers: *l7\n",
            ["{path}:5:5: yaml: alias *l3 makes this list stand for more than 100000 nodes: refusing a possible alias bomb"],
        ),
    ],
)
def test_invalid_files_report_every_problem_located(
    tmp_path: Path, run_cli: Callable[..., Any], text: str, problems: list[str]
) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text(text, encoding="utf-8")
    expected = [p.format(path=path) for p in problems]
    with pytest.raises(WaiverError) as caught:
        load_waivers(path)
    assert list(caught.value.problems) == expected
    result = run_cli("audit", PHONE, "--waivers", path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == f"svccheck: error: invalid waivers file {path}"
    assert result.stderr.splitlines()[:-1] == expected


#: Four waivers with six mistakes between them, reported in file order (not schema order).
MISTAKES = """\
waivers:
  - rule: phone.*
    reason: ok
    approved-by: me
    expires: "2026-13-45"
  - reason: no selector
    approved-by: me
    expires: 2026-04-30
  - rule: x
    reason: ""
    approved-by: me
    expires: "2026-04-30"
    colour: red
    size: big
  - agent: A-*
    approved-by: me
"""
KNOWN = "(expected one of: agent, approved-by, expires, interaction, reason, rule, site)"
MISTAKES_REPORTED = [
    "{path}:5:14: waivers[0].expires: '2026-13-45' is not a date",
    "{path}:6:5: waivers[1]: needs at least one of interaction, rule, site, agent (a waiver cannot cover everything)",
    "{path}:10:13: waivers[2].reason: '' should be non-empty",
    f"{{path}}:13:5: waivers[2].colour: unknown key {KNOWN}",
    f"{{path}}:14:5: waivers[2].size: unknown key {KNOWN} (did you mean 'site'?)",
    "{path}:15:5: waivers[3]: 'reason' is a required property",
    "{path}:15:5: waivers[3]: 'expires' is a required property",
]


def test_every_problem_of_every_waiver_at_once_in_file_order(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text(MISTAKES, encoding="utf-8")
    expected = [p.format(path=path) for p in MISTAKES_REPORTED]
    with pytest.raises(WaiverError) as caught:
        load_waivers(path)
    assert list(caught.value.problems) == expected
    result = run_cli("audit", PHONE, "--waivers", path)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [*expected, f"svccheck: error: invalid waivers file {path}"]


def test_globs_match_whole_values_and_need_a_site(builtin_rules: list[Rule]) -> None:
    report = audit_paths([REPO / PHONE], builtin_rules)
    finding = next(f for f in report.findings if f.interaction == "h-call-11" and f.rule == "phone.greeting")
    where = SourceLocation("w.yaml", 1)

    def waiver(**selectors: str) -> Waiver:
        return Waiver(where, "r", "a", "2026-01-01", **selectors)

    assert covers(waiver(rule="phone.*"), finding)
    assert covers(waiver(interaction="h-call-1?", agent="LDN-CC-31"), finding)
    assert not covers(waiver(rule="phone"), finding)  # whole value, not a prefix
    assert not covers(waiver(rule="PHONE.*"), finding)  # case-sensitive
    assert not covers(waiver(rule="phone.*", agent="SH-*"), finding)  # every selector must match
    assert covers(waiver(site="*"), finding)
    assert not covers(waiver(site="*"), replace(finding, site=None))  # no site: a site glob never matches


def _triaged(builtin_rules: list[Rule], waivers_file: Path, today: date) -> Any:
    report = audit_paths([REPO / PHONE], builtin_rules)
    return report, triage(report, waivers=load_waivers(waivers_file), today=today)


def test_waived_findings_are_reported_not_hidden(builtin_rules: list[Rule], waivers_file: Path) -> None:
    before, after = _triaged(builtin_rules, waivers_file, date(2026, 3, 15))
    assert len(after.findings) == len(before.findings)
    waived = [(f.interaction, f.rule) for f in after.findings if f.status is Status.WAIVED]
    assert waived == [
        ("h-call-09", "phone.closing-courtesy"),
        ("h-call-11", "phone.closing-courtesy"),
        ("h-call-11", "speech.forbidden-phrases"),
        ("h-call-11", "speech.forbidden-phrases"),
    ]
    assert all(f.waiver is not None and f.waiver.expires in ("2026-04-30", "2026-03-31") for f in after.findings
               if f.status is Status.WAIVED)
    assert after.waivers.waived == 4
    assert after.waivers.expired == ()
    assert [w.scope() for w in after.waivers.stale] == ["agent NOBODY-*"]
    assert len(after.failing()) == len(before.failing()) - 2


def test_waiver_applies_through_its_expiry_day(builtin_rules: list[Rule], waivers_file: Path) -> None:
    _, after = _triaged(builtin_rules, waivers_file, date(2026, 3, 31))
    assert after.waivers.waived == 4


def test_a_waiver_past_its_expiry_no_longer_suppresses_and_says_so(
    builtin_rules: list[Rule], waivers_file: Path, run_cli: Callable[..., Any]
) -> None:
    before, after = _triaged(builtin_rules, waivers_file, date(2026, 4, 1))
    forbidden = [f for f in after.findings if f.interaction == "h-call-11" and f.rule == "speech.forbidden-phrases"]
    assert [f.status for f in forbidden] == [Status.NEW, Status.NEW]
    assert [(u.waiver.scope(), u.matched) for u in after.waivers.expired] == [
        ("interaction h-call-1?, rule speech.forbidden-*", 2)
    ]
    assert len(after.failing()) == len(before.failing())
    assert exit_code(after) == 1

    text = run_cli("audit", PHONE, "--waivers", waivers_file, "--today", "2026-04-01")
    assert (
        f"warning: {waivers_file}:8:5: waiver expired on 2026-03-31 (interaction h-call-1?, rule speech.forbidden-*;"
        " approved by j.smith@example.com): no longer applies, 2 findings not waived\n"
    ) in text.stdout
    assert f"warning: {waivers_file}:13:5: stale waiver (agent NOBODY-*): matches no finding\n" in text.stdout
    assert (
        f"waivers {waivers_file}: 2 findings waived · 1 expired, 1 stale of 3 waivers (as of 2026-04-01)\n"
    ) in text.stdout

    data = run_cli("audit", PHONE, "--waivers", waivers_file, "--today", "2026-04-01", "--format", "json").json()
    assert data["waivers"]["expired"] == [
        {
            "file": str(waivers_file),
            "line": 8,
            "interaction": "h-call-1?",
            "rule": "speech.forbidden-*",
            "reason": "Misattributed speaker, see QA-812.",
            "approved_by": "j.smith@example.com",
            "expires": "2026-03-31",
            "matched": 2,
        }
    ]
    assert [w["agent"] for w in data["waivers"]["stale"]] == ["NOBODY-*"]


def test_waived_majors_do_not_fail_the_run(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text(
        "waivers:\n  - rule: '*'\n    interaction: 'h-call-*'\n    reason: pilot month\n    approved-by: QA\n"
        "    expires: 2026-06-30\n",
        encoding="utf-8",
    )
    result = run_cli("audit", PHONE, "--waivers", path, "--today", "2026-05-01", "--format", "json")
    assert result.exit_code == 0
    data = result.json()
    assert {f["status"] for f in data["findings"]} == {"waived"}
    assert data["summary"]["by_status"] == {"new": 0, "baselined": 0, "waived": len(data["findings"])}


def test_today_must_be_a_date(run_cli: Callable[..., Any], waivers_file: Path) -> None:
    result = run_cli("audit", PHONE, "--waivers", waivers_file, "--today", "1 April")
    assert result.exit_code == 2
    assert "--today: '1 April' is not a date written YYYY-MM-DD" in result.stderr
