"""Turning a failed build's BuildKit log into one message with the cause and the fix.

The logs in buildkit-logs/ are trimmed copies of real ``--progress=plain`` output."""

from __future__ import annotations

from pathlib import Path

import pytest

from breeze.config import load_project
from breeze.errors import BuildError
from breeze.images.failures import explain
from breeze.images.params import ImageSpec, image_spec

LOG = "/home/me/.cache/breeze/logs/demo-ci-python3.11.log"
LOGS = Path(__file__).parent / "buildkit-logs"


def log(name: str) -> str:
    """A captured log: buildkit-logs/<name>.log (BuildKit prints commands with Go's %q)."""
    return (LOGS / f"{name}.log").read_text()


@pytest.fixture
def spec(project: Path) -> ImageSpec:
    return image_spec(load_project(project, env={}), "ci", "3.11", None, {})


@pytest.fixture
def offline_spec(project: Path) -> ImageSpec:
    return image_spec(
        load_project(project, env={}), "ci", "3.11", None, {"3.11": "breeze-offline/python:3.11"}
    )


def run(spec: ImageSpec, text: str) -> BuildError:
    error = explain(spec, text.splitlines(), LOG)
    assert isinstance(error, BuildError) and error.exit_code == 4
    return error


def test_default_base_cannot_be_pulled(spec: ImageSpec) -> None:
    error = run(spec, log("pull-failed"))

    assert "base image python:3.11-slim-bookworm cannot be pulled" in error.message
    assert "`breeze setup offline-images`" in (error.fix or "")
    assert LOG in (error.fix or "")


def test_offline_base_is_missing(offline_spec: ImageSpec) -> None:
    error = run(offline_spec, log("offline-base-missing"))

    assert "offline stand-in base image breeze-offline/python:3.11 is missing" in error.message
    assert "`breeze setup offline-images` again" in (error.fix or "")


def test_missing_apt_package(spec: ImageSpec) -> None:
    error = run(spec, log("apt-missing"))

    assert "Debian package(s) libnotapkg do not exist" in error.message
    assert "packages.txt" in (error.fix or "") and LOG in (error.fix or "")


def test_unsolvable_requirements(spec: ImageSpec) -> None:
    error = run(spec, log("uv-no-solution"))

    assert error.message == "The Python dependencies cannot be resolved together."
    assert "requirements.txt" in (error.fix or "")
    details = error.details or ""
    assert "No solution found when resolving dependencies" in details
    assert (
        "you require pandas>=9" in details and "conclude that your requirements are unsatisfiable" in details
    )
    assert "#14" not in details  # BuildKit's step prefixes are stripped


def test_certificate_failure(spec: ImageSpec) -> None:
    error = run(spec, log("certificate"))

    assert "certificate verification" in error.message
    assert "--ca-bundle" in (error.fix or "") and "PIP_CERT" in (error.fix or "")


def test_airflow_release_missing_from_the_index(spec: ImageSpec) -> None:
    error = run(spec, log("airflow-missing"))

    assert error.message == "Airflow 3.3.2 cannot be installed from the package index."


def test_unknown_failure_names_the_step(spec: ImageSpec) -> None:
    error = run(spec, log("step-failed"))

    step = "/bin/sh -c chown -R airflow:0 /opt/airflow/missing"
    assert error.message == f"Building the CI image demo-ci:1.0.0-python3.11 failed at {step}."
    assert LOG in (error.fix or "")


def test_unknown_failure_without_a_step(spec: ImageSpec) -> None:
    error = run(
        spec,
        "#1 [internal] load build definition from Dockerfile\n#1 DONE 0.0s\nERROR: failed to solve: odd\n",
    )

    assert error.message == "Building the CI image demo-ci:1.0.0-python3.11 failed."


def test_failed_step_with_quotes_is_named_whole(spec: ImageSpec) -> None:
    error = run(spec, log("quoted-step-failed"))

    assert "--gid 0 --home-dir /home/airflow airflow" in error.message


def test_index_failure_in_a_step_is_not_blamed_on_the_base_image(spec: ImageSpec) -> None:
    error = run(spec, log("index-refused"))

    assert "base image" not in error.message
    assert "offline-images" not in (error.fix or "")


def test_a_long_resolver_report_keeps_its_conclusion(spec: ImageSpec) -> None:
    """uv's report for a range requirement runs to hundreds of lines and ends with the reason
    ("you require …"); the message keeps its first and last lines, not the first twelve."""
    error = run(spec, log("uv-long-explanation"))

    assert error.message == "The Python dependencies cannot be resolved together."
    details = (error.details or "").splitlines()
    assert details[0] == "error: No solution found when resolving dependencies"
    assert details[-1].strip() == (
        "And because you require apache-airflow>=3.2 and sqlalchemy<1.4, we can conclude that your "
        "requirements are unsatisfiable."
    )
    assert any("more lines of the resolver's reasoning" in line for line in details)
    assert len(details) <= 21
    assert not any(line.startswith("#") or "ERROR" in line for line in details)


def test_an_airflow_conflict_names_the_requirement(spec: ImageSpec) -> None:
    """A real CI build log (requirements.txt: sqlalchemy<1.4 with Airflow 3.3.2)."""
    error = run(spec, log("uv-airflow-conflict"))

    assert error.message == "The Python dependencies cannot be resolved together."
    assert (error.details or "").splitlines() == [
        "error: No solution found when resolving dependencies",
        "  cause: Because apache-airflow-core==3.3.2 depends on sqlalchemy[asyncio]>=2.0.50 and "
        "apache-airflow==3.3.2 depends on apache-airflow-core==3.3.2, we can conclude that "
        "apache-airflow==3.3.2 depends on sqlalchemy>=2.0.50.",
        "         And because you require apache-airflow==3.3.2 and sqlalchemy<1.4, we can conclude "
        "that your requirements are unsatisfiable.",
    ]


# -- podman's log (podman-logs/: real podman 4.3.1 output) -----------------------------------------
PODMAN_LOGS = Path(__file__).parent / "podman-logs"


def test_podman_failed_step_is_named(spec: ImageSpec) -> None:
    error = run(spec, (PODMAN_LOGS / "step-failed.log").read_text())

    assert error.message == "Building the CI image demo-ci:1.0.0-python3.11 failed at RUN echo hi && exit 3."


def test_podman_offline_base_missing(offline_spec: ImageSpec) -> None:
    error = run(offline_spec, (PODMAN_LOGS / "offline-base-missing.log").read_text())

    assert error.message == "The offline stand-in base image breeze-offline/python:3.11 is missing."
    assert error.fix is not None and "breeze setup offline-images" in error.fix


def test_podman_resolver_report_ends_at_podmans_error_line(spec: ImageSpec) -> None:
    text = (
        "[2/2] STEP 22/39: RUN uv pip install -r /deps/requirements.txt\n"
        "  x No solution found when resolving dependencies:\n"
        "  ╰─▶ Because you require foo==99 and foo has no version 99, we can conclude that your "
        "requirements are unsatisfiable.\n"
        'Error: building at STEP "RUN uv pip install -r /deps/requirements.txt": while running runtime: '
        "exit status 1\n"
    )
    error = run(spec, text)

    assert error.message == "The Python dependencies cannot be resolved together."
    assert error.details is not None and "foo==99" in error.details and "Error:" not in error.details
