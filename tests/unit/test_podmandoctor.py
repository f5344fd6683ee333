"""breeze doctor's podman rows from their inputs (containers.conf files, the open-files limit)."""

from __future__ import annotations

from pathlib import Path

from breeze import podmandoctor


def test_the_ulimits_setting_in_any_file_is_enough(tmp_path: Path) -> None:
    system, user = tmp_path / "system.conf", tmp_path / "user.conf"
    system.write_text("[engine]\n")
    user.write_text("[containers]\ndefault_ulimits = []\n")

    row = podmandoctor._ulimits_row([system, user, tmp_path / "absent.conf"], 20000)

    assert (row.status, row.detail) == ("ok", f"default_ulimits set in {user}")


def test_a_low_open_files_limit_without_the_setting_fails_with_the_fix(tmp_path: Path) -> None:
    row = podmandoctor._ulimits_row([tmp_path / "absent.conf"], 20000)

    assert row.status == "FAIL" and row.engine
    assert "20000" in row.detail and "rlimit type 7" in row.detail
    assert row.fix is not None and "install-podman.sh" in row.fix


def test_a_high_open_files_limit_needs_no_setting(tmp_path: Path) -> None:
    assert podmandoctor._ulimits_row([], 1048576).status == "ok"


def test_an_old_podman_fails_the_build_row() -> None:
    row = podmandoctor._build_row("3.4.4")
    assert row.status == "FAIL" and "4.0.0 or newer" in row.detail
    assert podmandoctor._build_row("4.3.1").status == "ok"
