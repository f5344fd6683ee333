"""``breeze config [--json]``: every effective setting and where it came from."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from breeze.config import KEYS, load_settings
from breeze.config.show import as_text, describe, project_origin

Breeze = Callable[..., tuple[int, str, str]]


def settings(breeze: Breeze, *args: str) -> dict[str, dict[str, object]]:
    code, out, err = breeze(*args, "config", "--json")
    assert code == 0, err
    return {item["key"]: item for item in json.loads(out)["settings"]}


def test_every_key_is_shown_once_with_its_origin(
    breeze: Breeze, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    monkeypatch.setenv("BREEZE_PYTHON", "3.12")

    shown = settings(breeze)

    assert list(shown) == [key.id for key in KEYS]
    assert shown["python.default"] == {
        "key": "python.default", "value": "3.12", "origin": "env", "source": "BREEZE_PYTHON",
        "env": "BREEZE_PYTHON",
    }  # fmt: skip
    assert shown["project.name"]["origin"] == "file"
    assert shown["project.name"]["source"] == f"{project.resolve() / 'breeze.toml'} [project] name"
    assert (shown["airflow.version"]["value"], shown["airflow.version"]["origin"]) == ("3.3.2", "default")
    assert shown["image.airflow-uid"]["value"] == 50000


def test_derived_defaults_say_what_they_derive_from(
    breeze: Breeze, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)

    shown = settings(breeze)

    assert shown["image.name"]["value"] == "demo"
    assert shown["image.name"]["source"] == "default: the project name"
    assert shown["dependencies.requirements"]["value"] == str(project.resolve() / "requirements.txt")
    assert shown["dependencies.requirements"]["source"] == "default: requirements.txt if present"
    assert shown["python.versions"]["value"] == ["3.11"]


def test_values_are_the_effective_ones(
    breeze: Breeze, project: Path, project_toml: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    project_toml('[python]\nversions = ["3.13"]\n\n[image]\nairflow-home = "/srv/airflow/"\n')
    monkeypatch.chdir(project)

    shown = settings(breeze)

    assert shown["python.versions"]["value"] == ["3.11", "3.13"]  # the default joins the list
    assert shown["image.airflow-home"]["value"] == "/srv/airflow"


def test_settings_in_pyproject_name_the_tool_table(
    breeze: Breeze, tmp_path: Path, write_toml: Callable[..., Path]
) -> None:
    file = write_toml(tmp_path / "pp", '[tool.breeze.python]\ndefault = "3.12"\n', name="pyproject.toml")

    shown = settings(breeze, "--project", str(tmp_path / "pp"))

    assert shown["python.default"]["source"] == f"{file.resolve()} [tool.breeze.python] default"


def test_credentials_in_urls_are_hidden(
    breeze: Breeze, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    monkeypatch.setenv("BREEZE_INDEX_URL", "https://ci:s3cret@pypi.example/simple")
    monkeypatch.setenv("BREEZE_EXTRA_INDEX_URLS", "https://x:y@one.example/simple https://two.example/simple")

    code, out, err = breeze("config")
    json_out = breeze("config", "--json")[1]

    assert code == 0, err
    assert "s3cret" not in out + json_out and "x:y@" not in out + json_out
    assert "https://ci:***@pypi.example/simple" in out
    assert "https://two.example/simple" in json_out


def test_text_output_one_line_a_key(breeze: Breeze, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    monkeypatch.setenv("BREEZE_AIRFLOW_UID", "1001")

    code, out, err = breeze("config")

    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == f"project {project.resolve()} (found from the current directory upwards)"
    assert lines[1] == f"file    {project.resolve() / 'breeze.toml'}"
    body = {line.split(" = ", 1)[0]: line for line in lines[3:]}
    assert list(body) == [key.id for key in KEYS]
    assert body["image.airflow-uid"].endswith("# env BREEZE_AIRFLOW_UID")
    assert body["project.name"].endswith("# file breeze.toml [project] name")
    assert body["image.dockerfile"].startswith("image.dockerfile = (not set) ")


@pytest.mark.parametrize(
    ("project_dir", "env", "origin"),
    [
        (None, {}, ("default", "found from the current directory upwards")),
        (Path("/p"), {"BREEZE_PROJECT": "/p"}, ("env", "BREEZE_PROJECT")),
        (Path("/p"), {"BREEZE_PROJECT": "/q"}, ("option", "--project")),
        (Path("/p"), {}, ("option", "--project")),
    ],
)
def test_where_the_project_came_from(
    project_dir: Path | None, env: dict[str, str], origin: tuple[str, str]
) -> None:
    found = project_origin(project_dir, env)

    assert (found["origin"], found["source"]) == origin


def test_project_option_is_an_origin(breeze: Breeze, project: Path) -> None:
    code, out, _ = breeze("--project", str(project), "config", "--json")

    assert code == 0
    assert json.loads(out)["project"] == {
        "root": str(project.resolve()), "config_file": str(project.resolve() / "breeze.toml"),
        "origin": "option", "source": "--project",
    }  # fmt: skip


def test_an_option_of_a_command_is_an_origin(project: Path) -> None:
    loaded = load_settings(project, overrides={"airflow.version": "3.2.0"}, env={})

    shown = {item["key"]: item for item in describe(loaded, project_origin(None, {}))["settings"]}

    assert shown["airflow.version"] | {"env": None} == {
        "key": "airflow.version", "value": "3.2.0", "origin": "option", "source": "command-line option",
        "env": None,
    }  # fmt: skip
    assert 'airflow.version = "3.2.0"' in as_text(describe(loaded, project_origin(None, {})))


def test_a_bad_setting_prints_no_json(
    breeze: Breeze, project: Path, project_toml: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    project_toml('[python]\ndefault = "3.7"\n')
    monkeypatch.chdir(project)

    code, out, err = breeze("config", "--json")

    assert (code, out) == (2, "")
    assert "breeze.toml [python] default = '3.7': unknown Python version" in err and "Fix:" in err
