"""breeze deploy / breeze rollback against stub helm/kubectl (simulated: no cluster here)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.unit.k8s.conftest import Stubs

Breeze = Callable[..., tuple[int, str, str]]
DIGEST = "sha256:" + "ab" * 32
HISTORY = json.dumps(
    [
        {
            "revision": 1,
            "status": "superseded",
            "chart": "airflow-1.18.0",
            "app_version": "3.0.2",
            "description": "Install complete",
        },
        {
            "revision": 2,
            "status": "deployed",
            "chart": "airflow-1.18.0",
            "app_version": "3.1.0",
            "description": "Upgrade complete",
        },
    ]
)


@pytest.fixture
def in_project(project: Path, project_toml: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    project_toml(
        '[deploy]\nregistry = "ghcr.io/team"\ncontext = "prod"\nnamespace = "data"\nfernet-secret = "airflow-fernet"\n'
    )
    monkeypatch.chdir(project)
    return project


def test_simulated_deploy_uses_the_digest_the_shared_values_and_the_users_context(
    breeze: Breeze, stubs: Stubs, in_project: Path
) -> None:
    stubs.cue("helm", "version", output="v4.0.0\n")
    code, _, err = breeze("deploy", "--digest", DIGEST)
    # The stub port-forward exits at once, so the health check fails clearly: everything before it ran.
    assert code == 8 and "did not answer /api/v2/monitor/health" in err
    upgrade = next(c for c in stubs.calls() if c[:2] == ["helm", "upgrade"])
    assert upgrade[upgrade.index("--kube-context") + 1] == "prod" and "--kubeconfig" not in upgrade
    assert upgrade[upgrade.index("--namespace") + 1] == "data" and upgrade[-1] == "--rollback-on-failure"
    values = Path(upgrade[upgrade.index("-f") + 1]).read_text()
    assert f"digest: {DIGEST}" in values and "repository: ghcr.io/team/demo" in values
    assert "fernetKeySecretName: airflow-fernet" in values
    secrets = Path(upgrade[upgrade.index("-f") + 3]).read_text()
    assert "fernetKey:" not in secrets and "jwtSecret:" in secrets
    assert next(c for c in stubs.calls() if c[0] == "kubectl")[:2] == ["kubectl", "port-forward"]


def test_dry_run_deploy_prints_helm_and_the_health_check(
    breeze: Breeze, in_project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "none"))
    code, out, _ = breeze("--dry-run", "deploy", "--tag", "0123456789ab-python3.11")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("helm upgrade --install airflow airflow --repo https://airflow.apache.org")
    assert lines[1].startswith("kubectl port-forward svc/airflow-api-server")


def test_simulated_rollback_to_the_previous_revision_warns_about_airflow_versions(
    breeze: Breeze, stubs: Stubs, in_project: Path
) -> None:
    stubs.cue("helm", "history", output=HISTORY)
    code, _, err = breeze("rollback")
    assert code == 0
    assert "runs Airflow 3.0.2, the current one 3.1.0; the database is not migrated back" in err
    rollback = next(c for c in stubs.calls() if c[:2] == ["helm", "rollback"])
    assert rollback[:4] == ["helm", "rollback", "airflow", "1"] and "--wait" in rollback


def test_simulated_rollback_to_a_revision_that_does_not_exist(
    breeze: Breeze, stubs: Stubs, in_project: Path
) -> None:
    stubs.cue("helm", "history", output=HISTORY)
    code, _, err = breeze("rollback", "--revision", "7")
    assert code == 8 and "has no revision 7" in err and "Pick one of 1, 2" in err
    assert "helm rollback" not in stubs.verbs()
