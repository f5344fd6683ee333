"""pytest / ruff settings a project already has: its import path, and whether breeze adds its own."""

from __future__ import annotations

import configparser
import tomllib
from pathlib import Path

from breeze.adopt.model import Collector, Reading

# (file, section) where pytest reads its ini options.
_PYTEST_INI = (("pytest.ini", "pytest"), ("tox.ini", "pytest"), ("setup.cfg", "tool:pytest"))
_RUFF_FILES = ("ruff.toml", ".ruff.toml")


def _pyproject(root: Path) -> dict[str, object]:
    try:
        with (root / "pyproject.toml").open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def _tool(root: Path, *names: str) -> object:
    value: object = _pyproject(root).get("tool")
    for name in names:
        value = value.get(name) if isinstance(value, dict) else None
    return value


def has_pytest_config(root: Path) -> bool:
    if _tool(root, "pytest", "ini_options") is not None:
        return True
    return any(_ini_section(root / file, section) is not None for file, section in _PYTEST_INI)


def has_ruff_config(root: Path) -> bool:
    return any((root / name).is_file() for name in _RUFF_FILES) or _tool(root, "ruff") is not None


def _ini_section(path: Path, section: str) -> dict[str, str] | None:
    if not path.is_file():
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return None
    return dict(parser[section]) if parser.has_section(section) else None


def read(root: Path) -> Reading:
    """pytest's ``pythonpath`` and a ``src/`` package: folders the project imports from."""
    out = Collector()
    for file, section in _PYTEST_INI:
        values = _ini_section(root / file, section)
        if values and values.get("pythonpath"):
            _folders(root, values["pythonpath"].split(), f"{file} pythonpath", out)
    options = _tool(root, "pytest", "ini_options")
    if isinstance(options, dict) and options.get("pythonpath"):
        raw = options["pythonpath"]
        _folders(root, raw if isinstance(raw, list) else str(raw).split(), "pyproject.toml pythonpath", out)
    src = root / "src"
    if src.is_dir() and any((child / "__init__.py").is_file() for child in src.iterdir() if child.is_dir()):
        out.fact("python_path", ("src",), "src/ (a package folder)")
        out.fact("folders", ("src",), "src/ (a package folder)")
    return out.reading()


def _folders(root: Path, entries: list[str], source: str, out: Collector) -> None:
    folders = []
    for entry in entries:
        name = str(entry).strip().strip("/").removeprefix("./")
        if name in ("", "."):
            continue  # the project root is on the path in breeze's images already
        if "/" in name or not (root / name).is_dir():
            out.gap(f"pythonpath entry {entry}", source, "Put only top-level folders on [image] python-path.")
            continue
        folders.append(name)
    if folders:
        out.fact("python_path", tuple(folders), source)
