"""Which offline stand-in replaces which registry image: ``<config dir>/offline-images.json``.

The file maps a kind and a version to an image reference, for example::

    {"python": {"3.11": "breeze-offline/python:3.11"},
     "postgres": {"15": "breeze-offline/postgres:15"},
     "redis": {"7": "breeze-offline/redis:7"}}

Image builds and the local environment ask ``python_base`` / ``service_image``; ``None`` means
"use the registry's image as usual".
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from breeze.errors import ConfigError
from breeze.paths import config_dir

FILENAME = "offline-images.json"


def path() -> Path:
    return config_dir() / FILENAME


def load() -> dict[str, dict[str, str]]:
    """The whole mapping; empty when breeze has no offline images recorded."""
    file = path()
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(
            f"Cannot read {file}: {exc.strerror}.", fix=f"Check the permissions of {file}."
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"{file} is not valid JSON ({exc.msg}, line {exc.lineno}).",
            fix="Run `breeze setup offline-images` again (it rewrites the file), or "
            "`breeze setup offline-images --remove` to go back to the registry's images.",
        ) from None
    if not isinstance(data, dict) or not all(
        isinstance(v, dict) and all(isinstance(x, str) for x in v.values()) for v in data.values()
    ):
        raise ConfigError(
            f"{file} does not map kinds to {{version: image}} tables.",
            fix="Run `breeze setup offline-images --remove`, then `breeze setup offline-images`.",
        )
    return {str(kind): {str(k): v for k, v in table.items()} for kind, table in data.items()}


def python_base(version: str) -> str | None:
    """The offline base image for a Python flavour, or None to use ``python:<version>-slim-*``."""
    return load().get("python", {}).get(version)


def service_image(kind: str, version: str) -> str | None:
    """The offline image for a service (``postgres``, ``redis``) at a version, or None."""
    return load().get(kind, {}).get(version)


def record(images: Mapping[str, Mapping[str, str]]) -> Path:
    """Merge ``{kind: {version: image}}`` into the file (other entries stay); return its path."""
    merged = load()
    for kind, table in images.items():
        merged.setdefault(kind, {}).update(table)
    file = path()
    file.parent.mkdir(parents=True, exist_ok=True)
    # Write to a sibling and rename, so a breeze running at the same time never reads half a file.
    fd, tmp = tempfile.mkstemp(prefix=f".{FILENAME}.", dir=file.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(merged, out, indent=2, sort_keys=True)
            out.write("\n")
        os.replace(tmp, file)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return file


def clear() -> bool:
    """Forget every offline image; return whether there was anything to forget."""
    try:
        path().unlink()
    except FileNotFoundError:
        return False
    return True
