"""Where the files that ship with breeze (Dockerfiles, compose files, scripts) live."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_path(*parts: str) -> Path:
    """A path under images/, compose/ or scripts/, in a wheel (breeze/_data) or a source checkout."""
    packaged = _PACKAGE / "_data" / Path(*parts)
    if packaged.exists():
        return packaged
    return _PACKAGE.parent / Path(*parts)
