"""breeze k8s (Kubernetes tests on kind with the official chart) and breeze deploy / rollback:
thin commands over breeze.k8s."""

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from breeze.cli.choices import K8sExecutor, complete_pythons

if TYPE_CHECKING:
    from breeze.k8s.session import K8sRequest

app = typer.Typer(
    help="Kubernetes tests: a kind cluster, the official Airflow Helm chart and the e2e suite.",
    no_args_is_help=True,
)

PYTHON = typer.Option(
    None,
    "--python",
    autocompletion=complete_pythons,
    help="Python flavour of the production image (one cluster per flavour).",
)
NAME = typer.Option(None, "--name", help="Cluster name (default: breeze-<project>-<id>-py<XY>).")
EXECUTOR = typer.Option(
    None,
    "--executor",
    case_sensitive=False,
    help="Local, Celery or Kubernetes ([k8s] executor; default Local).",
)
VALUES = typer.Option([], "--values", "-f", help="Your own chart values file, merged last. Repeatable.")
SET = typer.Option(
    [],
    "--set",
    metavar="KEY=VALUE",
    help="A chart value KEY=VALUE (helm --set), after every file. Repeatable.",
)
TIMEOUT = typer.Option(None, "--timeout", help="How long helm waits for the pods, e.g. 10m ([k8s] timeout).")
K8S_VERSION = typer.Option(None, "--kubernetes-version", help="Kubernetes version of the node, e.g. v1.32.2.")
NODE_IMAGE = typer.Option(
    None, "--node-image", help="kind node image (default kindest/node:<kubernetes-version>)."
)
API_PORT = typer.Option(None, "--api-port", help="Host port (127.0.0.1) for Airflow's API (default 28180).")
RECREATE = typer.Option(False, "--recreate", help="Delete the cluster first when it exists.")
INSTALL = typer.Option(
    False, "--install", help="Install the missing tools (pinned, checksummed) into breeze's cache."
)
OUTPUT = typer.Option(None, "--output", "-o", help="Folder for the manifests (default: the results folder).")
ALL = typer.Option(False, "--all", help="Delete every cluster breeze made (names starting breeze-).")
KEEP_CLUSTER = typer.Option(False, "--keep-cluster", help="Keep the cluster at the end (to look around).")
UPGRADE = typer.Option(False, "--upgrade", help="Then deploy a new image tag over it and test again.")


def _request(**values: object) -> "K8sRequest":
    from breeze.k8s.session import K8sRequest

    return K8sRequest(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in values.items()})  # type: ignore[arg-type]  # each option typed at its command


def _cluster_command(step: str, doc: str) -> "Callable[..., int]":
    """A command of the cluster alone (--python, --name) that runs ``breeze.k8s.flow.<step>``."""

    def command(ctx: typer.Context, python: str | None = PYTHON, name: str | None = NAME) -> int:
        from breeze.k8s import flow

        run: Callable[[object, K8sRequest], int] = getattr(flow, step)
        return run(ctx.obj, _request(python=python, name=name))

    command.__doc__ = doc
    command.__name__ = step
    return command


@app.command("setup")
def setup(ctx: typer.Context, install: bool = INSTALL) -> int:
    """Find kind, kubectl and helm and their versions; --install the missing ones."""
    from breeze.k8s.tools import setup as run_setup

    return run_setup(ctx.obj, install)


@app.command("create-cluster")
def create_cluster(
    ctx: typer.Context,
    python: str | None = PYTHON,
    name: str | None = NAME,
    kubernetes_version: str | None = K8S_VERSION,
    node_image: str | None = NODE_IMAGE,
    api_port: int | None = API_PORT,
    recreate: bool = RECREATE,
) -> int:
    """Create the project's kind cluster (its own kubeconfig; ports on 127.0.0.1)."""
    from breeze.k8s.flow import create_cluster as run

    return run(
        ctx.obj,
        _request(
            python=python,
            name=name,
            kubernetes_version=kubernetes_version,
            node_image=node_image,
            api_port=api_port,
            recreate=recreate,
        ),
    )


app.command("load-image")(
    _cluster_command(
        "load_image",
        "Load the production image into the cluster (local registry when wired, else kind load).",
    )
)


@app.command("deploy")
def deploy(
    ctx: typer.Context,
    python: str | None = PYTHON,
    name: str | None = NAME,
    executor: K8sExecutor | None = EXECUTOR,
    values: list[Path] = VALUES,
    set_: list[str] = SET,
    timeout: str | None = TIMEOUT,
) -> int:
    """Load the image and install/upgrade the official chart on the cluster (helm --wait)."""
    from breeze.k8s.flow import deploy as run

    return run(
        ctx.obj,
        _request(python=python, name=name, executor=executor, values=values, sets=set_, timeout=timeout),
    )


@app.command("render")
def render(
    ctx: typer.Context,
    python: str | None = PYTHON,
    executor: K8sExecutor | None = EXECUTOR,
    values: list[Path] = VALUES,
    set_: list[str] = SET,
    output: Path | None = OUTPUT,
) -> int:
    """The same values through `helm template`, into a folder for review."""
    from breeze.k8s.flow import render as run

    return run(ctx.obj, _request(python=python, executor=executor, values=values, sets=set_), output)


for _verb, _step, _doc in (
    ("tests", "tests", "Run the e2e suite against the deployed Airflow."),
    ("status", "status", "breeze's clusters, and the pods and helm status of this one."),
    ("logs", "logs", "Pods, describe, events, helm status/history, pod logs and kind export logs into the results folder."),
    ("shell", "shell", "A bash shell in the scheduler pod."),
):  # fmt: skip
    app.command(_verb)(_cluster_command(_step, _doc))


@app.command("delete-cluster")
def delete_cluster(
    ctx: typer.Context,
    python: str | None = PYTHON,
    name: str | None = NAME,
    all_: bool = ALL,
) -> int:
    """Delete the project's kind cluster (and its kubeconfig)."""
    from breeze.k8s.flow import delete_cluster as run

    return run(ctx.obj, _request(python=python, name=name), all_)


@app.command("run-complete-tests")
def run_complete_tests(
    ctx: typer.Context,
    python: str | None = PYTHON,
    name: str | None = NAME,
    executor: K8sExecutor | None = EXECUTOR,
    kubernetes_version: str | None = K8S_VERSION,
    node_image: str | None = NODE_IMAGE,
    api_port: int | None = API_PORT,
    values: list[Path] = VALUES,
    set_: list[str] = SET,
    timeout: str | None = TIMEOUT,
    recreate: bool = RECREATE,
    keep_cluster: bool = KEEP_CLUSTER,
    upgrade: bool = UPGRADE,
) -> int:
    """create-cluster -> load-image -> deploy -> tests -> delete-cluster (always, also on Ctrl-C)."""
    from breeze.k8s.flow import run_complete_tests as run

    request = _request(
        python=python,
        name=name,
        executor=executor,
        kubernetes_version=kubernetes_version,
        node_image=node_image,
        api_port=api_port,
        values=values,
        sets=set_,
        timeout=timeout,
        recreate=recreate,
        keep_cluster=keep_cluster,
        upgrade=upgrade,
    )
    return run(ctx.obj, request)


# -- breeze deploy / breeze rollback (the team's cluster) ----------------------------------------

CONTEXT = typer.Option(None, "--context", help="kubeconfig context of the target cluster ([deploy] context).")
NAMESPACE = typer.Option(None, "--namespace", help="Namespace ([deploy] namespace; default airflow).")
RELEASE = typer.Option(None, "--release", help="Helm release name ([deploy] release; default airflow).")
DIGEST = typer.Option(
    None,
    "--digest",
    help="Image digest to deploy (default: the one `breeze push` recorded for the default Python).",
)
TAG = typer.Option(None, "--tag", help="Image tag to deploy (unique; never latest).")
REVISION = typer.Option(None, "--revision", help="Revision to return to (default: the previous one).")


def deploy_release(
    ctx: typer.Context,
    context: str | None = CONTEXT,
    namespace: str | None = NAMESPACE,
    release: str | None = RELEASE,
    digest: str | None = DIGEST,
    tag: str | None = TAG,
    values: list[Path] = VALUES,
    set_: list[str] = SET,
    timeout: str | None = TIMEOUT,
) -> int:
    """helm upgrade --install the official chart with the pushed image; roll back on failure; check health."""
    from breeze.k8s.release import DeployRequest, deploy

    request = DeployRequest(context, namespace, release, digest, tag, tuple(values), tuple(set_), timeout)
    return deploy(ctx.obj, request)


def rollback_release(
    ctx: typer.Context,
    context: str | None = CONTEXT,
    namespace: str | None = NAMESPACE,
    release: str | None = RELEASE,
    revision: int | None = REVISION,
    timeout: str | None = TIMEOUT,
) -> int:
    """Show helm history and roll the release back (warns when the Airflow versions differ)."""
    from breeze.k8s.release import RollbackRequest, rollback

    return rollback(ctx.obj, RollbackRequest(context, namespace, release, revision, timeout))


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="k8s")
    root.command("deploy")(deploy_release)
    root.command("rollback")(rollback_release)
