"""Inputs resolved on the host before a build: the constraints file and the Airflow release check."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from breeze import net
from breeze.config import ProjectConfig
from breeze.errors import BuildError, ConfigError
from breeze.paths import cache_dir
from breeze.versions import parse_airflow_version

OFFICIAL_CONSTRAINTS = (
    "https://raw.githubusercontent.com/apache/airflow/constraints-{airflow}/constraints-{python}.txt"
)
PYPI_AIRFLOW = "https://pypi.org/pypi/apache-airflow/json"
_RELEASES_TTL = 24 * 3600


def constraints_text(config: ProjectConfig, python: str, ca_bundle: Path | None) -> str:
    """The constraints for this flavour: `none` -> empty, `official` / URL -> fetched (cached), file."""
    setting = config.constraints
    if setting == "none":
        return ""
    if setting == "official" or setting.startswith(("http://", "https://")):
        url = OFFICIAL_CONSTRAINTS if setting == "official" else setting
        url = url.format(airflow=config.airflow_version, python=python)
        cached = cache_dir() / "constraints" / (hashlib.sha256(url.encode()).hexdigest()[:20] + ".txt")
        if cached.is_file():
            return cached.read_text()
        try:
            text = net.fetch_text(url, ca_bundle=ca_bundle)
        except OSError as exc:
            raise BuildError(
                f"Cannot download the constraints file {url}: {exc}.",
                fix="Check the network, or set [airflow] constraints to a local file or `none` "
                "(--constraints FILE|none).",
            ) from None
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(text)
        return text
    return Path(setting).read_text()


def check_airflow_release(config: ProjectConfig, ca_bundle: Path | None) -> None:
    """Fail early, on the host, when the Airflow version is not a release on PyPI.

    Skipped for private indexes (they need not mirror PyPI's JSON API) and when PyPI does not
    answer: the build then reports the resolver's own message."""
    if config.index_url:
        return
    releases = _airflow_releases(ca_bundle)
    if releases is None or config.airflow_version in releases:
        return
    finals = sorted(
        version
        for version in map(parse_airflow_version, releases)
        if version is not None and not version.is_prerelease and version.major in (2, 3)
    )
    raise ConfigError(
        f"Airflow {config.airflow_version} is not a release on PyPI.",
        fix=f"Use a released version (newest: {', '.join(map(str, finals[-4:]))}) in [airflow] version or "
        "--airflow-version.",
    )


def _airflow_releases(ca_bundle: Path | None) -> set[str] | None:
    cached = cache_dir() / "pypi-apache-airflow-releases.json"
    try:
        if cached.is_file() and time.time() - cached.stat().st_mtime < _RELEASES_TTL:
            return set(json.loads(cached.read_text()))
    except (OSError, ValueError):
        pass
    try:
        releases = sorted(
            json.loads(net.fetch_text(PYPI_AIRFLOW, timeout=8, ca_bundle=ca_bundle))["releases"]
        )
    except (OSError, ValueError, KeyError):
        return None
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps(releases))
    return set(releases)
