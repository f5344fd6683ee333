"""``breeze doctor``'s rootless podman rows: each missing piece fails with the setup script as fix."""

from __future__ import annotations

import os
from pathlib import Path

from breeze import podmanrootless

MAPPED = {
    "host": {"idMappings": {"uidmap": [{"size": 1}, {"size": 65536}]}},
    "store": {"graphDriverName": "overlay"},
}


def runtime_dir(tmp_path: Path, mode: int) -> Path:
    path = tmp_path / "run"
    path.mkdir(mode=mode)
    path.chmod(mode)
    return path


def by_name(rows: list[podmanrootless.Row]) -> dict[str, podmanrootless.Row]:
    return {row.name: row for row in rows}


def test_a_set_up_user_gets_only_ok_rows(tmp_path: Path) -> None:
    env = {"USER": "alice", "XDG_RUNTIME_DIR": str(runtime_dir(tmp_path, 0o700))}
    tun = tmp_path / "tun"
    tun.touch()

    rows = podmanrootless.rows(MAPPED, env, os.getuid(), tun)

    assert [row.status for row in rows] == ["ok"] * 4, rows


def test_no_subordinate_ids_fail_naming_the_script(tmp_path: Path) -> None:
    info = {"host": {"idMappings": {"uidmap": [{"size": 1}]}}}

    row = by_name(podmanrootless.rows(info, {"USER": "alice"}, 1001, tmp_path))["rootless IDs"]

    assert row.status == "FAIL"
    assert "/etc/subuid" in row.detail
    assert row.fix is not None and "setup-rootless-podman.sh alice" in row.fix


def test_an_unset_runtime_dir_fails_and_says_what_to_export(tmp_path: Path) -> None:
    row = by_name(podmanrootless.rows(MAPPED, {}, 1001, tmp_path))["rootless runtime dir"]

    assert row.status == "FAIL"
    assert "XDG_RUNTIME_DIR is not set" in row.detail
    assert row.fix is not None and "export XDG_RUNTIME_DIR=/run/user/1001" in row.fix
    assert "setup-rootless-podman.sh 1001" in row.fix  # no USER: the UID


def test_a_runtime_dir_others_can_read_or_missing_fails(tmp_path: Path) -> None:
    open_dir = runtime_dir(tmp_path, 0o755)
    env = {"XDG_RUNTIME_DIR": str(open_dir)}
    assert (
        by_name(podmanrootless.rows(MAPPED, env, os.getuid(), tmp_path))["rootless runtime dir"].status
        == "FAIL"
    )
    env = {"XDG_RUNTIME_DIR": str(tmp_path / "absent")}
    row = by_name(podmanrootless.rows(MAPPED, env, os.getuid(), tmp_path))["rootless runtime dir"]
    assert (row.status, "does not exist" in row.detail) == ("FAIL", True)


def test_a_runtime_dir_of_another_user_fails(tmp_path: Path) -> None:
    env = {"XDG_RUNTIME_DIR": str(runtime_dir(tmp_path, 0o700))}

    row = by_name(podmanrootless.rows(MAPPED, env, os.getuid() + 1, tmp_path))["rootless runtime dir"]

    assert row.status == "FAIL"
    assert "must be yours with mode 0700" in row.detail


def test_an_unusable_tun_device_fails(tmp_path: Path) -> None:
    row = by_name(podmanrootless.rows(MAPPED, {}, 1001, tmp_path / "no-tun"))["rootless network"]

    assert row.status == "FAIL"
    assert "slirp4netns" in row.detail


def test_vfs_storage_warns() -> None:
    info = {**MAPPED, "store": {"graphDriverName": "vfs"}}

    row = by_name(podmanrootless.rows(info, {}, 1001))["rootless storage"]

    assert row.status == "warn"
    assert "copies every image layer" in row.detail
