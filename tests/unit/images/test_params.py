"""What one build is made of, computed from a real project config without an engine."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from breeze.config import ProjectConfig, load_project, select_pythons
from breeze.git import GitInfo, git_info
from breeze.images.params import (
    TEST_TOOLS,
    UV_VERSION,
    BaseImage,
    build_args,
    ca_bundle,
    image_spec,
    image_tags,
    index_secret_text,
    oci_labels,
    resolve_base_image,
)

SHA = "0123456789abcdef0123456789abcdef01234567"
OFFLINE = {"3.11": "breeze-offline/python:3.11", "3.13": "breeze-offline/python:3.13"}


def load(project: Path, **env: str) -> ProjectConfig:
    return load_project(project, env=env)


# -- build args -------------------------------------------------------------------------------------
@pytest.fixture
def rich_project(project: Path, project_toml: Callable[[str], Path]) -> Path:
    (project / "packages.txt").write_text("libpq5\ncurl\n")
    (project / "packages-build.txt").write_text("build-essential\nlibpq-dev\n")
    project_toml(
        """\
        [airflow]
        extras = ["postgres", "celery"]

        [image]
        airflow-uid = 1001
        airflow-home = "/srv/airflow/"
        """
    )
    return project


def test_ci_build_args(rich_project: Path) -> None:
    config = load(rich_project)
    base = BaseImage("python:3.11-slim-bookworm", "default")

    assert build_args(config, "ci", "3.11", base) == {
        "BASE_IMAGE": "python:3.11-slim-bookworm",
        "PYTHON_VERSION": "3.11",
        "AIRFLOW_VERSION": "3.3.2",
        "AIRFLOW_EXTRAS": "celery,mysql,postgres",
        "AIRFLOW_UID": "1001",
        "AIRFLOW_HOME": "/srv/airflow",
        "RUNTIME_APT_DEPS": "libpq5 curl libmariadb3",
        "BUILD_APT_DEPS": "build-essential libpq-dev default-libmysqlclient-dev pkg-config",
        "UV_VERSION": UV_VERSION,
        "TEST_TOOLS": " ".join(TEST_TOOLS),
    }


def test_test_tools_only_in_ci(rich_project: Path) -> None:
    config = load(rich_project)
    base = BaseImage("python:3.11-slim-bookworm", "default")

    prod = build_args(config, "prod", "3.11", base)
    ci = build_args(config, "ci", "3.11", base)

    assert "TEST_TOOLS" not in prod
    assert any(tool.startswith("pytest==") for tool in ci["TEST_TOOLS"].split())
    differ = {"TEST_TOOLS", "AIRFLOW_EXTRAS", "RUNTIME_APT_DEPS", "BUILD_APT_DEPS"}
    assert {k: v for k, v in ci.items() if k not in differ} == {
        k: v for k, v in prod.items() if k not in differ
    }


def test_the_ci_image_carries_every_backend_and_executor_the_production_image_only_declared(
    project: Path,
) -> None:
    config = load(project)
    base = BaseImage("b", "default")

    assert build_args(config, "ci", "3.11", base)["AIRFLOW_EXTRAS"] == "celery,mysql,postgres"
    assert build_args(config, "prod", "3.11", base)["AIRFLOW_EXTRAS"] == ""


def test_empty_lists_are_empty_strings(project: Path) -> None:
    args = build_args(load(project), "prod", "3.11", BaseImage("b", "default"))

    assert (args["AIRFLOW_EXTRAS"], args["RUNTIME_APT_DEPS"], args["BUILD_APT_DEPS"]) == ("", "", "")


# -- tags -------------------------------------------------------------------------------------------
def test_tags_for_the_default_python(project: Path) -> None:
    assert image_tags(load(project), "prod", "3.11", None) == ("demo:1.0.0-python3.11", "demo:latest")


def test_no_latest_for_other_pythons(project: Path) -> None:
    assert image_tags(load(project), "prod", "3.13", None) == ("demo:1.0.0-python3.13",)


def test_ci_images_live_in_their_own_repository(project: Path) -> None:
    assert image_tags(load(project), "ci", "3.11", None) == ("demo-ci:1.0.0-python3.11", "demo-ci:latest")


@pytest.mark.parametrize(("dirty", "suffix"), [(False, ""), (True, "-dirty")])
def test_git_sha_tag(project: Path, dirty: bool, suffix: str) -> None:
    tags = image_tags(load(project), "prod", "3.13", GitInfo(SHA, dirty, ""))

    assert tags == ("demo:1.0.0-python3.13", f"demo:0123456789ab{suffix}-python3.13")


def test_registry_prefix(project: Path) -> None:
    config = load(project, BREEZE_REGISTRY="registry.example:5000/team")

    assert image_tags(config, "ci", "3.11", None) == (
        "registry.example:5000/team/demo-ci:1.0.0-python3.11",
        "registry.example:5000/team/demo-ci:latest",
    )


def test_spec_ref_is_the_versioned_tag(project: Path) -> None:
    spec = image_spec(load(project), "prod", "3.11", GitInfo(SHA, False, ""), {})

    assert spec.ref == "demo:1.0.0-python3.11"
    assert spec.repository == "demo"
    assert spec.title == "PROD image demo:1.0.0-python3.11"
    assert spec.build_args["BASE_IMAGE"] == spec.base.ref


# -- base image -------------------------------------------------------------------------------------
def test_base_image_from_config_wins(project: Path, project_toml: Callable[[str], Path]) -> None:
    project_toml('[image.base-images]\n"3.11" = "mirror.example/python:3.11"')

    assert resolve_base_image(load(project), "3.11", OFFLINE) == BaseImage(
        "mirror.example/python:3.11", "config"
    )


def test_offline_stand_in_comes_next(project: Path) -> None:
    assert resolve_base_image(load(project), "3.11", OFFLINE) == BaseImage(
        "breeze-offline/python:3.11", "offline"
    )


def test_official_image_last(project: Path) -> None:
    assert resolve_base_image(load(project), "3.12", OFFLINE) == BaseImage(
        "python:3.12-slim-bookworm", "default"
    )


def test_base_image_option_fills_in_the_python(project: Path, project_toml: Callable[[str], Path]) -> None:
    project_toml('[python]\nversions = ["3.11", "3.13"]')
    config = load_project(project, overrides={"image.base-image": "mirror.example/py:{python}"}, env={})

    assert [resolve_base_image(config, py, OFFLINE).ref for py in ("3.11", "3.13")] == [
        "mirror.example/py:3.11",
        "mirror.example/py:3.13",
    ]


def test_base_image_option_applies_to_a_requested_python(project: Path) -> None:
    config = load_project(project, overrides={"image.base-image": "mirror.example/py:{python}"}, env={})
    (python,) = select_pythons(config, ["3.12"])

    assert resolve_base_image(config, python, {}).ref == "mirror.example/py:3.12"


# -- OCI labels -------------------------------------------------------------------------------------
NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_labels_with_git(project: Path) -> None:
    git = GitInfo(SHA, False, "https://github.com/acme/demo.git")
    spec = image_spec(load(project), "prod", "3.11", git, {})

    labels = oci_labels(spec, git, "fp;project=abc", now=NOW)

    assert labels["org.opencontainers.image.source"] == "https://github.com/acme/demo.git"
    assert labels["org.opencontainers.image.revision"] == SHA
    assert labels["org.opencontainers.image.version"] == "1.0.0"
    assert labels["org.opencontainers.image.created"] == "2025-01-02T03:04:05Z"
    assert labels["org.opencontainers.image.title"] == "demo (prod)"
    assert labels["org.opencontainers.image.base.name"] == "python:3.11-slim-bookworm"
    assert labels["io.airflow.version"] == "3.3.2"
    assert labels["io.airflow.python.version"] == "3.11"
    assert labels["dev.breeze.fingerprint"] == "fp;project=abc"
    assert labels["dev.breeze.kind"] == "prod"


def test_labels_without_git(project: Path) -> None:
    spec = image_spec(load(project), "ci", "3.13", None, {})

    labels = oci_labels(spec, None, "fp", now=NOW)

    assert labels["org.opencontainers.image.source"] == str(project.resolve())
    assert labels["org.opencontainers.image.revision"] == "unknown"
    assert labels["org.opencontainers.image.title"] == "demo (ci)"
    assert labels["io.airflow.python.version"] == "3.13"


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-C", str(root), *args],
        check=True,
        capture_output=True,
    )


def test_labels_carry_the_remote_without_credentials(project: Path) -> None:
    git(project, "init", "-q")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "initial")
    git(project, "remote", "add", "origin", "https://ci-bot:s3cret@github.com/acme/demo.git")

    info = git_info(project)
    assert info is not None and not info.dirty
    labels = oci_labels(image_spec(load(project), "prod", "3.11", info, {}), info, "fp", now=NOW)

    assert labels["org.opencontainers.image.source"] == "https://github.com/acme/demo.git"
    assert "s3cret" not in " ".join(labels.values())
    assert len(labels["org.opencontainers.image.revision"]) == 40

    (project / "dags" / "hello.py").write_text("# edited\n")
    dirty = git_info(project)
    assert dirty is not None and dirty.dirty
    assert image_tags(load(project), "prod", "3.11", dirty)[-1].endswith("-dirty-python3.11")


def test_no_git_outside_a_work_tree(project: Path) -> None:
    assert git_info(project) is None


# -- CA bundle --------------------------------------------------------------------------------------
@pytest.fixture
def pem(tmp_path: Path) -> Callable[[str], Path]:
    def make(name: str) -> Path:
        path = tmp_path / name
        path.write_text("-----BEGIN CERTIFICATE-----\n")
        return path

    return make


def test_ca_bundle_from_config_first(
    project: Path, project_toml: Callable[[str], Path], pem: Callable[[str], Path]
) -> None:
    (project / "certs").mkdir()
    (project / "certs" / "corp.pem").write_text("-----BEGIN CERTIFICATE-----\n")
    project_toml('[build]\nca-bundle = "certs/corp.pem"')

    found = ca_bundle(load(project), {"PIP_CERT": str(pem("pip.pem"))})

    assert found == project.resolve() / "certs" / "corp.pem"


@pytest.mark.parametrize(
    ("present", "expected"),
    [
        (("PIP_CERT", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"), "PIP_CERT"),
        (("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"), "SSL_CERT_FILE"),
        (("REQUESTS_CA_BUNDLE",), "REQUESTS_CA_BUNDLE"),
    ],
)
def test_ca_bundle_from_the_host_env(
    project: Path, pem: Callable[[str], Path], present: tuple[str, ...], expected: str
) -> None:
    env = {name: str(pem(f"{name}.pem")) for name in present}

    assert ca_bundle(load(project), env) == Path(env[expected])


def test_ca_bundle_env_must_name_an_existing_file(
    project: Path, tmp_path: Path, pem: Callable[[str], Path]
) -> None:
    config = load(project)
    env = {"PIP_CERT": str(tmp_path / "gone.pem"), "SSL_CERT_FILE": str(tmp_path)}

    assert ca_bundle(config, env) is None
    env["REQUESTS_CA_BUNDLE"] = str(pem("ok.pem"))
    assert ca_bundle(config, env) == tmp_path / "ok.pem"


# -- index secret -----------------------------------------------------------------------------------
def test_no_index_secret_for_the_default_index(project: Path) -> None:
    assert index_secret_text(load(project)) is None


def test_index_secret_lines(project: Path) -> None:
    config = load(
        project,
        BREEZE_INDEX_URL="https://pypi.example/simple",
        BREEZE_EXTRA_INDEX_URLS="https://a.example/simple,https://b.example/simple",
    )

    assert index_secret_text(config) == (
        "UV_INDEX_URL=https://pypi.example/simple\n"
        "PIP_INDEX_URL=https://pypi.example/simple\n"
        "UV_EXTRA_INDEX_URL='https://a.example/simple https://b.example/simple'\n"
        "PIP_EXTRA_INDEX_URL='https://a.example/simple https://b.example/simple'\n"
    )


def test_index_secret_survives_the_shell(project: Path, tmp_path: Path) -> None:
    # with-build-secrets sources the file with `set -a; . file`: the quoting must round-trip.
    url = "https://ci:p$ss'w&rd@pypi.example/simple?x=1&y=$HOME"
    text = index_secret_text(load(project, BREEZE_INDEX_URL=url))
    assert text is not None
    secret = tmp_path / "index.env"
    secret.write_text(text)

    done = subprocess.run(
        ["sh", "-c", 'set -a; . "$1"; printf "%s" "$UV_INDEX_URL"', "sh", str(secret)],
        capture_output=True,
        text=True,
        check=True,
    )

    assert done.stdout == url


def test_mysql_extra_brings_its_client_library(project: Path) -> None:
    (project / "breeze.toml").write_text(
        '[project]\nname = "demo"\n[airflow]\nextras = ["mysql", "postgres"]\n'
    )
    args = build_args(load_project(project, env={}), "prod", "3.11", BaseImage("python:3.11", "default"))
    assert "default-libmysqlclient-dev" in args["BUILD_APT_DEPS"].split()
    assert "libmariadb3" in args["RUNTIME_APT_DEPS"].split()
