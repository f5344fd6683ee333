"""`breeze deploy` and `breeze rollback`: the team's cluster, through the same runner and the same
values code as `breeze k8s deploy` (one code path: chart.upgrade_argv + values.chart_values)."""

from __future__ import annotations

import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from breeze.config import ProjectConfig, load_project
from breeze.context import AppContext
from breeze.delivery import record
from breeze.errors import ConfigError
from breeze.k8s import chart as helm
from breeze.k8s.runner import K8sError, Runner, ToolFailed, explain
from breeze.k8s.settings import DeploySettings, load_deploy
from breeze.k8s.values import (
    ImageRef,
    chart_values,
    check_set,
    helm_values_files,
    project_secrets,
    secret_values,
)
from breeze.paths import cache_dir
from breeze.stack.ports import free_port

HEALTH_PATH = "/api/v2/monitor/health"
HEALTH_ATTEMPTS = 30


class _TargetOptions:
    """The options naming the team's release, shared by deploy and rollback."""

    context: str | None
    namespace: str | None
    release: str | None
    timeout: str | None

    def overrides(self) -> dict[str, object]:
        return {
            "context": self.context,
            "namespace": self.namespace,
            "release": self.release,
            "timeout": self.timeout,
        }


@dataclass(frozen=True)
class DeployRequest(_TargetOptions):
    context: str | None = None
    namespace: str | None = None
    release: str | None = None
    digest: str | None = None
    tag: str | None = None
    values: tuple[Path, ...] = ()
    sets: tuple[str, ...] = ()
    timeout: str | None = None


@dataclass(frozen=True)
class RollbackRequest(_TargetOptions):
    context: str | None = None
    namespace: str | None = None
    release: str | None = None
    revision: int | None = None
    timeout: str | None = None


def _runner(ctx: AppContext) -> Runner:
    return Runner(
        echo=lambda t: ctx.console.print(t, markup=False, soft_wrap=True),
        verbose=ctx.verbose,
        dry_run=ctx.dry_run,
    )


def _run(runner: Runner, argv: list[str], *, read_only: bool = False) -> str:
    try:
        return runner.run(argv, read_only=read_only).output
    except ToolFailed as failed:
        raise explain(failed) from None


def target(settings: DeploySettings) -> helm.Target:
    # The user's own kubeconfig and context: this is their cluster, not one breeze made.
    return helm.Target(settings.chart.namespace, settings.chart.release, None, settings.context)


def image_ref(
    ctx: AppContext, config: ProjectConfig, settings: DeploySettings, request: DeployRequest
) -> ImageRef:
    repository = (
        f"{settings.registry.rstrip('/')}/{settings.repository}" if settings.registry else settings.repository
    )
    if request.digest and request.tag:
        raise ConfigError(
            "--digest and --tag both name the image.", fix="Pass one: the digest `breeze push` printed."
        )
    if not request.digest and not request.tag:
        return ImageRef(repository, digest=pushed_digest(ctx, config, repository))
    return ImageRef(repository, tag=request.tag or "", digest=request.digest or "")


def pushed_digest(ctx: AppContext, config: ProjectConfig, repository: str) -> str:
    """The digest `breeze push` recorded for the project's default Python (a digest, never a tag)."""
    python = config.python_default
    pushed = record.load(config.root)
    image = pushed["images"].get(python) if pushed else None
    if image is None:
        what = "Nothing has been pushed" if not pushed else f"No python{python} image has been pushed"
        raise ConfigError(
            f"{what} from this project yet ({record.path(config.root)}): which image of {repository} "
            "should be deployed?",
            fix=f"Run `breeze push --python {python}` first (deploy then uses the digest it records), "
            "or pass --digest sha256:… or --tag <sha12>-python<X.Y>.",
        )
    ctx.console.print(
        f"Deploying the python{python} image `breeze push` recorded: {image['reference']} "
        f"(commit {image['commit'][:12]}, pushed {image['pushed_at']})",
        markup=False,
    )
    if image["repository"] != repository:
        ctx.console.print(
            f"Note: it was pushed to {image['repository']}; the cluster pulls it from {repository} "
            "([deploy] registry / repository).",
            markup=False,
        )
    return image["digest"]


def deploy(ctx: AppContext, request: DeployRequest) -> int:
    config = load_project(ctx.project_dir)
    settings = load_deploy(config, request.overrides())
    image = image_ref(ctx, config, settings, request)
    sets = check_set(request.sets)
    values = chart_values(
        image=image,
        executor=settings.executor,
        airflow_version=config.airflow_version,
        uid=config.airflow_uid,
        api_node_port=None,
        secret_names=settings.secret_names,
    )
    files = helm_values_files(
        cache_dir() / "deploy" / settings.chart.release,
        values,
        lambda: secret_values(project_secrets(config.root), config.airflow_version, settings.secret_names),
        [*settings.chart.values, *request.values],
        dry_run=ctx.dry_run,
        say=lambda text: ctx.console.print(text, markup=False, soft_wrap=True),
    )
    runner = _runner(ctx)
    major = helm.helm_major(_run(runner, helm.version_argv(), read_only=True)) if runner.has("helm") else 3
    tgt = target(settings)
    argv = helm.upgrade_argv(settings.chart, tgt, files, sets, helm=major, timeout=settings.chart.timeout)
    ctx.console.print(f"Deploying {image.ref} as {tgt.release} in {tgt.namespace}")
    _run(runner, argv)
    return check_health(ctx, runner, tgt)


def check_health(ctx: AppContext, runner: Runner, tgt: helm.Target) -> int:
    """Through a port-forward, the API's health endpoint says every component is healthy."""
    port = free_port()
    url = f"http://127.0.0.1:{port}{HEALTH_PATH}"
    try:
        forward = runner.start(helm.port_forward_argv(tgt, port))
    except ToolFailed as failed:
        raise explain(failed) from None
    if forward is None:  # dry run
        print(f"# GET {url}", flush=True)
        return 0
    try:
        for _ in range(HEALTH_ATTEMPTS):
            if forward.poll() is not None:
                break
            try:
                with urllib.request.urlopen(url, timeout=5) as answer:
                    ctx.console.print(f"Healthy: {answer.read().decode()[:300]}", markup=False)
                    return 0
            except OSError:
                time.sleep(1)  # polling a port-forward that is still connecting
    finally:
        forward.terminate()
        forward.wait()
    raise K8sError(
        f"The API of {tgt.release} did not answer {HEALTH_PATH} through a port-forward.",
        fix=f"Look at `kubectl get pods -n {tgt.namespace}`; `breeze rollback` returns to the previous revision.",
    )


def rollback(ctx: AppContext, request: RollbackRequest) -> int:
    config = load_project(ctx.project_dir)
    settings = load_deploy(config, request.overrides())
    runner, tgt = _runner(ctx), target(settings)
    history = helm.parse_history(_run(runner, helm.history_argv(tgt), read_only=True))
    for row in history:
        ctx.console.print(
            f"{row.revision:>4} {row.status:<12} {row.chart:<16} {row.app_version:<10} {row.description}"
        )
    current = next((r for r in reversed(history) if r.status == "deployed"), history[-1] if history else None)
    if request.revision is not None:
        chosen = next((r for r in history if r.revision == request.revision), None)
        if chosen is None and history:
            raise K8sError(
                f"Release {tgt.release} has no revision {request.revision}.",
                fix=f"Pick one of {', '.join(str(r.revision) for r in history)} (listed above).",
            )
        revision = request.revision
    else:
        earlier = [r for r in history if current is not None and r.revision < current.revision]
        if history and not earlier:
            raise K8sError(
                f"Release {tgt.release} has no earlier revision to roll back to.",
                fix="Deploy a fixed image instead.",
            )
        chosen = earlier[-1] if earlier else None
        revision = chosen.revision if chosen else 0
    if chosen and current and chosen.app_version != current.app_version:
        ctx.console.print(
            f"Warning: revision {chosen.revision} runs Airflow {chosen.app_version}, the current one "
            f"{current.app_version}; the database is not migrated back.",
            markup=False,
        )
    _run(runner, helm.rollback_argv(tgt, revision, timeout=settings.chart.timeout))
    ctx.console.print(f"Rolled {tgt.release} back to revision {revision or '(previous)'}.")
    return 0
