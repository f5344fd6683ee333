"""``breeze setup offline-images``: stand-ins for the registry images breeze needs, built from Debian.

The pipeline is plain functions over plain data:

    resolve_pythons -> plan (pure: what to do, from what exists) -> run each Step -> registry.record

Debian root filesystems come from debootstrap (or mmdebstrap) through ``breeze.offline.rootfs``,
the only module here that starts host processes; everything that touches the engine goes through
``ctx.engine`` so ``--verbose`` and ``--dry-run`` behave as in every other breeze command.
"""

from __future__ import annotations

import shlex
import tempfile
import time
from collections import deque
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import replace
from pathlib import Path

from rich.markup import escape

from breeze import podman
from breeze.context import AppContext
from breeze.engine import BuildStreamError
from breeze.errors import BreezeError, BuildError, ConfigError, EngineCommandFailed
from breeze.offline import foreign, registry, rootfs
from breeze.offline.foreign import for_platform
from breeze.offline.plan import (
    LABELS,
    SERVICES,
    OfflineRequest,
    Step,
    debian_ref,
    plan,
    registry_entries,
    resolve_pythons,
)
from breeze.offline.rootfs import Tool
from breeze.paths import cache_dir
from breeze.resources import data_path
from breeze.versions import DEBIAN_PYTHON_SUITES, DEFAULT_MIRROR

# Dockerfile/RUN lines shown when a step fails without --verbose.
_TAIL = 30

# What an imported root filesystem lacks compared with the official debian image: an environment
# (no PATH at all) and a default command. The labels let breeze recognise its own images.
_IMPORT_CHANGES = [
    "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    'CMD ["bash"]',
]


# -- the command ----------------------------------------------------------------------------------
def prepare_offline_images(ctx: AppContext, request: OfflineRequest) -> int:
    if request.remove:
        return _remove(ctx, request)
    _check_mirror(request.mirror)
    pythons = resolve_pythons(request.pythons)
    request = replace(request, platform=foreign.platform_of(request.platform))
    if request.platform:
        podman.require_docker(ctx.engine.name, "breeze setup offline-images --platform", "platform")

    ctx.engine.require(buildx=True)
    existing = {
        ref: ctx.engine.image_labels(ref)
        for ref in {
            for_platform(debian_ref(s), request.platform)
            for s in [*DEBIAN_PYTHON_SUITES.values(), *(s for _, s in SERVICES.values())]
        }
        if ctx.engine.image_exists(ref)
    }
    steps = plan(request, pythons, existing)
    tool: Tool | None = None
    if any(s.action == "bootstrap" for s in steps):
        tool = foreign.mmdebstrap() if request.platform else _bootstrap_tool()

    started = time.monotonic()
    for step in steps:
        step_started = time.monotonic()
        with ctx.console.status(f"{step.describe()} ..."):
            if step.action == "bootstrap":
                assert tool is not None
                _bootstrap(ctx, step, tool, request.mirror)
            elif step.action == "relabel":
                _relabel(ctx, step)
            elif step.action == "build":
                _build(ctx, step, no_cache=request.force)
        _done(ctx, step.describe(), time.monotonic() - step_started)

    entries = registry_entries(steps)
    summary = ", ".join(f"{kind} {v} -> {ref}" for kind, table in entries.items() for v, ref in table.items())
    if ctx.dry_run:
        ctx.console.print(f"Would record in {registry.path()}: {summary}", markup=False, soft_wrap=True)
        return 0
    file = registry.record(entries)
    ctx.console.print(f"Recorded in {file}: {summary}", markup=False, soft_wrap=True)
    ctx.console.print(
        f"breeze now builds and runs with these images ({time.monotonic() - started:.1f} s in all); "
        "`breeze setup offline-images --remove` goes back to the registry's images.",
        markup=False,
        soft_wrap=True,
    )
    return 0


def _remove(ctx: AppContext, request: OfflineRequest) -> int:

    if request.pythons or request.force or request.skip_services:
        raise ConfigError(
            "--remove forgets every offline image; it takes no --python, --force or --skip-services.",
            fix="Run `breeze setup offline-images --remove` on its own.",
        )
    file = registry.path()
    images = sorted({ref for table in registry.load().values() for ref in table.values()})
    if not images:
        ctx.console.print(
            f"No offline images are recorded ({file} does not list any); nothing to forget.", markup=False
        )
        return 0
    if ctx.dry_run:
        ctx.console.print(
            f"Would forget the offline images recorded in {file}.", markup=False, soft_wrap=True
        )
        return 0
    registry.clear()
    ctx.console.print(
        f"Forgot the offline images ({file} removed): breeze uses the registry's images again.",
        markup=False,
        soft_wrap=True,
    )
    ctx.console.print(
        f"The images stay in the engine; `docker image rm {' '.join(images)}` deletes them.",
        markup=False,
        soft_wrap=True,
    )
    return 0


def _check_mirror(mirror: str) -> None:
    if not mirror.startswith(("http://", "https://", "file:/")):
        raise ConfigError(
            f"--mirror {mirror!r} is not a Debian mirror URL.",
            fix=f"Give an http://, https:// or file:/ URL, e.g. --mirror {DEFAULT_MIRROR} "
            "(or set BREEZE_DEBIAN_MIRROR).",
        )


def _done(ctx: AppContext, what: str, seconds: float) -> None:
    took = "dry run" if ctx.dry_run else f"{seconds:.1f} s"
    ctx.console.print(f"[green]✓[/] {_escape(what)} [dim]({took})[/]", soft_wrap=True)


def _escape(text: str) -> str:

    return escape(text)


def _echo(ctx: AppContext, tail: deque[str]) -> Callable[[str], None]:
    """Where a tool's output lines go: the console under --verbose, else only the failure tail."""

    def echo(line: str) -> None:
        tail.append(line)
        if ctx.verbose:
            ctx.console.print(line, markup=False, highlight=False, style="dim", soft_wrap=True)

    return echo


# -- Debian bases -------------------------------------------------------------------------------
def _bootstrap_tool() -> Tool:

    tool = rootfs.find_tool()
    if tool is None:
        raise BreezeError(
            "debootstrap is not installed; breeze makes the Debian base images with it.",
            fix="As root: `apt-get install debootstrap`. Without root: `apt-get install mmdebstrap` "
            "(breeze uses it when it is not run as root).",
        )
    if tool.name == "debootstrap" and not rootfs.is_root():
        raise BreezeError(
            "debootstrap needs root, and mmdebstrap (which does not) is not installed.",
            fix="Run as root (`sudo breeze setup offline-images`), or install mmdebstrap "
            "(`sudo apt-get install mmdebstrap`) and run again.",
        )
    return tool


def _bootstrap(ctx: AppContext, step: Step, tool: Tool, mirror: str) -> None:
    """debootstrap a minimal Debian, pack it, import it as an image."""

    changes = [*_IMPORT_CHANGES, *_label_changes({**LABELS, "dev.breeze.debian-suite": step.suite})]
    if ctx.dry_run:
        # Plain prints, like the engine seam's: a dry run's commands are meant to be copied.
        work = Path(tempfile.gettempdir()) / f"breeze-rootfs-{step.suite}"
        tarball = work / "rootfs.tar"
        if tool.writes_tarball:
            argv = rootfs.bootstrap_argv(tool, step.suite, tarball, mirror, step.platform)
            print(shlex.join(argv), flush=True)
        else:
            print(shlex.join(rootfs.bootstrap_argv(tool, step.suite, work / "rootfs", mirror)), flush=True)
            print(shlex.join(rootfs.pack_argv(work / "rootfs", tarball)), flush=True)
        _import_dry_run(ctx, str(tarball), step.ref, changes, step.platform)
        return

    log = cache_dir() / "logs" / f"offline-debian-{for_platform(step.suite, step.platform)}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("")
    tail: deque[str] = deque(maxlen=_TAIL)
    work = Path(tempfile.mkdtemp(prefix=f"breeze-rootfs-{step.suite}-"))
    tarball = work / "rootfs.tar"
    target = tarball if tool.writes_tarball else work / "rootfs"
    try:
        try:
            rootfs.run(
                rootfs.bootstrap_argv(tool, step.suite, target, mirror, step.platform),
                log=log,
                echo=_echo(ctx, tail),
            )
            if not tool.writes_tarball:
                rootfs.run(rootfs.pack_argv(target, tarball), log=log, echo=_echo(ctx, tail))
        except rootfs.ToolFailed as exc:
            # debootstrap's own log says which package failed; its console output often does not.
            inner = rootfs.log_tail(target / "debootstrap" / "debootstrap.log") if target.is_dir() else ""
            details = exc.tail + (f"\n--- debootstrap/debootstrap.log ---\n{inner}" if inner else "")
            raise BuildError(
                f"`{exc.argv[0]}` failed (exit {exc.return_code}) making Debian {step.suite}.",
                fix=f"Check that {mirror} serves Debian {step.suite} from here (--mirror or "
                f"BREEZE_DEBIAN_MIRROR picks another mirror); the full log is {log}.",
                details=details,
            ) from None
        ctx.engine.import_rootfs(str(tarball), step.ref, changes, platform=step.platform)
    finally:
        if not rootfs.remove_tree(work):
            ctx.console.print(f"[yellow]Left {work} behind: something is still mounted inside it.[/]")


def _import_dry_run(
    ctx: AppContext, tarball: str, ref: str, changes: list[str], platform: str | None = None
) -> None:
    """Let the engine seam print the import; python-on-whales then inspects the image the (skipped)
    import would have made, which fails, and that failure means nothing in a dry run."""

    with suppress(EngineCommandFailed):
        ctx.engine.import_rootfs(tarball, ref, changes, platform=platform)


def _label_changes(labels: Mapping[str, str]) -> list[str]:
    return [f"LABEL {key}={value}" for key, value in labels.items()]


def _relabel(ctx: AppContext, step: Step) -> None:
    """Adopt a Debian image made by hand: check it is the right suite, then add breeze's labels."""
    if not ctx.dry_run:
        result = ctx.engine.run(step.ref, ["cat", "/etc/os-release"])
        fields = dict(
            line.split("=", 1)
            for line in result.stdout.splitlines()
            if "=" in line and not line.startswith("#")
        )
        found = fields.get("VERSION_CODENAME", "").strip('"')
        if result.exit_code != 0 or found != step.suite:
            raise BreezeError(
                f"{step.ref} exists but is not Debian {step.suite} "
                f"({'it is ' + found if found else 'no /etc/os-release in it'}).",
                fix="Run `breeze setup offline-images --force` to replace it with a fresh debootstrap.",
                details=result.output if result.exit_code != 0 else None,
            )
    _run_build(
        ctx,
        step,
        "debian",
        labels={**LABELS, "dev.breeze.debian-suite": step.suite},
        base=step.ref,
        no_cache=False,
    )


# -- images built on the bases ------------------------------------------------------------------
def _build(ctx: AppContext, step: Step, *, no_cache: bool) -> None:
    assert step.context is not None
    _run_build(
        ctx,
        step,
        step.context,
        labels={**LABELS, "dev.breeze.offline.kind": step.kind or "", "dev.breeze.debian-suite": step.suite},
        base=for_platform(debian_ref(step.suite), step.platform),
        no_cache=no_cache,
    )
    if step.kind == "python" and not ctx.dry_run:
        _check_python(ctx, step)


def _run_build(
    ctx: AppContext, step: Step, context: str, *, labels: dict[str, str], base: str, no_cache: bool
) -> None:

    directory = data_path("images", "offline", context)
    tail: deque[str] = deque(maxlen=_TAIL)
    echo = _echo(ctx, tail)
    try:
        for line in ctx.engine.build(
            str(directory),
            file=str(directory / "Dockerfile"),
            tags=[step.ref],
            build_args={"BASE_IMAGE": base},
            labels=labels,
            # No secrets: everything comes from the Debian mirror the base image points at.
            secrets=[],
            cache=not no_cache,
            platform=step.platform,
        ):
            echo(line.rstrip("\n"))
    except BuildStreamError as exc:
        raise BuildError(
            f"Building {step.ref} failed (exit {exc.return_code}).",
            fix=f"The build installs Debian packages from the mirror in {base}'s sources: check it is "
            "reachable from containers; run again with --verbose for the whole build log.",
            details="\n".join(tail),
        ) from None


def _check_python(ctx: AppContext, step: Step) -> None:
    """The flavour is only as right as the suite: make sure the image's python is the one recorded."""
    result = ctx.engine.run(step.ref, ["python", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
    if result.exit_code != 0 or result.stdout.strip() != step.version:
        raise BuildError(
            f"{step.ref} has Python {result.stdout.strip() or '(none)'}, not {step.version}.",
            fix=f"Debian {step.suite} is expected to ship Python {step.version}; check the mirror, "
            "then run again with --force.",
            details=result.output if result.exit_code != 0 else None,
        )
