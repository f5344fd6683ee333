"""`breeze upgrade-check` through the real CLI, as far as it goes without uv runs or the engine
(--dry-run prints the uv commands; the engine guard fails the test if anything reaches docker)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from breeze.paths import cache_dir

Breeze = Callable[..., tuple[int, str, str]]


@pytest.fixture(autouse=True)
def releases() -> None:
    path = cache_dir() / "pypi-apache-airflow-releases.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(["2.10.5", "2.11.0", "3.3.1", "3.3.2"]))


def test_an_older_version_is_allowed_and_said(
    breeze: Breeze, project: Path, project_toml: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    project_toml('[airflow]\nversion = "2.11.0"\n')
    monkeypatch.chdir(project)

    code, _out, err = breeze("--dry-run", "upgrade-check", "--airflow-version", "2.10.5")

    assert code == 0, err
    assert "Airflow 2.10.5 is older than the project's 2.11.0: this checks a downgrade." in err
    assert err.count("pip compile") == 2  # the current and the candidate environment
    assert not (project / "test-results").exists()  # a dry run keeps no report


def test_help_names_the_options(breeze: Breeze) -> None:
    code, out, _err = breeze("upgrade-check", "--help")

    assert code == 0
    for option in ("--airflow-version", "--python", "--fix"):
        assert option in out
