"""Registry names and push tags: pure functions of the config and the commit."""

from __future__ import annotations

from pathlib import Path

import pytest

from breeze.config import load_project
from breeze.delivery.settings import check_registry, push_tags, remote_repository, unique_tag
from breeze.errors import ConfigError
from breeze.git import GitInfo

SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize(
    "name",
    [
        "ghcr.io/my-team",
        "registry.example.com:5000/data/airflow",
        "127.0.0.1:5000",
        "localhost/x",
        "[::1]:5000",
    ],
)
def test_registry_names_docker_accepts(name: str) -> None:
    assert check_registry(name + "/", "--registry") == name


@pytest.mark.parametrize(
    "name", ["https://ghcr.io/x", "team", "ghcr.io/My-Team", "ghcr.io//x", "my registry.io", "ghcr.io/x:tag"]
)
def test_registry_names_docker_refuses(name: str) -> None:
    with pytest.raises(ConfigError, match="is not a registry name"):
        check_registry(name, "--registry")


def test_no_registry_names_both_places_to_set_it() -> None:
    with pytest.raises(ConfigError) as caught:
        check_registry("  ", "[image] registry")
    assert caught.value.fix is not None and "--registry" in caught.value.fix


def test_tags_unique_release_and_latest(project: Path) -> None:
    config = load_project(project)
    clean, dirty = GitInfo(SHA, False, ""), GitInfo(SHA, True, "")
    assert unique_tag(clean, "3.11") == "0123456789ab-python3.11"
    assert unique_tag(dirty, "3.11") == "0123456789ab-dirty-python3.11"
    assert push_tags(config, clean, "3.11", release=False, latest=False) == ("0123456789ab-python3.11",)
    assert push_tags(config, clean, "3.11", release=True, latest=True) == (
        "0123456789ab-python3.11",
        "1.0.0-python3.11",
        "latest",
    )
    # latest only ever names the default flavour
    assert "latest" not in push_tags(config, clean, "3.13", release=True, latest=True)


def test_remote_repository_replaces_the_configured_registry(project: Path, project_toml) -> None:  # type: ignore[no-untyped-def]
    assert remote_repository(load_project(project), "127.0.0.1:5000") == "127.0.0.1:5000/demo"
    project_toml('[image]\nregistry = "ghcr.io/team"\n')
    assert remote_repository(load_project(project), "127.0.0.1:5000/qa") == "127.0.0.1:5000/qa/demo"
