"""The digests breeze pushed, per flavour: ``<project>/.breeze/pushed.json``.

``breeze deploy`` and the CI pipeline read the digest from here, never a tag (a tag can move; a
digest names exactly the image that was tested). The file holds no secret and is git-ignored by
the scaffold's .gitignore."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import NotRequired, TypedDict, cast

from breeze.errors import ConfigError

FOLDER = ".breeze"
FILENAME = "pushed.json"


class PushedImage(TypedDict):
    repository: str
    digest: str  # sha256:... (of the manifest list when several platforms were pushed)
    reference: str  # repository@digest: what deploy uses
    tags: list[str]
    commit: str
    version: str
    pushed_at: str
    platforms: NotRequired[list[str]]  # a multi-platform push: what the manifest list joins


class PushedFile(TypedDict):
    project: str
    images: dict[str, PushedImage]  # python flavour -> image


def path(root: Path) -> Path:
    return root / FOLDER / FILENAME


def load(root: Path) -> PushedFile | None:
    """What was pushed last from this project; None before the first push."""
    file = path(root)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(
            f"Cannot read {file} ({exc}).", fix=f"Remove {file}; the next `breeze push` writes it again."
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("images"), dict):
        raise ConfigError(
            f"{file} is not a breeze push record.", fix=f"Remove {file}; `breeze push` writes it again."
        )
    return cast(PushedFile, data)


def record(root: Path, project: str, images: dict[str, PushedImage]) -> Path:
    """Merge the flavours just pushed into the file (other flavours stay); return its path."""
    previous = load(root)
    merged: dict[str, PushedImage] = dict(previous["images"]) if previous else {}
    merged.update(images)
    content: PushedFile = {"project": project, "images": dict(sorted(merged.items()))}
    file = path(root)
    file.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{FILENAME}.", dir=file.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(content, out, indent=2)
            out.write("\n")
        os.replace(tmp, file)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return file
