"""requirements.txt, packages.txt and the arguments of a ``pip install`` line."""

from __future__ import annotations

from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from breeze.adopt.model import Collector, Reading
from breeze.config import read_apt_file
from breeze.errors import ConfigError

_OPTIONS_WITH_VALUE = {"-i", "--index-url", "--extra-index-url", "-c", "--constraint", "-f", "--find-links"}
_INDEX_FIX = "Set [build] index-url / extra-index-urls in breeze.toml (credentials in BREEZE_INDEX_URL)."


def read_requirements(root: Path, path: Path) -> Reading:
    """Every line must be a requirement breeze can read: it installs the file as it is."""
    label = path.relative_to(root).as_posix()
    out = Collector()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read {label}: {exc}.", fix=f"Save {label} as UTF-8 text.") from None
    out.fact("requirements", label, label)
    for number, line in enumerate(text.splitlines(), start=1):
        spec = line.split(" #", 1)[0].strip()
        if not spec or spec.startswith("#"):
            continue
        where = f"{label}:{number}"
        if spec.startswith("-"):
            out.gap(f"`{spec}` (a pip option)", where, _option_fix(spec))
            continue
        requirement(spec, where, out)
    return out.reading()


def requirement(spec: str, where: str, out: Collector, *, collect: bool = False) -> None:
    """One requirement; the ``apache-airflow`` pin says the Airflow version and extras."""
    try:
        parsed = Requirement(spec)
    except InvalidRequirement as exc:
        raise ConfigError(
            f"{where}: `{spec}` is not a requirement breeze can read ({exc}).",
            fix="Write it as PEP 508 (`name==1.2.3`, `name[extra]>=1`, `name @ https://...`), "
            "or move it to a Dockerfile FROM ${BREEZE_IMAGE}.",
        ) from None
    if canonicalize_name(parsed.name) == "apache-airflow":
        pins = [s.version for s in parsed.specifier if s.operator in ("==", "===")]
        if pins:
            out.fact("airflow_version", pins[0], where)
        if parsed.extras:
            out.fact("extras", tuple(sorted(parsed.extras)), where)
        return
    if collect:
        out.fact("python_deps", (str(parsed),), where)


def read_pip_args(root: Path, words: list[str], where: str, out: Collector, copied: dict[str, str]) -> None:
    """``pip install -r FILE pkg ...`` in a Dockerfile ``RUN``."""
    words = list(words)
    while words:
        word = words.pop(0)
        if word in ("-r", "--requirement"):
            _requirements_file(root, words.pop(0) if words else "", copied, where, out)
        elif word.startswith("-r") and not word.startswith("--"):
            _requirements_file(root, word[2:], copied, where, out)
        elif word in _OPTIONS_WITH_VALUE:
            out.gap(f"pip {word} {words.pop(0) if words else ''}".strip(), where, _option_fix(word))
        elif word.startswith("-") or "$" in word:
            continue
        elif word == "." or word.startswith(("/", "./")):
            out.gap(
                f"pip install {word} (a local package)",
                where,
                "Add its folder to [image] python-path, or build it in a Dockerfile FROM ${BREEZE_IMAGE}.",
            )
        else:
            requirement(word, where, out, collect=True)


def _requirements_file(root: Path, target: str, copied: dict[str, str], where: str, out: Collector) -> None:
    project_file = copied.get(target) or (target if (root / target).is_file() else None)
    if project_file is None:
        out.gap(
            f"pip install -r {target} (a file breeze cannot find in the project)",
            where,
            "Point [dependencies] requirements at it.",
        )
        return
    nested = read_requirements(root, root / project_file)
    out.facts.extend(nested.facts)
    out.gaps.extend(nested.gaps)


def _option_fix(option: str) -> str:
    if option.startswith(("-i", "--index-url", "--extra-index-url")):
        return _INDEX_FIX
    if option.startswith(("-c", "--constraint")):
        return "Set [airflow] constraints to the constraints file or URL."
    if option.startswith(("-r", "--requirement")):
        return "List those requirements in the one requirements file breeze installs."
    return "Move it to a Dockerfile FROM ${BREEZE_IMAGE} ([image] dockerfile)."


def read_packages(root: Path, path: Path) -> Reading:
    label = path.relative_to(root).as_posix()
    out = Collector()
    read_apt_file(path, label)  # raises with the line when a name is not a Debian package
    out.fact("packages", label, label)
    return out.reading()
