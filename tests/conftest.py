"""The test rig: isolated user dirs, a guard against reaching the real engine, tiny real projects,
and a ``breeze(...)`` helper that runs the CLI in-process.

Tests marked ``integration`` get none of the isolation: they use the real engine and the user's
config dir (``~/.config/breeze/offline-images.json``).
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Fixture repositories hold tests of their own (run inside breeze's images), not breeze's tests.
collect_ignore = ["fixtures"]
# Session fixtures shared by integration tests of several packages (the two-platform image).
pytest_plugins = ["tests.integration.platform_build"]

ENGINE_GUARD = "unit test reached the container engine; mark it @pytest.mark.integration"
HOST_TOOL_GUARD = "unit test ran a host tool (debootstrap); mark it @pytest.mark.integration"

MINIMAL_TOML = """\
[project]
name = "demo"
version = "1.0.0"
"""

TINY_DAG = '''\
"""A DAG small enough to read at a glance."""
from airflow.sdk import dag, task


@dag(schedule=None)
def hello():
    @task
    def say():
        print("hello")

    say()


hello()
'''


@pytest.fixture(autouse=True)
def unit_isolation(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[str]]:
    """Own config/cache dirs, plain output, CI mode, and no way out to docker or debootstrap.

    ``main()`` turns any exception into exit 70, which a test might even expect; so a hit is also
    recorded and fails the test at teardown, whatever the test itself asserted.
    """
    hits: list[str] = []
    if request.node.get_closest_marker("integration"):
        yield hits
        return

    for name in list(os.environ):
        if name.startswith("BREEZE_"):
            monkeypatch.delenv(name)
    home = tmp_path_factory.mktemp("breeze-user")
    monkeypatch.setenv("BREEZE_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("BREEZE_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("CI", "true")

    from breeze.engine import Engine
    from breeze.offline import rootfs

    def engine(_self: object) -> None:
        hits.append(ENGINE_GUARD)
        raise AssertionError(ENGINE_GUARD)

    def host_tool(argv: list[str], **_kwargs: object) -> None:
        hits.append(f"{HOST_TOOL_GUARD}: {argv}")
        raise AssertionError(HOST_TOOL_GUARD)

    monkeypatch.setattr(Engine, "docker", property(engine))
    monkeypatch.setattr(rootfs, "run", host_tool)
    yield hits
    if hits:
        pytest.fail("; ".join(hits), pytrace=False)


@pytest.fixture
def engine_guard(unit_isolation: list[str]) -> list[str]:
    """What the guard caught so far; a test of the guard itself clears it."""
    return unit_isolation


@pytest.fixture
def write_toml() -> Callable[..., Path]:
    """``write_toml(root, text)`` writes ``root/breeze.toml`` (dedented) and returns its path."""

    def write(root: Path, text: str, name: str = "breeze.toml") -> Path:
        root.mkdir(parents=True, exist_ok=True)
        path = root / name
        path.write_text(textwrap.dedent(text))
        return path

    return write


@pytest.fixture
def project(tmp_path: Path, write_toml: Callable[..., Path]) -> Path:
    """A minimal valid project: breeze.toml (name demo, version 1.0.0), one DAG, requirements.txt."""
    root = tmp_path / "demo"
    write_toml(root, MINIMAL_TOML)
    (root / "dags").mkdir()
    (root / "dags" / "hello.py").write_text(TINY_DAG)
    (root / "requirements.txt").write_text("pendulum>=3\n")
    return root


@pytest.fixture
def project_toml(project: Path, write_toml: Callable[..., Path]) -> Callable[[str], Path]:
    """``project_toml(text)`` replaces the project's breeze.toml; ``[project]`` stays unless given."""

    def write(text: str) -> Path:
        text = textwrap.dedent(text)
        body = text if "[project]" in text else MINIMAL_TOML + "\n" + text
        return write_toml(project, body)

    return write


@pytest.fixture
def breeze(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """``breeze("build-image", "--python", "3.12")`` -> (exit code, stdout, stderr)."""
    from breeze.cli.app import main

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


ADOPT_FIXTURES = Path(__file__).parent / "fixtures" / "adopt"


def copy_adopt_fixture(kind: str, target: Path) -> Path:
    """tests/fixtures/adopt/<kind> copied to ``target``; ``dot-X`` files become ``.X``."""
    import shutil

    shutil.copytree(ADOPT_FIXTURES / kind, target)
    for path in sorted(target.rglob("dot-*")):
        path.rename(path.with_name("." + path.name[len("dot-") :]))
    return target


@pytest.fixture
def adopt_fixture(tmp_path: Path) -> Callable[[str], Path]:
    """``adopt_fixture("handmade")``: a fresh copy of that fixture repository (not yet git)."""
    return lambda kind: copy_adopt_fixture(kind, tmp_path / kind)
