from pathlib import Path

import pytest

from breeze import enginechoice
from breeze.enginechoice import detect, engine_name
from breeze.errors import ConfigError


def _which(present: set[str]):  # type: ignore[no-untyped-def]
    return lambda name: f"/usr/bin/{name}" if name in present else None


@pytest.fixture
def no_socket(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(enginechoice, "DOCKER_SOCKET", tmp_path / "absent.sock")


def test_docker_when_both_clients_and_a_docker_host(monkeypatch: pytest.MonkeyPatch, no_socket: None) -> None:
    monkeypatch.setattr(enginechoice.shutil, "which", _which({"docker", "podman"}))
    assert detect({"DOCKER_HOST": "unix:///x.sock"}) == "docker"


def test_podman_when_it_is_the_only_engine(monkeypatch: pytest.MonkeyPatch, no_socket: None) -> None:
    monkeypatch.setattr(enginechoice.shutil, "which", _which({"podman"}))
    assert detect({}) == "podman"
    monkeypatch.setattr(enginechoice.shutil, "which", _which({"docker", "podman"}))
    assert detect({}) == "podman"  # a docker client without a daemon is not an engine


def test_docker_by_default(monkeypatch: pytest.MonkeyPatch, no_socket: None) -> None:
    monkeypatch.setattr(enginechoice.shutil, "which", _which(set()))
    assert detect({}) == "docker"


def test_env_beats_the_project_file(tmp_path: Path) -> None:
    (tmp_path / "breeze.toml").write_text('[engine]\nname = "podman"\n')
    assert engine_name(tmp_path, {}) == "podman"
    assert engine_name(tmp_path, {"BREEZE_ENGINE": "docker"}) == "docker"


def test_outside_a_project_the_env_decides(tmp_path: Path) -> None:
    assert engine_name(tmp_path, {"BREEZE_ENGINE": "Podman"}) == "podman"


def test_unknown_engine_names_the_choices(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        engine_name(tmp_path, {"BREEZE_ENGINE": "containerd"})
    assert "BREEZE_ENGINE" in str(err.value)
    assert "podman" in (err.value.fix or "")


def test_doctor_is_told_why_the_engine_was_chosen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_socket: None
) -> None:
    project, empty = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir(), empty.mkdir()
    (project / "breeze.toml").write_text('[engine]\nname = "podman"\n')
    assert enginechoice.choice(project, {"BREEZE_ENGINE": "docker"}) == ("docker", "BREEZE_ENGINE")
    assert enginechoice.choice(project, {}) == ("podman", "[engine] name in the project's config")
    monkeypatch.setattr(enginechoice.shutil, "which", _which({"podman"}))
    assert enginechoice.choice(empty, {}) == ("podman", "found: podman is the only engine here")
