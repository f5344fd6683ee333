"""breeze doctor with podman for real: which engine and why, podman's own facts, no buildx row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from breeze.cli.app import main

pytestmark = pytest.mark.integration


def test_doctor_names_podman_and_why(podman_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--project", str(podman_project), "doctor", "--json"])
    rows = {row["check"]: row for row in json.loads(capsys.readouterr().out)}

    assert rows["engine choice"]["detail"] == "podman: [engine] name in the project's config"
    assert rows["engine"]["status"] == "ok" and rows["engine"]["detail"].startswith("podman 4.")
    assert "storage in" in rows["engine"]["detail"]
    assert rows["build"]["status"] == "ok" and rows["podman ulimits"]["status"] == "ok"
    assert "buildx" not in rows
    assert code in (0, 1)  # 1: a check outside the engine (a port, a tool) FAILs on this machine
