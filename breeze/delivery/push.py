"""breeze push: config -> registry and tags -> the local production images, current and of this
commit -> what the registry already holds under each tag -> push -> record the digests.

An image built for several platforms (``build-image --platform A,B``) is pushed as one manifest
list (breeze.delivery.platform_push): asked for with ``--platform A,B``, or found when the
project's image is the native image of such a build."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime

from breeze import platforms, podman
from breeze.config import ProjectConfig, load_project, select_pythons
from breeze.context import AppContext
from breeze.delivery import record
from breeze.delivery.platform_push import (
    build_command,
    built_together,
    held_at,
    plan,
    platform_conflicts,
    push_platforms,
    push_ref,
)
from breeze.delivery.settings import Conflict, PushTarget, check_registry, push_tags, remote_repository
from breeze.engineregistry import PushResult
from breeze.errors import ConfigError, DeliveryError
from breeze.git import GitInfo, git_info
from breeze.images.build import specs_for
from breeze.images.context import stage_context
from breeze.images.inputs import constraints_text
from breeze.images.params import LABEL_PREFIX, ImageSpec, ca_bundle


@dataclass(frozen=True)
class PushRequest:
    pythons: tuple[str, ...] = ()
    registry: str | None = None
    release: bool = False
    latest: bool = False
    force: bool = False
    allow_dirty: bool = False
    platforms: tuple[str, ...] = ()  # --platform values, as build-image takes them


def push_images(ctx: AppContext, request: PushRequest) -> int:
    config = load_project(ctx.project_dir)
    source = "--registry" if request.registry else "[image] registry"
    registry = check_registry(request.registry or config.registry, source)
    pythons = select_pythons(config, list(request.pythons))
    wanted = platforms.parse(request.platforms)
    git = commit_of(config, allow_dirty=request.allow_dirty)
    podman.require_docker(ctx.engine.name, "breeze push", "push")
    ctx.engine.require()
    targets = [target_for(ctx, config, git, registry, python, request, wanted) for python in pythons]
    conflicts = [c for target in targets for c in find_conflicts(ctx, registry, target, request.latest)]
    if conflicts and not request.force:
        raise _conflict_error(conflicts)
    pushed: dict[str, record.PushedImage] = {}
    for target in targets:
        digest = (
            push_platforms(ctx, registry, target) if target.images else push_target(ctx, registry, target)
        )
        pushed[target.python] = {
            "repository": target.repository,
            "digest": digest,
            "reference": f"{target.repository}@{digest}",
            "tags": [tag.split(":")[-1] for tag in target.tags],
            "commit": git.sha,
            "version": config.version,
            "pushed_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        if target.images:
            pushed[target.python]["platforms"] = list(target.platforms)
    if ctx.dry_run:
        return 0
    file = record.record(config.root, config.name, pushed)
    for python, image in pushed.items():
        print(f"python{python} {image['reference']}", flush=True)
    ctx.console.print(f"Digests recorded in {file} (breeze deploy and the CI pipeline use them).")
    return 0


def commit_of(config: ProjectConfig, *, allow_dirty: bool) -> GitInfo:
    git = git_info(config.root)
    if git is None:
        raise ConfigError(
            f"{config.root} is not a git work tree: a push is tagged with its commit.",
            fix="Run `git init && git add -A && git commit -m 'first commit'`, then push again.",
        )
    if git.dirty and not allow_dirty:
        raise ConfigError(
            "The work tree has uncommitted changes: the commit tag would not say what the image holds.",
            fix="Commit the changes (then `breeze build-image --production` and push), or pass "
            "--allow-dirty to push under the tag <sha>-dirty-python<X.Y>.",
        )
    return git


def target_for(
    ctx: AppContext,
    config: ProjectConfig,
    git: GitInfo,
    registry: str,
    python: str,
    request: PushRequest,
    wanted: tuple[str, ...] = (),
) -> PushTarget:
    """The local production image(s) of this flavour, checked to be of this commit and up to date:
    one image, or with several platforms (asked for, or built together) one per platform."""
    spec = specs_for(config, "prod", python, ctx.engine, platform=wanted[0] if len(wanted) == 1 else None)
    chosen = wanted or built_together(ctx.engine, spec.ref)
    build = build_command(python, wanted)
    repository = remote_repository(config, registry)
    tags = push_tags(config, git, python, release=request.release, latest=request.latest)
    target = PushTarget(python, spec.ref, repository, tuple(f"{repository}:{tag}" for tag in tags))
    if len(chosen) < 2:
        check_image(ctx, config, git, spec, build, platform=wanted[0] if wanted else None)
        return target
    for platform in chosen:
        each = specs_for(config, "prod", python, ctx.engine, platform=platform, per_platform=True)
        check_image(ctx, config, git, each, build_command(python, chosen), platform=platform, several=True)
    return plan(target, chosen)


def check_image(
    ctx: AppContext,
    config: ProjectConfig,
    git: GitInfo,
    spec: ImageSpec,
    build: str,
    *,
    platform: str | None = None,
    several: bool = False,
) -> None:
    """The local image exists, is of this commit and of the project's files (and of ``platform``)."""
    what = f"{platform} production image" if several else "production image"
    if not ctx.engine.image_exists(spec.ref):
        raise DeliveryError(f"There is no {what} {spec.ref} to push yet.", fix=f"Build it first: `{build}`.")
    # Before the fingerprint: another platform's image was built on another base, so it would
    # only look out of date.
    found = ctx.engine.image_platform(spec.ref) if platform else platform
    if found != platform:
        raise DeliveryError(
            f"The {what} {spec.ref} is for {found}, not {platform}.",
            fix=f"Build it for {platform}: `{build}`.",
        )
    labels = ctx.engine.image_labels(spec.ref)
    if labels.get("org.opencontainers.image.revision") != git.sha:
        raise DeliveryError(
            f"The {what} {spec.ref} was built from another commit "
            f"({labels.get('org.opencontainers.image.revision', 'unknown')[:12]}, now {git.sha[:12]}).",
            fix=f"Rebuild it: `{build}`.",
        )
    staged = stage_context(spec, constraints_text(config, spec.python, ca_bundle(config, os.environ)))
    if labels.get(f"{LABEL_PREFIX}.fingerprint", "").split(";", 1)[0] != staged.fingerprint:
        raise DeliveryError(
            f"The {what} {spec.ref} is older than the project's files.", fix=f"Rebuild it: `{build}`."
        )


def find_conflicts(ctx: AppContext, registry: str, target: PushTarget, latest: bool) -> list[Conflict]:
    """Tags the registry holds with other content (``latest`` is meant to move when asked)."""
    if target.images:
        return platform_conflicts(ctx, registry, target, latest)
    local = ctx.engine.image_id(target.local_ref)
    conflicts = []
    for ref in target.tags:
        if latest and ref.endswith(":latest"):
            continue
        held = held_at(ctx.engine, registry, ref)
        if held is not None and held.config_digest != local:
            conflicts.append(Conflict(ref, held.digest, held.config_digest, local))
    return conflicts


def push_target(ctx: AppContext, registry: str, target: PushTarget) -> str:
    """Tag and push every tag of one flavour; the first push sends the layers, the rest reuse them.
    Returns the digest."""
    ctx.console.print(f"[bold]Pushing {target.local_ref}[/] to {target.repository}")
    first: PushResult | None = None
    for ref in target.tags:
        result = push_ref(ctx.engine, registry, target.local_ref, ref)
        if first is None:
            first = result
            ctx.console.print(
                f"  {ref.split(':')[-1]}: {result.pushed} layer(s) sent, {result.existing} already there"
            )
        else:
            ctx.console.print(f"  {ref.split(':')[-1]}")
    assert first is not None
    ctx.console.print(f"  digest {first.digest}")
    return first.digest


def _conflict_error(conflicts: list[Conflict]) -> DeliveryError:
    lines = [
        f"{c.ref}: the registry holds {c.registry_digest} (image {c.registry_image}); "
        f"the local image is {c.local_image}"
        for c in conflicts
    ]
    return DeliveryError(
        f"{len(conflicts)} tag(s) already hold other content in the registry; breeze never overwrites a tag "
        "silently:\n  " + "\n  ".join(lines),
        fix="Push a new commit or release version, or pass --force to overwrite these tags.",
    )
