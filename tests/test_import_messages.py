"""`svccheck import --lang`: every problem of an import (cells, rows, the mapping, the file) and
its summary line said in Chinese, with file names, columns, values and row numbers as they are;
English byte for byte as before, and the locale choosing the language when --lang is not given."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import IMPORT_HEADER as HEADER
from conftest import IMPORT_MAPPING as MAPPING
from conftest import CliRun
from svccheck import importer
from svccheck.importer import CellError, parse_date, parse_flag, parse_number
from svccheck.problems import CATALOGUE

Run = Callable[..., CliRun]

GOOD = ["V1", "上海店", "A1", "2026-03-02 18:00", "是", "N/A", "2", "6", "5", "好", "https://x/1.jpg"]
BAD_ROWS = [
    GOOD,
    ["V2", "上海店", "A2", "2026-03-03 18:00", "也许", "否", "三", "6", "5", "", ""],
    ["", "上海店", "A2", "2026-03-03 18:00", "是", "否", "1", "6", "5", "", ""],
    ["", "", "", "", "", "", "", "", "", "", ""],
    ["V1", "北京店", "B1", "2026-05-03 09:00", "✗", "", "", "", "", "", ""],
    ["V3", "北京店", "B1", "2026-05-03 09:00", "✗", "", "", "", "", "", "", "extra"],
    ["V5", "北京店", "", "明天", "√", "", "", "", "", "", ""],
    ["V6", "北京店", "", "2026-02-30 10:00", "√", "", "", "", "", "", ""],
]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    path.write_bytes(out.getvalue().encode("utf-8"))
    return path


@pytest.fixture
def mapping(tmp_path: Path) -> Path:
    path = tmp_path / "map.yaml"
    path.write_text(MAPPING, encoding="utf-8")
    return path


def lines(result: CliRun) -> list[str]:
    return result.stderr.splitlines()


# --- cells ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("convert", "zh"),
    [
        (lambda: parse_flag("也许 "), "'也许' 不是有效的是/否答案（可填：是/否, Y/N, yes/no, ✓/✗, 1/0, N/A, 不适用）"),
        (lambda: parse_number("三"), "'三' 不是数字"),
        (lambda: parse_number("nan"), "'nan' 不是数字"),
        (lambda: parse_date("明天", "+08:00"), "'明天' 不是日期时间（应写作例如 2026-03-02 18:00）"),
        (lambda: parse_date("2026-04-31 15:00", "+08:00"), "'2026-04-31 15:00' 不是有效的日期（该月没有这一天）"),
        (lambda: parse_date("2026-13-01", "+08:00"), "'2026-13-01' 不是有效的日期（月份应在 1 到 12 之间）"),
        (lambda: parse_date("2026-03-02 24:00", "+08:00"), "'2026-03-02 24:00' 不是有效的日期（小时应在 0 到 23 之间）"),
        (lambda: parse_date("2026-03-02 18:60", "+08:00"), "'2026-03-02 18:60' 不是有效的日期（分钟应在 0 到 59 之间）"),
        (lambda: parse_date("2026-03-02 18:00:61", "+08:00"), "'2026-03-02 18:00:61' 不是有效的日期（秒应在 0 到 59 之间）"),
        # a reason without a template is Python's own words
        (lambda: parse_date("0000-03-02", "+08:00"), "'0000-03-02' 不是有效的日期（year 0 is out of range）"),
    ],
)
def test_cell_errors_in_chinese(convert: Callable[[], object], zh: str) -> None:
    with pytest.raises(CellError) as err:
        convert()
    assert err.value.said.text("zh") == zh
    assert str(err.value) == err.value.said.text("en")


def test_cell_errors_in_english_are_as_before() -> None:
    with pytest.raises(CellError) as err:
        parse_date("2026-13-01", "+08:00")
    assert str(err.value) == "'2026-13-01' is not a valid date (month must be in 1..12)"
    with pytest.raises(CellError) as err:
        parse_date("0000-03-02", "+08:00")
    assert str(err.value) == "'0000-03-02' is not a valid date (year 0 is out of range)"


# --- rows and the summary -------------------------------------------------------------------------


def test_row_problems_and_summary_in_chinese(tmp_path: Path, mapping: Path, run_cli: Run) -> None:
    source = write_csv(tmp_path / "e.csv", BAD_ROWS)
    result = run_cli("import", source, "--mapping", mapping, "--lang", "zh")
    assert result.exit_code == 3
    assert lines(result) == [
        f"{source}:3: 列 微笑: '也许' 不是有效的是/否答案（可填：是/否, Y/N, yes/no, ✓/✗, 1/0, N/A, 不适用）",
        f"{source}:3: 列 响铃次数: '三' 不是数字",
        f"{source}:4: 列 编号: 为空（每次访问都必须有编号）",
        f"{source}:6: 列 编号: 编号 'V1' 重复（首次出现在第 2 行）",
        f"{source}:7: 该行有 12 个单元格，而表头只有 11 列",
        f"{source}:8: 列 时间: '明天' 不是日期时间（应写作例如 2026-03-02 18:00）",
        f"{source}:9: 列 时间: '2026-02-30 10:00' 不是有效的日期（该月没有这一天）",
        f"{source}：共 7 行，已导入 1 行，6 行未导入（跳过 1 个空行）",
    ]


def test_row_problems_and_summary_in_english_are_as_before(tmp_path: Path, mapping: Path, run_cli: Run) -> None:
    source = write_csv(tmp_path / "e.csv", BAD_ROWS)
    result = run_cli("import", source, "--mapping", mapping, "--lang", "en")
    assert result.exit_code == 3
    assert lines(result) == [
        f"{source}:3: column 微笑: '也许' is not a yes/no answer (是/否, Y/N, yes/no, ✓/✗, 1/0, N/A, 不适用)",
        f"{source}:3: column 响铃次数: '三' is not a number",
        f"{source}:4: column 编号: empty (every visit needs an id)",
        f"{source}:6: column 编号: duplicate id 'V1' (first in row 2)",
        f"{source}:7: row has 12 cells, the header has 11",
        f"{source}:8: column 时间: '明天' is not a date and time (write e.g. 2026-03-02 18:00)",
        f"{source}:9: column 时间: '2026-02-30 10:00' is not a valid date (day is out of range for month)",
        f"{source}: 7 rows, 1 imported, 6 rejected (1 blank row skipped)",
    ]


@pytest.mark.parametrize(
    ("rows", "en", "zh"),
    [
        ([GOOD], "1 row, 1 imported, 0 rejected", "共 1 行，已导入 1 行，0 行未导入"),
        ([GOOD, [""] * 11, [""] * 11], "1 row, 1 imported, 0 rejected (2 blank rows skipped)",
         "共 1 行，已导入 1 行，0 行未导入（跳过 2 个空行）"),
    ],
)
def test_summary_counts(tmp_path: Path, mapping: Path, run_cli: Run, rows: list[list[str]], en: str, zh: str) -> None:
    source = write_csv(tmp_path / "e.csv", rows)
    assert run_cli("import", source, "--mapping", mapping, "--lang", "en").stderr == f"{source}: {en}\n"
    assert run_cli("import", source, "--mapping", mapping, "--lang", "zh").stderr == f"{source}：{zh}\n"


def test_an_invalid_interaction_says_the_interactions_own_problem(
    tmp_path: Path, mapping: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing the mapping schema allows builds an invalid record today: make the wave a number,
    # so that the interaction schema's own message (nested in the row's) is what is said.
    monkeypatch.setattr(importer, "wave_of", lambda started_at, period: 2026)
    source = write_csv(tmp_path / "e.csv", [GOOD])
    en = run_cli("import", source, "--mapping", mapping, "--lang", "en")
    zh = run_cli("import", source, "--mapping", mapping, "--lang", "zh")
    assert (en.exit_code, zh.exit_code) == (3, 3)
    assert lines(en)[0] == f"{source}:2: not a valid interaction: wave: 2026 is not of type 'string'"
    assert lines(zh)[0] == f"{source}:2: 不是有效的交互记录：wave：2026 的类型不对，应为字符串"


# --- the mapping --------------------------------------------------------------------------------------


def test_mapping_problems_in_chinese(tmp_path: Path, run_cli: Run) -> None:
    path = tmp_path / "map.yaml"
    path.write_text('id: 编号\ntimezone: "+99:99"\nwave: {from-date: quarter}\n', "utf-8")
    result = run_cli("import", write_csv(tmp_path / "e.csv", []), "--mapping", path, "--lang", "zh")
    assert result.exit_code == 2
    assert lines(result) == [
        f"{path}:3:7: wave.from-date: 需要日期列（映射中的 'date' 键）",
        f"{path}:2:11: timezone: '+99:99' 不是有效的 UTC 时区偏移（范围 -14:00 到 +14:00，分钟为 00-59；例如 +08:00）",
        f"svccheck: error: 映射文件 {path} 无效",
    ]


def test_a_mapping_yaml_cannot_load_is_said_in_chinese(tmp_path: Path, run_cli: Run) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(MAPPING.replace("site: 门店", "site: 2026-02-30"), "utf-8")
    result = run_cli("import", write_csv(tmp_path / "e.csv", []), "--mapping", path, "--lang", "zh")
    assert lines(result) == [
        f"{path}:2:7: YAML: 无法将 '2026-02-30' 读作 !!timestamp：day is out of range for month（如果要写的是文本，请加引号）",
        f"svccheck: error: 映射文件 {path} 无效",
    ]


def test_columns_missing_or_repeated_in_the_header_in_chinese(tmp_path: Path, run_cli: Run) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(MAPPING.replace("引领: accompanied_guest", "带领: accompanied_guest"), "utf-8")
    source = write_csv(tmp_path / "e.csv", [], header=[*HEADER, "微笑"])
    result = run_cli("import", source, "--mapping", path, "--lang", "zh")
    assert result.exit_code == 2
    assert lines(result) == [
        f"{path}:7:13: checklist.微笑: 列 '微笑' 在表头中出现了 2 次（第 5、12 列）",
        f"{path}:7:36: checklist.带领: {source} 的表头中没有列 '带领'",
        f"svccheck: error: 映射与 {source} 不符（该文件的列：{', '.join([*HEADER, '微笑'])}）",
    ]
    english = run_cli("import", source, "--mapping", path, "--lang", "en")
    assert lines(english) == [
        f"{path}:7:13: checklist.微笑: column '微笑' appears 2 times in the header (columns 5 and 12)",
        f"{path}:7:36: checklist.带领: column '带领' is not in the header of {source}",
        f"svccheck: error: the mapping does not fit {source} (its columns: {', '.join([*HEADER, '微笑'])})",
    ]


# --- the export itself -----------------------------------------------------------------------------------


def _xlsx(path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "访问"
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("name", "make", "extra", "zh"),
    [
        ("empty.csv", lambda p: p.write_bytes(b""), "", "{file}：没有表头行（第 1 行应为列名）"),
        ("short.csv", lambda p: p.write_bytes("编号\n".encode()), "header-row: 3\n", "{file}：没有表头行（第 3 行应为列名）"),
        ("binary.csv", lambda p: p.write_bytes(b"\xff\xfe\x00\x81\x30\xff"), "",
         "{file}：既不是 UTF-8 也不是 GB18030 编码的文本"),
        ("quote.csv", lambda p: p.write_bytes(b'a,"b\nc'), "", "{file}：无法读取该 CSV 文件（unexpected end of data）"),
        ("absent.csv", lambda p: None, "", "{file}：无法读取：文件或目录不存在"),
        ("bad.xlsx", lambda p: p.write_bytes(b"not a zip"), "", "{file}：无法读取该 .xlsx 工作簿（File is not a zip file）"),
        ("e.xlsx", _xlsx, "sheet: 二月\n", "{file}：没有工作表 '二月'（现有工作表：访问）"),
    ],
)
def test_table_errors_in_chinese(
    tmp_path: Path, run_cli: Run, name: str, make: Callable[[Path], object], extra: str, zh: str
) -> None:
    source = tmp_path / name
    make(source)
    path = tmp_path / "map.yaml"
    path.write_text(MAPPING + extra, "utf-8")
    result = run_cli("import", source, "--mapping", path, "--lang", "zh")
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == f"svccheck: error: {zh.format(file=source)}\n"


def test_table_errors_in_english_are_as_before(tmp_path: Path, mapping: Path, run_cli: Run) -> None:
    source = tmp_path / "bad.xlsx"
    source.write_bytes(b"not a zip")
    result = run_cli("import", source, "--mapping", mapping, "--lang", "en")
    assert result.stderr == f"svccheck: error: {source}: not a readable .xlsx workbook (File is not a zip file)\n"
    missing = tmp_path / "absent.csv"
    result = run_cli("import", missing, "--mapping", mapping, "--lang", "en")
    assert result.stderr == f"svccheck: error: {missing}: cannot read: No such file or directory\n"


# --- the language: --lang, else the locale ------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "en_US.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_TW.UTF-8"}, "zh"),
    ],
)
def test_the_locale_chooses_the_language(
    tmp_path: Path, mapping: Path, run_cli: Run, env: dict[str, str], lang: str
) -> None:
    source = write_csv(tmp_path / "e.csv", BAD_ROWS)
    from_locale = run_cli("import", source, "--mapping", mapping, env=env)
    assert from_locale.stderr == run_cli("import", source, "--mapping", mapping, "--lang", lang).stderr
    assert from_locale.stdout == run_cli("import", source, "--mapping", mapping, "--lang", lang).stdout


def test_lang_overrides_the_locale(tmp_path: Path, mapping: Path, run_cli: Run) -> None:
    source = write_csv(tmp_path / "e.csv", [GOOD])
    result = run_cli("import", source, "--mapping", mapping, "--lang", "en", env={"LANG": "zh_CN.UTF-8"})
    assert result.stderr == f"{source}: 1 row, 1 imported, 0 rejected\n"


def test_the_records_do_not_depend_on_the_language(tmp_path: Path, mapping: Path, run_cli: Run) -> None:
    source = write_csv(tmp_path / "e.csv", BAD_ROWS)
    en = run_cli("import", source, "--mapping", mapping, "--lang", "en")
    zh = run_cli("import", source, "--mapping", mapping, "--lang", "zh")
    assert en.stdout == zh.stdout != ""


def test_every_import_message_has_chinese() -> None:
    codes = [code for code in CATALOGUE if code.startswith("import.")]
    assert len(codes) > 20
    assert [code for code in codes if "zh" not in CATALOGUE[code]] == []
