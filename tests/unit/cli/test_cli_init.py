"""breeze init on the command line: options become an InitRequest; nothing else happens here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from breeze import scaffold
from breeze.context import AppContext
from breeze.scaffold import InitRequest

Breeze = Callable[..., tuple[int, str, str]]


@pytest.fixture
def requests(monkeypatch: pytest.MonkeyPatch) -> list[tuple[AppContext, InitRequest]]:
    seen: list[tuple[AppContext, InitRequest]] = []

    def record(ctx: AppContext, request: InitRequest, choose: object = None) -> int:
        seen.append((ctx, request))
        return 0

    monkeypatch.setattr(scaffold, "init", record)
    return seen


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), InitRequest(directory=Path("."))),
        (("new-project",), InitRequest(directory=Path("new-project"))),
        (("x", "--name", "sales", "--force"), InitRequest(directory=Path("x"), name="sales", force=True)),
        (("--force", "x"), InitRequest(directory=Path("x"), force=True)),
        (
            ("x", "--airflow-version", "3.0.6", "--with-examples"),
            InitRequest(directory=Path("x"), airflow_version="3.0.6", with_examples=True),
        ),
    ],
)
def test_options_become_the_request(
    breeze: Breeze,
    requests: list[tuple[AppContext, InitRequest]],
    args: tuple[str, ...],
    expected: InitRequest,
) -> None:
    assert breeze("init", *args)[0] == 0

    assert [request for _, request in requests] == [expected]


def test_global_dry_run_reaches_it(breeze: Breeze, requests: list[tuple[AppContext, InitRequest]]) -> None:
    assert breeze("--dry-run", "init", "x")[0] == 0

    assert requests[0][0].dry_run is True


def test_help_names_the_options(breeze: Breeze) -> None:
    code, out, _ = breeze("init", "--help")

    assert code == 0
    assert "[DIR]" in out and "--name" in out and "--force" in out
    assert "--airflow-version" in out and "--with-examples" in out


def test_disagreeing_sources_are_asked_about_with_the_dockerfile_first(
    tmp_path: Path, breeze: Breeze
) -> None:
    root = tmp_path / "team"
    (root / "dags").mkdir(parents=True)
    (root / "Dockerfile").write_text("FROM apache/airflow:3.0.6-python3.12\n")
    (root / "docker-compose.yaml").write_text(
        "services:\n  s:\n    image: apache/airflow:2.10.5-python3.12\n"
    )

    code, _, err = breeze("--answer", "no", "init", str(root))

    assert code == 0, err
    assert "The sources disagree on the airflow version: 3.0.6 (Dockerfile:1), 2.10.5" in err
    assert "Use 3.0.6? no (from --answer)" in err
    assert 'version = "2.10.5"' in (root / "breeze.toml").read_text()


def test_two_directories_are_a_usage_error(
    breeze: Breeze, requests: list[tuple[AppContext, InitRequest]]
) -> None:
    code, _, err = breeze("init", "a", "b")

    assert code == 2 and "unexpected extra argument" in err.lower()
    assert requests == []


def test_init_end_to_end(breeze: Breeze, tmp_path: Path) -> None:
    code, out, err = breeze("init", str(tmp_path / "demo"))

    assert code == 0 and out == ""
    assert "Added:" in err and "breeze.toml" in err and "breeze start-airflow" in err
    assert (tmp_path / "demo" / "dags" / "example_sources.py").is_file()
