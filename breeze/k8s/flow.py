"""The `breeze k8s` commands as plain functions of (AppContext, K8sRequest) -> exit code, and
run-complete-tests: create -> load -> deploy -> tests [-> upgrade -> tests] -> delete (in finally)."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import Any, Protocol

from rich.console import Console

from breeze.context import AppContext
from breeze.errors import BreezeError
from breeze.k8s import chart as helm
from breeze.k8s import steps
from breeze.k8s.cluster import ClusterPlan
from breeze.k8s.runner import K8sError, ToolFailed, explain
from breeze.k8s.session import K8sRequest, Session, open_session
from breeze.k8s.values import ADMIN_USER, ImageRef, project_secrets
from breeze.testing import results
from breeze.testing.e2e import run_e2e
from breeze.testing.e2e.finish import airflow_major, show_outcome
from breeze.testing.e2e.settings import load_e2e as load_e2e_settings
from breeze.testing.e2e.suite import E2EOutcome


class E2ESuite(Protocol):
    """The e2e suite (breeze.testing.e2e.run_e2e): the same code runs against a compose stack and a
    cluster."""

    def __call__(
        self,
        base_url: str,
        username: str,
        password: str,
        airflow_major: int,
        dags: Sequence[str],
        conf: Mapping[str, Any],
        expectations: Mapping[str, Mapping[str, str]],
        results_dir: Path,
        console: Console,
        *,
        timeout: int = ...,
        settle: float = ...,
    ) -> E2EOutcome: ...


def load_e2e() -> E2ESuite:
    """The suite: the one seam the simulated tests replace (no Airflow answers there)."""
    suite: E2ESuite = run_e2e
    return suite


def run_tests(session: Session, suite: Callable[[], E2ESuite] | None = None) -> int:
    plan = session.plan()
    if session.ctx.dry_run:
        print(f"# run the e2e suite against {plan.base_url} as {ADMIN_USER}", flush=True)
        return 0
    config = session.config
    settings = load_e2e_settings(config)
    password = project_secrets(config.root).admin_password
    run = (suite or load_e2e)()
    _, run_dir = results.new_run_dir(config, "e2e-k8s", session.python)
    session.say(
        f"Running the e2e suite against {plan.base_url}; results in {run_dir.relative_to(config.root)}/"
    )
    outcome = run(
        plan.base_url,
        ADMIN_USER,
        password,
        airflow_major(config),
        settings.dags,
        settings.conf,
        settings.expect,
        run_dir,
        session.ctx.console,
        timeout=settings.timeout,
    )
    return show_outcome(session.ctx.console, config, run_dir, outcome)


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (CI cancelling a job) cleans up like Ctrl-C: the `finally` blocks run."""

    def interrupt(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_complete_tests(ctx: AppContext, request: K8sRequest, session: Session | None = None) -> int:
    session = session or open_session(ctx, request)
    first = steps.preflight(session, ("kind", "kubectl", "helm"))
    load_e2e_settings(session.config)  # a bad [e2e] table fails here, before a cluster exists
    plan = steps.plan_cluster(session)
    started = False
    with sigterm_as_interrupt():
        try:
            # From here on whatever kind makes is ours: Ctrl-C during `kind create` deletes it too.
            steps.start_cluster(session, plan)
            started = True
            return _deploy_and_test(session, first)
        except (BreezeError, KeyboardInterrupt):
            if started:
                with contextlib.suppress(BreezeError, ToolFailed):
                    steps.collect_logs(session)
            raise
        finally:
            if not request.keep_cluster:
                _delete_quietly(session, plan)
            elif started:
                session.say(f"Kept the cluster {plan.name}: `breeze k8s delete-cluster` removes it.")


def _delete_quietly(session: Session, plan: ClusterPlan) -> None:
    """The delete in `finally` must not hide the error that got us here."""
    try:
        steps.delete_cluster(session, plan)
    except BreezeError as exc:
        session.say(f"Could not delete {plan.name}: {exc.message} Run `breeze k8s delete-cluster --all`.")


def _deploy_and_test(session: Session, first: ImageRef) -> int:
    code = 1
    for generation in (1, 2) if session.request.upgrade else (1,):
        if generation == 2:
            session.say("Upgrade: deploying a new image tag over the running release.")
        image = steps.load_image(session, generation, first if generation == 1 else None)
        steps.deploy(session, image)
        code = run_tests(session)
        if code != 0:
            steps.collect_logs(session)
            return code
    return code


# -- the single-step commands --------------------------------------------------------------------


def create_cluster(ctx: AppContext, request: K8sRequest) -> int:
    plan = steps.create_cluster(open_session(ctx, request))
    ctx.console.print(f"Cluster {plan.name} is up; Airflow's API will answer on {plan.base_url}.")
    return 0


def load_image(ctx: AppContext, request: K8sRequest) -> int:
    session = open_session(ctx, request)
    _require_cluster(session)
    steps.load_image(session)
    return 0


def deploy(ctx: AppContext, request: K8sRequest) -> int:
    session = open_session(ctx, request)
    image = steps.preflight(session, ("kind", "kubectl", "helm"))
    _require_cluster(session)
    steps.deploy(session, steps.load_image(session, 1, image))
    ctx.console.print(f"Airflow is deployed; its API answers on {session.plan().base_url}.")
    return 0


def render(ctx: AppContext, request: K8sRequest, out: Path | None) -> int:
    """The same values through `helm template`, into a folder for review (no cluster needed)."""
    session = open_session(ctx, request)
    folder = out or session.results() / "rendered"
    image = steps.preflight(session, ("helm",))
    files = steps.values_files(session, image, folder / "values")
    argv = helm.template_argv(session.settings.chart, session.target(), files, session.request.sets, folder)
    steps.run(session, argv, context=" while rendering")
    ctx.console.print(f"Rendered manifests are in {folder}")
    return 0


def tests(ctx: AppContext, request: K8sRequest) -> int:
    session = open_session(ctx, request)
    _require_cluster(session)
    return run_tests(session)


def status(ctx: AppContext, request: K8sRequest) -> int:
    session = open_session(ctx, request)
    clusters = steps.existing_clusters(session)
    mine = [name for name in clusters if name.startswith("breeze-")]
    ctx.console.print(f"breeze clusters: {', '.join(mine) or 'none'}")
    if session.name not in clusters and not ctx.dry_run:
        ctx.console.print(f"{session.name} does not exist: `breeze k8s create-cluster` makes it.")
        return 1
    for argv in (helm.pods_argv(session.target()), helm.status_argv(session.target())):
        print(steps.run(session, argv, read_only=True).output, end="", flush=True)
    return 0


def logs(ctx: AppContext, request: K8sRequest) -> int:
    session = open_session(ctx, request)
    _require_cluster(session)
    steps.collect_logs(session)
    return 0


def shell(ctx: AppContext, request: K8sRequest) -> int:
    session = open_session(ctx, request)
    _require_cluster(session)
    try:
        return session.runner.interactive(helm.shell_argv(session.target()))
    except ToolFailed as failed:
        raise explain(failed) from None


def delete_cluster(ctx: AppContext, request: K8sRequest, everything: bool) -> int:
    from breeze.k8s.cluster import PREFIX, cluster_folder, read_plan

    session = open_session(ctx, request)
    clusters = steps.existing_clusters(session)
    names = [n for n in clusters if n.startswith(PREFIX)] if everything else [session.name]
    for name in names:
        if name not in clusters and not ctx.dry_run:
            raise K8sError(
                f"There is no kind cluster {name}.", fix="`breeze k8s status` lists breeze's clusters."
            )
        plan = read_plan(name) or session.plan()
        if plan.name != name:
            plan = type(plan)(name, plan.python, plan.node_image, 0, 0, "", cluster_folder(name))
        steps.delete_cluster(session, plan)
    if not names:
        ctx.console.print("No breeze clusters to delete.")
    return 0


def _require_cluster(session: Session) -> None:
    if session.ctx.dry_run:
        return
    if session.name not in steps.existing_clusters(session):
        raise K8sError(
            f"The kind cluster {session.name} does not exist.",
            fix="Create it with `breeze k8s create-cluster` (or run `breeze k8s run-complete-tests`).",
        )
