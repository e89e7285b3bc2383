"""`svccheck import`: survey exports (CSV in UTF-8/BOM/GB18030, .xlsx) to interactions."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import IMPORT_HEADER as HEADER
from conftest import IMPORT_MAPPING as SMALL_MAPPING

from svccheck.cli import main
from svccheck.importer import CellError, parse_date, parse_flag, parse_number, split_links
from svccheck.interactions import schema_problem

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "mystery-shopper" / "shopper-export-2026.csv"
MAPPING = ROOT / "examples" / "mystery-shopper" / "mapping.yaml"


def run(*args: str) -> Any:
    # An English locale: `svccheck import` says its problems in the locale's language (--lang).
    return CliRunner().invoke(main, list(args), env={"LANG": "C", "LC_ALL": None, "LC_MESSAGES": None})


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([HEADER, *rows])
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def records(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


# --- values ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["是", "Y", "y", "yes", "YES", "true", "TRUE", "✓", "✔", "√", "1", "１", " 是 ", "ｙｅｓ", "1.0"])
def test_yes(text: str) -> None:
    assert parse_flag(text) is True


@pytest.mark.parametrize("text", ["否", "N", "no", "No", "false", "✗", "✘", "×", "0", "０"])
def test_no(text: str) -> None:
    assert parse_flag(text) is False


@pytest.mark.parametrize("text", ["", "  ", "N/A", "n/a", "NA", "不适用", "不適用", "-", "Ｎ／Ａ"])
def test_not_applicable(text: str) -> None:
    assert parse_flag(text) is None


def test_unknown_answer() -> None:
    with pytest.raises(CellError) as err:
        parse_flag("也许 ")
    assert str(err.value) == "'也许' is not a yes/no answer (是/否, Y/N, yes/no, ✓/✗, 1/0, N/A, 不适用)"


@pytest.mark.parametrize(
    ("text", "value"),
    [("3", 3), ("３", 3), ("２.５", 2.5), ("1,200", 1200), ("-4", -4), ("", None), ("N/A", None), ("不适用", None)],
)
def test_numbers(text: str, value: float | None) -> None:
    assert parse_number(text) == value
    assert type(parse_number(text)) is type(value)


@pytest.mark.parametrize("text", ["fast", "1,2", "nan", "3秒"])
def test_not_numbers(text: str) -> None:
    with pytest.raises(CellError, match="is not a number"):
        parse_number(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-02 18:00", "2026-03-02T18:00:00+08:00"),
        ("2026/3/2 9:05:30", "2026-03-02T09:05:30+08:00"),
        ("2026年3月2日 18:00", "2026-03-02T18:00:00+08:00"),
        ("２０２６－０３－０２ １８：００", "2026-03-02T18:00:00+08:00"),
        ("2026-03-02", "2026-03-02T00:00:00+08:00"),
        ("2026-03-02T10:00:00Z", "2026-03-02T10:00:00+00:00"),
        ("不适用", None),
    ],
)
def test_dates(text: str, expected: str | None) -> None:
    assert parse_date(text, "+08:00") == expected


def test_impossible_date() -> None:
    with pytest.raises(CellError) as err:
        parse_date("2026-04-31 15:00", "+08:00")
    assert str(err.value) == "'2026-04-31 15:00' is not a valid date (day is out of range for month)"


def test_links_split() -> None:
    assert split_links(" https://a/1.jpg; https://a/2.jpg\nhttps://a/3.jpg、https://a/4 ") == [
        "https://a/1.jpg", "https://a/2.jpg", "https://a/3.jpg", "https://a/4",
    ]


# --- the shipped example ----------------------------------------------------------------------------


def example_rows() -> list[list[str]]:
    with EXAMPLE.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_example_imports_all_but_the_broken_row(tmp_path: Path) -> None:
    out = tmp_path / "visits.jsonl"
    result = run("import", str(EXAMPLE), "--mapping", str(MAPPING), "-o", str(out))
    rows = example_rows()
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"{EXAMPLE}:23: column 访问时间: '2026-04-31 15:00' is not a valid date (day is out of range for month)",
        f"{EXAMPLE}: {len(rows) - 1} rows, {len(rows) - 2} imported, 1 rejected",
    ]
    imported = records(out.read_text(encoding="utf-8"))
    assert [r["id"] for r in imported] == [row[0] for row in rows[1:] if row[0] != "MS-202605-HZ-02"]
    assert all(schema_problem(r) is None for r in imported)
    assert {r["x-import"]["row"] for r in imported} == set(range(2, len(rows) + 1)) - {23}


def test_example_values_match_the_cells(tmp_path: Path) -> None:
    out = tmp_path / "visits.jsonl"
    run("import", str(EXAMPLE), "--mapping", str(MAPPING), "-o", str(out))
    by_id = {r["id"]: r for r in records(out.read_text(encoding="utf-8"))}
    header, *rows = example_rows()
    col = {name: index for index, name in enumerate(header)}
    spellings = {"yes": 0, "no": 0, "na": 0}
    for row in rows:
        if row[0] not in by_id:
            continue
        record = by_id[row[0]]
        assert record["site"] == row[col["门店"]]
        assert record["agent"] == row[col["员工工号"]]
        assert record["wave"] == record["started_at"][:4] + "-Q" + str((int(record["started_at"][5:7]) - 1) // 3 + 1)
        for column, item in (("微笑与眼神交流", "smile_eye_contact"), ("主动帮提行李", "helped_with_luggage")):
            assert record["checklist"][item] == parse_flag(row[col[column]])
            spellings[{True: "yes", False: "no", None: "na"}[record["checklist"][item]]] += 1
    # the export really does mix spellings, and every kind of answer occurs
    cells = {row[col[c]].strip() for row in rows for c in header[4:27]}
    assert {"是", "否", "Y", "N", "yes", "no", "✓", "✗", "1", "0", "N/A", "不适用", ""} <= cells
    assert min(spellings.values()) > 0
    first = by_id["MS-202602-SH-01"]
    assert first["started_at"] == "2026-02-03T09:15:00+08:00"
    assert first["x-evidence"] == {
        "照片链接": ["https://ms.example.com/2026/MS-202602-SH-01/p1.jpg"],
        "收据": ["https://ms.example.com/2026/MS-202602-SH-01/receipt.pdf"],
    }


def test_gb18030_and_bom_give_the_same_interactions(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8-sig")
    gb = tmp_path / "export-gb.csv"
    gb.write_bytes(text.encode("gb18030"))
    plain = tmp_path / "export-plain.csv"
    plain.write_bytes(text.encode("utf-8"))
    outputs = []
    for source in (EXAMPLE, gb, plain):
        out = tmp_path / (source.stem + ".jsonl")
        assert run("import", str(source), "--mapping", str(MAPPING), "-o", str(out)).exit_code == 3
        outputs.append([{k: v for k, v in r.items() if k != "x-import"} for r in records(out.read_text("utf-8"))])
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(outputs[0]) == len(example_rows()) - 2


# --- small exports ----------------------------------------------------------------------------------


def test_row_problems_do_not_stop_other_rows(tmp_path: Path) -> None:
    (tmp_path / "map.yaml").write_text(SMALL_MAPPING, encoding="utf-8")
    source = write_csv(
        tmp_path / "e.csv",
        [
            ["V1", "上海店", "A1", "2026-03-02 18:00", "是", "N/A", "2", "6", "5", "好", "https://x/1.jpg"],
            ["V2", "上海店", "A2", "2026-03-03 18:00", "也许", "否", "三", "6", "5", "", ""],
            ["", "上海店", "A2", "2026-03-03 18:00", "是", "否", "1", "6", "5", "", ""],
            ["", "", "", "", "", "", "", "", "", "", ""],
            ["V1", "北京店", "B1", "2026-05-03 09:00", "✗", "", "", "", "", "", ""],
            ["V3", "北京店", "B1", "2026-05-03 09:00", "✗", "", "", "", "", "", "", "extra"],
            ["V4", "北京店", "", "", "√", "", "", "", "", "", ""],
        ],
    )
    result = run("import", str(source), "--mapping", str(tmp_path / "map.yaml"))
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"{source}:3: column 微笑: '也许' is not a yes/no answer (是/否, Y/N, yes/no, ✓/✗, 1/0, N/A, 不适用)",
        f"{source}:3: column 响铃次数: '三' is not a number",
        f"{source}:4: column 编号: empty (every visit needs an id)",
        f"{source}:6: column 编号: duplicate id 'V1' (first in row 2)",
        f"{source}:7: row has 12 cells, the header has 11",
        f"{source}: 6 rows, 2 imported, 4 rejected (1 blank row skipped)",
    ]
    assert records(result.stdout) == [
        {
            "id": "V1", "channel": "visit", "site": "上海店", "agent": "A1", "started_at": "2026-03-02T18:00:00+08:00",
            "wave": "2026-Q1", "metrics": {"rings": 2}, "checklist": {"smile_eye_contact": True, "accompanied_guest": None},
            "survey": {"expected": {"empathy": 6}, "perceived": {"empathy": 5}},
            "x-comments": {"备注": "好"}, "x-evidence": {"照片": ["https://x/1.jpg"]}, "x-import": {"file": "e.csv", "row": 2},
        },
        {
            "id": "V4", "channel": "visit", "site": "北京店",
            "checklist": {"smile_eye_contact": True, "accompanied_guest": None}, "x-import": {"file": "e.csv", "row": 8},
        },
    ]


def test_clean_import_exits_0(tmp_path: Path) -> None:
    (tmp_path / "map.yaml").write_text(SMALL_MAPPING, encoding="utf-8")
    source = write_csv(tmp_path / "e.csv", [["V1", "上海店", "A1", "2026-03-02 18:00", "Y", "N", "", "", "", "", ""]])
    result = run("import", str(source), "--mapping", str(tmp_path / "map.yaml"))
    assert result.exit_code == 0
    assert result.stderr == f"{source}: 1 row, 1 imported, 0 rejected\n"


def test_xlsx(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["V1", "上海店", "A1", datetime(2026, 8, 3, 14, 40), 1, "✓", 3, 6.5, 5, None, None])
    sheet.append(["V2", "上海店", "A2", "2026/8/4 9:00", 0, None, None, None, None, "慢", None])
    source = tmp_path / "e.xlsx"
    book.save(source)
    (tmp_path / "map.yaml").write_text(SMALL_MAPPING, encoding="utf-8")
    result = run("import", str(source), "--mapping", str(tmp_path / "map.yaml"))
    assert result.exit_code == 0, result.stderr
    assert [(r["id"], r["started_at"], r["wave"], r["checklist"], r.get("metrics")) for r in records(result.stdout)] == [
        ("V1", "2026-08-03T14:40:00+08:00", "2026-Q3", {"smile_eye_contact": True, "accompanied_guest": True}, {"rings": 3}),
        ("V2", "2026-08-04T09:00:00+08:00", "2026-Q3", {"smile_eye_contact": False, "accompanied_guest": None}, None),
    ]


# --- bad mappings and files -------------------------------------------------------------------------


def test_mapping_schema_errors_are_located(tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text(SMALL_MAPPING.replace("timezone: \"+08:00\"", "timezone: Beijing").replace("survey: {", "survey: {x: y, "), "utf-8")
    source = write_csv(tmp_path / "e.csv", [])
    result = run("import", str(source), "--mapping", str(mapping))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{mapping}:9:13: survey.x: 'y' does not match '^(expected|perceived)\\\\.(tangibles|reliability|responsiveness|assurance|empathy)$'",
        f"{mapping}:5:11: timezone: 'Beijing' does not match '^(Z|[+-]\\\\d{{2}}:\\\\d{{2}})$'",
        f"svccheck: error: invalid mapping {mapping}",
    ]


def test_a_mapping_value_ruamel_cannot_build_is_located(tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text(SMALL_MAPPING.replace("site: 门店", "site: 2026-02-30"), "utf-8")
    result = run("import", str(write_csv(tmp_path / "e.csv", [])), "--mapping", str(mapping))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        f"{mapping}:2:7: yaml: cannot read '2026-02-30' as !!timestamp: day is out of range for month"
        " (quote it if it is meant as text)",
        f"svccheck: error: invalid mapping {mapping}",
    ]


@pytest.mark.parametrize("offset", ["+99:99", "+14:01", "-15:00", "+08:60", "-23:59"])
def test_a_timezone_that_is_no_utc_offset_is_located(tmp_path: Path, offset: str) -> None:
    # The schema's pattern lets these through; then every record would be rejected by audit.
    mapping = tmp_path / "map.yaml"
    mapping.write_text(SMALL_MAPPING.replace('"+08:00"', f'"{offset}"'), "utf-8")
    source = write_csv(tmp_path / "e.csv", [["V1", "上海店", "A1", "2026-03-02 18:00", "Y", "N", "", "", "", "", ""]])
    result = run("import", str(source), "--mapping", str(mapping))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        f"{mapping}:5:11: timezone: '{offset}' is not a UTC offset (from -14:00 to +14:00, minutes 00-59; e.g. +08:00)",
        f"svccheck: error: invalid mapping {mapping}",
    ]


def test_a_bad_offset_is_reported_with_the_other_mapping_problems(tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text('id: 编号\ntimezone: "+99:99"\nwave: {from-date: quarter}\n', "utf-8")
    result = run("import", str(write_csv(tmp_path / "e.csv", [])), "--mapping", str(mapping))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{mapping}:3:7: wave.from-date: needs a date column (mapping key 'date')",
        f"{mapping}:2:11: timezone: '+99:99' is not a UTC offset (from -14:00 to +14:00, minutes 00-59; e.g. +08:00)",
        f"svccheck: error: invalid mapping {mapping}",
    ]


@pytest.mark.parametrize(("offset", "started_at"), [
    ("+14:00", "2026-03-02T18:00:00+14:00"),
    ("-14:00", "2026-03-02T18:00:00-14:00"),
    ("+05:45", "2026-03-02T18:00:00+05:45"),
    ("-00:00", "2026-03-02T18:00:00-00:00"),
    ("Z", "2026-03-02T18:00:00+00:00"),
])
def test_every_real_offset_is_accepted_and_audits(tmp_path: Path, offset: str, started_at: str) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text(SMALL_MAPPING.replace('"+08:00"', f'"{offset}"'), "utf-8")
    source = write_csv(tmp_path / "e.csv", [["V1", "上海店", "A1", "2026-03-02 18:00", "Y", "N", "", "", "", "", ""]])
    imported = tmp_path / "v.jsonl"
    result = run("import", str(source), "--mapping", str(mapping), "-o", str(imported))
    assert result.exit_code == 0, result.stderr
    assert records(imported.read_text(encoding="utf-8"))[0]["started_at"] == started_at
    audited = run("audit", str(imported), "--format", "json")
    assert json.loads(audited.stdout)["errors"] == []


def test_mapped_column_missing_from_the_header(tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text(SMALL_MAPPING.replace("引领: accompanied_guest", "带领: accompanied_guest"), "utf-8")
    source = write_csv(tmp_path / "e.csv", [])
    result = run("import", str(source), "--mapping", str(mapping))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"{mapping}:7:36: checklist.带领: column '带领' is not in the header of {source}"
    assert result.stderr.splitlines()[1].startswith(f"svccheck: error: the mapping does not fit {source} (its columns: 编号, 门店,")


def test_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "map.yaml").write_text(SMALL_MAPPING, encoding="utf-8")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = run("import", str(empty), "--mapping", str(tmp_path / "map.yaml"))
    assert result.exit_code == 3
    assert result.stderr == f"svccheck: error: {empty}: no header row (expected the column names in row 1)\n"
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81\x30\xff")
    result = run("import", str(binary), "--mapping", str(tmp_path / "map.yaml"))
    assert result.exit_code == 3
    assert result.stderr == f"svccheck: error: {binary}: neither UTF-8 nor GB18030 text\n"
