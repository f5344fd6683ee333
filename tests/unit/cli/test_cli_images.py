"""build-image / verify-image through ``main([...])``: options become one request; bad values stop
before the engine (the conftest guard fails any test that reaches it).

(Named test_cli_images.py: tests/unit/offline/test_images.py holds the other basename.)"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from breeze.context import AppContext
from breeze.images import build, verify
from breeze.images.params import BuildRequest

Breeze = Callable[..., tuple[int, str, str]]


@pytest.fixture
def requests(monkeypatch: pytest.MonkeyPatch) -> list[BuildRequest]:
    """build_images replaced at the seam: records each request and succeeds."""
    seen: list[BuildRequest] = []

    def build_images(ctx: AppContext, request: BuildRequest) -> int:
        seen.append(request)
        return 0

    monkeypatch.setattr(build, "build_images", build_images)
    return seen


def one(breeze: Breeze, requests: list[BuildRequest], *args: str) -> BuildRequest:
    code, _, err = breeze("build-image", *args)
    assert code == 0, err
    (request,) = requests
    return request


def flat(text: str) -> str:
    """Rich wraps long lines: compare messages with whitespace collapsed."""
    return " ".join(text.split())


# -- option parsing -------------------------------------------------------------------------------
def test_defaults(breeze: Breeze, requests: list[BuildRequest]) -> None:
    assert one(breeze, requests) == BuildRequest()
    assert requests[0].kind == "ci"


@pytest.mark.parametrize("flag", ["--production", "--prod"])
def test_production(breeze: Breeze, requests: list[BuildRequest], flag: str) -> None:
    assert one(breeze, requests, flag).kind == "prod"


def test_python_repeated_and_comma_lists(breeze: Breeze, requests: list[BuildRequest]) -> None:
    request = one(breeze, requests, "--python", "3.11", "--python", "3.12,3.13")

    # Kept as given; select_pythons splits and checks them against the loaded config.
    assert request.pythons == ("3.11", "3.12,3.13")


def test_all_options(breeze: Breeze, requests: list[BuildRequest], tmp_path: Path) -> None:
    ca = tmp_path / "corp.pem"
    request = one(
        breeze,
        requests,
        "--airflow-version", "3.2.1",
        "--extras", "postgres, celery,,amazon",
        "--additional-python-deps", "pandas<3",
        "--additional-python-deps", "requests",
        "--apt", "libpq5",
        "--apt", "jq",
        "--build-apt", "libpq-dev",
        "--airflow-uid", "1001",
        "--airflow-home", "/srv/airflow",
        "--base-image", "mirror.example/python:{python}-slim",
        "--constraints", "official",
        "--ca-bundle", str(ca),
        "--secret", "id=npmrc,src=/home/me/.npmrc",
        "--secret", "id=token,env=TOKEN",
        "--no-cache",
    )  # fmt: skip

    assert dict(request.overrides) == {
        "airflow.version": "3.2.1",
        "airflow.extras": ("postgres", "celery", "amazon"),
        "dependencies.python": ("pandas<3", "requests"),
        "dependencies.apt": ("libpq5", "jq"),
        "dependencies.build-apt": ("libpq-dev",),
        "image.airflow-uid": 1001,
        "image.airflow-home": "/srv/airflow",
        "image.base-image": "mirror.example/python:{python}-slim",
        "airflow.constraints": "official",
        "build.ca-bundle": str(ca),
    }
    assert request.extra_secrets == ("id=npmrc,src=/home/me/.npmrc", "id=token,env=TOKEN")
    assert request.no_cache is True


def test_airflow_uid_must_be_a_number(breeze: Breeze, requests: list[BuildRequest]) -> None:
    code, _, err = breeze("build-image", "--airflow-uid", "airflow")

    assert code == 2 and "--airflow-uid" in err and "Traceback" not in err
    assert requests == []


def test_verify_image_options(breeze: Breeze, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[verify.VerifyRequest] = []
    monkeypatch.setattr(verify, "verify_images", lambda ctx, request: seen.append(request) or 0)

    assert (
        breeze("verify-image", "--prod", "--python", "3.13", "--image", "x:1", "--db-wait-seconds", "2")[0]
        == 0
    )

    assert seen == [verify.VerifyRequest(production=True, pythons=("3.13",), image="x:1", db_wait_seconds=2)]


def test_verify_image_db_wait_must_be_positive(breeze: Breeze) -> None:
    code, _, err = breeze("verify-image", "--db-wait-seconds", "0")

    assert code == 2 and "--db-wait-seconds" in err


# -- config errors from the real pipeline, before the engine -------------------------------------------
@pytest.mark.parametrize("python", ["3.7", "3.14"])
def test_unknown_python(breeze: Breeze, project: Path, python: str) -> None:
    code, out, err = breeze("--project", str(project), "build-image", "--python", python)

    assert code == 2
    assert f"Error: --python = '{python}': unknown Python version." in flat(err)
    assert "Fix: Use one of 3.10, 3.11, 3.12, 3.13." in flat(err)
    assert "Traceback" not in out + err


def test_malformed_breeze_toml(breeze: Breeze, project: Path) -> None:
    (project / "breeze.toml").write_text("[airflow\nversion = 3\n")

    code, _, err = breeze("--project", str(project), "build-image")

    assert code == 2
    assert f"{project.resolve() / 'breeze.toml'} is not valid TOML" in flat(err)
    assert "Fix: Fix the syntax of breeze.toml" in flat(err)


def test_project_found_from_the_working_directory(
    breeze: Breeze, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "breeze.toml").write_text('[airflow]\nversion = "latest"\n')
    monkeypatch.chdir(project / "dags")

    code, _, err = breeze("build-image")

    assert code == 2
    assert "breeze.toml [airflow] version = 'latest': not an Airflow release version" in flat(err)


def test_bad_option_value_names_the_option(breeze: Breeze, project: Path) -> None:
    code, _, err = breeze("--project", str(project), "build-image", "--airflow-version", "3")

    assert code == 2
    assert "option for [airflow] version = '3'" in flat(err)


def test_python_airflow_does_not_support(breeze: Breeze, project: Path) -> None:
    code, _, err = breeze(
        "--project", str(project), "build-image", "--airflow-version", "2.10.5", "--python", "3.13"
    )

    assert code == 2
    assert "Airflow 2.10.5 does not support Python 3.13" in flat(err)


def test_missing_project_dir(breeze: Breeze, tmp_path: Path) -> None:
    code, _, err = breeze("--project", str(tmp_path / "nope"), "build-image")

    assert code == 2 and "does not exist" in flat(err) and "--project" in flat(err)


def test_no_project_found(breeze: Breeze, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    code, _, err = breeze("build-image")

    assert code == 2 and "No breeze project found" in flat(err) and "BREEZE_PROJECT" in flat(err)


def test_bad_secret_option_stops_before_the_engine(
    breeze: Breeze, project: Path, engine_guard: list[str]
) -> None:
    code, _, err = breeze("--project", str(project), "build-image", "--secret", "npmrc")
    reached = list(engine_guard)
    engine_guard.clear()  # asserted here rather than failing the teardown

    assert not reached, "a bad --secret reached the container engine"
    assert code == 2 and "id=NAME,src=PATH" in flat(err)


def test_platform_options_reach_the_requests(
    breeze: Breeze, requests: list[BuildRequest], monkeypatch: pytest.MonkeyPatch
) -> None:
    request = one(breeze, requests, "--prod", "--platform", "linux/amd64,linux/arm64", "--platform", "arm64")
    assert request.platforms == ("linux/amd64,linux/arm64", "arm64")

    seen: list[verify.VerifyRequest] = []
    monkeypatch.setattr(verify, "verify_images", lambda ctx, request: seen.append(request) or 0)
    assert breeze("verify-image", "--prod", "--platform", "linux/arm64")[0] == 0
    assert seen == [verify.VerifyRequest(production=True, platform="linux/arm64")]


def test_platform_targets_build_the_native_platform_as_always(monkeypatch: pytest.MonkeyPatch) -> None:
    from breeze import platforms

    monkeypatch.setattr(platforms, "native", lambda: "linux/amd64")
    monkeypatch.setattr(platforms, "require_emulation", lambda wanted, root=None: None)

    assert build.platform_targets(()) == (None,)
    assert build.platform_targets(("linux/amd64",)) == (None,)
    assert build.platform_targets(("arm64",)) == ("linux/arm64",)
    assert build.platform_targets(("linux/amd64,linux/arm64",)) == ("linux/amd64", "linux/arm64")
