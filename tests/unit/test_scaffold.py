"""breeze init: what it writes, what it leaves alone, and that the result is a working project."""

from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from breeze import scaffold
from breeze.config import load_project
from breeze.context import AppContext
from breeze.errors import ConfigError
from breeze.scaffold import InitRequest, init, normalize_name, template_files
from breeze.stack.settings import load_settings

TEMPLATES = sorted(template_files())


def run(
    capsys: pytest.CaptureFixture[str], directory: Path, *, dry_run: bool = False, **options: object
) -> str:
    """init as a function; returns what it printed."""
    capsys.readouterr()
    assert init(AppContext(dry_run=dry_run), InitRequest(directory=directory, **options)) == 0  # type: ignore[arg-type]
    return capsys.readouterr().err


def section(output: str, title: str) -> list[str]:
    """The indented items under the line starting with ``title``."""
    lines = output.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith(title)]
    if not starts:
        return []
    items = []
    for line in lines[starts[0] + 1 :]:
        if not line.startswith("  "):
            break
        items.append(line.strip())
    return items


def files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def generated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    root = tmp_path / "Sales DAGs"
    run(capsys, root)
    return root


def test_the_templates_are_the_whole_project() -> None:
    for expected in (
        "breeze.toml", "breeze-settings.yaml", "requirements.txt", "packages.txt", "README.md",
        "ruff.toml", "pytest.ini", ".dockerignore", ".gitignore", ".github/workflows/breeze.yml",
        "dags/example_sources.py", "plugins/example_plugin.py", "include/config_loader.py",
        "config/sources.yaml", "tests/conftest.py", "tests/test_dags.py",
    ):  # fmt: skip
        assert expected in TEMPLATES


def test_a_new_directory_gets_every_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "new" / "my-project"

    out = run(capsys, root)

    assert files_under(root) == TEMPLATES
    assert section(out, "Added") == TEMPLATES
    assert section(out, "Left alone") == []
    assert section(out, "Next steps") == [
        "cd new/my-project", "breeze build-image", "breeze tests", "breeze start-airflow",
    ]  # fmt: skip


def test_init_here_needs_no_cd(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    out = run(capsys, Path("."))

    assert section(out, "Next steps") == ["breeze build-image", "breeze tests", "breeze start-airflow"]
    assert (tmp_path / "breeze.toml").is_file()


def test_a_second_run_adds_nothing(generated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = {name: (generated / name).read_bytes() for name in TEMPLATES}

    out = run(capsys, generated)

    assert "nothing to add" in out
    assert section(out, "Added") == []
    assert section(out, "Left alone") == TEMPLATES
    assert {name: (generated / name).read_bytes() for name in TEMPLATES} == before


def test_an_existing_file_is_kept_without_force(generated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = generated / "README.md"
    readme.write_text("my own readme\n")

    out = run(capsys, generated)

    assert readme.read_text() == "my own readme\n"
    assert "README.md" in section(out, "Left alone")


def test_force_overwrites_and_says_so(generated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = generated / "README.md"
    original = readme.read_text()
    readme.write_text("my own readme\n")

    out = run(capsys, generated, force=True)

    assert readme.read_text() == original
    assert section(out, "Overwritten") == TEMPLATES
    assert section(out, "Left alone") == []


def test_a_partial_project_gets_only_what_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "repo"
    (root / "dags").mkdir(parents=True)
    (root / "dags" / "example_sources.py").write_text("# mine\n")
    (root / ".gitignore").write_text("*.tmp\n")
    (root / "notes.txt").write_text("untouched\n")

    out = run(capsys, root)

    assert section(out, "Left alone") == [".gitignore", "dags/example_sources.py"]
    assert section(out, "Added") == [
        t for t in TEMPLATES if t not in {".gitignore", "dags/example_sources.py"}
    ]
    assert (root / "dags" / "example_sources.py").read_text() == "# mine\n"
    assert (root / ".gitignore").read_text() == "*.tmp\n"
    assert (root / "notes.txt").read_text() == "untouched\n"


def test_an_existing_breeze_toml_is_kept_and_its_name_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "checkout"
    root.mkdir()
    (root / "breeze.toml").write_text('[project]\nname = "billing"\n')

    out = run(capsys, root)

    assert "breeze.toml" in section(out, "Left alone")
    assert (root / "breeze.toml").read_text() == '[project]\nname = "billing"\n'
    assert (root / "README.md").read_text().startswith("# billing\n")
    assert load_project(root).name == "billing"


def test_tool_breeze_in_pyproject_gets_no_breeze_toml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "lib"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        '[project]\nname = "lib"\n\n[tool.breeze.project]\nname = "lib-dags"\n'
    )

    out = run(capsys, root, force=True)

    assert not (root / "breeze.toml").exists()
    assert "breeze.toml (the settings are in pyproject.toml [tool.breeze])" in section(out, "Left alone")
    assert load_project(root).config_file == root / "pyproject.toml"
    assert "lib-dags" in (root / "dags" / "example_sources.py").read_text()


def test_dry_run_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "planned"

    out = run(capsys, root, dry_run=True)

    assert not root.exists()
    assert section(out, "Would add") == TEMPLATES


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        ("sales", "sales"),
        ("Sales DAGs", "sales-dags"),
        ("My Project__v2", "my-project_v2"),
        ("--weird..name--", "weird.name"),
        ("Ünïcode", "n-code"),
        ("!!!", "airflow-project"),
    ],
)
def test_the_default_name_comes_from_the_folder(folder: str, expected: str) -> None:
    assert normalize_name(folder) == expected


def test_name_option_wins(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "whatever"

    run(capsys, root, name="etl.v2")

    assert load_project(root).name == "etl.v2"


@pytest.mark.parametrize("name", ["My-Project", "has space", "-lead", "trail-", "a--b", "", "ok/no"])
def test_a_bad_name_is_refused_before_anything_is_written(tmp_path: Path, name: str) -> None:
    root = tmp_path / "p"

    with pytest.raises(ConfigError) as raised:
        init(AppContext(), InitRequest(directory=root, name=name))

    assert f"--name {name!r} is not a valid project name" in raised.value.message
    assert raised.value.fix and "--name" in raised.value.fix
    assert not root.exists()


def test_a_file_is_not_a_directory(tmp_path: Path) -> None:
    path = tmp_path / "breeze.toml"
    path.write_text("")

    with pytest.raises(ConfigError, match="is a file, not a directory"):
        init(AppContext(), InitRequest(directory=path))


def test_an_unwritable_directory_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    # Root may write anywhere, so a chmod would not show it; the seam is the write itself.
    monkeypatch.setattr(Path, "write_text", refuse)

    with pytest.raises(ConfigError) as raised:
        init(AppContext(), InitRequest(directory=tmp_path / "ro"))

    assert "Cannot write" in raised.value.message and "Permission denied" in raised.value.message
    assert raised.value.fix and "permissions" in raised.value.fix


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_a_read_only_directory_for_real(tmp_path: Path) -> None:
    root = tmp_path / "ro"
    root.mkdir()
    root.chmod(0o555)
    try:
        with pytest.raises(ConfigError, match="Cannot write"):
            init(AppContext(), InitRequest(directory=root))
    finally:
        root.chmod(0o755)


# --------------------------------------------------------------------------------------------
# The generated project works
# --------------------------------------------------------------------------------------------


def test_no_placeholder_is_left(generated: Path) -> None:
    for name in TEMPLATES:
        text = (generated / name).read_text()
        for key in ("project_name", "airflow_version", "python_version"):
            assert "{{" + key + "}}" not in text, f"{name} still has {{{{{key}}}}}"


def test_it_loads_as_a_breeze_project(generated: Path) -> None:
    config = load_project(generated, env={})

    assert config.name == "sales-dags"
    assert (config.airflow_version, config.python_default) == ("3.3.2", "3.11")
    assert config.requirements == generated / "requirements.txt"
    assert config.apt_packages == ()
    policies = config.tests.policies
    assert (policies.parse_budget, policies.require_tags, policies.min_retries) == (2.0, True, 1)
    assert policies.owners == ("data-eng",)


def test_its_settings_load_without_any_secret(generated: Path) -> None:
    settings = load_settings(generated, env={})

    assert settings.connections and settings.variables and settings.pools
    assert settings.warnings == ()


def test_the_example_dag_follows_the_projects_policies(generated: Path) -> None:
    source = (generated / "dags" / "example_sources.py").read_text()
    tree = ast.parse(source)
    policies = load_project(generated, env={}).tests.policies
    default_args = next(
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "default_args" for t in node.targets)
    )
    assert isinstance(default_args, ast.Dict)
    args = {
        key.value: value.value
        for key, value in zip(default_args.keys, default_args.values, strict=True)
        if isinstance(key, ast.Constant) and isinstance(value, ast.Constant)
    }
    assert args["owner"] in policies.owners
    assert args["retries"] >= policies.min_retries
    decorator = next(
        d for d in ast.walk(tree) if isinstance(d, ast.Call) and getattr(d.func, "id", "") == "dag"
    )
    keywords = {k.arg: k.value for k in decorator.keywords}
    assert ast.literal_eval(keywords["tags"]) == ["example", "sales-dags"]
    assert ast.literal_eval(keywords["schedule"]) == "@daily"
    assert "from include.config_loader import load_sources" in source


def test_ruff_is_clean_on_it(generated: Path) -> None:
    if importlib.util.find_spec("ruff") is None:
        pytest.skip("ruff is not installed in this environment")
    for args in (["check", "--no-cache", "."], ["format", "--no-cache", "--check", "."]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *args], cwd=generated, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_its_tests_pass_where_airflow_is_missing(generated: Path) -> None:
    # The DagBag tests need Airflow (they run in the CI image); the rest runs anywhere.
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=generated,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "skipped" in result.stdout and "failed" not in result.stdout


def test_the_workflow_runs_the_tests_and_builds_the_production_image(generated: Path) -> None:
    workflow = yaml.safe_load((generated / ".github" / "workflows" / "breeze.yml").read_text())

    assert "push" in workflow[True]  # YAML 1.1 reads the `on:` key as true
    (job,) = workflow["jobs"].values()
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert any(run.startswith("pipx install") for run in runs)
    assert runs.index("breeze tests --type all") < runs.index("breeze build-image --production")
    upload = next(step for step in job["steps"] if step.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["if"] == "always()"
    assert upload["with"]["path"].rstrip("/") == "test-results"


def test_dockerignore_is_a_whitelist(generated: Path) -> None:
    lines = [
        line
        for line in (generated / ".dockerignore").read_text().splitlines()
        if line and not line.startswith("#")
    ]

    assert lines[0] == "*"
    for allowed in ("!dags/", "!plugins/", "!include/", "!config/", "!requirements.txt", "!packages.txt"):
        assert allowed in lines
    assert "**/__pycache__" in lines
    assert not any(line.startswith("!.env") or line.startswith("!tests") for line in lines)


def test_gitignore_keeps_secrets_and_results_out(generated: Path) -> None:
    lines = (generated / ".gitignore").read_text().splitlines()

    for ignored in (".env", "test-results/", "__pycache__/", ".pytest_cache/", ".ruff_cache/", "logs/"):
        assert ignored in lines


def test_the_config_files_parse(generated: Path) -> None:
    assert tomllib.loads((generated / "ruff.toml").read_text())["target-version"] == "py311"
    assert yaml.safe_load((generated / "config" / "sources.yaml").read_text())["sources"]
    assert "testpaths = tests" in (generated / "pytest.ini").read_text()


def test_templates_ship_without_caches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "scaffold"
    (root / "dags" / "__pycache__").mkdir(parents=True)
    (root / "dags" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"")
    (root / "dags" / "a.py").write_text("")
    monkeypatch.setattr("breeze.resources.data_path", lambda *parts: tmp_path.joinpath(*parts))

    assert list(scaffold.template_files()) == ["dags/a.py"]


def test_the_wheel_ships_the_templates() -> None:
    pyproject = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    force_include = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]

    # resources.data_path looks for breeze/_data/<name> in an installed breeze.
    assert force_include["scaffold"] == "breeze/_data/scaffold"


# -- adopting an existing Airflow project ------------------------------------------------------

BREEZE_OWN = {"breeze.toml", "breeze-settings.yaml", ".dockerignore", ".github/workflows/breeze.yml"}


def git_repo(root: Path) -> None:
    for args in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "team"],
    ):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def git_status(root: Path) -> set[str]:
    out = subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=all"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {line[3:] for line in out.splitlines()}


@pytest.mark.parametrize(
    ("kind", "config_files"),
    [
        ("handmade", {"ruff.toml"}),
        ("quickstart", {"ruff.toml", "pytest.ini"}),
        ("astro", {"ruff.toml", "pytest.ini"}),
    ],
)
def test_an_existing_project_gets_only_breezes_own_files(
    adopt_fixture, capsys: pytest.CaptureFixture[str], kind: str, config_files: set[str]
) -> None:
    root = adopt_fixture(kind)
    git_repo(root)

    output = run(capsys, root)

    assert git_status(root) == BREEZE_OWN | config_files
    assert "Adopting the Airflow project found here" in output
    assert "README.md" not in output and "example" not in "".join(section(output, "Added"))


def test_with_examples_adds_the_examples_too(adopt_fixture, capsys: pytest.CaptureFixture[str]) -> None:
    root = adopt_fixture("handmade")

    run(capsys, root, with_examples=True)

    assert (root / "dags" / "example_sources.py").is_file()
    assert (root / "include" / "config_loader.py").is_file()
    assert "# from Dockerfile" in (root / "breeze.toml").read_text()  # still the adopted config


def test_adopting_overwrites_nothing_the_team_owns(adopt_fixture, capsys: pytest.CaptureFixture[str]) -> None:
    root = adopt_fixture("quickstart")
    (root / ".dockerignore").write_text("logs/\n")
    (root / "ruff.toml").write_text("line-length = 100\n")

    output = run(capsys, root)

    assert (root / ".dockerignore").read_text() == "logs/\n"
    assert (root / "ruff.toml").read_text() == "line-length = 100\n"
    assert ".dockerignore" in section(output, "Left alone")


def test_the_table_names_sources_and_what_is_not_carried_over(
    adopt_fixture, capsys: pytest.CaptureFixture[str]
) -> None:
    output = run(capsys, adopt_fixture("quickstart"))

    assert "[airflow] version" in output and "docker-compose.yaml services.airflow-apiserver.image" in output
    assert "Not carried over" in output and "service mailhog" in output
    assert "--backend (start-airflow, tests)" in output
