"""[e2e] in breeze.toml: defaults, values, env overrides, and each bad value named with a fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from breeze.config import load_project
from breeze.errors import ConfigError
from breeze.testing.e2e.settings import DEFAULT_TIMEOUT, E2ESettings, load_e2e, parse_e2e


def test_no_section_means_the_defaults(project: Path) -> None:
    assert load_e2e(load_project(project), env={}) == E2ESettings()
    assert E2ESettings().timeout == DEFAULT_TIMEOUT


def test_values_are_read_from_breeze_toml(project: Path, project_toml: Callable[[str], Path]) -> None:
    project_toml(
        """
        [e2e]
        dags = ["etl", "report", "etl"]
        conf = { day = "2026-01-01", limit = 3 }
        timeout = 90

        [e2e.expect]
        etl = ["load=failed", "report_*=upstream_failed"]
        """
    )
    settings = load_e2e(load_project(project), env={})

    assert settings.dags == ("etl", "report")
    assert settings.conf == {"day": "2026-01-01", "limit": 3}
    assert settings.timeout == 90
    assert settings.expect == {"etl": {"load": "failed", "report_*": "upstream_failed"}}


def test_pyproject_tool_breeze_e2e(tmp_path: Path) -> None:
    (tmp_path / "dags").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.breeze.project]\nname = "demo"\n\n[tool.breeze.e2e]\ndags = ["etl"]\n'
    )
    assert load_e2e(load_project(tmp_path), env={}).dags == ("etl",)


def test_env_overrides_the_file() -> None:
    settings = parse_e2e(
        {"dags": ["etl"], "timeout": 60},
        "breeze.toml",
        {"BREEZE_E2E_DAGS": "a, b", "BREEZE_E2E_TIMEOUT": "30"},
    )
    assert settings.dags == ("a", "b") and settings.timeout == 30


def test_env_may_pick_dags_that_the_expectations_do_not_name() -> None:
    section = {"dags": ["etl", "report"], "expect": {"etl": ["load=failed"]}}
    assert parse_e2e(section, "breeze.toml", {"BREEZE_E2E_DAGS": "report"}).dags == ("report",)


@pytest.mark.parametrize(
    ("section", "env", "message"),
    [
        ({"dag": ["etl"]}, {}, "unknown key `dag`"),
        ({"dags": "etl"}, {}, "dags = 'etl' must be a list of DAG ids"),
        ({"dags": []}, {}, "dags is empty"),
        ({"dags": ["bad id"]}, {}, "'bad id' is not a DAG id"),
        ({"timeout": "10m"}, {}, "timeout = '10m' is not a number of seconds"),
        ({"timeout": 0}, {}, "timeout = 0 is not a number of seconds"),
        ({"timeout": True}, {}, "timeout = True is not a number of seconds"),
        ({}, {"BREEZE_E2E_TIMEOUT": "soon"}, "BREEZE_E2E_TIMEOUT = 'soon'"),
        ({"conf": "{}"}, {}, "conf = '{}' must be a table"),
        ({"expect": ["load=failed"]}, {}, "must be a table of DAG id -> list of TASK=STATE"),
        ({"expect": {"etl": "load=failed"}}, {}, "must be a list of TASK=STATE"),
        ({"expect": {"etl": ["load=gone"]}}, {}, "'load=gone' is not TASK=STATE"),
        ({"dags": ["etl"], "expect": {"report": ["x=failed"]}}, {}, "expect names report, which [e2e] dags"),
    ],
)
def test_bad_values_are_named_with_a_fix(section: object, env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_e2e(section, "breeze.toml", env)
    assert message in info.value.message
    assert info.value.fix


def test_a_toml_date_in_conf_is_refused() -> None:
    import datetime

    with pytest.raises(ConfigError, match="JSON cannot carry"):
        parse_e2e({"conf": {"day": datetime.date(2026, 1, 1)}}, "breeze.toml", {})


def test_section_not_a_table() -> None:
    with pytest.raises(ConfigError, match=r"\[e2e\] must be a table"):
        parse_e2e(3, "breeze.toml", {})
