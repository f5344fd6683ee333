"""What a `breeze tests` run will do, decided before any engine call: types, conf, expectations,
pytest arguments and the folders they need."""

from __future__ import annotations

from pathlib import Path

import pytest

from breeze.config import load_project
from breeze.errors import ConfigError
from breeze.stack.request import StackRequest
from breeze.testing.params import TestsRequest, parse_conf, parse_expect, parse_types, plan


def request(**values: object) -> TestsRequest:
    return TestsRequest(stack=StackRequest(), **values)  # type: ignore[arg-type]


@pytest.fixture
def with_tests(project: Path) -> Path:
    (project / "tests").mkdir()
    (project / "tests" / "test_one.py").write_text("def test_one():\n    pass\n")
    return project


@pytest.mark.parametrize(
    ("values", "flags", "expected"),
    [
        ((), {}, ("unit",)),
        (("all",), {}, ("lint", "dag-integrity", "unit")),
        (("unit,lint",), {}, ("lint", "unit")),
        (("unit", "LINT"), {}, ("lint", "unit")),
        ((), {"dag_integrity": True}, ("dag-integrity",)),
        ((), {"dag_run": "etl"}, ("dag-run",)),
        (("all",), {"dag_run": "etl"}, ("lint", "dag-integrity", "unit", "dag-run")),
        (("dag-run",), {"dag_run": "etl"}, ("dag-run",)),
    ],
)
def test_types_run_cheapest_first(values: tuple[str, ...], flags: dict, expected: tuple[str, ...]) -> None:
    flags = {"dag_integrity": False, "dag_run": None, **flags}

    assert parse_types(values, **flags) == expected


def test_unknown_type_names_the_types() -> None:
    with pytest.raises(ConfigError) as info:
        parse_types(("integration",), dag_integrity=False, dag_run=None)

    assert "--type 'integration' is not a test type" in info.value.message
    assert (
        info.value.fix
        == "Use one of lint, dag-integrity, unit, dag-run, e2e or all (several: --type unit,lint)."
    )


def test_dag_run_type_needs_a_dag() -> None:
    with pytest.raises(ConfigError, match="needs the DAG to run"):
        parse_types(("dag-run",), dag_integrity=False, dag_run=None)


def test_conf_is_a_json_object() -> None:
    assert parse_conf('{"day": "2026-01-01", "limit": 3}') == {"day": "2026-01-01", "limit": 3}
    assert parse_conf(None) == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "{day: 1}",
            "--conf is not valid JSON: Expecting property name enclosed in double quotes at line 1 column 2",
        ),
        ("[1, 2]", "--conf must be a JSON object, got list"),
        ('"x"', "--conf must be a JSON object, got str"),
    ],
)
def test_malformed_conf(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_conf(text)

    assert message in info.value.message
    assert "JSON object" in (info.value.fix or "")


def test_expectations() -> None:
    assert parse_expect(("load=upstream_failed", "archive_*=Skipped")) == {
        "load": "upstream_failed",
        "archive_*": "skipped",
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("load", "is not TASK=STATE"),
        ("=failed", "is not TASK=STATE"),
        ("load=broken", "'broken' is not a task state"),
    ],
)
def test_bad_expectations(value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_expect((value,))


def test_plan_for_the_unit_tests(with_tests: Path) -> None:
    config = load_project(with_tests, env={})

    result = plan(config, request(pytest_args=("-k", "one")))

    assert result.types == ("unit",)
    assert (result.tests_folder, result.pytest_args, result.paths_given) == ("tests", ("-k", "one"), False)
    assert result.needs_database


def test_a_path_after_the_dashes_replaces_the_folder(with_tests: Path) -> None:
    config = load_project(with_tests, env={})

    assert plan(config, request(pytest_args=("tests/test_one.py::test_one", "-x"))).paths_given


def test_missing_tests_folder(project: Path) -> None:
    with pytest.raises(ConfigError) as info:
        plan(load_project(project, env={}), request())

    assert info.value.message == f"The tests folder tests/ does not exist in {project.resolve()}."
    assert "[tests] folder" in (info.value.fix or "")


def test_missing_tests_folder_is_fine_for_other_types(project: Path) -> None:
    assert plan(load_project(project, env={}), request(dag_integrity=True)).types == ("dag-integrity",)


def test_lint_alone_needs_no_database(project: Path) -> None:
    assert not plan(load_project(project, env={}), request(types=("lint",))).needs_database


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"dag_run": "bad id!"}, "--dag-run 'bad id!' is not a DAG id"),
        ({"conf": "{}"}, "--conf and --expect belong to a DAG run"),
        ({"expect": ("a=failed",)}, "--conf and --expect belong to a DAG run"),
        ({"types": ("lint",), "pytest_args": ("-x",)}, "pytest arguments (-x) are only for the unit tests"),
        ({"dag_run": "etl", "conf": "nope"}, "--conf is not valid JSON"),
    ],
)
def test_bad_requests(with_tests: Path, values: dict, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        plan(load_project(with_tests, env={}), request(**values))

    assert message in info.value.message


def test_spec_carries_the_policies(project: Path, project_toml) -> None:  # type: ignore[no-untyped-def]
    project_toml('[dag-integrity]\nowners = ["data-eng"]\n[lint]\nchecks = ["ruff"]\n')
    config = load_project(project, env={})

    spec = plan(config, request(dag_run="etl", conf='{"a": 1}', expect=("x=failed",))).spec(
        config, color=False
    )

    assert spec["types"] == ["dag-run"]
    assert (spec["dag_id"], spec["conf"], spec["expect"]) == ("etl", {"a": 1}, {"x": "failed"})
    assert spec["policies"]["owners"] == ["data-eng"]
    assert spec["lint"] == ["ruff"]
