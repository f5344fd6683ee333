"""Bad input against the real engine: each gives one clear message, a non-zero exit, no traceback."""

from __future__ import annotations

import shutil
import stat
import uuid
from pathlib import Path

import pytest

from breeze.cli.app import main

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(REPO / "examples", root, ignore=shutil.ignore_patterns("__pycache__"))
    toml = (root / "breeze.toml").read_text()
    (root / "breeze.toml").write_text(
        toml.replace('name = "breeze-example"', f'name = "breeze-err-{uuid.uuid4().hex[:6]}"')
    )
    return root


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert "Traceback" not in text
    return code, text


def test_base_image_that_cannot_be_pulled_says_to_run_offline_images(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A registry that never answers, so the test means the same on machines that have one.
    code, text = run(
        capsys, "--project", str(project), "build-image", "--base-image", "registry.invalid/python:{python}"
    )
    assert code == 4
    assert "registry.invalid/python:3.11 cannot be pulled" in text
    assert "breeze setup offline-images" in text


def test_apt_package_that_does_not_exist_is_named(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "packages.txt").write_text("jq\nno-such-package-breeze\n")
    code, text = run(capsys, "--project", str(project), "build-image", "--production")
    assert code == 4
    assert "no-such-package-breeze" in text
    assert "do not exist" in text


def test_airflow_version_that_is_not_released(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, text = run(capsys, "--project", str(project), "build-image", "--airflow-version", "3.9.99")
    assert code == 2
    assert "Airflow 3.9.99 is not a release on PyPI" in text


def test_unresolvable_requirement_explains_the_conflict(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "requirements.txt").write_text("apache-airflow==2.10.5\n")
    code, text = run(capsys, "--project", str(project), "build-image", "--production")
    assert code == 4
    assert "cannot be resolved" in text


def test_no_engine_running(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/breeze-test.sock")
    code, text = run(capsys, "--project", str(project), "build-image")
    assert code == 3
    assert "No container engine answers" in text
    assert "install-engine.sh" in text


def test_no_buildx(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A docker client without the buildx plugin: cannot be caused on this machine otherwise.
    shim_dir = tmp_path / "bin"
    shim_dir.mkdir()
    real = shutil.which("docker")
    shim = shim_dir / "docker"
    shim.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = buildx ]; then echo "docker: \'buildx\' is not a docker command." >&2; exit 1; fi\n'
        f'exec {real} "$@"\n'
    )
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{shim_dir}:{__import__('os').environ['PATH']}")
    code, text = run(capsys, "--project", str(project), "build-image")
    assert code == 3
    assert "buildx plugin is missing" in text


def test_verify_image_of_an_image_that_does_not_exist(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = run(capsys, "verify-image", "--image", "breeze-no-such-image:1")
    assert code == 2
    assert "does not exist" in text
