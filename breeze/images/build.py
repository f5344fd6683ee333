"""The image build pipeline: config -> checks -> per flavour: stage context -> build -> tag."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rich.table import Table

from breeze import podman
from breeze.config import ProjectConfig, check_secret_spec, load_project, select_pythons
from breeze.context import AppContext
from breeze.engine import BuildStreamError, Engine
from breeze.errors import BuildError
from breeze.git import git_info
from breeze.images import failures, progress
from breeze.images.base_digest import fetch, pin
from breeze.images.context import fingerprint_label, secret_files, stage_context
from breeze.images.extension import extension_dockerfile
from breeze.images.inputs import check_airflow_release, constraints_text
from breeze.images.params import (
    BuildRequest,
    ImageSpec,
    Kind,
    ca_bundle,
    image_spec,
    index_secret_text,
    oci_labels,
)
from breeze.images.platform_spec import log_suffix, offline_bases, platform_targets, tagged_per_platform
from breeze.paths import cache_dir


@dataclass(frozen=True)
class Built:
    spec: ImageSpec
    seconds: float
    size: int
    image_id: str = ""  # sha256:... (empty in a dry run)

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.spec.kind,
            "python": self.spec.python,
            "ref": self.spec.ref,
            "tags": list(self.spec.tags),
            "id": self.image_id or None,
            "size": self.size,
            "seconds": round(self.seconds, 1),
        }


def build_images(ctx: AppContext, request: BuildRequest) -> int:
    config = load_project(ctx.project_dir, request.overrides)
    pythons = select_pythons(config, list(request.pythons))
    for secret in request.extra_secrets:
        check_secret_spec(secret, "--secret")
    targets = platform_targets(request.platforms)
    if any(targets):
        podman.require_docker(ctx.engine.name, "breeze build-image --platform", "platform")
    ctx.engine.require(buildx=True)
    results = [
        build_image(
            ctx,
            config,
            request.kind,
            python,
            no_cache=request.no_cache,
            extra_secrets=request.extra_secrets,
            platform=platform,
            per_platform=len(targets) > 1,
        )
        for python in pythons
        for platform in targets
    ]
    if not ctx.dry_run:
        _summary(ctx, results)
    if request.json:
        print(json.dumps([built.as_json() for built in results], indent=2))
    return 0


def specs_for(
    config: ProjectConfig,
    kind: Kind,
    python: str,
    engine: Engine | None = None,
    *,
    platform: str | None = None,
    per_platform: bool = False,
) -> ImageSpec:
    """The image to build; for a foreign ``platform`` on its offline stand-in, and with
    ``per_platform`` (several platforms asked for) tagged ``<tag>-<os>-<arch>``. With an engine, a
    base from a registry is pinned to its digest (breeze.images.base_digest)."""
    spec = image_spec(config, kind, python, git_info(config.root), offline_bases(config, python, platform))
    spec = tagged_per_platform(spec, platform) if platform and per_platform else spec
    return spec if engine is None else pin(engine, spec)


def build_image(
    ctx: AppContext,
    config: ProjectConfig,
    kind: Kind,
    python: str,
    *,
    no_cache: bool = False,
    extra_secrets: tuple[str, ...] = (),
    platform: str | None = None,
    per_platform: bool = False,
) -> Built:
    spec = specs_for(
        config,
        kind,
        python,
        None if ctx.dry_run else ctx.engine,
        platform=platform,
        per_platform=per_platform,
    )
    fetch(ctx.engine, spec)
    ca = ca_bundle(config, os.environ)
    check_airflow_release(config, ca)
    staged = stage_context(spec, constraints_text(config, python, ca))
    labels = oci_labels(spec, git_info(config.root), fingerprint_label(staged))
    _announce(ctx, spec, platform)
    started = time.monotonic()
    dockerfile, notice = extension_dockerfile(config) if kind == "prod" else (None, None)
    if notice:
        ctx.console.print(f"[yellow]Note:[/] {notice}", highlight=False)
    tags = [f"{spec.ref}-base"] if dockerfile is not None else list(spec.tags)
    with secret_files(index_secret_text(config)) as index_file:
        secrets = _secrets(config, extra_secrets, ca, index_file)
        log_path = _log_path(config, kind, python, platform)
        stream = ctx.engine.build(
            str(staged.path),
            file=str(_engine_dockerfile(ctx, staged.dockerfile)),
            tags=tags,
            build_args=dict(spec.build_args),
            labels=labels,
            secrets=secrets,
            target="main" if kind == "prod" else "ci",
            cache=not no_cache,
            platform=platform,
        )
        _follow(ctx, spec, stream, log_path)
        if dockerfile is not None:
            _build_extension(ctx, spec, labels, secrets, no_cache, log_path, platform)
    seconds = time.monotonic() - started
    size = 0 if ctx.dry_run else ctx.engine.image_size(spec.ref)
    image_id = "" if ctx.dry_run else ctx.engine.image_id(spec.ref)
    return Built(spec, seconds, size, image_id)


def _engine_dockerfile(ctx: AppContext, dockerfile: Path) -> Path:
    """The staged Dockerfile, or on podman a copy next to it that this podman can build (a
    copy: the staged folder is shared with other builds of the image, on any engine)."""
    if not ctx.engine.is_podman:
        return dockerfile
    text = podman.build_dockerfile(dockerfile.read_text(), ctx.engine.client_version())
    if text == dockerfile.read_text():
        return dockerfile
    copy = dockerfile.with_name("Dockerfile.podman")
    copy.write_text(text)
    return copy


def _announce(ctx: AppContext, spec: ImageSpec, platform: str | None) -> None:
    offline = " (offline stand-in)" if spec.base.source == "offline" else ""
    ctx.console.print(
        f"[bold]Building the {spec.title}[/] (Airflow {spec.config.airflow_version}, Python {spec.python}, "
        f"base {spec.base.ref}{offline}{', platform ' + platform if platform else ''})"
    )


def _follow(ctx: AppContext, spec: ImageSpec, stream: Iterable[str], log_path: Path) -> None:
    """Show the build's progress; a failed build becomes one message naming the cause and the fix."""
    try:
        progress.follow(
            stream, console=ctx.console, title=spec.title, log_path=_log(ctx, log_path), verbose=ctx.verbose
        )
    except BuildStreamError:
        lines = log_path.read_text().splitlines()
        if not ctx.verbose:
            ctx.console.print("\n".join(lines), markup=False, highlight=False, soft_wrap=True)
        raise failures.explain(spec, lines, str(log_path)) from None


def _build_extension(
    ctx: AppContext,
    spec: ImageSpec,
    labels: dict[str, str],
    secrets: list[str],
    no_cache: bool,
    log_path: Path,
    platform: str | None = None,
) -> None:
    """The project's own Dockerfile, built FROM the image breeze just made (ARG BREEZE_IMAGE)."""

    config = spec.config
    assert config.dockerfile is not None
    ctx.console.print(
        f"Extending it with {config.dockerfile.relative_to(config.root)} (FROM ${{BREEZE_IMAGE}})"
    )
    stream = ctx.engine.build(
        str(config.root),
        file=str(config.dockerfile),
        tags=list(spec.tags),
        build_args={"BREEZE_IMAGE": f"{spec.ref}-base"},
        labels=labels,
        secrets=secrets,
        cache=not no_cache,
        platform=platform,
    )
    ext_log = log_path.with_name(log_path.stem + "-extension.log")
    try:
        progress.follow(
            stream, console=ctx.console, title=spec.title, log_path=_log(ctx, ext_log), verbose=ctx.verbose
        )
    except BuildStreamError:
        text = ext_log.read_text()
        raise BuildError(
            f"Building the project's {config.dockerfile.name} on top of {spec.ref}-base failed.",
            fix=f"Fix {config.dockerfile}; it must start with `ARG BREEZE_IMAGE` and "
            f"`FROM ${{BREEZE_IMAGE}}`. Full log: {ext_log}",
            details=text[-4000:],
        ) from None


def _secrets(
    config: ProjectConfig, extra: tuple[str, ...], ca: Path | None, index_file: Path | str | None
) -> list[str]:
    """The BuildKit secrets of a build: the project's, the CA bundle, the private index's."""
    secrets = [*config.build_secrets, *extra]
    if ca is not None:
        secrets.append(f"id=ca,src={ca}")
    if index_file is not None:
        secrets.append(f"id=index,src={index_file}")
    return secrets


def _log_path(config: ProjectConfig, kind: Kind, python: str, platform: str | None) -> Path:
    """Named after the image, so a candidate image (upgrade-check) keeps the project's own log;
    a foreign platform's log sits next to the native one."""
    return cache_dir() / "logs" / f"{config.image_name}-{kind}-python{python}{log_suffix(platform)}.log"


def _log(ctx: AppContext, path: Path) -> Path | None:
    """A dry run builds nothing, so it keeps the last build's log as it was."""
    return None if ctx.dry_run else path


def _summary(ctx: AppContext, results: list[Built]) -> None:
    table = Table(title="Built images", title_justify="left", show_edge=False)
    table.add_column("image")
    table.add_column("tags")
    table.add_column("size", justify="right")
    table.add_column("time", justify="right")
    for built in results:
        tags = ", ".join(tag.split(":", 1)[1] for tag in built.spec.tags)
        table.add_row(built.spec.repository, tags, f"{built.size / 1e6:.0f} MB", f"{built.seconds:.1f} s")
    ctx.console.print(table)
