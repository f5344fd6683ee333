"""breeze cleanup: remove what breeze made, and nothing else.

Found by label: containers and images carry ``dev.breeze.managed=true`` (images from
``breeze build-image`` and ``breeze setup offline-images``, containers from the compose files);
volumes and networks are compose's, so they are found by a compose project name that starts with
``breeze-`` (or by breeze's label). An unlabelled resource is never touched. Offline base images
take long to rebuild without a registry, so they stay unless asked for."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rich.markup import escape
from rich.table import Table

from breeze import paths
from breeze.context import AppContext
from breeze.engine import Resource
from breeze.errors import EngineCommandFailed
from breeze.offline import registry
from breeze.offline.plan import REPOSITORY

Kind = Literal["container", "image", "volume", "network", "cache"]

MANAGED = "dev.breeze.managed"
PROJECT = "dev.breeze.project"
OFFLINE = "dev.breeze.offline"
COMPOSE_PROJECT = "com.docker.compose.project"
EXIT_PARTIAL = 1


@dataclass(frozen=True)
class CleanupRequest:
    cache: bool = False
    offline_images: bool = False
    only_project: str | None = None


@dataclass(frozen=True)
class Item:
    kind: Kind
    ref: str  # what the removal is given: an id, a volume name, a path
    name: str  # what the user reads
    size: int | None = None
    offline: bool = False  # an offline stand-in: its record goes too


def owned_by_breeze(labels: dict[str, str], only_project: str | None) -> bool:
    """Whether a resource with these labels is breeze's (and, with a filter, that project's)."""
    compose = labels.get(COMPOSE_PROJECT, "")
    if only_project is None:
        return labels.get(MANAGED) == "true" or compose.startswith("breeze-")
    if labels.get(MANAGED) == "true" and labels.get(PROJECT) == only_project:
        return True
    # The compose project name is breeze-<project>-<8 hex digits of the checkout's path>, and a
    # test run's adds -test-<run id>.
    slug = re.sub(r"[^a-z0-9_-]", "-", f"breeze-{only_project}")
    return re.fullmatch(rf"{re.escape(slug)}-[0-9a-f]{{8}}(-test-[0-9a-f]+)?", compose) is not None


def is_offline_image(tags: list[str], labels: dict[str, str], recorded: set[str]) -> bool:
    """An offline stand-in (``breeze setup offline-images``). Images built FROM one inherit its
    ``dev.breeze.offline`` label, so a project label means "not an offline image"."""
    names = [tag.removeprefix("localhost/") for tag in tags]  # podman names local images localhost/…
    if any(name.startswith(f"{REPOSITORY}/") or name in recorded for name in names):
        return True
    return labels.get(OFFLINE) == "true" and PROJECT not in labels


def dir_size(path: Path) -> int:
    total = 0
    for file in path.rglob("*"):
        try:
            if file.is_file() and not file.is_symlink():
                total += file.stat().st_size
        except OSError:
            continue
    return total


def find(ctx: AppContext, request: CleanupRequest) -> list[Item]:
    """Everything the cleanup would remove, in removal order (containers before their images)."""
    engine = ctx.engine
    engine.require()
    label = f"{PROJECT}={request.only_project}" if request.only_project else f"{MANAGED}=true"
    items: list[Item] = []
    seen: set[str] = set()

    def add(item: Item) -> None:
        if item.ref not in seen:
            seen.add(item.ref)
            items.append(item)

    for container in [*engine.containers(label), *engine.containers(COMPOSE_PROJECT)]:
        if owned_by_breeze(container.labels, request.only_project):
            add(Item("container", container.id, container.name))

    recorded = {ref for table in registry.load().values() for ref in table.values()}
    for image in engine.images(label):
        labels, tags = image.labels, list(image.tags)
        if not owned_by_breeze(labels, request.only_project):
            continue
        offline = is_offline_image(tags, labels, recorded)
        if offline and not request.offline_images:
            continue
        name = ", ".join(tags) or image.id.removeprefix("sha256:")[:12]
        add(Item("image", image.id, name, image.size, offline=offline))

    listings: tuple[tuple[Kind, Callable[[str], list[Resource]]], ...] = (
        ("volume", engine.volumes),
        ("network", engine.networks),
    )
    for kind, listing in listings:
        for resource in [*listing(label), *listing(COMPOSE_PROJECT)]:
            if owned_by_breeze(resource.labels, request.only_project):
                add(Item(kind, resource.name, resource.name))

    if request.cache:
        cache = paths.cache_dir()
        if cache.exists():
            add(Item("cache", str(cache), str(cache), dir_size(cache)))
    return items


def _human(size: int | None) -> str:
    if size is None:
        return ""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return ""  # unreachable


def show(ctx: AppContext, items: list[Item]) -> None:
    table = Table(title="breeze cleanup would remove", title_justify="left")
    table.add_column("kind")
    table.add_column("name")
    table.add_column("size", justify="right")
    for item in items:
        table.add_row(item.kind, escape(item.name), _human(item.size))
    ctx.console.print(table)


def remove(ctx: AppContext, items: list[Item]) -> list[tuple[Item, str]]:
    """Remove each item (under --dry-run the engine prints the commands instead); return failures."""
    failures: list[tuple[Item, str]] = []
    for item in items:
        try:
            if item.kind == "cache":
                if ctx.dry_run:
                    print(f"rm -rf {item.ref}", flush=True)
                else:
                    shutil.rmtree(item.ref)
            else:
                ctx.engine.remove(item.kind, item.ref)
        except EngineCommandFailed as exc:
            failures.append((item, exc.last_line or "failed"))
        except OSError as exc:
            failures.append((item, exc.strerror or str(exc)))
    return failures


def cleanup(ctx: AppContext, request: CleanupRequest) -> int:
    items = find(ctx, request)
    if not items:
        scope = f" for project {request.only_project}" if request.only_project else ""
        ctx.console.print(f"Nothing breeze made is left to remove{scope}.")
        return 0
    show(ctx, items)
    if not ctx.dry_run and not ctx.confirm(f"Remove these {len(items)} item(s)?", default=False):
        ctx.console.print("Nothing removed.")
        return 0
    failures = remove(ctx, items)
    if ctx.dry_run:
        ctx.console.print("Dry run: nothing removed.")
        return 0
    for item, reason in failures:
        ctx.console.print(f"[yellow]Could not remove {item.kind} {item.name}:[/] {reason}")
    if any(item.offline for item in items) and registry.clear():
        ctx.console.print("Forgot the offline images: builds use the registry's images again.")
    removed = len(items) - len(failures)
    ctx.console.print(f"Removed {removed} of {len(items)} item(s).")
    if failures:
        ctx.console.print("Fix: stop what still uses them (`docker ps -a`), then run `breeze cleanup` again.")
        return EXIT_PARTIAL
    return 0
