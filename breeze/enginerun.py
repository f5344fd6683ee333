"""The engine seam's throwaway containers (`breeze sbom`, `verify-image`, upgrade-check's ruff,
offline image checks): a mixin of ``breeze.engine.Engine``, so they go through its ``_call`` like
every docker call.

Each container is named and labelled before it exists. A signal (Ctrl-C, SIGTERM, SIGHUP: see
``breeze.signals``) can stop ``docker run`` before it answered with the container's ID while the
engine has created, even started, the container: breeze still removes it by name, and ``breeze
cleanup`` finds one a killed breeze left by label. None is started once a signal arrived."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from python_on_whales import DockerClient

from breeze import signals
from breeze.errors import EngineCommandFailed

T = TypeVar("T")

RUN_PREFIX = "breeze-run-"
RUN_LABEL = "dev.breeze.run"
RUN_LABELS = {"dev.breeze.managed": "true", RUN_LABEL: "true"}


@dataclass
class RunResult:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return (self.stdout + ("\n" if self.stdout and self.stderr else "") + self.stderr).strip()


class _Seam(Protocol):
    """What the mixin needs of the Engine."""

    @property
    def docker(self) -> DockerClient: ...

    def _call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T: ...

    def _stream(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Iterator[tuple[str, bytes]]: ...


class ThrowawayContainers:
    def run(
        self: _Seam,
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
        signum = signals.received()
        if signum is not None:
            raise signals.Terminated(signum)
        name = f"{RUN_PREFIX}{uuid.uuid4().hex[:12]}"
        try:
            self._call(
                self.docker.run,
                image,
                command,
                detach=True,
                name=name,
                labels=RUN_LABELS,
                user=user,
                envs=envs or {},
                entrypoint=entrypoint,
                networks=networks or [],
                volumes=volumes or [],
            )
            exit_code = int(self._call(self.docker.container.wait, name))
            out: list[str] = []
            err: list[str] = []
            for source, chunk in self._stream(self.docker.container.logs, name, stream=True):
                (out if source == "stdout" else err).append(chunk.decode(errors="replace"))
        finally:
            _remove(self, name)
        return RunResult(exit_code, "".join(out), "".join(err))


def _remove(engine: _Seam, name: str) -> None:
    try:
        engine._call(engine.docker.container.remove, name, force=True, volumes=True)
    except EngineCommandFailed as exc:
        if "no such container" not in exc.stderr.lower():  # else never created: nothing to remove
            raise
