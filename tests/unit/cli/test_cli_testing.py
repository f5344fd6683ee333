"""`breeze tests` and `breeze static-checks` on the command line: every bad input is one clear
message and exit code 2, before any engine call (the unit-test guard fails any engine call)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

Breeze = Callable[..., tuple[int, str, str]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("tests", "--type", "integration"), "--type 'integration' is not a test type."),
        (("tests", "--dag-run", "etl", "--conf", "{day: 1}"), "--conf is not valid JSON"),
        (("tests", "--dag-run", "etl", "--conf", "[1]"), "--conf must be a JSON object, got list"),
        (("tests", "--dag-run", "etl", "--expect", "load"), "--expect 'load' is not TASK=STATE."),
        (("tests", "--dag-run", "etl", "--expect", "load=gone"), "'gone' is not a task state"),
        (("tests", "--type", "dag-run"), "--type dag-run needs the DAG to run."),
        (("tests", "--conf", "{}"), "--conf and --expect belong to a DAG run."),
        (("tests",), "The tests folder tests/ does not exist in"),
        (("tests", "--type", "lint", "--", "-x"), "pytest arguments (-x) are only for the unit tests."),
        (("tests", "--dag-integrity", "--backend", "oracle"), "--backend 'oracle' is not a backend."),
        (("tests", "--dag-integrity", "--python", "3.9"), "unknown Python version"),
        (("tests", "--dag-integrity", "--postgres-version", "9"), "--postgres-version '9' is not supported."),
    ],
)
def test_bad_input(breeze: Breeze, project: Path, args: tuple[str, ...], message: str) -> None:
    code, out, err = breeze("--project", str(project), *args)

    assert code == 2, err
    flat = " ".join(err.split())
    assert message in flat
    assert "Fix:" in err or "Use " in err
    assert "Traceback" not in err + out


def test_tests_help_lists_the_types(breeze: Breeze) -> None:
    code, out, _ = breeze("tests", "--help")

    assert code == 0
    for word in ("--type", "--dag-integrity", "--dag-run", "--conf", "--expect", "--backend"):
        assert word in out


def test_static_checks_help(breeze: Breeze) -> None:
    code, out, _ = breeze("static-checks", "--help")

    assert code == 0 and "ruff" in out
