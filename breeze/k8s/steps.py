"""The steps of `breeze k8s`: create the cluster, load the image, deploy, test, collect logs, delete.

Each step is a plain function of a Session; every tool call goes through ``session.runner``, and a
``ToolFailed`` becomes one clear ``K8sError`` through ``runner.explain``.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from breeze.engine import Engine
from breeze.engineregistry import PushResult, RegistryCommandError
from breeze.errors import EngineCommandFailed
from breeze.k8s import chart as helm
from breeze.k8s.cluster import (
    ClusterPlan,
    create_argv,
    delete_argv,
    export_logs_argv,
    get_clusters_argv,
    kind_load_argv,
    node_container,
    registry_configmap,
    registry_node_commands,
    registry_publish,
    render_kind_config,
    write_plan,
)
from breeze.k8s.runner import HelmTimeout, K8sError, Result, ToolFailed, explain
from breeze.k8s.session import DEFAULT_API_PORT, Session
from breeze.k8s.values import (
    ImageRef,
    chart_values,
    check_set,
    check_user_values,
    helm_values_files,
    project_secrets,
    secret_values,
)
from breeze.stack.ports import choose, free_port

REGISTRY_CONTAINER = "breeze-registry"


def run(session: Session, argv: list[str], *, read_only: bool = False, context: str = "") -> Result:
    try:
        return session.runner.run(argv, read_only=read_only)
    except ToolFailed as failed:
        raise explain(failed, context=context) from None


def existing_clusters(session: Session) -> list[str]:
    return run(session, get_clusters_argv(), read_only=True).output.split()


def create_cluster(session: Session) -> ClusterPlan:
    """A kind cluster of the project's own: ports on 127.0.0.1, its own kubeconfig."""
    plan = plan_cluster(session)
    start_cluster(session, plan)
    return plan


def plan_cluster(session: Session) -> ClusterPlan:
    """Check the name is free (or --recreate), choose the ports, write the kind config."""
    if session.name in existing_clusters(session):
        if not session.request.recreate:
            raise K8sError(
                f"The kind cluster {session.name} exists already.",
                fix="Use it as it is (`breeze k8s deploy`), or pass --recreate to delete and create it again.",
            )
        delete_cluster(session, session.plan())
    api_port = choose("Airflow API", "--api-port", session.settings.api_port, DEFAULT_API_PORT, set()).port
    plan = replace(session.plan(), api_server_port=free_port(), api_port=api_port)
    plan = replace(plan, node_image=session.settings.node_image, registry=session.settings.registry)
    if session.ctx.dry_run:
        session.say(f"(dry run: would write {plan.kind_config}:)\n{render_kind_config(plan)}")
    else:
        write_plan(plan)
    return plan


def start_cluster(session: Session, plan: ClusterPlan) -> None:
    session.say(f"Creating kind cluster {plan.name} ({plan.node_image}); kubeconfig {plan.kubeconfig}")
    run(session, create_argv(plan), context=f" while creating {plan.name}")
    if plan.registry:
        wire_registry(session, plan)


def wire_registry(session: Session, plan: ClusterPlan) -> None:
    """kind's local-registry pattern: one registry container on kind's network, the node's
    containerd pointed at it, and the ConfigMap that tells tools in the cluster where it is."""
    engine = session.ctx.engine
    image = session.settings.registry_image
    try:
        state = engine.container_state(REGISTRY_CONTAINER)
        if state is None or not state.running:
            session.say(f"Starting the local registry {REGISTRY_CONTAINER} ({image}) on {plan.registry}")
            engine.start_service(image, REGISTRY_CONTAINER, registry_publish(plan))
        if state is None or "kind" not in state.networks:
            engine.connect("kind", REGISTRY_CONTAINER)
        for command in registry_node_commands(plan, REGISTRY_CONTAINER):
            engine.exec(node_container(plan), command)
    except EngineCommandFailed as failed:
        raise registry_failed(failed, plan, image) from None
    manifest = plan.folder / "local-registry-hosting.yaml"
    if not session.ctx.dry_run:
        manifest.write_text(registry_configmap(plan))
    run(session, helm.apply_stdin_argv(session.target(), manifest))


def registry_failed(failed: EngineCommandFailed, plan: ClusterPlan, image: str) -> K8sError:
    if failed.pull_failed:
        return K8sError(
            f"The local registry's image {image} cannot be pulled: no registry is reachable from here.",
            fix="Run `breeze setup offline-images` (it builds the stand-in breeze-offline/registry:2 from "
            "Debian's docker-registry), or set [k8s] registry-image (BREEZE_K8S_REGISTRY_IMAGE) to a "
            "registry image the engine has.",
            details=failed.stderr,
        )
    if "port is already allocated" in failed.stderr or "address already in use" in failed.stderr:
        return K8sError(
            f"The local registry cannot listen on {registry_publish(plan)[0][0]}: the port is taken.",
            fix="Set [k8s] registry (BREEZE_K8S_REGISTRY) to localhost:<a free port>, or stop what holds it.",
            details=failed.stderr,
        )
    return K8sError(
        f"Wiring the local registry {plan.registry} into {plan.name} failed (`{' '.join(failed.argv[:4])}`).",
        fix="Read the engine's message below; run again with --verbose to see every command.",
        details=failed.stderr,
    )


def preflight(session: Session, tools: tuple[str, ...]) -> ImageRef:
    """Everything that can be wrong before a cluster exists: tools, values files, --set, the image."""
    check_user_values([*session.settings.chart.values, *session.request.values])
    check_set(session.request.sets)
    if not session.ctx.dry_run:
        for tool in tools:
            if not session.runner.has(tool):
                raise explain(ToolFailed([tool], 127, f"{tool}: command not found"))
    return session.images.unique_ref(session.python, 1)


def load_image(session: Session, generation: int = 1, image: ImageRef | None = None) -> ImageRef:
    """The production image into the cluster: through the local registry when there is one (only
    changed layers travel), else `kind load docker-image`."""
    plan = session.plan()
    image = image or session.images.unique_ref(session.python, generation)
    if plan.registry:
        pushed, result = push_to_local_registry(session.ctx.engine, image, plan.registry)
        if not session.ctx.dry_run:
            session.say(
                f"Pushed {pushed.ref}: {result.pushed} layer(s) sent, {result.existing} already there"
            )
        return pushed
    session.say(f"Loading {image.ref} into {plan.name}")
    run(session, kind_load_argv(plan, image.ref), context=f" while loading the image into {plan.name}")
    return image


def push_to_local_registry(engine: Engine, image: ImageRef, registry: str) -> tuple[ImageRef, PushResult]:
    """Tag the image into the local registry's namespace and push it: the registry keeps the layers
    it has, so after a DAG edit only the project layer travels (bench/bench_k8s_registry.py)."""
    pushed = ImageRef(f"{registry}/{image.repository.rsplit('/', 1)[-1]}", image.tag)
    engine.tag(image.ref, pushed.ref)
    try:
        return pushed, engine.push(pushed.ref)
    except RegistryCommandError as exc:
        raise K8sError(
            f"Pushing {pushed.ref} to the local registry {registry} failed.",
            fix=f"Check that the registry container runs (`docker ps --filter name={REGISTRY_CONTAINER}`); "
            "`breeze k8s create-cluster` starts it.",
            details=exc.stderr,
        ) from None


def values_files(session: Session, image: ImageRef, folder: Path) -> list[Path]:
    """breeze's values, the 0600 secrets file, [k8s] values, then -f files (theirs win)."""
    values = chart_values(
        image=image,
        executor=session.settings.executor,
        airflow_version=session.config.airflow_version,
        uid=session.config.airflow_uid,
        api_node_port=30080,
    )
    return helm_values_files(
        folder,
        values,
        lambda: secret_values(project_secrets(session.config.root), session.config.airflow_version),
        [*session.settings.chart.values, *session.request.values],
        dry_run=session.ctx.dry_run,
        say=session.say,
    )


def helm_major(session: Session) -> int:
    if not session.runner.has("helm"):
        if session.ctx.dry_run:
            return 3
        raise explain(ToolFailed(helm.version_argv(), 127, "helm: command not found"))
    return helm.helm_major(run(session, helm.version_argv(), read_only=True).output)


def deploy(session: Session, image: ImageRef) -> None:
    """`helm upgrade --install` with --wait; a helm timeout is retried, then explained with the
    failing pods and their logs."""
    sets = check_set(session.request.sets)
    files = values_files(session, image, session.plan().folder)
    major = helm_major(session)
    argv = helm.upgrade_argv(
        session.settings.chart,
        session.target(),
        files,
        sets,
        helm=major,
        timeout=session.settings.chart.timeout,
    )
    session.say(
        f"Deploying {session.settings.chart.chart} {session.settings.chart.chart_version} ({image.ref})"
    )
    attempts = 1 + session.settings.retries
    for attempt in range(1, attempts + 1):
        try:
            run(session, argv, context=f" (attempt {attempt} of {attempts})")
            return
        except HelmTimeout as timeout:
            if attempt == attempts:
                timeout.details = "\n".join(filter(None, [timeout.details, failing_pod_logs(session)]))
                raise
            session.say(f"helm timed out (attempt {attempt} of {attempts}); trying again.")


def failing_pod_logs(session: Session) -> str:
    """The pods that are not ready and the end of their logs: what a helm timeout is about."""
    target = session.target()
    try:
        pods = session.runner.run(helm.pods_argv(target), read_only=True).output
    except ToolFailed:
        return ""
    parts = [pods]
    for pod in helm.failing_pods(pods):
        try:
            parts.append(
                f"--- logs of {pod} ---\n{session.runner.run(helm.pod_logs_argv(target, pod), read_only=True).output}"
            )
        except ToolFailed as failed:
            parts.append(f"--- logs of {pod}: unavailable ({failed.output.strip()[:200]}) ---")
    return "\n".join(parts)


def collect_logs(session: Session) -> Path:
    """Pods, descriptions, events, helm status/history, every pod's log and `kind export logs`."""
    folder = session.results()
    target = session.target()
    steps = {
        "pods.txt": helm.pods_argv(target),
        "describe-pods.txt": helm.describe_pods_argv(target),
        "events.txt": helm.events_argv(target),
        "helm-status.txt": helm.status_argv(target),
        "helm-history.json": helm.history_argv(target),
    }
    if not session.ctx.dry_run:
        folder.mkdir(parents=True, exist_ok=True)
    for file, argv in steps.items():
        _save(session, argv, folder / file)
    names = _output(session, helm.pods_argv(target, names=True))
    for pod in names.split():
        pod_name = pod.removeprefix("pod/")
        _save(session, helm.pod_logs_argv(target, pod_name), folder / "pods" / f"{pod_name}.log")
    try:
        session.runner.run(export_logs_argv(session.plan(), folder / "kind"))
    except ToolFailed as failed:
        session.say(f"kind export logs failed: {failed.output.strip()[-300:]}")
    session.say(f"Logs of {session.name} are in {folder}")
    return folder


def _output(session: Session, argv: list[str]) -> str:
    try:
        return session.runner.run(argv, read_only=True).output
    except ToolFailed:
        return ""


def _save(session: Session, argv: list[str], path: Path) -> None:
    try:
        text = session.runner.run(argv, read_only=True).output
    except ToolFailed as failed:
        text = f"$ {' '.join(argv)}\nexit {failed.return_code}\n{failed.output}\n"
    if not session.ctx.dry_run:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def delete_cluster(session: Session, plan: ClusterPlan) -> None:
    session.say(f"Deleting kind cluster {plan.name}")
    run(session, delete_argv(plan.name, plan.kubeconfig), context=f" while deleting {plan.name}")
    if not session.ctx.dry_run:
        shutil.rmtree(plan.folder, ignore_errors=True)
