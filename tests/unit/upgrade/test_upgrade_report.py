"""The report folder: report.md, report.json, junit.xml, dependencies.txt, and the verdict."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from breeze.upgrade.candidate import TestOutcome, import_errors
from breeze.upgrade.codecheck import CodeCheck, parse
from breeze.upgrade.diff import diff
from breeze.upgrade.params import UpgradePlan
from breeze.upgrade.report import Report, markdown, write
from breeze.upgrade.resolve import Resolution

HERE = Path(__file__).parent
PLAN = UpgradePlan("2.11.0", "3.3.2", "3.11", fix=False, tests=True, notes=())


def not_ready() -> Report:
    current = Resolution("2.11.0", {"apache-airflow": "2.11.0", "flask": "2.2.5"})
    candidate = Resolution("3.3.2", {"apache-airflow": "3.3.2", "fastapi": "0.120.0"})
    tests = TestOutcome(
        1,
        ({"type": "dag-integrity", "exit_code": 1}, {"type": "unit", "exit_code": 1}),
        None,
        ("dags/legacy.py: ModuleNotFoundError: No module named 'airflow.operators.bash_operator'",),
    )
    code = CodeCheck(parse((HERE / "ruff-airflow2.json").read_text()))
    return Report(PLAN, current, candidate, diff(current.pins, candidate.pins), "img:tag", code, tests)


def test_not_ready_says_why(tmp_path: Path) -> None:
    report = not_ready()

    write(report, tmp_path)

    assert not report.ready
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["ready"] is False
    assert data["reasons"] == [
        "code: 4 to fix, 2 suggested",
        "tests: dag-integrity: failed, unit: failed",
    ]
    assert data["import_errors"][0].endswith("No module named 'airflow.operators.bash_operator'")
    text = (tmp_path / "report.md").read_text()
    assert "| dags/legacy.py:23 | AIR301 |" in text
    assert "| apache-airflow | major | 2.11.0 | 3.3.2 |" in text
    assert "## Import errors in the candidate image" in text
    assert "removed" in (tmp_path / "dependencies.txt").read_text()
    suite = ElementTree.parse(tmp_path / "junit.xml").getroot()
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("4", "2", "0")
    failure = suite.find("testcase[@name='code']/failure")
    assert failure is not None and "dags/legacy.py:27: AIR302" in (failure.text or "")


def test_a_conflict_is_the_resolver_reason() -> None:
    reason = "error: No solution found when resolving dependencies\n  cause: Because you require x<1"
    report = Report(PLAN, Resolution("2.11.0", {}), Resolution("3.3.2", {}, conflict=reason))
    report.skipped.update(code="the dependencies do not resolve", tests="the dependencies do not resolve")

    assert not report.ready
    assert report.reasons() == ["resolve: the requirements conflict with the new Airflow"]
    assert "```\n" + reason + "\n```" in markdown(report)


def test_ready() -> None:
    pins = {"apache-airflow": "3.3.2"}
    tests = TestOutcome(0, ({"type": "dag-integrity", "exit_code": 0},), None, (), skipped="no tests/ folder")
    report = Report(
        PLAN, Resolution("3.3.2", pins), Resolution("3.3.2", pins), [], "img", CodeCheck(()), tests
    )

    assert report.ready and report.reasons() == []
    assert ("tests", "passed", "dag-integrity: ok, unit skipped (no tests/ folder)") in report.steps()


def test_import_errors_are_read_from_the_dag_integrity_junit() -> None:
    errors = import_errors(HERE / "runs" / "dag-integrity")

    assert errors == (
        "dags/legacy.py: ModuleNotFoundError: No module named 'airflow.operators.bash_operator'",
    )
    assert import_errors(None) == () and import_errors(HERE / "runs" / "nothing") == ()
