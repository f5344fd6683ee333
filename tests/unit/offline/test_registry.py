"""The offline image registry file: round trip, merging, clearing and bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from breeze.errors import ConfigError
from breeze.offline import registry


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BREEZE_CONFIG_DIR", str(tmp_path))
    return tmp_path


def test_nothing_recorded_means_registry_images(config_dir: Path) -> None:
    assert registry.load() == {}
    assert registry.python_base("3.11") is None
    assert registry.service_image("postgres", "15") is None
    assert registry.clear() is False


def test_record_round_trip(config_dir: Path) -> None:
    file = registry.record({"python": {"3.11": "breeze-offline/python:3.11"}})

    assert file == config_dir / "offline-images.json"
    assert json.loads(file.read_text()) == {"python": {"3.11": "breeze-offline/python:3.11"}}
    assert registry.python_base("3.11") == "breeze-offline/python:3.11"
    assert registry.python_base("3.13") is None


def test_record_merges_with_what_is_there(config_dir: Path) -> None:
    registry.record({"python": {"3.11": "breeze-offline/python:3.11"}})
    registry.record(
        {
            "python": {"3.13": "breeze-offline/python:3.13"},
            "postgres": {"15": "breeze-offline/postgres:15"},
            "redis": {"7": "breeze-offline/redis:7"},
        }
    )

    assert registry.load() == {
        "python": {"3.11": "breeze-offline/python:3.11", "3.13": "breeze-offline/python:3.13"},
        "postgres": {"15": "breeze-offline/postgres:15"},
        "redis": {"7": "breeze-offline/redis:7"},
    }
    assert registry.service_image("postgres", "15") == "breeze-offline/postgres:15"
    assert registry.service_image("redis", "7") == "breeze-offline/redis:7"
    assert registry.service_image("redis", "6") is None
    # Nothing but the file itself is left in the directory (the write goes through a rename).
    assert [p.name for p in config_dir.iterdir()] == ["offline-images.json"]


def test_record_creates_the_config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BREEZE_CONFIG_DIR", str(tmp_path / "a" / "b"))
    registry.record({"redis": {"7": "breeze-offline/redis:7"}})
    assert registry.service_image("redis", "7") == "breeze-offline/redis:7"


def test_clear_forgets_everything(config_dir: Path) -> None:
    registry.record({"python": {"3.11": "breeze-offline/python:3.11"}})

    assert registry.clear() is True
    assert not (config_dir / "offline-images.json").exists()
    assert registry.python_base("3.11") is None


@pytest.mark.parametrize("content", ["{not json", '["python"]', '{"python": {"3.11": 3}}', '{"python": "x"}'])
def test_bad_file_is_a_config_error_with_a_fix(config_dir: Path, content: str) -> None:
    (config_dir / "offline-images.json").write_text(content)

    with pytest.raises(ConfigError) as info:
        registry.load()
    assert "offline-images.json" in info.value.message
    assert info.value.fix and "--remove" in info.value.fix
