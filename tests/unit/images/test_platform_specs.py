"""Which image a --platform build makes: its tags and its (offline) base, without an engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from breeze import platforms
from breeze.config import load_project
from breeze.errors import ConfigError
from breeze.images.build import specs_for
from breeze.offline import registry


@pytest.fixture(autouse=True)
def amd64(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(platforms, "native", lambda: "linux/amd64")


def test_one_platform_keeps_the_usual_tags(project: Path) -> None:
    spec = specs_for(load_project(project), "prod", "3.11", platform="linux/arm64")
    assert spec.tags == ("demo:1.0.0-python3.11", "demo:latest")


def test_several_platforms_are_tagged_per_platform_and_the_native_one_also_as_usual(project: Path) -> None:
    config = load_project(project)
    arm = specs_for(config, "prod", "3.11", platform="linux/arm64", per_platform=True)
    amd = specs_for(config, "prod", "3.11", platform="linux/amd64", per_platform=True)

    assert arm.tags == ("demo:1.0.0-python3.11-linux-arm64", "demo:latest-linux-arm64")
    assert amd.ref == "demo:1.0.0-python3.11-linux-amd64"
    assert "demo:1.0.0-python3.11" in amd.tags


def test_a_foreign_platform_builds_on_its_own_offline_stand_in(project: Path) -> None:
    registry.record(
        {
            "python": {"3.11": "breeze-offline/python:3.11"},
            "python@linux/arm64": {"3.11": "breeze-offline/python:3.11-linux-arm64"},
        }
    )
    config = load_project(project)
    assert (
        specs_for(config, "prod", "3.11", platform="linux/arm64").base.ref
        == "breeze-offline/python:3.11-linux-arm64"
    )
    assert specs_for(config, "prod", "3.11").base.ref == "breeze-offline/python:3.11"


def test_an_offline_machine_without_a_foreign_stand_in_is_told_to_make_one(project: Path) -> None:
    registry.record({"python": {"3.11": "breeze-offline/python:3.11"}})
    with pytest.raises(ConfigError) as error:
        specs_for(load_project(project), "prod", "3.11", platform="linux/arm64")
    assert error.value.fix == "Run `breeze setup offline-images --platform linux/arm64 --python 3.11` first."
