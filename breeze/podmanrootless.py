"""``breeze doctor``'s rows for rootless podman: what a user needs before a stack can run, each
seen to fail on a machine without systemd (no logind) when missing. scripts/setup-rootless-podman.sh
sets all of them up; the rows name it as the fix."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from breeze.podmanrow import Row

__all__ = ["TUN", "Row", "rows", "setup_fix"]

TUN = Path("/dev/net/tun")


def setup_fix(user: str) -> str:
    return (
        f"Run `sudo bash scripts/setup-rootless-podman.sh {user}` from the breeze repository (it adds only "
        "what is missing)."
    )


def rows(info: Mapping[str, Any], env: Mapping[str, str], uid: int, tun: Path = TUN) -> list[Row]:
    """The subordinate IDs, runtime directory, network device and storage driver of a rootless
    podman (``info`` is ``podman info``'s JSON)."""
    fix = setup_fix(env.get("USER") or str(uid))
    return [
        _ids_row(info, fix),
        _runtime_dir_row(env.get("XDG_RUNTIME_DIR", ""), uid, fix),
        _tun_row(tun, fix),
        _storage_row(str(info.get("store", {}).get("graphDriverName", "unknown")), fix),
    ]


def _ids_row(info: Mapping[str, Any], fix: str) -> Row:
    uidmap = info.get("host", {}).get("idMappings", {}).get("uidmap") or []
    extra = sum(int(entry.get("size", 0)) for entry in uidmap[1:])
    if extra:
        return Row("rootless IDs", "ok", f"{extra} subordinate UIDs")
    return Row(
        "rootless IDs",
        "FAIL",
        "no subordinate UIDs for you in /etc/subuid: containers cannot start",
        fix,
        True,
    )


def _runtime_dir_row(runtime_dir: str, uid: int, fix: str) -> Row:
    name = "rootless runtime dir"
    fix = f"{fix} Then `export XDG_RUNTIME_DIR=/run/user/{uid}`."
    if not runtime_dir:
        return Row(name, "FAIL", "XDG_RUNTIME_DIR is not set (logind sets it; nothing did here)", fix, True)
    try:
        found = os.stat(runtime_dir)
    except OSError:
        return Row(name, "FAIL", f"XDG_RUNTIME_DIR={runtime_dir} does not exist", fix, True)
    if found.st_uid != uid or found.st_mode & 0o077:
        detail = f"{runtime_dir} must be yours with mode 0700 (it is {oct(found.st_mode & 0o777)}, UID {found.st_uid})"
        return Row(name, "FAIL", detail, fix, True)
    return Row(name, "ok", f"XDG_RUNTIME_DIR={runtime_dir}")


def _tun_row(tun: Path, fix: str) -> Row:
    if os.access(tun, os.R_OK | os.W_OK):
        return Row("rootless network", "ok", f"{tun} is usable (slirp4netns)")
    detail = f"{tun} is not read-writable for you: slirp4netns fails, no container gets a network"
    return Row("rootless network", "FAIL", detail, fix, True)


def _storage_row(driver: str, fix: str) -> Row:
    if driver == "vfs":
        return Row("rootless storage", "warn", "vfs storage copies every image layer (slow, large)", fix)
    return Row("rootless storage", "ok", f"{driver} storage")
