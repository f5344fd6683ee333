"""The project's git-ignored ``.env``: ``KEY=VALUE`` lines read for ``${VAR}`` references and
``AIRFLOW__*`` settings, and the warning when git would commit it."""

from __future__ import annotations

import re
from pathlib import Path

from breeze.errors import ConfigError
from breeze.git import git_code

DOTENV_FILE = ".env"
_DOTENV_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")

ENV_NOT_IGNORED = ".env is not git-ignored: add it to .gitignore so secrets are not committed."
ENV_TRACKED = (
    ".env is tracked by git: run `git rm --cached .env` and add it to .gitignore "
    "so secrets are not committed."
)


def read_dotenv(path: Path) -> dict[str, str]:
    """``KEY=VALUE`` lines; ``#`` comments, blank lines, ``export`` and quotes allowed. A missing
    file is empty. Values are taken as written (no ``${}`` expansion inside .env)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read {path}: {exc}.") from None
    values: dict[str, str] = {}
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        line = re.sub(r"^export\s+", "", line)
        key, sep, rest = line.partition("=")
        key = key.strip()
        value = _dotenv_value(rest) if sep else None
        if value is None or not _DOTENV_KEY.match(key):
            # The line is not echoed: it may well be a pasted secret.
            raise ConfigError(
                f"{path}, line {number}: not a KEY=VALUE line.",
                fix="Write one `NAME=value` per line; `#` starts a comment; quote a value with "
                "spaces or `#` in it, and close the quote on the same line.",
            )
        values[key] = value
    return values


def _dotenv_value(raw: str) -> str | None:
    """The value part of a line; None if it is malformed (an unclosed quote, text after one)."""
    raw = raw.strip()
    if raw[:1] not in ('"', "'"):
        # An unquoted `#` starts a comment only after whitespace, so `pa#ss` stays whole.
        return re.split(r"\s#", raw, maxsplit=1)[0].strip()
    quote, out, i = raw[0], [], 1
    while i < len(raw):
        char = raw[i]
        if quote == '"' and char == "\\" and i + 1 < len(raw):
            following = raw[i + 1]
            out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(following, char + following))
            i += 2
            continue
        if char == quote:
            rest = raw[i + 1 :].strip()
            return "".join(out) if not rest or rest.startswith("#") else None
        out.append(char)
        i += 1
    return None


def dotenv_warning(root: Path) -> str | None:
    """A warning when ``root/.env`` exists in a git work tree and git would commit it."""
    if not (root / DOTENV_FILE).is_file():
        return None

    def git(*args: str) -> int | None:
        return git_code(root, *args)

    # check-ignore: 0 ignored, 1 not ignored, 128 not a repository (or no git at all -> None).
    if git("check-ignore", "-q", DOTENV_FILE) != 1:
        return None
    # check-ignore never reports a tracked file as ignored, and .gitignore alone won't untrack it.
    if git("ls-files", "--error-unmatch", "--", DOTENV_FILE) == 0:
        return ENV_TRACKED
    return ENV_NOT_IGNORED
