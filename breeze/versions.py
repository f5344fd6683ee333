"""The versions breeze knows about, in one place."""

from __future__ import annotations

from packaging.version import InvalidVersion, Version

PYTHON_VERSIONS: tuple[str, ...] = ("3.10", "3.11", "3.12", "3.13")
DEFAULT_PYTHON = "3.11"
DEFAULT_AIRFLOW = "3.3.2"

# Airflow's own support matrix (README "Requirements"): the Python versions each line supports.
_AIRFLOW_PYTHONS: dict[tuple[int, int], tuple[str, ...]] = {
    (2, 9): ("3.8", "3.9", "3.10", "3.11", "3.12"),
    (2, 10): ("3.8", "3.9", "3.10", "3.11", "3.12"),
    (2, 11): ("3.9", "3.10", "3.11", "3.12"),
    (3, 0): ("3.9", "3.10", "3.11", "3.12"),
}
_AIRFLOW_PYTHONS_LATEST = ("3.10", "3.11", "3.12", "3.13")

# The Debian mirror offline stand-ins are built from (`breeze setup offline-images --mirror`).
DEFAULT_MIRROR = "http://deb.debian.org/debian"

# Debian suites that provide each Python as their system python3 (for offline stand-ins).
DEBIAN_PYTHON_SUITES: dict[str, str] = {"3.11": "bookworm", "3.13": "trixie"}


def parse_airflow_version(value: str) -> Version | None:
    """An Airflow release as written on PyPI: X.Y.Z, optionally with an a/b/rc pre-release number
    (``3.3.2``, ``3.1.0rc1``); None for anything else (``3.3``, ``latest``, ``3.3.2.post1``)."""
    try:
        version = Version(value)
    except InvalidVersion:
        return None
    if str(version) != value or len(version.release) != 3:
        return None
    if version.epoch or version.post is not None or version.dev is not None or version.local:
        return None
    return version


def airflow_pythons(version: str) -> tuple[str, ...]:
    parsed = parse_airflow_version(version)
    if parsed is None:
        return ()
    return _AIRFLOW_PYTHONS.get((parsed.major, parsed.minor), _AIRFLOW_PYTHONS_LATEST)


def default_base_image(python: str) -> str:
    return f"python:{python}-slim-bookworm"
