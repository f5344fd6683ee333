"""Ruff's Airflow rules: the command run in the CI image, and its JSON read back (captured from
ruff 0.17.6 over tests/fixtures/upgrade/airflow2, paths as mounted in the container)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from breeze.config import load_project
from breeze.upgrade.codecheck import CodeCheck, fixed_by, parse, paths, ruff_argv

HERE = Path(__file__).parent
FIXTURE = HERE.parent.parent / "fixtures" / "upgrade" / "airflow2"


def findings() -> CodeCheck:
    return CodeCheck(parse((HERE / "ruff-airflow2.json").read_text()))


def test_each_problem_by_file_line_and_rule() -> None:
    found = [(f.file, f.line, f.rule) for f in findings().findings]

    assert found == [
        ("dags/legacy.py", 16, "AIR311"),
        ("dags/legacy.py", 18, "AIR301"),
        ("dags/legacy.py", 21, "AIR311"),
        ("dags/legacy.py", 23, "AIR301"),
        ("dags/legacy.py", 27, "AIR302"),
        ("dags/legacy.py", 28, "AIR302"),
    ]
    assert [f.rule for f in findings().blocking] == ["AIR301", "AIR301", "AIR302", "AIR302"]


def test_the_fix_and_whether_ruff_applies_it() -> None:
    by_line = {f.line: f for f in findings().findings}

    assert by_line[23].safe_fix and by_line[23].fix == "Use `schedule` instead"
    assert not by_line[27].safe_fix
    assert by_line[18].fix is None and "execution_date" in by_line[18].message


def test_what_fix_changed_git_style() -> None:
    before = findings().findings
    after = tuple(f for f in before if not f.safe_fix)

    check = CodeCheck(after, fixed_by(before, after))

    assert [f.line for f in check.fixed] == [23]
    assert check.changed_files() == ["M dags/legacy.py (AIR301 x1)"]


def test_argv_selects_the_airflow3_rules_and_fixes_only_when_asked() -> None:
    argv = ruff_argv(["/opt/breeze/project/dags"], fix=False)

    assert argv[0] == "check" and "--isolated" in argv and "--exit-zero" in argv
    assert argv[argv.index("--select") + 1] == "AIR301,AIR302,AIR303,AIR311,AIR312"
    assert "--fix" not in argv and "--unsafe-fixes" not in argv
    assert "--fix" in ruff_argv(["x"], fix=True) and "--unsafe-fixes" not in ruff_argv(["x"], fix=True)


def test_only_the_project_code_folders_that_exist() -> None:
    config = load_project(FIXTURE)

    assert paths(config) == ["/opt/breeze/project/dags", "/opt/breeze/project/tests"]
    assert paths(replace(config, folders=(), tests=replace(config.tests, folder="nope"))) == []
