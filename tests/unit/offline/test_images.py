"""breeze setup offline-images without an engine: flavours, the plan, dry runs and errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from breeze.cli.app import main
from breeze.context import AppContext
from breeze.engine import RunResult
from breeze.errors import BreezeError, BuildError, ConfigError
from breeze.offline import registry, rootfs
from breeze.offline.images import (
    OfflineRequest,
    Step,
    plan,
    prepare_offline_images,
    registry_entries,
    resolve_pythons,
)

OFFLINE = {"dev.breeze.managed": "true", "dev.breeze.offline": "true"}


class FakeEngine:
    """Records what the pipeline asks of the engine; ``images`` maps existing refs to labels."""

    def __init__(self, images: dict[str, dict[str, str]] | None = None) -> None:
        self.images = dict(images or {})
        self.calls: list[tuple[str, Any]] = []

    def require(self, *, buildx: bool = False, compose: bool = False) -> None:
        self.calls.append(("require", buildx))

    def image_exists(self, ref: str) -> bool:
        return ref in self.images

    def image_labels(self, ref: str) -> dict[str, str]:
        return self.images[ref]

    def import_rootfs(
        self, tarball: str, ref: str, changes: list[str] | None = None, platform: str | None = None
    ) -> None:
        self.calls.append(("import", (tarball, ref, tuple(changes or ()))))

    def build(self, context: str, **kwargs: Any) -> Iterator[str]:
        self.calls.append(("build", (context, kwargs)))
        yield "#1 done"

    def run(self, image: str, command: list[str], **kwargs: Any) -> RunResult:
        self.calls.append(("run", (image, command)))
        return RunResult(0, "", "")


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BREEZE_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("BREEZE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture
def debootstrap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rootfs, "find_tool", lambda: rootfs.Tool("debootstrap", "/usr/sbin/debootstrap"))
    monkeypatch.setattr(rootfs, "is_root", lambda: True)


def make_ctx(engine: FakeEngine, *, dry_run: bool = False) -> AppContext:
    return AppContext(dry_run=dry_run, interactive=False, make_engine=lambda _ctx: engine)  # type: ignore[arg-type,return-value]


# -- flavours -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ((), ("3.11", "3.13")),
        (("all",), ("3.11", "3.13")),
        (("3.13",), ("3.13",)),
        (("3.13,3.11",), ("3.11", "3.13")),
        (("3.11", "3.13", "3.11"), ("3.11", "3.13")),
        ((" 3.11 , ",), ("3.11",)),
    ],
)
def test_resolve_pythons(values: tuple[str, ...], expected: tuple[str, ...]) -> None:
    assert resolve_pythons(values) == expected


@pytest.mark.parametrize("value", ["3.10", "3.12", "3.11,3.12"])
def test_flavours_debian_does_not_provide_are_refused(value: str) -> None:
    with pytest.raises(BreezeError) as info:
        resolve_pythons([value])
    message = info.value.message
    assert "3.11 (bookworm)" in message and "3.13 (trixie)" in message
    assert info.value.fix


def test_cli_refuses_a_flavour_before_touching_the_engine(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["setup", "offline-images", "--python", "3.12"]) == ConfigError.exit_code
    err = capsys.readouterr().err
    assert "3.12" in err and "3.11" in err and "3.13" in err


# -- the plan -------------------------------------------------------------------------------------
def test_plan_from_nothing() -> None:
    steps = plan(OfflineRequest(), ("3.11", "3.13"), existing={})

    assert [(s.action, s.ref) for s in steps] == [
        ("bootstrap", "breeze-offline/debian:bookworm"),
        ("bootstrap", "breeze-offline/debian:trixie"),
        ("build", "breeze-offline/python:3.11"),
        ("build", "breeze-offline/python:3.13"),
        ("build", "breeze-offline/postgres:15"),
        ("build", "breeze-offline/redis:7"),
        ("build", "breeze-offline/registry:2"),
    ]
    assert steps[2] == Step("build", "breeze-offline/python:3.11", "bookworm", "python", "python", "3.11")
    assert steps[3].suite == "trixie"


def test_plan_keeps_breeze_made_bases_and_adopts_hand_made_ones() -> None:
    existing = {"breeze-offline/debian:bookworm": {}, "breeze-offline/debian:trixie": OFFLINE}
    steps = plan(OfflineRequest(), ("3.11", "3.13"), existing)

    assert [s.action for s in steps[:2]] == ["relabel", "keep"]
    forced = plan(OfflineRequest(force=True), ("3.11", "3.13"), existing)
    assert [s.action for s in forced[:2]] == ["bootstrap", "bootstrap"]


def test_plan_python_only_needs_only_its_suite() -> None:
    steps = plan(OfflineRequest(skip_services=True), ("3.13",), existing={})

    assert [(s.action, s.ref) for s in steps] == [
        ("bootstrap", "breeze-offline/debian:trixie"),
        ("build", "breeze-offline/python:3.13"),
    ]


# -- dry run ----------------------------------------------------------------------------------
def test_dry_run_prints_the_commands_and_records_nothing(
    debootstrap: None, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = FakeEngine()
    request = OfflineRequest(pythons=("3.11",), mirror="http://mirror.example/debian")

    assert prepare_offline_images(make_ctx(engine, dry_run=True), request) == 0

    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].startswith("debootstrap --variant=minbase bookworm ")
    assert lines[0].endswith(" http://mirror.example/debian")
    assert lines[1].startswith("tar --numeric-owner ")
    assert "--exclude=./var/cache/apt/archives/*.deb" in lines[1]
    assert "Would record" in err and "breeze-offline/python:3.11" in err
    # The engine seam got the import and the builds (it prints them itself under --dry-run).
    imports = [args for name, args in engine.calls if name == "import"]
    assert imports[0][1] == "breeze-offline/debian:bookworm"
    assert "LABEL dev.breeze.offline=true" in imports[0][2]
    builds = [args for name, args in engine.calls if name == "build"]
    assert [kw["tags"] for _, kw in builds] == [
        ["breeze-offline/python:3.11"],
        ["breeze-offline/postgres:15"],
        ["breeze-offline/redis:7"],
        ["breeze-offline/registry:2"],
    ]
    assert all(kw["secrets"] == [] and kw["labels"]["dev.breeze.managed"] == "true" for _, kw in builds)
    assert builds[0][1]["build_args"] == {"BASE_IMAGE": "breeze-offline/debian:bookworm"}
    assert engine.calls[0] == ("require", True)
    # No container ran (the python check is skipped) and nothing was recorded.
    assert not [c for c in engine.calls if c[0] == "run"]
    assert registry.load() == {}


# -- errors ---------------------------------------------------------------------------------------
def test_missing_debootstrap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rootfs, "find_tool", lambda: None)

    with pytest.raises(BreezeError) as info:
        prepare_offline_images(make_ctx(FakeEngine()), OfflineRequest(pythons=("3.11",)))
    assert "apt-get install debootstrap" in (info.value.fix or "")
    assert "mmdebstrap" in (info.value.fix or "")


def test_debootstrap_without_root_and_no_mmdebstrap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rootfs, "find_tool", lambda: rootfs.Tool("debootstrap", "/usr/sbin/debootstrap"))
    monkeypatch.setattr(rootfs, "is_root", lambda: False)

    with pytest.raises(BreezeError) as info:
        prepare_offline_images(make_ctx(FakeEngine()), OfflineRequest(pythons=("3.11",)))
    assert "root" in info.value.message and "mmdebstrap" in (info.value.fix or "")


def test_no_tool_needed_when_the_bases_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rootfs, "find_tool", lambda: None)
    engine = FakeEngine({"breeze-offline/debian:bookworm": OFFLINE})

    ctx = make_ctx(engine, dry_run=True)
    assert prepare_offline_images(ctx, OfflineRequest(pythons=("3.11",))) == 0


def test_failing_debootstrap_shows_its_last_lines(debootstrap: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(argv: list[str], *, log: Path, echo: Any = None) -> None:
        raise rootfs.ToolFailed(
            argv, 1, "E: Failed getting release file http://x/debian/dists/bookworm/Release"
        )

    monkeypatch.setattr(rootfs, "run", fail)
    engine = FakeEngine()

    with pytest.raises(BuildError) as info:
        prepare_offline_images(make_ctx(engine), OfflineRequest(pythons=("3.11",), mirror="http://x/debian"))
    assert "Failed getting release file" in (info.value.details or "")
    assert "http://x/debian" in (info.value.fix or "")
    assert not [c for c in engine.calls if c[0] == "import"]


def test_engine_not_running_comes_first(monkeypatch: pytest.MonkeyPatch) -> None:
    from breeze.errors import EngineError

    class StoppedEngine(FakeEngine):
        def require(self, *, buildx: bool = False, compose: bool = False) -> None:
            raise EngineError("No container engine answers.", fix="Start it.")

    monkeypatch.setattr(rootfs, "find_tool", lambda: None)
    with pytest.raises(EngineError):
        prepare_offline_images(make_ctx(StoppedEngine()), OfflineRequest(pythons=("3.11",)))


def test_bad_mirror_is_refused() -> None:
    with pytest.raises(ConfigError):
        prepare_offline_images(make_ctx(FakeEngine()), OfflineRequest(mirror="deb.debian.org/debian"))


# -- --remove -------------------------------------------------------------------------------------
def test_remove_forgets_the_mapping_and_leaves_the_images(capsys: pytest.CaptureFixture[str]) -> None:
    registry.record({"python": {"3.11": "breeze-offline/python:3.11"}})
    engine = FakeEngine()

    assert prepare_offline_images(make_ctx(engine), OfflineRequest(remove=True)) == 0

    assert registry.load() == {}
    assert engine.calls == []
    err = capsys.readouterr().err
    assert "docker image rm breeze-offline/python:3.11" in err


def test_remove_under_dry_run_keeps_the_file() -> None:
    registry.record({"python": {"3.11": "breeze-offline/python:3.11"}})

    assert prepare_offline_images(make_ctx(FakeEngine(), dry_run=True), OfflineRequest(remove=True)) == 0
    assert registry.python_base("3.11") == "breeze-offline/python:3.11"


# -- a foreign platform (--platform linux/arm64 on amd64) ------------------------------------------
def test_plan_for_a_foreign_platform_makes_python_stand_ins_only_tagged_by_platform() -> None:
    steps = plan(OfflineRequest(platform="linux/arm64"), ("3.11",), existing={})

    assert [(s.action, s.ref, s.platform) for s in steps] == [
        ("bootstrap", "breeze-offline/debian:bookworm-linux-arm64", "linux/arm64"),
        ("build", "breeze-offline/python:3.11-linux-arm64", "linux/arm64"),
    ]
    assert registry_entries(steps) == {
        "python@linux/arm64": {"3.11": "breeze-offline/python:3.11-linux-arm64"}
    }


def test_mmdebstrap_makes_a_foreign_architecture() -> None:
    tool = rootfs.Tool("mmdebstrap", "/usr/bin/mmdebstrap")
    argv = rootfs.bootstrap_argv(tool, "bookworm", Path("/w/r.tar"), "http://m/debian", "linux/arm64")

    assert argv == [
        "mmdebstrap", "--variant=minbase", "--mode=auto", "--architectures=arm64",
        "bookworm", "/w/r.tar", "http://m/debian",
    ]  # fmt: skip
