"""`svccheck init`: a commented svccheck.yaml and a sample rule that lint and test accept."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from svccheck.cli import main
from svccheck.cli.init import FILES

WRITTEN = [target for _, target in FILES]


def _run(*args: str, lang: str = "C") -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env={"LANG": lang, "LC_ALL": None, "LC_MESSAGES": None})
    assert not result.exception or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_init_writes_the_files_and_says_what_next(here: Path) -> None:
    code, out, err = _run("init")
    assert (code, err) == (0, "")
    assert out.splitlines() == [f"wrote {name}" for name in WRITTEN] + [
        "next: svccheck lint && svccheck test  (docs/writing-rules.md explains the files)"
    ]
    assert sorted(str(p.relative_to(here)) for p in here.rglob("*") if p.is_file()) == sorted(WRITTEN)
    assert (here / "svccheck.yaml").read_text(encoding="utf-8").startswith("# svccheck project configuration")


def test_the_result_lints_clean_and_its_tests_pass(here: Path) -> None:
    _run("init")
    code, out, err = _run("lint")
    assert (code, out) == (0, "")
    assert err.endswith("rule(s) checked, no problems\n")
    code, out, _ = _run("test", "svccheck-rules")
    assert (code, out) == (0, "3 passed, 0 failed\n")  # the sample's 2 examples and its fixture case
    code, out, _ = _run("test")
    assert code == 0 and out.endswith(" passed, 0 failed\n")


def test_the_sample_rule_is_used_by_the_audit(here: Path) -> None:
    _run("init")
    case = here / "svccheck-rules" / "fixtures" / "complaint-thanked.json"
    unthanked = here / "unthanked.json"
    unthanked.write_text(case.read_text(encoding="utf-8").replace("谢谢您告诉我们，", ""), encoding="utf-8")
    code, out, err = _run("audit", str(unthanked), "--format", "text")
    assert err == "svccheck: configuration: svccheck.yaml\n"
    assert "local.thank-for-complaint" in out
    assert code == 0  # the sample rule is minor; fail-on is major


def test_init_refuses_to_overwrite(here: Path) -> None:
    (here / "svccheck.yaml").write_text("{}\n", encoding="utf-8")
    assert _run("init") == (2, "", "svccheck: error: svccheck.yaml already exists; nothing written\n")
    assert not (here / "svccheck-rules").exists()
    assert (here / "svccheck.yaml").read_text(encoding="utf-8") == "{}\n"


def test_init_names_every_file_it_will_not_overwrite(here: Path) -> None:
    _run("init", "--directory", "site")
    removed = "svccheck-rules/fixtures/complaint-thanked.json"
    (here / "site" / removed).unlink()
    code, out, err = _run("init", "--directory", "site")
    assert (code, out) == (2, "")
    left = ", ".join(f"site/{name}" for name in WRITTEN if name != removed)
    assert len(WRITTEN) > 2 and removed in WRITTEN
    assert err == f"svccheck: error: {left} already exist; nothing written\n"
    assert not (here / "site" / removed).exists()


def test_init_in_chinese_under_a_chinese_locale(here: Path) -> None:
    code, out, err = _run("init", lang="zh_CN.UTF-8")
    assert (code, err) == (0, "")
    assert out.splitlines() == [f"已写入 {name}" for name in WRITTEN] + [
        "下一步：svccheck lint && svccheck test（docs/writing-rules.md 说明了这些文件）"
    ]
    assert _run("init", lang="zh_CN.UTF-8") == (
        2, "", f"svccheck: error: {'、'.join(WRITTEN)} 已存在；未写入任何文件\n"
    )


def test_init_into_another_directory(here: Path) -> None:
    code, _, _ = _run("init", "--directory", "site")
    assert code == 0
    assert (here / "site" / "svccheck-rules" / "local.thank-for-complaint.yaml").is_file()
