"""The project's .dockerignore, read with Docker's semantics, for the staged production context.

Docker (moby ``patternmatcher``) differs from .gitignore: a pattern is anchored at the context
root (``*.pyc`` is the top level only; ``**/*.pyc`` is everywhere), a pattern that matches a
folder excludes everything under it, ``!`` re-includes, and the last matching line wins.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pathspec.pattern import RegexPattern

FILE = ".dockerignore"


def _translate(pattern: str) -> str:
    """A Docker pattern as an anchored regular expression (``**``, ``*``, ``?``, ``[...]``, ``\\``)."""
    out, i = ["^"], 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        elif char == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = pattern[i + 1 : end].replace("\\", "\\\\")
                out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
                i = end
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out) + "$"


@dataclass(frozen=True)
class DockerIgnore:
    patterns: tuple[RegexPattern, ...] = ()

    def excluded(self, relative: str) -> bool:
        """Whether Docker leaves ``relative`` (a POSIX path from the context root) out."""
        path = PurePosixPath(relative)
        candidates = [str(path), *(str(parent) for parent in path.parents if str(parent) != ".")]
        result = False
        for pattern in self.patterns:
            if any(pattern.match_file(candidate) is not None for candidate in candidates):
                result = bool(pattern.include)
        return result


def parse(text: str) -> DockerIgnore:
    patterns = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        exclude = not line.startswith("!")
        line = line.lstrip("!").strip()
        cleaned = posixpath.normpath(line).lstrip("/")
        if cleaned in ("", "."):
            continue
        # include=True marks an excluding line: the matcher answers "is it left out?".
        patterns.append(RegexPattern(re.compile(_translate(cleaned)), include=exclude))
    return DockerIgnore(tuple(patterns))


def load(root: Path) -> DockerIgnore:
    path = root / FILE
    try:
        return parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return DockerIgnore()
    except (OSError, UnicodeDecodeError):
        return DockerIgnore()
