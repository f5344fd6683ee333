"""The key table and the rules of the config package itself: the project-name rule shared with
``breeze init``, Airflow versions read with packaging, and a table that stays complete."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from breeze.config import KEYS, ProjectConfig, load_project
from breeze.config.load import RULES
from breeze.config.names import is_project_name, name_from_folder, normalize_name
from breeze.errors import ConfigError
from breeze.versions import airflow_pythons, parse_airflow_version


def test_every_key_is_declared_once() -> None:
    ids = [key.id for key in KEYS]

    assert len(ids) == len(set(ids))


def test_every_config_field_is_filled_by_a_key_or_a_rule(tmp_path: Path) -> None:
    (tmp_path / "breeze.toml").write_text("")

    config = load_project(tmp_path, env={})

    assert {field.name for field in dataclasses.fields(ProjectConfig)} <= set(vars(config))
    assert RULES  # the cross-field rules run after the loop over KEYS


def test_every_env_var_is_a_breeze_variable() -> None:
    envs = [key.env for key in KEYS if key.env]

    assert all(env.startswith("BREEZE_") for env in envs) and len(envs) == len(set(envs))


# -- the project name ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "valid"),
    [("demo", True), ("sales-dags", True), ("a.b_c", True), ("a--b", False), ("-a", False), ("A", False)],
)
def test_one_project_name_rule(name: str, valid: bool) -> None:
    assert is_project_name(name) is valid


@pytest.mark.parametrize(
    ("folder", "name"), [("demo", "demo"), ("My Project", "my-project"), ("__x__", "x"), ("a--b", None)]
)
def test_name_from_folder(folder: str, name: str | None) -> None:
    assert name_from_folder(folder) == name


def test_a_folder_that_is_no_project_name_is_named_with_the_fix(tmp_path: Path) -> None:
    root = tmp_path / "a--b"
    root.mkdir()
    (root / "breeze.toml").write_text("[airflow]\nversion = '3.3.2'\n")

    with pytest.raises(ConfigError) as info:
        load_project(root, env={})

    assert "folder name 'a--b'" in info.value.message and str(root) in info.value.message
    assert "[image] name" not in info.value.message
    assert 'name = "a-b"' in (info.value.fix or "") and "BREEZE_PROJECT_NAME" in (info.value.fix or "")


def test_a_folder_name_with_spaces_still_becomes_the_name(tmp_path: Path) -> None:
    root = tmp_path / "My Project"
    root.mkdir()
    (root / "breeze.toml").write_text("")

    assert load_project(root, env={}).name == normalize_name("My Project") == "my-project"


def test_the_folder_name_is_not_needed_when_the_file_names_the_project(tmp_path: Path) -> None:
    root = tmp_path / "a--b"
    root.mkdir()
    (root / "breeze.toml").write_text('[project]\nname = "a-b"\n')

    assert load_project(root, env={}).image_name == "a-b"


def test_an_explicit_name_with_a_doubled_separator_is_refused(tmp_path: Path) -> None:
    (tmp_path / "breeze.toml").write_text('[project]\nname = "a--b"\n')

    with pytest.raises(ConfigError) as info:
        load_project(tmp_path, env={})

    assert info.value.message == "breeze.toml [project] name = 'a--b': not a valid project name."
    assert "e.g. a-b" in (info.value.fix or "")


# -- Airflow versions ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "release"),
    [
        ("3.3.2", (3, 3, 2)),
        ("3.1.0rc1", (3, 1, 0)),
        ("2.10.5b2", (2, 10, 5)),
        ("3.3", None),
        ("latest", None),
        ("v3.3.2", None),
        ("3.3.2.post1", None),
        ("3.3.2.dev0", None),
        ("3.3.2+local", None),
        ("3.3.2-rc1", None),
    ],
)
def test_parse_airflow_version(text: str, release: tuple[int, int, int] | None) -> None:
    parsed = parse_airflow_version(text)

    assert (parsed.release if parsed else None) == release


def test_airflow_pythons_by_line() -> None:
    assert airflow_pythons("2.10.5") == ("3.8", "3.9", "3.10", "3.11", "3.12")
    assert "3.13" in airflow_pythons("3.3.2") and airflow_pythons("nope") == ()
