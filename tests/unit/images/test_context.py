"""The staged build context and its fingerprint: what BuildKit sees, and what makes a rebuild."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from breeze.config import load_project
from breeze.images.context import (
    ENV_MARKER,
    SCRIPTS,
    StagedContext,
    changed_parts,
    fingerprint_label,
    secret_files,
    stage_context,
)
from breeze.images.params import Kind, image_spec

CONSTRAINTS = "apache-airflow==3.3.2\npendulum==3.1.0\n"
DATA = Path(__file__).parents[3] / "images"


@pytest.fixture
def stage(project: Path) -> Callable[..., StagedContext]:
    """``stage(kind, **overrides)`` stages the project as it is on disk right now."""

    def run(kind: Kind = "prod", constraints: str = CONSTRAINTS, **overrides: object) -> StagedContext:
        config = load_project(project, overrides=overrides, env={})
        return stage_context(image_spec(config, kind, "3.11", None, {}), constraints)

    return run


def test_scripts_and_deps(stage: Callable[..., StagedContext], project: Path) -> None:
    staged = stage("ci", **{"dependencies.python": ("pandas<3", "requests")})

    assert sorted(p.name for p in (staged.path / "scripts").iterdir()) == sorted(SCRIPTS)
    assert all(os.access(staged.path / "scripts" / s, os.X_OK) for s in SCRIPTS)
    deps = staged.path / "deps"
    assert (deps / "requirements.txt").read_text() == (project / "requirements.txt").read_text()
    assert (deps / "additional.txt").read_text() == "pandas<3\nrequests\n"
    assert (deps / "constraints.txt").read_text() == CONSTRAINTS
    assert staged.dockerfile == staged.path / "Dockerfile"
    assert staged.dockerfile.read_text() == (DATA / "ci" / "Dockerfile").read_text()


def test_context_lives_in_the_user_cache(stage: Callable[..., StagedContext]) -> None:
    staged = stage("ci")

    assert staged.path.is_relative_to(Path(os.environ["BREEZE_CACHE_DIR"]) / "contexts")
    assert staged.path.name == "ci-python3.11"


def test_no_requirements_means_an_empty_file(stage: Callable[..., StagedContext], project: Path) -> None:
    (project / "requirements.txt").unlink()

    assert (stage("ci").path / "deps" / "requirements.txt").read_text() == ""


def test_ci_context_has_no_project(stage: Callable[..., StagedContext]) -> None:
    staged = stage("ci")

    assert not (staged.path / "project").exists()
    assert "project" not in staged.parts


def test_prod_context_copies_the_folders(stage: Callable[..., StagedContext], project: Path) -> None:
    (project / "dags" / "__pycache__").mkdir()
    (project / "dags" / "__pycache__" / "hello.cpython-311.pyc").write_bytes(b"\0")
    (project / "dags" / "stale.pyc").write_bytes(b"\0")
    (project / "dags" / "sql").mkdir()
    (project / "dags" / "sql" / "report.sql").write_text("select 1;\n")
    (project / "notes.md").write_text("not part of the image\n")

    project_dir = stage("prod").path / "project"

    assert sorted(p.name for p in project_dir.iterdir()) == ["config", "dags", "include", "plugins"]
    assert sorted(str(p.relative_to(project_dir)) for p in project_dir.rglob("*") if p.is_file()) == [
        "dags/hello.py",
        "dags/sql/report.sql",
    ]
    assert (project_dir / "dags" / "hello.py").read_text() == (project / "dags" / "hello.py").read_text()
    # Folders the project does not have become empty folders.
    assert [p for p in (project_dir / "plugins").iterdir()] == []
    # Group-writable for any UID in group 0.
    assert stat.S_IMODE((project_dir / "dags").stat().st_mode) == 0o775


def test_configured_folders_only(
    stage: Callable[..., StagedContext], project: Path, project_toml: Callable[[str], Path]
) -> None:
    project_toml('[image]\nfolders = ["dags", "lib"]\nshared-code = "lib"')
    (project / "plugins").mkdir()
    (project / "plugins" / "p.py").write_text("")

    assert sorted(p.name for p in (stage("prod").path / "project").iterdir()) == ["dags", "lib"]


def test_a_deleted_dag_leaves_the_context(stage: Callable[..., StagedContext], project: Path) -> None:
    (project / "dags" / "old.py").write_text("")
    assert (stage("prod").path / "project" / "dags" / "old.py").exists()

    (project / "dags" / "old.py").unlink()

    assert not (stage("prod").path / "project" / "dags" / "old.py").exists()


# -- fingerprint ----------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["ci", "prod"])
def test_fingerprint_is_stable(stage: Callable[..., StagedContext], kind: Kind) -> None:
    first = stage(kind)
    second = stage(kind)

    assert first.fingerprint == second.fingerprint
    assert first.parts == second.parts


def test_dag_edit_changes_only_the_prod_project_part(
    stage: Callable[..., StagedContext], project: Path
) -> None:
    prod_before, ci_before = stage("prod"), stage("ci")

    (project / "dags" / "hello.py").write_text("# a different DAG\n")
    prod_after, ci_after = stage("prod"), stage("ci")

    assert prod_after.fingerprint != prod_before.fingerprint
    assert {k for k in prod_after.parts if prod_after.parts[k] != prod_before.parts[k]} == {"project"}
    assert ci_after.fingerprint == ci_before.fingerprint
    assert changed_parts(fingerprint_label(prod_before), prod_after) == ["project"]


def test_a_new_file_changes_the_project_part(stage: Callable[..., StagedContext], project: Path) -> None:
    before = stage("prod")
    (project / "include").mkdir()
    (project / "include" / "helpers.py").write_text("")

    assert changed_parts(fingerprint_label(before), stage("prod")) == ["project"]


def test_requirements_edit_changes_dependencies(stage: Callable[..., StagedContext], project: Path) -> None:
    before = stage("ci")
    (project / "requirements.txt").write_text("pendulum>=3\npandas\n")
    after = stage("ci")

    assert after.fingerprint != before.fingerprint
    assert changed_parts(fingerprint_label(before), after) == ["dependencies"]


def test_constraints_change_dependencies(stage: Callable[..., StagedContext]) -> None:
    before = stage("ci")

    assert changed_parts(fingerprint_label(before), stage("ci", constraints="")) == ["dependencies"]


def test_build_arg_change_changes_build_args(stage: Callable[..., StagedContext]) -> None:
    before = stage("prod")
    after = stage("prod", **{"image.airflow-uid": 1001})

    assert after.fingerprint != before.fingerprint
    assert changed_parts(fingerprint_label(before), after) == ["build-args"]


def test_label_format_round_trips(stage: Callable[..., StagedContext]) -> None:
    staged = stage("prod")
    label = fingerprint_label(staged)

    assert label.startswith(staged.fingerprint + ";")
    assert sorted(item.split("=")[0] for item in label.split(";")[1].split(",")) == sorted(staged.parts)
    assert sorted(staged.parts) == ["build-args", "dependencies", "dockerfile", "project"]


def test_changed_parts_against_a_label_without_parts(stage: Callable[..., StagedContext]) -> None:
    staged = stage("ci")

    assert changed_parts("0123abcd", staged) == list(staged.parts)
    # Same parts but another overall fingerprint: nothing specific to name.
    assert changed_parts("other;" + fingerprint_label(staged).split(";")[1], staged) == ["build inputs"]


# -- secrets ------------------------------------------------------------------------------------------
def test_no_index_no_secret_file() -> None:
    with secret_files(None) as path:
        assert path is None


def test_secret_file_is_private_and_removed() -> None:
    with secret_files("UV_INDEX_URL=https://u:p@x/simple\n") as path:
        assert path is not None
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.read_text() == "UV_INDEX_URL=https://u:p@x/simple\n"

    assert not path.exists()


def test_secret_file_is_removed_on_error() -> None:
    seen: list[Path] = []

    with pytest.raises(RuntimeError, match="build broke"), secret_files("X=1\n") as path:
        assert path is not None
        seen.append(path)
        raise RuntimeError("build broke")

    assert seen and not seen[0].exists()


# -- [image] python-path and env, .dockerignore ---------------------------------------------------
@pytest.mark.parametrize("kind", ["ci", "prod"])
def test_python_path_and_env_are_baked_into_both_images(
    stage: Callable[..., StagedContext], project: Path, write_toml: Callable[..., Path], kind: Kind
) -> None:
    (project / "include").mkdir()
    write_toml(
        project,
        """
        [project]
        name = "demo"
        [image]
        python-path = ["include"]
        env = { DATA_DIR = "/opt/airflow/data", PRICE = "5$ \\"each\\"" }
        """,
    )

    text = stage(kind).dockerfile.read_text()

    env_line = text.split(ENV_MARKER + "\n", 1)[1].splitlines()[0]
    assert env_line == (
        'ENV DATA_DIR="/opt/airflow/data" PRICE="5\\$ \\"each\\"" PYTHONPATH="/opt/airflow:/opt/airflow/include"'
    )
    assert text.index(env_line) > text.index("AIRFLOW_EXTRAS")  # a late layer: an edit rebuilds little


def test_the_production_context_honours_dockerignore(
    stage: Callable[..., StagedContext], project: Path
) -> None:
    (project / "dags" / "__pycache__").mkdir()
    (project / "dags" / "scratch.csv").write_text("big\n")
    (project / "dags" / "sub").mkdir()
    (project / "dags" / "sub" / "scratch.csv").write_text("kept: patterns are anchored\n")
    (project / ".dockerignore").write_text("*\n!dags/\ndags/scratch.csv\n")

    staged = stage("prod")

    copied = sorted(
        p.relative_to(staged.path / "project").as_posix() for p in (staged.path / "project").rglob("*")
    )
    assert "dags/scratch.csv" not in copied
    assert "dags/sub/scratch.csv" in copied and "dags/hello.py" in copied
