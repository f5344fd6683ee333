"""``breeze doctor``'s rows for podman: its facts (version, rootful or rootless, storage, runtime),
whether it is new enough for breeze's builds, and the containers.conf setting without which
``podman run`` fails on machines with a low open-files limit. The facts come through the engine
seam (``podman info``); the files read are podman's own configuration."""

from __future__ import annotations

import os
import resource
from pathlib import Path

from breeze import podman, podmanrootless
from breeze.engine import PODMAN_FIX, Engine
from breeze.errors import EngineCommandFailed, EngineError
from breeze.podmanrow import Row

# podman's default open-files limit (containers.conf's default_ulimits is unset): 1048576.
PODMAN_NOFILE = 1048576
ULIMITS_FIX = (
    "Run `sudo bash scripts/install-podman.sh` (it adds `default_ulimits = []` under [containers] in "
    "/etc/containers/containers.conf), or add that line yourself."
)


def rows(engine: Engine) -> tuple[list[Row], str | None]:
    """The engine rows for podman, and podman's storage root (for the disk check)."""
    if not engine._binary("podman"):
        return [Row("engine", "FAIL", "the `podman` command is not installed", PODMAN_FIX, True)], None
    try:
        info = engine.podman_info()
        found = podman.facts(info)
    except EngineCommandFailed as exc:
        return [Row("engine", "FAIL", f"`podman info` fails: {exc.last_line}", PODMAN_FIX, True)], None
    result = [Row("engine", "ok", found.describe(), engine=True), _build_row(found.version)]
    result.append(_ulimits_row(conf_files(), _nofile_hard_limit()))
    if found.rootless:
        result.extend(podmanrootless.rows(info, os.environ, os.getuid()))
    return result, found.graph_root


def _build_row(version: str) -> Row:
    try:
        podman.check(podman.BUILD, version)
    except EngineError as exc:
        return Row("build", "FAIL", exc.message, exc.fix, True)
    return Row("build", "ok", f"podman build (no buildx plugin needed; {podman.show(podman.BUILD.since)}+)")


def conf_files() -> list[Path]:
    """containers.conf files podman reads, system-wide first (CONTAINERS_CONF replaces them all)."""
    if os.environ.get("CONTAINERS_CONF"):
        return [Path(os.environ["CONTAINERS_CONF"])]
    home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return [
        Path("/usr/share/containers/containers.conf"),
        Path("/etc/containers/containers.conf"),
        home / "containers" / "containers.conf",
    ]


def _nofile_hard_limit() -> int:
    return resource.getrlimit(resource.RLIMIT_NOFILE)[1]


def _ulimits_row(files: list[Path], hard_limit: int) -> Row:
    setting = [f for f in files if f.is_file() and podman.ulimits_configured(f.read_text(errors="replace"))]
    if setting:
        return Row("podman ulimits", "ok", f"default_ulimits set in {setting[-1]}")
    if hard_limit == resource.RLIM_INFINITY or hard_limit >= PODMAN_NOFILE:
        return Row("podman ulimits", "ok", "podman's default open-files limit fits this machine's")
    return Row(
        "podman ulimits",
        "FAIL",
        f"open-files hard limit {hard_limit} < podman's default {PODMAN_NOFILE}: `podman run` fails "
        '("error setting rlimit type 7")',
        ULIMITS_FIX,
        True,
    )
