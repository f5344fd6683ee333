"""The Dockerfile a team built before breeze: base image, apt and pip steps, ENV and COPY lines."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from breeze.adopt import astro, envvars
from breeze.adopt.model import Collector, Reading
from breeze.adopt.requirements import read_pip_args

OFFICIAL = re.compile(r"^(?:docker\.io/)?apache/airflow:(?:slim-)?(\d+\.\d+\.\d+)(?:-python(\d+\.\d+))?$")
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")
# Shell steps that only tidy up after apt or pip, so there is nothing to carry over.
_TIDY = re.compile(
    r"^(apt-get (update|clean|autoremove.*|-y (clean|autoremove.*))|rm -rf /var/lib/apt/lists.*|true|set -\w+)$"
)
_APT_OPTION_WITH_VALUE = {"-o", "-t", "--target-release"}
FIX_STEP = (
    "Put it in a Dockerfile that starts `ARG BREEZE_IMAGE` / `FROM ${BREEZE_IMAGE}` ([image] dockerfile)."
)


def instructions(text: str) -> list[tuple[int, str, str]]:
    """(line number, INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    result: list[tuple[int, str, str]] = []
    buffer, start = "", 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not buffer and (not stripped or stripped.startswith("#")):
            continue
        if buffer and stripped.startswith("#"):
            continue
        if not buffer:
            start = number
        if stripped.endswith("\\"):
            buffer += stripped[:-1].rstrip() + " "
            continue
        buffer += stripped
        word, _, rest = buffer.partition(" ")
        result.append((start, word.upper(), rest.strip()))
        buffer = ""
    if buffer:
        word, _, rest = buffer.partition(" ")
        result.append((start, word.upper(), rest.strip()))
    return result


def substitute(text: str, args: dict[str, str]) -> str | None:
    """``${NAME:-default}`` / ``$NAME`` from ARG values; None when one has no value."""
    missing = False

    def replace(match: re.Match[str]) -> str:
        nonlocal missing
        name = match[1] or match[3]
        value = args.get(name) or match[2]
        if value is None:
            missing = True
            return ""
        return value

    result = _VAR.sub(replace, text)
    return None if missing else result


def read(root: Path, path: Path) -> Reading:
    label = path.relative_to(root).as_posix()
    out = Collector()
    try:
        steps = instructions(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        out.gap(f"{label} could not be read ({exc})", label, "Save it as UTF-8 text.")
        return out.reading()
    args: dict[str, str] = {}
    copied: dict[str, str] = {}  # path in the image -> file in the project
    for number, word, rest in steps:
        where = f"{label}:{number}"
        if word == "ARG":
            name, _, default = rest.partition("=")
            args.setdefault(name.strip(), default.strip().strip("\"'"))
        elif word == "FROM":
            _base(rest, args, where, out)
        elif word == "ENV":
            for name, value in _env_pairs(rest):
                envvars.classify(name, value, where, out)
        elif word in ("COPY", "ADD"):
            _copy(root, rest, where, out, copied)
        elif word == "RUN":
            _run(root, rest, where, out, copied)
        elif word in ("CMD", "ENTRYPOINT", "HEALTHCHECK"):
            out.gap(f"{word} {rest}", where, "Nothing to do: breeze's images use Airflow's own commands.")
    return out.reading()


def _base(rest: str, args: dict[str, str], where: str, out: Collector) -> None:
    words = rest.split()
    ref = substitute(words[0], args) if words and not words[0].startswith("--") else None
    if ref is None and words:
        ref = substitute(words[-1], args) if words[0].startswith("--") else None
    if not ref:
        out.gap(
            f"base image `{rest}` (an ARG without a default)",
            where,
            "Give the ARG a default, or pass --airflow-version to breeze init.",
            blocking=True,
        )
        return
    official = OFFICIAL.match(ref)
    if official:
        out.fact("airflow_version", official[1], where)
        if official[2]:
            out.fact("python", official[2], where)
        return
    if astro.is_runtime(ref):
        astro.runtime_facts(ref, where, out)
        return
    out.gap(
        f"base image {ref} (not an Airflow image breeze can read a version from)",
        where,
        "Pass --airflow-version (and --python) to breeze init; breeze builds its own base image.",
        blocking=True,
    )


def _env_pairs(rest: str) -> list[tuple[str, str]]:
    try:
        words = shlex.split(rest)
    except ValueError:
        return []
    if words and "=" not in words[0]:  # legacy `ENV NAME value with spaces`
        return [(words[0], " ".join(words[1:]))]
    return [(w.split("=", 1)[0], w.split("=", 1)[1]) for w in words if "=" in w]


def _copy(root: Path, rest: str, where: str, out: Collector, copied: dict[str, str]) -> None:
    try:
        words = [w for w in shlex.split(rest) if not w.startswith("--")]
    except ValueError:
        return
    if "--from=" in rest or len(words) < 2:
        return
    *sources, dest = words
    for source in sources:
        top = source.strip("./").split("/")[0]
        if top and (root / top).is_dir() and not top.startswith("."):
            out.fact("folders", (top,), where)
        elif (root / source).is_file():
            target = dest.rstrip("/") + "/" + Path(source).name if dest.endswith("/") else dest
            copied[target] = source


def _run(root: Path, rest: str, where: str, out: Collector, copied: dict[str, str]) -> None:
    for command in re.split(r"\s*(?:&&|;|\|\|)\s*", rest):
        command = command.strip()
        if not command or _TIDY.match(command):
            continue
        try:
            words = shlex.split(command)
        except ValueError:
            out.gap(f"RUN {command}", where, FIX_STEP)
            continue
        if words[:2] in (["apt-get", "install"], ["apt", "install"]):
            packages = _apt_packages(words[2:])
            if packages:
                out.fact("apt", packages, where)
        elif "pip" in words[:3] and "install" in words:
            read_pip_args(root, words[words.index("install") + 1 :], where, out, copied)
        else:
            out.gap(f"RUN {command}", where, FIX_STEP)


def _apt_packages(words: list[str]) -> tuple[str, ...]:
    packages, skip = [], False
    for word in words:
        if skip:
            skip = False
        elif word in _APT_OPTION_WITH_VALUE:
            skip = True
        elif not word.startswith("-") and "$" not in word:
            packages.append(word)
    return tuple(packages)
