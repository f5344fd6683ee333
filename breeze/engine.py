"""The one seam to the container engine: every docker / buildx / compose call goes through
python-on-whales, and every process it starts passes through ``_trace`` so that ``--verbose``
shows it and ``--dry-run`` prints it instead of running it (read-only queries still run, so a
dry run plans from the real state)."""

from __future__ import annotations

import contextlib
import os
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from breeze.errors import EngineError

if TYPE_CHECKING:
    from python_on_whales import DockerClient
    from rich.console import Console

ENGINE_FIX = (
    "Start a Docker engine: on Debian run `sudo bash scripts/install-engine.sh` from the breeze "
    "repository; elsewhere start Docker Desktop or `sudo systemctl start docker`. "
    "Then check with `docker info`."
)

BUILDX_FIX = (
    "Install buildx (Debian trixie: `apt-get install -t trixie docker-buildx`; "
    "`scripts/install-engine.sh` does this), then check `docker buildx version`."
)
COMPOSE_FIX = (
    "Install the compose plugin (Debian trixie: `apt-get install -t trixie docker-compose`; "
    "`scripts/install-engine.sh` does this), then check `docker compose version`."
)

_READ_ONLY = {
    ("version",),
    ("info",),
    ("inspect",),
    ("images",),
    ("ps",),
    ("image", "inspect"),
    ("image", "ls"),
    ("image", "list"),
    ("container", "inspect"),
    ("container", "ls"),
    ("container", "list"),
    ("volume", "inspect"),
    ("volume", "ls"),
    ("volume", "list"),
    ("network", "inspect"),
    ("network", "ls"),
    ("buildx", "version"),
    ("buildx", "inspect"),
    ("buildx", "ls"),
}
_COMPOSE_READ_ONLY = {"version", "ps", "config", "ls", "logs", "images", "top", "port"}


def is_read_only(argv: list[str]) -> bool:
    """Whether a docker argv only reads state (and so still runs under ``--dry-run``)."""
    words = argv[1:]
    if not words:
        return True
    if words[0] == "compose":
        return _compose_verb(words[1:]) in _COMPOSE_READ_ONLY
    return (words[0],) in _READ_ONLY or tuple(words[:2]) in _READ_ONLY


# compose's global options that take a value: skipped to find the subcommand.
_COMPOSE_VALUE_OPTIONS = {
    "-f", "--file", "-p", "--project-name", "--project-directory", "--env-file", "--profile",
    "--ansi", "--progress", "--parallel",
}  # fmt: skip


def _compose_verb(words: list[str]) -> str | None:
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word in _COMPOSE_VALUE_OPTIONS:
            skip = True
        elif not word.startswith("-"):
            return word
    return None


_hook: Callable[[list[str]], bool] | None = None


def _install_trace() -> None:
    """Wrap python-on-whales' two process starters once, in every module that imported them."""
    import sys

    import python_on_whales  # noqa: F401  (loads every component module)
    from python_on_whales import utils

    if getattr(utils.run, "__breeze_traced__", False):
        return
    original_run, original_stream = utils.run, utils.stream_stdout_and_stderr

    def run(args: list[Any], *a: Any, **kw: Any) -> Any:
        argv = [str(x) for x in args]
        if _hook is not None and not _hook(argv):
            return ("", "") if kw.get("return_stderr") else ""
        return original_run(args, *a, **kw)

    def stream(full_cmd: list[Any], *a: Any, **kw: Any) -> Iterator[tuple[str, bytes]]:
        argv = [str(x) for x in full_cmd]
        if _hook is not None and not _hook(argv):
            return iter(())
        return original_stream(full_cmd, *a, **kw)

    run.__breeze_traced__ = True  # type: ignore[attr-defined]
    for name, module in list(sys.modules.items()):
        if not name.startswith("python_on_whales"):
            continue
        if getattr(module, "run", None) is original_run:
            module.run = run  # type: ignore[attr-defined]
        if getattr(module, "stream_stdout_and_stderr", None) is original_stream:
            module.stream_stdout_and_stderr = stream  # type: ignore[attr-defined]


@dataclass
class RunResult:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return (self.stdout + ("\n" if self.stdout and self.stderr else "") + self.stderr).strip()


class Engine:
    def __init__(self, console: Console, verbose: bool = False, dry_run: bool = False) -> None:
        self.console = console
        self.verbose = verbose
        self.dry_run = dry_run
        self._checked: set[str] = set()

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
        return runs

    @cached_property
    def docker(self) -> DockerClient:
        global _hook
        from python_on_whales import DockerClient

        _install_trace()
        _hook = self._trace
        return DockerClient()

    def compose(
        self, files: list[str], project_name: str, env_file: str, profiles: list[str]
    ) -> DockerClient:
        """A client bound to one compose project (files, name, interpolation env file, profiles)."""
        from python_on_whales import DockerClient

        _ = self.docker  # installs the trace hook for this engine
        return DockerClient(
            compose_files=files,
            compose_project_name=project_name,
            compose_env_files=[env_file],
            compose_profiles=profiles,
        )

    # -- checks -----------------------------------------------------------------------------
    def require(self, *, buildx: bool = False, compose: bool = False) -> None:
        """Fail with the fix when the engine (or buildx / compose v2) is not there."""
        from python_on_whales.exceptions import DockerException

        if "engine" not in self._checked:
            if not self._docker_binary():
                raise EngineError("The `docker` command-line client is not installed.", fix=ENGINE_FIX)
            try:
                self.docker.version()
            except DockerException as exc:
                raise EngineError(
                    "No container engine answers"
                    f"{' at ' + os.environ['DOCKER_HOST'] if os.environ.get('DOCKER_HOST') else ''}.",
                    fix=ENGINE_FIX,
                    details=_stderr(exc),
                ) from None
            self._checked.add("engine")
        if buildx and "buildx" not in self._checked:
            try:
                self.docker.buildx.version()
            except DockerException:
                raise EngineError(
                    "The docker buildx plugin is missing; breeze builds images with BuildKit through it.",
                    fix=BUILDX_FIX,
                ) from None
            self._checked.add("buildx")
        if compose and "compose" not in self._checked:
            try:
                self.docker.compose.version()
            except DockerException:
                raise EngineError(
                    "Docker compose v2 is missing.",
                    fix=COMPOSE_FIX,
                ) from None
            self._checked.add("compose")

    def answers(self) -> bool:
        """Whether the engine answers right now (after a command against it failed)."""
        from python_on_whales.exceptions import DockerException

        try:
            self.docker.version()
        except DockerException:
            return False
        return True

    # -- facts (breeze doctor) -----------------------------------------------------------------
    def server_version(self) -> str:
        return str(self.docker.version().server.version)

    def buildx_version(self) -> str:
        return str(self.docker.buildx.version()).strip()

    def compose_version(self) -> str:
        return str(self.docker.compose.version()).strip()

    def root_dir(self) -> str | None:
        root = self.docker.info().docker_root_dir
        return str(root) if root else None

    @staticmethod
    def _docker_binary() -> str | None:
        import shutil

        return shutil.which("docker")

    # -- images -----------------------------------------------------------------------------
    def image_exists(self, ref: str) -> bool:
        return bool(self.docker.image.exists(ref))

    def image_labels(self, ref: str) -> dict[str, str]:
        return dict(self.docker.image.inspect(ref).config.labels or {})

    def image_size(self, ref: str) -> int:
        return int(self.docker.image.inspect(ref).size or 0)

    def image_id(self, ref: str) -> str:
        return str(self.docker.image.inspect(ref).id)

    def tag(self, source: str, target: str) -> None:
        self.docker.image.tag(source, target)

    def remove_image(self, ref: str) -> None:
        from python_on_whales.exceptions import DockerException

        with contextlib.suppress(DockerException):
            self.docker.image.remove(ref, force=True)

    def import_rootfs(
        self, tarball: str, ref: str, changes: list[str] | None = None, platform: str | None = None
    ) -> None:
        self.docker.import_(tarball, tag=ref, changes=changes or [], platform=platform)

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
        from python_on_whales.exceptions import DockerException

        stream = self.docker.buildx.build(
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
        try:
            yield from stream
        except DockerException as exc:
            raise BuildStreamError(exc.return_code) from None

    # -- resources by label (breeze cleanup) ----------------------------------------------
    def containers(self, label: str) -> list[Any]:
        return list(self.docker.container.list(all=True, filters=[("label", label)]))

    def images(self, label: str) -> list[Any]:
        return list(self.docker.image.list(filters=[("label", label)]))

    def volumes(self, label: str) -> list[Any]:
        return list(self.docker.volume.list(filters=[("label", label)]))

    def networks(self, label: str) -> list[Any]:
        return list(self.docker.network.list(filters=[("label", label)]))

    def remove(self, kind: str, ref: str) -> None:
        """Remove one container / image / volume / network (``kind`` names the docker command)."""
        component = {"container": self.docker.container, "image": self.docker.image}.get(kind)
        if component is not None:
            component.remove(ref, force=True)
        else:
            getattr(self.docker, kind).remove(ref)

    # -- containers -------------------------------------------------------------------------
    def run(
        self,
        image: str,
        command: list[str],
        *,
        user: str | None = None,
        envs: dict[str, str] | None = None,
        entrypoint: str | None = None,
        networks: list[str] | None = None,
        volumes: list[tuple[str, str, str]] | None = None,
    ) -> RunResult:
        """Run a throwaway container; return its exit code, stdout and stderr (never raises on exit != 0).

        Detached + wait + logs, because a foreground ``docker run`` does not hand back stderr."""
        container = self.docker.run(
            image,
            command,
            detach=True,
            user=user,
            envs=envs or {},
            entrypoint=entrypoint,
            networks=networks or [],
            volumes=volumes or [],
        )
        try:
            exit_code = int(self.docker.container.wait(container))
            out: list[str] = []
            err: list[str] = []
            for source, chunk in self.docker.container.logs(container, stream=True):
                (out if source == "stdout" else err).append(chunk.decode(errors="replace"))
        finally:
            self.docker.container.remove(container, force=True, volumes=True)
        return RunResult(exit_code, "".join(out), "".join(err))

    # -- platforms (breeze.platforms: --platform, manifest lists) --------------------------
    def image_platform(self, ref: str) -> str:
        """``os/arch`` of a local image, e.g. ``linux/arm64``."""
        image = self.docker.image.inspect(ref)
        return f"{image.os}/{image.architecture}"

    def create_manifest_list(self, target: str, sources: list[str]) -> None:
        """``docker buildx imagetools create -t TARGET SOURCES...`` (all already in the registry)."""
        self.docker.buildx.imagetools.create(sources=sources, tags=[target])

    def manifest_platforms(self, ref: str) -> list[str]:
        """The platforms a registry manifest list holds (``buildx imagetools inspect --raw``)."""
        manifest = self.docker.buildx.imagetools.inspect(ref)
        return [
            f"{m.platform.os}/{m.platform.architecture}"
            for m in manifest.manifests or []
            if m.platform is not None
        ]


class BuildStreamError(Exception):
    def __init__(self, return_code: int) -> None:
        super().__init__(return_code)
        self.return_code = return_code


def _stderr(exc: Any) -> str:
    err = getattr(exc, "stderr", "") or ""
    return err.decode(errors="replace") if isinstance(err, bytes) else str(err)
