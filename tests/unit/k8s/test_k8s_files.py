"""The files and argv breeze generates for kind and helm: kind config, cluster name, values (checked
against the official chart's documented keys), the secrets file, and each step's argv."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
import yaml

from breeze.config import load_project
from breeze.errors import ConfigError
from breeze.k8s import chart as helm
from breeze.k8s.cluster import (
    API_NODE_PORT,
    ClusterPlan,
    cluster_name,
    create_argv,
    delete_argv,
    kind_config,
    kind_load_argv,
    registry_node_commands,
    registry_publish,
)
from breeze.k8s.settings import ChartSettings
from breeze.k8s.values import (
    ImageRef,
    Secrets,
    chart_values,
    check_set,
    check_user_values,
    secret_values,
    write_values,
)

CHART_KEYS = {
    line.strip()
    for line in (Path(__file__).parents[2] / "fixtures" / "k8s" / "chart-keys.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
}
SECRETS = Secrets("fernet-xyz", "api-xyz", "jwt-xyz", "admin-xyz")


def key_paths(values: dict[str, Any], prefix: str = "") -> set[str]:
    paths = set()
    for key, value in values.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            paths |= key_paths(value, f"{path}.")
        else:
            paths.add(path)
    return paths


def plan(tmp_path: Path, registry: str = "") -> ClusterPlan:
    return ClusterPlan(
        "breeze-demo-abc123-py312", "3.12", "kindest/node:v1.32.2", 41001, 28180, registry, tmp_path
    )


def chart(name: str = "airflow") -> ChartSettings:
    return ChartSettings(name, "https://airflow.apache.org", "1.18.0", "airflow", "airflow", (), "10m")


# -- kind ----------------------------------------------------------------------------------------


def test_kind_config_binds_127_0_0_1_and_maps_the_api_node_port(tmp_path: Path) -> None:
    config = kind_config(plan(tmp_path))
    assert config["networking"] == {"apiServerAddress": "127.0.0.1", "apiServerPort": 41001}
    (node,) = config["nodes"]  # type: ignore[misc]
    assert node["image"] == "kindest/node:v1.32.2"
    assert node["extraPortMappings"] == [
        {"containerPort": API_NODE_PORT, "hostPort": 28180, "listenAddress": "127.0.0.1", "protocol": "TCP"}
    ]
    assert "containerdConfigPatches" not in config


def test_kind_config_with_a_registry_lets_containerd_read_hosts_files(tmp_path: Path) -> None:
    config = kind_config(plan(tmp_path, registry="localhost:5001"))
    assert 'config_path = "/etc/containerd/certs.d"' in config["containerdConfigPatches"][0]  # type: ignore[index]
    wiring = registry_node_commands(plan(tmp_path, registry="localhost:5001"), "breeze-registry")
    assert wiring[0] == ["mkdir", "-p", "/etc/containerd/certs.d/localhost:5001"]
    assert "/etc/containerd/certs.d/localhost:5001/hosts.toml" in wiring[1][-1]
    assert '[host."http://breeze-registry:5000"]' in wiring[1][-1]
    # Published on 127.0.0.1 only.
    assert registry_publish(plan(tmp_path, registry="localhost:5001")) == [("127.0.0.1:5001", 5000)]


def test_kind_argv_use_the_clusters_own_kubeconfig(tmp_path: Path) -> None:
    p = plan(tmp_path)
    argv = create_argv(p)
    assert argv[:5] == ["kind", "create", "cluster", "--name", p.name]
    assert argv[argv.index("--kubeconfig") + 1] == str(tmp_path / "kubeconfig")
    assert argv[argv.index("--config") + 1] == str(tmp_path / "kind-config.yaml")
    assert delete_argv(p.name, p.kubeconfig) == [
        "kind",
        "delete",
        "cluster",
        "--name",
        p.name,
        "--kubeconfig",
        str(p.kubeconfig),
    ]
    assert kind_load_argv(p, "demo:k8s-1") == ["kind", "load", "docker-image", "demo:k8s-1", "--name", p.name]


def test_cluster_name_is_one_per_project_and_python(project: Path) -> None:
    config = load_project(project)
    a, b = cluster_name(config, "3.11"), cluster_name(config, "3.12")
    assert a.startswith("breeze-demo-") and a.endswith("-py311") and b.endswith("-py312")
    assert len(a) <= 40


@pytest.mark.parametrize("bad", ["Upper", "-lead", "has_underscore", "x" * 41, ""])
def test_bad_cluster_names_are_refused(project: Path, bad: str) -> None:
    with pytest.raises(ConfigError, match="is not a valid kind cluster name"):
        cluster_name(load_project(project), "3.11", bad)


# -- values --------------------------------------------------------------------------------------


@pytest.mark.parametrize("airflow", ["3.1.0", "2.10.5"])
@pytest.mark.parametrize("names", [{}, {"fernet": "f", "api": "a", "jwt": "j", "metadata": "m"}])
def test_every_value_breeze_sets_is_a_documented_chart_key(airflow: str, names: dict[str, str]) -> None:
    image = ImageRef("demo", "k8s-0123")
    values = chart_values(
        image=image,
        executor="CeleryExecutor",
        airflow_version=airflow,
        uid=50000,
        api_node_port=API_NODE_PORT,
        secret_names=names,
    )
    used = key_paths(values) | key_paths(secret_values(SECRETS, airflow, names))
    assert used <= CHART_KEYS, used - CHART_KEYS


def test_values_pin_the_image_and_keep_the_jobs_out_of_helm_hooks() -> None:
    values = chart_values(
        image=ImageRef("reg/demo", digest="sha256:" + "a" * 64),
        executor="LocalExecutor",
        airflow_version="3.1.0",
        uid=50000,
        api_node_port=API_NODE_PORT,
    )
    assert values["images"]["airflow"] == {
        "repository": "reg/demo",
        "pullPolicy": "IfNotPresent",
        "digest": "sha256:" + "a" * 64,
    }
    assert values["useStandardNaming"] is True
    for job in ("migrateDatabaseJob", "createUserJob"):
        assert values[job] == {"useHelmHooks": False, "applyCustomEnv": False}
    assert values["apiServer"]["service"]["type"] == "NodePort"
    assert values["apiServer"]["service"]["ports"][0]["nodePort"] == API_NODE_PORT


@pytest.mark.parametrize("tag", ["latest", ""])
def test_latest_or_no_tag_is_never_deployed(tag: str) -> None:
    with pytest.raises(ConfigError, match="no unique tag"):
        ImageRef("demo", tag)


def test_secret_names_replace_the_secrets_in_the_file() -> None:
    names = {"fernet": "f", "api": "a", "jwt": "j"}
    assert set(secret_values(SECRETS, "3.1.0", names)) == {"webserver"}
    assert set(secret_values(SECRETS, "3.1.0")) == {
        "fernetKey",
        "apiSecretKey",
        "webserverSecretKey",
        "jwtSecret",
        "webserver",
    }


def test_the_secrets_file_is_0600_from_its_first_byte(tmp_path: Path) -> None:
    path = tmp_path / "secrets.values.yaml"
    path.write_text("old")
    path.chmod(0o644)
    write_values(path, secret_values(SECRETS, "3.1.0"), secret=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert yaml.safe_load(path.read_text())["fernetKey"] == "fernet-xyz"
    assert "<hidden>" in repr(SECRETS) and "fernet-xyz" not in repr(SECRETS)


@pytest.mark.parametrize(
    ("text", "message"),
    [(None, "does not exist"), ("a: [1,\n", "is not valid YAML"), ("- a\n- b\n", "not a YAML mapping")],
)
def test_user_values_files_are_checked(tmp_path: Path, text: str | None, message: str) -> None:
    path = tmp_path / "mine.yaml"
    if text is not None:
        path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        check_user_values([path])


def test_set_must_be_key_value() -> None:
    assert check_set(["a.b=1"]) == ("a.b=1",)
    with pytest.raises(ConfigError, match="is not KEY=VALUE"):
        check_set(["novalue"])


# -- helm ----------------------------------------------------------------------------------------


def test_chart_reference_forms(tmp_path: Path) -> None:
    assert helm.chart_ref(chart()) == [
        "airflow",
        "--repo",
        "https://airflow.apache.org",
        "--version",
        "1.18.0",
    ]
    assert helm.chart_ref(chart("apache-airflow/airflow")) == [
        "apache-airflow/airflow",
        "--version",
        "1.18.0",
    ]
    assert helm.chart_ref(chart("oci://reg/charts/airflow"))[1:] == ["--version", "1.18.0"]
    local = tmp_path / "chart"
    local.mkdir()
    assert helm.chart_ref(chart(str(local))) == [str(local)]


def test_upgrade_argv_for_helm_3_and_4(tmp_path: Path) -> None:
    target = helm.Target("airflow", "airflow", tmp_path / "kubeconfig")
    files = [tmp_path / "values.yaml", tmp_path / "secrets.values.yaml"]
    three = helm.upgrade_argv(chart(), target, files, ["a=1"], helm=3, timeout="5m")
    assert three[:4] == ["helm", "upgrade", "--install", "airflow"]
    assert three[-4:] == ["--wait", "--timeout", "5m", "--atomic"]
    assert three.index("--set") > three.index(str(files[1]))
    four = helm.upgrade_argv(chart(), target, files, [], helm=4, timeout="5m")
    assert four[-1] == "--rollback-on-failure"
    assert helm.helm_major("v4.0.1+gabc") == 4 and helm.helm_major("v3.17.0+g1") == 3


def test_template_history_rollback_and_context_argv(tmp_path: Path) -> None:
    target = helm.Target("prod", "air", None, "team-cluster")
    out = tmp_path / "out"
    assert helm.template_argv(chart(), target, [], [], out)[-2:] == ["--output-dir", str(out)]
    assert helm.history_argv(target) == [
        "helm",
        "history",
        "air",
        "--namespace",
        "prod",
        "--kube-context",
        "team-cluster",
        "--output",
        "json",
    ]
    assert helm.rollback_argv(target, 3, timeout="5m")[:4] == ["helm", "rollback", "air", "3"]
    assert "--context" in helm.pods_argv(target)


def test_failing_pods_and_history_are_read() -> None:
    pods = (
        "NAME READY STATUS RESTARTS AGE\n"
        "a-scheduler-0 1/2 Running 0 1m\n"
        "a-api-server-1 1/1 Running 0 1m\n"
        "a-migrate-x 0/1 Completed 0 1m\n"
        "a-worker-0 0/1 ImagePullBackOff 0 1m\n"
    )
    assert helm.failing_pods(pods) == ["a-scheduler-0", "a-worker-0"]
    history = helm.parse_history(
        '[{"revision": 1, "status": "superseded", "chart": "airflow-1.18.0", "app_version": "3.0.2", "description": "Install complete"}]'
    )
    assert history[0].revision == 1 and history[0].app_version == "3.0.2"
    assert helm.parse_history("not json") == []


def test_a_digest_also_names_the_default_image_for_kubernetes_executor_pods() -> None:
    digest = "sha256:" + "c" * 64
    values = chart_values(
        image=ImageRef("reg/demo", digest=digest),
        executor="KubernetesExecutor",
        airflow_version="3.1.0",
        uid=50000,
        api_node_port=None,
    )
    assert values["defaultAirflowDigest"] == digest and "defaultAirflowTag" not in values
    tagged = chart_values(
        image=ImageRef("demo", "k8s-1"),
        executor="KubernetesExecutor",
        airflow_version="3.1.0",
        uid=50000,
        api_node_port=None,
    )
    assert tagged["defaultAirflowTag"] == "k8s-1" and "apiServer" not in tagged
