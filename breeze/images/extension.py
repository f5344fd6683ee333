"""The project's own Dockerfile, which extends breeze's production image only when it builds
``FROM ${BREEZE_IMAGE}``; any other Dockerfile (a team's image from before breeze) is left alone."""

from __future__ import annotations

import re
from pathlib import Path

from breeze.config import ProjectConfig

_FROM = re.compile(r"^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)", re.IGNORECASE | re.MULTILINE)
_BREEZE_IMAGE = re.compile(r"^\$\{?BREEZE_IMAGE\}?$")


def is_extension(path: Path) -> bool:
    """True when the first stage builds FROM ${BREEZE_IMAGE}."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    match = _FROM.search(re.sub(r"\\\n", " ", text))
    return match is not None and _BREEZE_IMAGE.match(match[1]) is not None


def extension_dockerfile(config: ProjectConfig) -> tuple[Path | None, str | None]:
    """(the Dockerfile to build on top of breeze's image, or None; a notice when one is ignored)."""
    dockerfile = config.dockerfile
    if dockerfile is None or is_extension(dockerfile):
        return dockerfile, None
    shown = dockerfile.relative_to(config.root) if dockerfile.is_relative_to(config.root) else dockerfile
    notice = (
        f"{shown} does not build FROM ${{BREEZE_IMAGE}}, so it is not used as an extension of breeze's "
        f"image (it stays as it is). To extend the image with it, start it with `ARG BREEZE_IMAGE` and "
        f"`FROM ${{BREEZE_IMAGE}}` and keep only the steps breeze does not do itself (apt packages, "
        f"requirements and folders are in breeze.toml)."
    )
    return None, notice
