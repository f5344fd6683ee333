"""breeze push of an image built for several platforms, as ONE manifest list.

``build-image --platform linux/amd64,linux/arm64`` builds each platform on its own with the
engine's default builder and tags each image ``<ref>-<os>-<arch>`` (breeze.platforms). A push then
sends each platform's image under the commit's tag plus ``-<os>-<arch>``, and joins them in the
registry with ``docker buildx imagetools create`` (breeze.platforms.manifest_list) under every tag
of the push. The list's digest is what ``.breeze/pushed.json`` records, so ``breeze deploy`` pulls
the list and each node takes its own platform. No multi-platform builder (docker-container
driver, containerd image store) is needed: the registry does the joining."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from breeze import platforms
from breeze.context import AppContext
from breeze.delivery.registry_errors import explain
from breeze.delivery.settings import Conflict, PlatformImage, PushTarget
from breeze.engine import Engine
from breeze.engineregistry import PushResult, RegistryCommandError, RegistryManifest
from breeze.errors import DeliveryError, EngineCommandFailed


def build_command(python: str, wanted: Iterable[str] = ()) -> str:
    """The build-image command that makes the image(s) a push of ``wanted`` platforms needs."""
    joined = ",".join(wanted)
    return f"breeze build-image --production --python {python}" + (f" --platform {joined}" if joined else "")


def built_together(engine: Engine, ref: str) -> tuple[str, ...]:
    """Without --platform: the platforms of the last ``build-image --platform A,B``, when the
    project's image is still that build's native image (a later plain build replaced it
    otherwise, and a plain push is meant); () for a plain push."""
    native = platforms.platform_ref(ref, platforms.native())
    if not (engine.image_exists(ref) and engine.image_exists(native)):
        return ()
    if engine.image_id(ref) != engine.image_id(native):
        return ()
    found = tuple(p for p in platforms.QEMU_ENTRIES if engine.image_exists(platforms.platform_ref(ref, p)))
    return found if len(found) > 1 else ()


def plan(target: PushTarget, wanted: Iterable[str]) -> PushTarget:
    """``target`` with one image per platform: local ``<ref>-<os>-<arch>`` -> remote
    ``<commit's tag>-<os>-<arch>``; the push's tags then name only the manifest list."""
    images = tuple(
        PlatformImage(
            platform,
            platforms.platform_ref(target.local_ref, platform),
            platforms.platform_ref(target.tags[0], platform),
        )
        for platform in wanted
    )
    return replace(target, images=images)


def held_at(engine: Engine, registry: str, ref: str) -> RegistryManifest | None:
    """What the registry holds under ``ref`` (None: nothing); a failed lookup explained."""
    try:
        return engine.registry_manifest(ref)
    except RegistryCommandError as exc:
        raise explain(registry, ref, exc.stderr) from None


def push_ref(engine: Engine, registry: str, local_ref: str, ref: str) -> PushResult:
    """Tag the local image as ``ref`` and push it; a refused push explained."""
    engine.tag(local_ref, ref)
    try:
        return engine.push(ref)
    except RegistryCommandError as exc:
        raise explain(registry, ref, exc.stderr) from None


def platform_conflicts(ctx: AppContext, registry: str, target: PushTarget, latest: bool) -> list[Conflict]:
    """Tags the registry holds with other content: a per-platform tag holding another image, or a
    list tag holding anything but a list of exactly these images (``latest`` may move)."""
    local = {image.platform: ctx.engine.image_id(image.local_ref) for image in target.images}
    conflicts = []
    for image in target.images:
        held = held_at(ctx.engine, registry, image.remote_ref)
        if held is not None and held.config_digest != local[image.platform]:
            conflicts.append(
                Conflict(image.remote_ref, held.digest, held.config_digest, local[image.platform])
            )
    for ref in target.tags:
        if latest and ref.endswith(":latest"):
            continue
        held = held_at(ctx.engine, registry, ref)
        if held is None:
            continue
        joined = _joined_images(ctx.engine, registry, target.repository, held)
        if joined != local:
            conflicts.append(
                Conflict(ref, held.digest, _describe(joined) or held.config_digest, _describe(local))
            )
    return conflicts


def _joined_images(engine: Engine, registry: str, repository: str, held: RegistryManifest) -> dict[str, str]:
    """platform -> image ID of each image a manifest list joins ({} for a single image)."""
    found = {}
    for platform, digest in held.manifests:
        child = held_at(engine, registry, f"{repository}@{digest}")
        found[platform] = child.config_digest if child else ""
    return found


def _describe(images: dict[str, str]) -> str:
    return ", ".join(f"{platform} {image}" for platform, image in sorted(images.items()))


def push_platforms(ctx: AppContext, registry: str, target: PushTarget) -> str:
    """Push each platform's image, then join them under the push's tags in one call; return the
    manifest list's digest ('' in a dry run, where every step is printed, none run)."""
    ctx.console.print(
        f"[bold]Pushing {target.local_ref}[/] for {' and '.join(target.platforms)} to {target.repository} "
        "(one manifest list)"
    )
    sources = []
    for image in target.images:
        result = push_ref(ctx.engine, registry, image.local_ref, image.remote_ref)
        # By digest: the list joins exactly what was just pushed, whatever the tag holds by now.
        sources.append(f"{target.repository}@{result.digest}" if result.digest else image.remote_ref)
        ctx.console.print(
            f"  {image.platform} ({image.remote_ref.rsplit(':', 1)[-1]}): {result.pushed} layer(s) sent, "
            f"{result.existing} already there"
        )
    list_ref = target.tags[0]
    try:
        joined = platforms.manifest_list(ctx.engine, list_ref, sources, target.tags[1:])
    except EngineCommandFailed as exc:
        raise explain(registry, list_ref, exc.stderr) from None
    if ctx.dry_run:
        return ""
    held = held_at(ctx.engine, registry, list_ref)
    if sorted(joined) != sorted(target.platforms) or held is None:
        raise DeliveryError(
            f"The manifest list {list_ref} holds {', '.join(joined) or 'nothing'}, not "
            f"{', '.join(target.platforms)}.",
            fix="Push again; if it persists, check the registry accepts manifest lists (OCI indexes).",
        )
    tags = ", ".join(ref.rsplit(":", 1)[-1] for ref in target.tags)
    ctx.console.print(f"  manifest list {tags}: {', '.join(joined)}")
    ctx.console.print(f"  digest {held.digest}")
    return held.digest
