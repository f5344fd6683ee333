"""breeze doctor on this machine: the engine, buildx and compose answer, so it exits 0."""

from __future__ import annotations

import json

import pytest

from breeze.cli.app import main

pytestmark = pytest.mark.integration


def test_doctor_on_this_machine(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["doctor", "--json"])
    rows = {row["check"]: row for row in json.loads(capsys.readouterr().out)}
    assert code == 0, rows
    for name in ("engine", "buildx", "compose", "disk (docker root)"):
        assert rows[name]["status"] == "ok", rows[name]
    # No registry here: offline images make it ok; without them it is a warning, never a failure.
    assert rows["registry"]["status"] in {"ok", "warn"}
    assert all(row["status"] != "FAIL" for row in rows.values()), rows


def test_doctor_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "engine" in err and "compose" in err
