"""`breeze tests` and `breeze static-checks` on the command line (their bad input is in the
catalogue, tests/unit/cli/test_bad_input.py)."""

from __future__ import annotations

from collections.abc import Callable

Breeze = Callable[..., tuple[int, str, str]]


def test_tests_help_lists_the_types(breeze: Breeze) -> None:
    code, out, _ = breeze("tests", "--help")

    assert code == 0
    for word in ("--type", "--dag-integrity", "--dag-run", "--conf", "--expect", "--backend"):
        assert word in out


def test_static_checks_help(breeze: Breeze) -> None:
    code, out, _ = breeze("static-checks", "--help")

    assert code == 0 and "ruff" in out
