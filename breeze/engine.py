"""The one seam to the container engine: every docker / buildx / compose call goes through
python-on-whales, and every process it starts passes through ``_trace`` so that ``--verbose``
shows it and ``--dry-run`` prints it instead of running it (read-only queries still run, so a
dry run plans from the real state)."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from python_on_whales import DockerClient
from python_on_whales import utils as pow_utils
from python_on_whales.exceptions import DockerException
from rich.console import Console

from breeze import enginecompose, podman, runlog
from breeze.compose import ComposeProject
from breeze.engineregistry import PushResult, RegistryCommandError, RegistryManifest
from breeze.enginerun import RunResult as RunResult  # re-exported: callers import it from here
from breeze.enginerun import ThrowawayContainers
from breeze.engineservice import ServiceContainers
from breeze.enginetrace import ACTIVE_HOOK, install_trace, is_read_only, translate
from breeze.errors import EngineCommandFailed, EngineError
from breeze.paths import cache_dir
from breeze.podmanservice import PODMAN_COMPOSE_FIX, PODMAN_COMPOSE_MISSING

T = TypeVar("T")

ENGINE_FIX = (
    "Start a Docker engine: on Debian run `sudo bash scripts/install-engine.sh` from the breeze "
    "repository; elsewhere start Docker Desktop or `sudo systemctl start docker`. "
    "Then check with `docker info`."
)

BUILDX_FIX = (
    "Install buildx (Debian trixie: `apt-get install -t trixie docker-buildx`; "
    "`scripts/install-engine.sh` does this), then check `docker buildx version`."
)
COMPOSE_MISSING = "Docker compose v2 is missing."
COMPOSE_FIX = (
    "Install the compose plugin (Debian trixie: `apt-get install -t trixie docker-compose`; "
    "`scripts/install-engine.sh` does this), then check `docker compose version`."
)


PODMAN_FIX = (
    "Install podman (Debian: `sudo bash scripts/install-podman.sh` from the breeze repository, "
    "which also writes the containers.conf breeze needs), then check `podman info`; or choose "
    "docker with `BREEZE_ENGINE=docker`."
)


class Engine(ServiceContainers, ThrowawayContainers):
    def __init__(
        self, console: Console, verbose: bool = False, dry_run: bool = False, name: str = "docker"
    ) -> None:
        self.console = console
        self.verbose = verbose
        self.dry_run = dry_run
        self.name = name  # "docker" or "podman" (breeze.enginechoice)
        self._checked: set[str] = set()

    @property
    def is_podman(self) -> bool:
        return self.name == "podman"

    # -- the seam ---------------------------------------------------------------------------
    def _trace(self, argv: list[str]) -> bool:
        """Print the command when asked; return whether it should really run."""
        argv = ["docker", *argv[1:]] if argv and os.path.basename(argv[0]) == "docker" else argv
        runs = not self.dry_run or is_read_only(argv)
        if self.dry_run and not runs:
            # Plain print: a dry run's output is meant to be copied into a shell.
            print(shlex.join(argv), flush=True)
        elif self.verbose:
            self.console.print(f"[dim]$ {shlex.join(argv)}[/]", soft_wrap=True, markup=True)
        else:
            runlog.note(f"$ {shlex.join(argv)}")  # what --verbose shows, kept for afterwards
        return runs

    def _new_client(self, **compose: Any) -> DockerClient:
        install_trace()
        if self.is_podman:
            return DockerClient(client_call=["podman"], client_type="podman", **compose)
        return DockerClient(**compose)

    @cached_property
    def docker(self) -> DockerClient:
        return self._new_client()

    def _call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call python-on-whales with this engine's hook; its errors become EngineCommandFailed."""
        token = ACTIVE_HOOK.set(self._trace)
        try:
            return fn(*args, **kwargs)
        except DockerException as exc:
            raise translate(exc) from None
        finally:
            ACTIVE_HOOK.reset(token)

    def _stream(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Iterator[tuple[str, bytes]]:
        """A streaming call: started and iterated under this engine's hook, errors translated."""
        stream = iter(self._call(fn, *args, **kwargs))
        while True:
            try:
                item = self._call(next, stream)
            except StopIteration:
                return
            yield item

    def compose_project(
        self, name: str, files: list[str], env_file: str, profiles: list[str]
    ) -> ComposeProject:
        """One compose project (files, name, interpolation env file, profiles) behind this seam;
        on podman, Docker's compose CLI at podman's API socket (breeze.enginecompose)."""
        return enginecompose.compose_project(self, name, files, env_file, profiles)

    # -- checks -----------------------------------------------------------------------------
    def require(self, *, buildx: bool = False, compose: bool = False) -> None:
        """Fail with the fix when the engine (or buildx / compose v2) is not there."""
        if "engine" not in self._checked:
            fix = PODMAN_FIX if self.is_podman else ENGINE_FIX
            if not self._binary(self.name):
                raise EngineError(f"The `{self.name}` command-line client is not installed.", fix=fix)
            try:
                self._call(self.docker.version)
            except EngineCommandFailed as exc:
                host = os.environ.get("DOCKER_HOST")
                raise EngineError(
                    f"No container engine answers{' at ' + host if host else ''}.",
                    fix=fix,
                    details=exc.stderr,
                ) from None
            self._checked.add("engine")
        if buildx and "buildx" not in self._checked and self.is_podman:
            # podman builds itself (`podman buildx build` is its alias of `podman build`): no plugin
            # to look for, but a release that has everything breeze's builds use.
            podman.check(podman.BUILD, self.client_version())
            self._checked.add("buildx")
        if buildx and "buildx" not in self._checked:
            self._require_plugin(
                self.docker.buildx.version,
                "The docker buildx plugin is missing; breeze builds images with BuildKit through it.",
                BUILDX_FIX,
            )
            self._checked.add("buildx")
        if compose and "compose" not in self._checked:
            missing = (
                (PODMAN_COMPOSE_MISSING, PODMAN_COMPOSE_FIX)
                if self.is_podman
                else (COMPOSE_MISSING, COMPOSE_FIX)
            )
            self._require_plugin(enginecompose.compose_cli(self).compose.version, *missing)
            self._checked.add("compose")

    def _require_plugin(self, version: Callable[[], object], message: str, fix: str) -> None:
        try:
            self._call(version)
        except EngineCommandFailed:
            raise EngineError(message, fix=fix) from None

    def answers(self) -> bool:
        """Whether the engine answers right now (after a command against it failed)."""
        try:
            self._call(self.docker.version)
        except EngineCommandFailed:
            return False
        return True

    # -- facts (breeze doctor) -----------------------------------------------------------------
    def server_version(self) -> str:
        return self._call(lambda: str(getattr(self.docker.version().server, "version", None)))

    def client_version(self) -> str:
        """The client's version: podman's own (a local podman has no separate server)."""
        return self._call(lambda: str(getattr(self.docker.version().client, "version", None)))

    def buildx_version(self) -> str:
        return str(self._call(self.docker.buildx.version)).strip()

    def compose_version(self) -> str:
        return str(self._call(enginecompose.compose_cli(self).compose.version)).strip()

    def podman_info(self) -> dict[str, Any]:
        """``podman info`` as JSON (python-on-whales' ``info()`` reads docker's shape, not podman's)."""
        argv = [*self.docker.client_config.docker_cmd, "info", "--format", "json"]
        return dict(json.loads(str(self._call(pow_utils.run, argv) or "{}")))

    def root_dir(self) -> str | None:
        root = self._call(lambda: self.docker.info().docker_root_dir)
        return str(root) if root else None

    @staticmethod
    def _binary(name: str) -> str | None:
        return shutil.which(name)

    # -- images -----------------------------------------------------------------------------
    def image_exists(self, ref: str) -> bool:
        return bool(self._call(self.docker.image.exists, ref))

    def image_labels(self, ref: str) -> dict[str, str]:
        return self._call(lambda: dict(self.docker.image.inspect(ref).config.labels or {}))

    def image_size(self, ref: str) -> int:
        return self._call(lambda: int(self.docker.image.inspect(ref).size or 0))

    def image_id(self, ref: str) -> str:
        return self._call(lambda: str(self.docker.image.inspect(ref).id))

    def tag(self, source: str, target: str) -> None:
        self._call(self.docker.image.tag, source, target)

    def remove_image(self, ref: str) -> None:
        with contextlib.suppress(EngineCommandFailed):
            self._call(self.docker.image.remove, ref, force=True)

    def import_rootfs(
        self, tarball: str, ref: str, changes: list[str] | None = None, platform: str | None = None
    ) -> None:
        self._call(self.docker.import_, tarball, tag=ref, changes=changes or [], platform=platform)

    def build(
        self,
        context: str,
        *,
        file: str,
        tags: list[str],
        build_args: dict[str, str],
        labels: dict[str, str],
        secrets: list[str],
        target: str | None = None,
        cache: bool = True,
        build_contexts: dict[str, str] | None = None,
        platform: str | None = None,
    ) -> Iterator[str]:
        """Stream a BuildKit build's plain-progress log, line by line; raises BuildStreamError."""
        if build_contexts and self.is_podman:
            podman.check(podman.BUILD_CONTEXT, self.client_version())
        if self.is_podman and not self.dry_run:
            podman.use_own_build_tmpdir(os.environ, os.geteuid(), cache_dir())
        stream = self._call(
            self.docker.buildx.build,
            context,
            file=file,
            tags=tags,
            build_args=build_args,
            labels=labels,
            secrets=secrets,
            target=target,
            cache=cache,
            load=True,
            progress="plain",
            stream_logs=True,
            build_contexts=build_contexts or {},
            platforms=[platform] if platform else None,
        )
        lines: Iterator[str] = iter(stream)  # type: ignore[arg-type]  # stream_logs=True: an iterator
        while True:
            try:
                line = self._call(next, lines)
            except StopIteration:
                return
            except EngineCommandFailed as exc:
                raise BuildStreamError(exc.return_code) from None
            yield str(line)

    # -- resources by label (breeze cleanup) ----------------------------------------------
    def containers(self, label: str) -> list[Resource]:
        def listing() -> list[Resource]:
            found = self.docker.container.list(all=True, filters=[("label", label)])
            return [Resource(c.id, c.name, dict(c.config.labels or {})) for c in found]

        return self._call(listing)

    def images(self, label: str) -> list[Resource]:
        def listing() -> list[Resource]:
            found = self.docker.image.list(filters=[("label", label)])
            return [
                Resource(i.id, i.id, dict(i.config.labels or {}), tuple(i.repo_tags or ()), int(i.size or 0))
                for i in found
            ]

        return self._call(listing)

    def volumes(self, label: str) -> list[Resource]:
        def listing() -> list[Resource]:
            found = self.docker.volume.list(filters=[("label", label)])
            return [Resource(v.name, v.name, dict(v.labels or {})) for v in found]

        return self._call(listing)

    def networks(self, label: str) -> list[Resource]:
        def listing() -> list[Resource]:
            found = self.docker.network.list(filters=[("label", label)])
            return [Resource(n.id, n.name, dict(n.labels or {})) for n in found]

        return self._call(listing)

    def remove(self, kind: str, ref: str) -> None:
        """Remove one container / image / volume / network (``kind`` names the docker command)."""
        if kind in ("container", "image"):
            component = self.docker.container if kind == "container" else self.docker.image
            self._call(component.remove, ref, force=True)
        else:
            self._call(getattr(self.docker, kind).remove, ref)

    # -- registries (breeze push / sbom, bases pinned by digest) ---------------------------------
    # Through the seam like every call: under --dry-run a push or pull is printed, not run, while a
    # lookup of what a registry holds still runs. Credentials stay with the docker CLI (`docker
    # login`, credential helpers): breeze never reads, prints or passes them.
    def push(self, ref: str) -> PushResult:
        """Push one tag; return the manifest digest the registry answered and the layer counts.

        The argv is built here: python-on-whales' push inspects the tag first, which a dry run
        (whose `docker tag` was only printed) does not have."""
        argv = [*self.docker.client_config.docker_cmd, "image", "push", ref]
        lines: list[str] = []
        try:
            for _source, chunk in self._stream(pow_utils.stream_stdout_and_stderr, argv):
                lines.append(chunk.decode(errors="replace").strip())
        except EngineCommandFailed as exc:
            raise RegistryCommandError(ref, exc.stderr or "\n".join(lines)) from None
        return PushResult.from_log(lines)

    def pull(self, ref: str) -> None:
        argv = [*self.docker.client_config.docker_cmd, "image", "pull", "--quiet", ref]
        try:
            self._call(pow_utils.run, argv)
        except EngineCommandFailed as exc:
            raise RegistryCommandError(ref, exc.stderr) from None

    def registry_manifest(self, ref: str) -> RegistryManifest | None:
        """The manifest a registry holds under a tag (None: no such tag); pulls nothing, so it runs
        under --dry-run too. buildx reads docker's credentials and speaks plain HTTP to 127.0.0.1
        like the engine does."""
        imagetools = [*self.docker.client_config.docker_cmd, "buildx", "imagetools", "inspect"]
        try:
            raw = str(self._call(pow_utils.run, [*imagetools, "--raw", ref]) or "")
            described = self._call(pow_utils.run, [*imagetools, "--format", "{{json .Manifest}}", ref])
        except EngineCommandFailed as exc:
            if exc.stderr.rstrip().endswith(": not found"):
                return None
            raise RegistryCommandError(ref, exc.stderr) from None
        if not raw or not described:  # nothing answered (a simulated docker)
            return None
        return RegistryManifest.parse(raw, str(described))

    def repo_digests(self, ref: str) -> list[str]:
        return self._call(lambda: [str(x) for x in self.docker.image.inspect(ref).repo_digests or []])

    # -- platforms (breeze.platforms: --platform, manifest lists) --------------------------
    def image_platform(self, ref: str) -> str:
        """``os/arch`` of a local image, e.g. ``linux/arm64``."""
        image = self._call(self.docker.image.inspect, ref)
        return f"{image.os}/{image.architecture}"

    def create_manifest_list(self, target: str, sources: list[str], more_tags: Sequence[str] = ()) -> None:
        """``docker buildx imagetools create -t TARGET [-t MORE...] SOURCES...`` (all already in the
        registry; one call, so every tag names the same list)."""
        self._call(self.docker.buildx.imagetools.create, sources=sources, tags=[target, *more_tags])

    def manifest_platforms(self, ref: str) -> list[str]:
        """The platforms a registry manifest list holds (``buildx imagetools inspect --raw``)."""
        manifest = self._call(self.docker.buildx.imagetools.inspect, ref)
        return [
            f"{m.platform.os}/{m.platform.architecture}"
            for m in manifest.manifests or []
            if m.platform is not None
        ]


@dataclass(frozen=True)
class Resource:
    """A container, image, volume or network as breeze cleanup sees it."""

    id: str
    name: str
    labels: dict[str, str]
    tags: tuple[str, ...] = ()
    size: int | None = None


class BuildStreamError(Exception):
    def __init__(self, return_code: int) -> None:
        super().__init__(return_code)
        self.return_code = return_code
