"""Resolving with uv: the argv and environment it gets, and what its output means. (A real uv run
against PyPI is in tests/integration/upgrade/.)"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from breeze.config import load_project
from breeze.context import AppContext
from breeze.upgrade import resolve as resolving
from breeze.upgrade.resolve import (
    UvFailed,
    compile_argv,
    conflict_reason,
    parse_pins,
    python_platform,
    requirement_lines,
    resolve,
    uv_env,
)

HERE = Path(__file__).parent


def test_the_inputs_mirror_the_image_build(project: Path, project_toml: Callable[[str], Path]) -> None:
    project_toml('[airflow]\nextras = ["postgres", "celery"]\n[dependencies]\npython = ["pandas<3"]\n')
    config = load_project(project)

    lines = requirement_lines(config, "3.3.2")

    assert lines == [
        "apache-airflow[celery,postgres]==3.3.2",
        f"-r {project / 'requirements.txt'}",
        "pandas<3",
    ]


def test_argv(tmp_path: Path) -> None:
    argv = compile_argv("/bin/uv", tmp_path / "in.txt", tmp_path / "c.txt", "3.12")

    assert argv[:4] == ["/bin/uv", "pip", "compile", str(tmp_path / "in.txt")]
    assert argv[argv.index("--python-version") + 1] == "3.12"
    assert argv[argv.index("--python-platform") + 1] == python_platform()
    assert argv[argv.index("--constraint") + 1] == str(tmp_path / "c.txt")
    assert "--constraint" not in compile_argv("/bin/uv", tmp_path / "in.txt", None, "3.12")


def test_ca_and_index_go_to_the_environment_not_the_argv(project: Path, tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("pem")
    config = replace(
        load_project(project),
        ca_bundle=ca,
        index_url="https://user:secret@pypi.example/simple",
        extra_index_urls=("https://a/simple", "https://b/simple"),
    )

    env = uv_env(config, {"PATH": "/bin"})

    assert env["SSL_CERT_FILE"] == str(ca)
    assert env["UV_INDEX_URL"] == "https://user:secret@pypi.example/simple"
    assert env["UV_EXTRA_INDEX_URL"] == "https://a/simple https://b/simple"
    assert env["PATH"] == "/bin"


def test_uv_own_explanation_is_kept_whole() -> None:
    reason = conflict_reason((HERE / "uv-conflict.txt").read_text())

    assert reason is not None
    assert reason.startswith("error: No solution found when resolving dependencies")
    assert "apache-airflow-core==3.3.2 depends on sqlalchemy[asyncio]>=2.0.50" in reason
    assert "you require apache-airflow==3.3.2 and sqlalchemy<1.4" in reason
    assert conflict_reason("error: Failed to fetch: https://pypi.org/simple/x/") is None


def test_pins() -> None:
    text = "# comment\nApache_Airflow==3.3.2\nrequests[socks]==2.32.5 ; python_version >= '3.9'\n-e ./x\n"

    assert parse_pins(text) == {"apache-airflow": "3.3.2", "requests": "2.32.5"}


def test_dry_run_prints_the_command_and_runs_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx = AppContext(dry_run=True, project_dir=project)

    resolution = resolve(ctx, load_project(project), "3.3.2", "3.11")

    assert resolution.ok and resolution.pins == {}
    assert resolution.argv[1:3] == ("pip", "compile")
    assert "pip compile" in capsys.readouterr().err


def test_uv_missing_is_an_error_with_a_fix(project: Path) -> None:
    with pytest.raises(UvFailed) as error:
        resolving.run(AppContext(project_dir=project), ["/nonexistent/uv", "pip", "compile"], {})

    assert error.value.return_code == 127
    assert error.value.fix
