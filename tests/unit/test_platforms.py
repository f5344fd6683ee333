"""--platform values and the QEMU emulation foreign platforms need, read from a binfmt_misc tree."""

from __future__ import annotations

import io
import shlex
from pathlib import Path

import pytest
from rich.console import Console

from breeze import platforms
from breeze.engine import Engine
from breeze.errors import ConfigError, EngineError

AARCH64_ENTRY = """enabled
interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P
flags: {flags}
offset 0
magic 7f454c460201010000000000000000000200b700
"""


def binfmt(tmp_path: Path, entry: str | None = None, mounted: bool = True) -> Path:
    root = tmp_path / "binfmt_misc"
    root.mkdir()
    if mounted:
        (root / "status").write_text("enabled\n")
    if entry is not None:
        (root / "qemu-aarch64").write_text(entry)
    return root


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (("linux/arm64",), ("linux/arm64",)),
        (("linux/amd64,linux/arm64",), ("linux/amd64", "linux/arm64")),
        (("arm64", "linux/aarch64", "x86_64"), ("linux/arm64", "linux/amd64")),
        (("Linux/ARM64/v8",), ("linux/arm64",)),
        ((), ()),
    ],
)
def test_parse(values: tuple[str, ...], expected: tuple[str, ...]) -> None:
    assert platforms.parse(values) == expected


def test_unknown_platforms_are_named_with_the_known_ones() -> None:
    with pytest.raises(ConfigError) as error:
        platforms.parse(["linux/arm64,linux/s390x"])
    assert "'linux/s390x'" in error.value.message and "linux/amd64 and linux/arm64" in error.value.message


def test_per_platform_tags() -> None:
    assert (
        platforms.platform_ref("demo:1.0.0-python3.11", "linux/arm64") == "demo:1.0.0-python3.11-linux-arm64"
    )


def test_the_native_platform_needs_no_emulation(tmp_path: Path) -> None:
    found = platforms.emulation("linux/amd64", binfmt(tmp_path, mounted=False), machine="linux/amd64")
    assert found.available and found.detail == "native"


def test_an_enabled_entry_with_the_f_flag_emulates(tmp_path: Path) -> None:
    root = binfmt(tmp_path, AARCH64_ENTRY.format(flags="PF"))
    found = platforms.emulation("linux/arm64", root, machine="linux/amd64")
    assert found.available and "aarch64-binfmt-P" in found.detail


@pytest.mark.parametrize(
    ("entry", "mounted", "detail"),
    [
        (None, False, "binfmt_misc is not mounted"),
        (None, True, "no qemu-aarch64 binfmt_misc entry"),
        (AARCH64_ENTRY.format(flags="PF").replace("enabled", "disabled", 1), True, "entry is disabled"),
        (AARCH64_ENTRY.format(flags="P"), True, "without the F flag"),
    ],
)
def test_missing_emulation_says_why_and_how_to_fix_it(
    tmp_path: Path, entry: str | None, mounted: bool, detail: str
) -> None:
    found = platforms.emulation("linux/arm64", binfmt(tmp_path, entry, mounted), machine="linux/amd64")
    assert not found.available and detail in found.detail
    assert "scripts/install-emulation.sh" in found.fix and "update-binfmts --enable qemu-aarch64" in found.fix


def test_require_emulation_stops_before_anything_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(platforms, "native", lambda: "linux/amd64")
    with pytest.raises(EngineError) as error:
        platforms.require_emulation(["linux/amd64", "linux/arm64"], binfmt(tmp_path, mounted=False))
    assert "Cannot build or run linux/arm64 images" in error.value.message


# -- the engine seam's argv (dry run: printed, not run) --------------------------------------------
@pytest.fixture
def dry_engine(monkeypatch: pytest.MonkeyPatch) -> Engine:
    """A dry-run engine whose python-on-whales client is real: the engine's trace hook prints each
    mutating command instead of running it (the unit guard replaced the client; a read-only command
    would reach docker, and these make none)."""
    monkeypatch.setattr(Engine, "docker", property(lambda self: self._new_client()))
    return Engine(Console(file=io.StringIO()), dry_run=True)


def test_one_platform_is_one_buildx_build_with_the_docker_builder(
    dry_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    stream = dry_engine.build(
        "ctx",
        file="ctx/Dockerfile",
        tags=["d:1-linux-arm64"],
        build_args={},
        labels={},
        secrets=[],
        platform="linux/arm64",
    )
    assert list(stream) == []

    argv = shlex.split(capsys.readouterr().out)
    assert argv[:3] == ["docker", "buildx", "build"] and "--builder" not in argv
    assert argv[argv.index("--platform") + 1] == "linux/arm64" and "--load" in argv


def test_the_manifest_list_is_made_in_the_registry(
    dry_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    dry_engine.create_manifest_list(
        "127.0.0.1:5000/t/d:1", ["127.0.0.1:5000/t/d:1-linux-amd64", "127.0.0.1:5000/t/d:1-linux-arm64"]
    )

    assert capsys.readouterr().out.split() == [
        "docker", "buildx", "imagetools", "create", "--tag", "127.0.0.1:5000/t/d:1",
        "127.0.0.1:5000/t/d:1-linux-amd64", "127.0.0.1:5000/t/d:1-linux-arm64",
    ]  # fmt: skip
