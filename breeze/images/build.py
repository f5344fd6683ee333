"""The image build pipeline: config -> checks -> per flavour: stage context -> build -> tag."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from rich.table import Table

from breeze.config import ProjectConfig, check_secret_spec, load_project, select_pythons
from breeze.context import AppContext
from breeze.engine import BuildStreamError
from breeze.errors import BuildError
from breeze.git import git_info
from breeze.images import failures, progress
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
from breeze.offline import registry
from breeze.paths import cache_dir


@dataclass(frozen=True)
class Built:
    spec: ImageSpec
    seconds: float
    size: int


def build_images(ctx: AppContext, request: BuildRequest) -> int:
    config = load_project(ctx.project_dir, request.overrides)
    pythons = select_pythons(config, list(request.pythons))
    for secret in request.extra_secrets:
        check_secret_spec(secret, "--secret")
    ctx.engine.require(buildx=True)
    results = [
        build_image(
            ctx, config, request.kind, python, no_cache=request.no_cache, extra_secrets=request.extra_secrets
        )
        for python in pythons
    ]
    if not ctx.dry_run:
        _summary(ctx, results)
    return 0


def specs_for(config: ProjectConfig, kind: Kind, python: str) -> ImageSpec:
    offline = {py: ref for py, ref in registry.load().get("python", {}).items()}
    return image_spec(config, kind, python, git_info(config.root), offline)


def build_image(
    ctx: AppContext,
    config: ProjectConfig,
    kind: Kind,
    python: str,
    *,
    no_cache: bool = False,
    extra_secrets: tuple[str, ...] = (),
) -> Built:
    spec = specs_for(config, kind, python)
    ca = ca_bundle(config, os.environ)
    check_airflow_release(config, ca)
    staged = stage_context(spec, constraints_text(config, python, ca))
    labels = oci_labels(spec, git_info(config.root), fingerprint_label(staged))
    ctx.console.print(
        f"[bold]Building the {spec.title}[/] (Airflow {config.airflow_version}, Python {python}, "
        f"base {spec.base.ref}{' (offline stand-in)' if spec.base.source == 'offline' else ''})"
    )
    started = time.monotonic()
    dockerfile, notice = extension_dockerfile(config) if kind == "prod" else (None, None)
    if notice:
        ctx.console.print(f"[yellow]Note:[/] {notice}", highlight=False)
    extended = dockerfile is not None
    tags = [f"{spec.ref}-base"] if extended else list(spec.tags)
    with secret_files(index_secret_text(config)) as index_file:
        secrets = _secrets(config, extra_secrets, ca, index_file)
        # Named after the image, so a candidate image (upgrade-check) keeps the project's own log.
        log_path = cache_dir() / "logs" / f"{config.image_name}-{kind}-python{python}.log"
        stream = ctx.engine.build(
            str(staged.path),
            file=str(staged.dockerfile),
            tags=tags,
            build_args=dict(spec.build_args),
            labels=labels,
            secrets=secrets,
            target="main" if kind == "prod" else "ci",
            cache=not no_cache,
        )
        try:
            lines = progress.follow(
                stream,
                console=ctx.console,
                title=spec.title,
                log_path=_log(ctx, log_path),
                verbose=ctx.verbose,
            )
        except BuildStreamError:
            lines = log_path.read_text().splitlines()
            if not ctx.verbose:
                ctx.console.print("\n".join(lines), markup=False, highlight=False, soft_wrap=True)
            raise failures.explain(spec, lines, str(log_path)) from None
        if dockerfile is not None:
            _build_extension(ctx, spec, labels, secrets, no_cache, log_path)
    seconds = time.monotonic() - started
    size = 0 if ctx.dry_run else ctx.engine.image_size(spec.ref)
    return Built(spec, seconds, size)


def _build_extension(
    ctx: AppContext,
    spec: ImageSpec,
    labels: dict[str, str],
    secrets: list[str],
    no_cache: bool,
    log_path: Path,
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
