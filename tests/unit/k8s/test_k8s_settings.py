"""[k8s] and [deploy] in breeze.toml: defaults, precedence (option > env > file) and clear errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from breeze.config import load_project
from breeze.errors import ConfigError
from breeze.k8s.settings import DEFAULT_CHART_VERSION, load_deploy, load_k8s
from breeze.offline import registry as offline_images


def test_defaults(project: Path) -> None:
    settings = load_k8s(load_project(project), env={})
    assert settings.executor == "LocalExecutor"
    assert settings.chart.chart_version == DEFAULT_CHART_VERSION
    assert settings.node_image == "kindest/node:v1.32.2"
    assert settings.api_port is None and settings.retries == 1


def test_option_beats_env_beats_file(project: Path, project_toml: Callable[[str], Path]) -> None:
    project_toml('[k8s]\nexecutor = "celery"\ntimeout = "20m"\nvalues = ["mine.yaml"]\n')
    config = load_project(project)
    assert load_k8s(config, env={}).executor == "CeleryExecutor"
    assert load_k8s(config, env={"BREEZE_K8S_EXECUTOR": "Kubernetes"}).executor == "KubernetesExecutor"
    chosen = load_k8s(config, {"executor": "LocalExecutor"}, env={"BREEZE_K8S_EXECUTOR": "Kubernetes"})
    assert chosen.executor == "LocalExecutor"
    assert chosen.chart.timeout == "20m" and chosen.chart.values == (project / "mine.yaml",)


def test_registry_image_default_env_file_and_offline_stand_in(
    project: Path, project_toml: Callable[[str], Path]
) -> None:
    config = load_project(project)
    assert load_k8s(config, env={}).registry_image == "registry:2"
    env = {"BREEZE_K8S_REGISTRY_IMAGE": "mirror.example/registry:2.8"}
    assert load_k8s(config, env=env).registry_image == "mirror.example/registry:2.8"
    offline_images.record({"registry": {"2": "breeze-offline/registry:2"}})
    assert load_k8s(config, env={}).registry_image == "breeze-offline/registry:2"
    # An image the user names is used as it is, stand-in or not.
    assert load_k8s(config, env=env).registry_image == "mirror.example/registry:2.8"
    project_toml('[k8s]\nregistry-image = "127.0.0.1:5000/registry:2"\n')
    assert load_k8s(load_project(project), env={}).registry_image == "127.0.0.1:5000/registry:2"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[k8s]\nexecutor = "Sequential"\n', "is not an executor"),
        ('[k8s]\nchart-versoin = "1"\n', "unknown key `chart-versoin` in [k8s]"),
        ('[k8s]\nretries = "2"\n', "must be a whole number"),
        ('[k8s]\ntimeout = "ten minutes"\n', "is not a duration"),
        ('[k8s]\nnamespace = "Air_flow"\n', "is not a valid Kubernetes name"),
        ('[k8s]\nkubernetes-version = "1.32"\n', "is not a version"),
        ('[k8s]\nregistry-image = " "\n', "registry-image is empty"),
        ('[deploy]\nfernet-secret = "Bad Name"\n', "is not a valid Kubernetes name"),
    ],
)
def test_bad_values_are_config_errors(
    project: Path, project_toml: Callable[[str], Path], toml: str, message: str
) -> None:
    project_toml(toml)
    config = load_project(project)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_deploy(config, env={}) if "[deploy]" in toml else load_k8s(config, env={})


def test_deploy_shares_the_chart_with_k8s(project: Path, project_toml: Callable[[str], Path]) -> None:
    project_toml(
        '[k8s]\nchart-version = "1.19.0"\n[deploy]\nregistry = "ghcr.io/team"\ncontext = "prod"\n'
        'metadata-secret = "airflow-db"\n'
    )
    settings = load_deploy(load_project(project), env={})
    assert settings.chart.chart_version == "1.19.0"
    assert (settings.registry, settings.repository, settings.context) == ("ghcr.io/team", "demo", "prod")
    assert settings.secret_names["metadata"] == "airflow-db"


def test_the_config_loader_lets_the_k8s_sections_through(
    project: Path, project_toml: Callable[[str], Path]
) -> None:
    project_toml('[k8s]\nexecutor = "celery"\n[deploy]\nnamespace = "prod"\n')
    assert load_project(project).name == "demo"
