"""Host-side build inputs: the constraints file and the Airflow release check.

The network is replaced at its one seam, ``breeze.net.fetch_text``."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from breeze import net
from breeze.config import ProjectConfig, load_project
from breeze.errors import BuildError, ConfigError
from breeze.images.inputs import check_airflow_release, constraints_text

CONSTRAINTS = "apache-airflow==3.3.2\npendulum==3.1.0\n"
RELEASES = ["2.9.3", "2.10.5", "2.11.0", "3.0.0rc1", "3.0.0", "3.1.0", "3.2.1", "3.3.1", "3.3.2"]


class Fetches(list):
    """The URLs fetched, in order; ``reply`` is what the next fetch answers (or raises)."""

    reply: str | BaseException = ""


@pytest.fixture
def fetches(monkeypatch: pytest.MonkeyPatch) -> Fetches:
    calls = Fetches()

    def fetch_text(url: str, timeout: float = 15.0, ca_bundle: Path | None = None) -> str:
        calls.append((url, ca_bundle))
        if isinstance(calls.reply, BaseException):
            raise calls.reply
        return calls.reply

    monkeypatch.setattr(net, "fetch_text", fetch_text)
    return calls


def cache() -> Path:
    return Path(os.environ["BREEZE_CACHE_DIR"])


@pytest.fixture
def config(project: Path) -> Callable[..., ProjectConfig]:
    def make(**overrides: object) -> ProjectConfig:
        return load_project(project, overrides=overrides, env={})

    return make


# -- constraints ----------------------------------------------------------------------------------
def test_no_constraints(config: Callable[..., ProjectConfig], fetches: Fetches) -> None:
    assert constraints_text(config(), "3.11", None) == ""
    assert fetches == []


def test_constraints_file(config: Callable[..., ProjectConfig], project: Path, fetches: Fetches) -> None:
    (project / "constraints.txt").write_text(CONSTRAINTS)

    assert constraints_text(config(**{"airflow.constraints": "constraints.txt"}), "3.11", None) == CONSTRAINTS
    assert fetches == []


def test_official_constraints_are_fetched_once_and_cached(
    config: Callable[..., ProjectConfig], fetches: Fetches, tmp_path: Path
) -> None:
    fetches.reply = CONSTRAINTS
    ca = tmp_path / "corp.pem"
    cfg = config(**{"airflow.constraints": "official"})

    assert constraints_text(cfg, "3.12", ca) == CONSTRAINTS
    assert constraints_text(cfg, "3.12", ca) == CONSTRAINTS

    assert fetches == [
        ("https://raw.githubusercontent.com/apache/airflow/constraints-3.3.2/constraints-3.12.txt", ca)
    ]
    cached = list((cache() / "constraints").iterdir())
    assert len(cached) == 1 and cached[0].read_text() == CONSTRAINTS


def test_each_flavour_has_its_own_cache_entry(config: Callable[..., ProjectConfig], fetches: Fetches) -> None:
    fetches.reply = CONSTRAINTS
    cfg = config(**{"airflow.constraints": "https://constraints.example/c-{airflow}-{python}.txt"})

    constraints_text(cfg, "3.11", None)
    constraints_text(cfg, "3.13", None)

    assert [url for url, _ in fetches] == [
        "https://constraints.example/c-3.3.2-3.11.txt",
        "https://constraints.example/c-3.3.2-3.13.txt",
    ]
    assert len(list((cache() / "constraints").iterdir())) == 2


def test_constraints_download_failure(config: Callable[..., ProjectConfig], fetches: Fetches) -> None:
    fetches.reply = OSError("Temporary failure in name resolution")

    with pytest.raises(BuildError) as info:
        constraints_text(config(**{"airflow.constraints": "https://constraints.example/c.txt"}), "3.11", None)

    assert "https://constraints.example/c.txt" in info.value.message
    assert "Temporary failure in name resolution" in info.value.message
    assert "`none`" in (info.value.fix or "") and "--constraints" in (info.value.fix or "")
    assert not (cache() / "constraints").exists()


# -- the Airflow release check ----------------------------------------------------------------------
@pytest.fixture
def cached_releases() -> Path:
    path = cache() / "pypi-apache-airflow-releases.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(RELEASES))
    return path


def test_known_release_passes(
    config: Callable[..., ProjectConfig], cached_releases: Path, fetches: Fetches
) -> None:
    check_airflow_release(config(), None)

    assert fetches == []


def test_unknown_release_lists_the_newest(
    config: Callable[..., ProjectConfig], cached_releases: Path, fetches: Fetches
) -> None:
    with pytest.raises(ConfigError) as info:
        check_airflow_release(config(**{"airflow.version": "3.3.9"}), None)

    assert info.value.message == "Airflow 3.3.9 is not a release on PyPI."
    assert "newest: 3.1.0, 3.2.1, 3.3.1, 3.3.2" in (info.value.fix or "")
    assert "--airflow-version" in (info.value.fix or "")
    assert fetches == []


def test_private_index_skips_the_check(project: Path, cached_releases: Path, fetches: Fetches) -> None:
    cfg = load_project(
        project,
        overrides={"airflow.version": "3.3.9"},
        env={"BREEZE_INDEX_URL": "https://pypi.corp.example/simple"},
    )

    check_airflow_release(cfg, None)

    assert fetches == []


def test_network_failure_skips_the_check(config: Callable[..., ProjectConfig], fetches: Fetches) -> None:
    fetches.reply = OSError("Network is unreachable")

    check_airflow_release(config(**{"airflow.version": "3.3.9"}), None)

    assert [url for url, _ in fetches] == ["https://pypi.org/pypi/apache-airflow/json"]


def test_stale_list_is_fetched_again_and_cached(
    config: Callable[..., ProjectConfig], cached_releases: Path, fetches: Fetches
) -> None:
    day_ago = cached_releases.stat().st_mtime - 2 * 24 * 3600
    os.utime(cached_releases, (day_ago, day_ago))
    fetches.reply = json.dumps({"releases": {"3.3.9": [], "3.3.2": []}})

    check_airflow_release(config(**{"airflow.version": "3.3.9"}), None)

    assert len(fetches) == 1
    assert json.loads(cached_releases.read_text()) == ["3.3.2", "3.3.9"]


def test_unreadable_cached_list_is_fetched_again(
    config: Callable[..., ProjectConfig], cached_releases: Path, fetches: Fetches
) -> None:
    cached_releases.write_text("{not json")
    fetches.reply = json.dumps({"releases": {"3.3.2": []}})

    check_airflow_release(config(), None)

    assert len(fetches) == 1
