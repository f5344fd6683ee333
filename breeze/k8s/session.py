"""What every `breeze k8s` command starts from: the request, the loaded settings, the cluster plan,
the runner, and where the production image comes from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from breeze import podman
from breeze.config import ProjectConfig, load_project, select_python
from breeze.context import AppContext
from breeze.errors import EngineCommandFailed
from breeze.images.params import image_spec
from breeze.k8s.chart import Target
from breeze.k8s.cluster import ClusterPlan, cluster_folder, cluster_name, read_plan
from breeze.k8s.runner import K8sError, Runner
from breeze.k8s.settings import K8sSettings, load_k8s
from breeze.k8s.values import ImageRef

DEFAULT_API_PORT = 28180


@dataclass(frozen=True)
class K8sRequest:
    """Options shared by the `breeze k8s` commands (each uses the ones it has)."""

    python: str | None = None
    name: str | None = None
    executor: str | None = None
    kubernetes_version: str | None = None
    node_image: str | None = None
    api_port: int | None = None
    values: tuple[Path, ...] = ()
    sets: tuple[str, ...] = ()
    timeout: str | None = None
    recreate: bool = False
    keep_cluster: bool = False
    upgrade: bool = False
    registry: str | None = None

    def overrides(self) -> dict[str, object]:
        return {
            "executor": self.executor,
            "kubernetes-version": self.kubernetes_version,
            "node-image": self.node_image,
            "api-port": self.api_port,
            "timeout": self.timeout,
            "registry": self.registry,
        }


class ImageSource(Protocol):
    """Gives the production image a unique tag the cluster can pull (never `latest`)."""

    def unique_ref(self, python: str, generation: int) -> ImageRef: ...


@dataclass
class EngineImages:
    """The production image from the engine, tagged `k8s-<image id>` (unique per content)."""

    ctx: AppContext
    config: ProjectConfig

    def unique_ref(self, python: str, generation: int) -> ImageRef:
        spec = image_spec(self.config, "prod", python, None, {})
        suffix = f"-{generation}" if generation > 1 else ""
        image_id = self._image_id(spec.ref)
        if not image_id and self.ctx.dry_run:
            self.ctx.console.print(f"(dry run: no production image {spec.ref} here)", markup=False)
            image_id = "sha256:<image-id>"
        if not image_id:
            raise K8sError(
                f"There is no production image {spec.ref} yet.",
                fix=f"Build it first: `breeze build-image --production --python {python}`.",
            )
        tag = f"k8s-{image_id.removeprefix('sha256:')[:12]}{suffix}"
        self.ctx.engine.tag(spec.ref, f"{spec.repository}:{tag}")
        return ImageRef(spec.repository, tag)

    def _image_id(self, ref: str) -> str:
        """The image's ID, "" when there is no such image (one inspect, no exists-then-inspect)."""
        try:
            return self.ctx.engine.image_id(ref)
        except EngineCommandFailed as failed:
            if "no such image" not in failed.stderr.lower():
                raise
            return ""


@dataclass
class Session:
    ctx: AppContext
    config: ProjectConfig
    request: K8sRequest
    settings: K8sSettings
    python: str
    name: str
    runner: Runner
    images: ImageSource
    started: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y%m%d-%H%M%S"))

    def plan(self) -> ClusterPlan:
        """The plan create-cluster recorded; before that, one with the ports still unknown."""
        return read_plan(self.name) or ClusterPlan(
            name=self.name,
            python=self.python,
            node_image=self.settings.node_image,
            api_server_port=0,
            api_port=self.settings.api_port or DEFAULT_API_PORT,
            registry=self.settings.registry,
            folder=cluster_folder(self.name),
        )

    def target(self) -> Target:
        chart = self.settings.chart
        return Target(namespace=chart.namespace, release=chart.release, kubeconfig=self.plan().kubeconfig)

    def results(self) -> Path:
        return self.config.root / self.config.tests.results / "k8s" / f"{self.started}-{self.name}"

    def say(self, text: str) -> None:
        self.ctx.console.print(text, markup=False, highlight=False, soft_wrap=True)


def open_session(
    ctx: AppContext,
    request: K8sRequest,
    images: Callable[[AppContext, ProjectConfig], ImageSource] = EngineImages,
) -> Session:
    config = load_project(ctx.project_dir)
    podman.require_docker(ctx.engine.name, "breeze k8s", "k8s")
    settings = load_k8s(config, request.overrides())
    python = select_python(config, request.python)
    name = cluster_name(config, python, request.name)
    runner = Runner(
        echo=lambda text: ctx.console.print(text, markup=False, highlight=False, soft_wrap=True),
        verbose=ctx.verbose,
        dry_run=ctx.dry_run,
        log=cluster_folder(name) / "commands.log" if not ctx.dry_run else None,
    )
    return Session(ctx, config, request, settings, python, name, runner, images(ctx, config))
