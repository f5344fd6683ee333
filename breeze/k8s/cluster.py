"""One kind cluster per project and Python: its name, ports, own kubeconfig, kind config, the kind
argv that create, load into and delete it, and what wiring the local registry takes. Pure
functions, unit-tested."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from breeze.config import ProjectConfig
from breeze.errors import ConfigError
from breeze.paths import cache_dir

PREFIX = "breeze-"
# The NodePort the chart's API server service gets; the host port maps to it.
API_NODE_PORT = 30080
API_CONTAINER_PORT = 8080
REGISTRY_CONTAINER_PORT = 5000
_CLUSTER_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$")


@dataclass(frozen=True)
class ClusterPlan:
    name: str
    python: str
    node_image: str
    api_server_port: int  # the Kubernetes API, on 127.0.0.1
    api_port: int  # the Airflow API, on 127.0.0.1, mapped to API_NODE_PORT
    registry: str  # "" or host:port of a local registry wired into containerd
    folder: Path

    @property
    def kubeconfig(self) -> Path:
        """The cluster's own kubeconfig: breeze never reads or writes ~/.kube/config."""
        return self.folder / "kubeconfig"

    @property
    def kind_config(self) -> Path:
        return self.folder / "kind-config.yaml"

    @property
    def context(self) -> str:
        return f"kind-{self.name}"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"


def cluster_name(config: ProjectConfig, python: str, requested: str | None = None) -> str:
    if requested is not None:
        if not _CLUSTER_NAME.match(requested):
            raise ConfigError(
                f"--name {requested!r} is not a valid kind cluster name.",
                fix="Use at most 40 lower-case letters, digits and '-', starting and ending with a "
                "letter or digit.",
            )
        return requested
    # Names must stay short: kind names the node container "<name>-control-plane".
    project = re.sub(r"[^a-z0-9-]+", "-", config.name.lower()).removeprefix(PREFIX)
    project = project.strip("-")[:20].strip("-") or "project"
    digest = hashlib.sha256(str(config.root.resolve()).encode()).hexdigest()[:6]
    return f"{PREFIX}{project}-{digest}-py{python.replace('.', '')}"


def cluster_folder(name: str) -> Path:
    return cache_dir() / "k8s" / "clusters" / name


def kind_config(plan: ClusterPlan) -> dict[str, object]:
    """kind's Cluster config: API server and the Airflow API's host port on 127.0.0.1 only."""
    node: dict[str, object] = {
        "role": "control-plane",
        "image": plan.node_image,
        "extraPortMappings": [
            {
                "containerPort": API_NODE_PORT,
                "hostPort": plan.api_port,
                "listenAddress": "127.0.0.1",
                "protocol": "TCP",
            }
        ],
    }
    config: dict[str, object] = {
        "kind": "Cluster",
        "apiVersion": "kind.x-k8s.io/v1alpha4",
        "name": plan.name,
        "networking": {"apiServerAddress": "127.0.0.1", "apiServerPort": plan.api_server_port},
        "nodes": [node],
    }
    if plan.registry:
        # kind's local-registry pattern: containerd reads per-registry hosts.toml files.
        config["containerdConfigPatches"] = [
            '[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"'
        ]
    return config


def render_kind_config(plan: ClusterPlan) -> str:
    return str(yaml.safe_dump(kind_config(plan), sort_keys=False))


def write_plan(plan: ClusterPlan) -> None:
    plan.folder.mkdir(parents=True, exist_ok=True)
    plan.kind_config.write_text(render_kind_config(plan))
    state = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(plan).items()}
    (plan.folder / "cluster.json").write_text(json.dumps(state, indent=2))


def read_plan(name: str) -> ClusterPlan | None:
    """The plan create-cluster wrote; None when breeze never created that cluster."""
    path = cluster_folder(name) / "cluster.json"
    try:
        data = json.loads(path.read_text())
        data["folder"] = Path(data["folder"])
        return ClusterPlan(**data)
    except (OSError, ValueError, TypeError, KeyError):
        return None


# -- argv ----------------------------------------------------------------------------------------


def get_clusters_argv() -> list[str]:
    return ["kind", "get", "clusters"]


def create_argv(plan: ClusterPlan) -> list[str]:
    return [
        "kind",
        "create",
        "cluster",
        "--name",
        plan.name,
        "--config",
        str(plan.kind_config),
        "--kubeconfig",
        str(plan.kubeconfig),
        "--image",
        plan.node_image,
        "--wait",
        "120s",
    ]


def delete_argv(name: str, kubeconfig: Path) -> list[str]:
    return ["kind", "delete", "cluster", "--name", name, "--kubeconfig", str(kubeconfig)]


def kind_load_argv(plan: ClusterPlan, image: str) -> list[str]:
    return ["kind", "load", "docker-image", image, "--name", plan.name]


def export_logs_argv(plan: ClusterPlan, folder: Path) -> list[str]:
    return ["kind", "export", "logs", str(folder), "--name", plan.name]


def registry_publish(plan: ClusterPlan) -> list[tuple[str, int]]:
    """kind's local-registry pattern: the registry container published on 127.0.0.1 only."""
    port = int(plan.registry.rsplit(":", 1)[-1])
    return [(f"127.0.0.1:{port}", REGISTRY_CONTAINER_PORT)]


def node_container(plan: ClusterPlan) -> str:
    return f"{plan.name}-control-plane"


def registry_node_commands(plan: ClusterPlan, registry_container: str) -> list[list[str]]:
    """Run in the node: make ``plan.registry`` (host:port) resolve to the registry container."""
    hosts_dir = f"/etc/containerd/certs.d/{plan.registry}"
    hosts = f'[host."http://{registry_container}:{REGISTRY_CONTAINER_PORT}"]\n'
    return [
        ["mkdir", "-p", hosts_dir],
        ["sh", "-c", f"printf '%s' '{hosts}' > {hosts_dir}/hosts.toml"],
    ]


def registry_configmap(plan: ClusterPlan) -> str:
    """The ConfigMap KEP-1755 asks for, so tools in the cluster find the local registry."""
    return str(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": "local-registry-hosting", "namespace": "kube-public"},
                "data": {"localRegistryHosting.v1": f'host: "{plan.registry}"\n'},
            },
            sort_keys=False,
        )
    )
