"""breeze deploy / breeze rollback against stub helm/kubectl (simulated: no cluster here)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from breeze.delivery import record
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


def pushed(root: Path, python: str = "3.11", repository: str = "ghcr.io/team/demo") -> None:
    image: record.PushedImage = {
        "repository": repository,
        "digest": DIGEST,
        "reference": f"{repository}@{DIGEST}",
        "tags": ["0123456789ab-python3.11"],
        "commit": "0123456789ab" * 3,
        "version": "0.1.0",
        "pushed_at": "2026-11-30T20:00:00Z",
    }
    record.record(root, "demo", {python: image})


def test_simulated_deploy_without_digest_or_tag_uses_the_digest_breeze_push_recorded(
    breeze: Breeze, stubs: Stubs, in_project: Path
) -> None:
    pushed(in_project)
    stubs.cue("helm", "version", output="v4.0.0\n")

    code, _, err = breeze("deploy")

    assert code == 8 and "did not answer /api/v2/monitor/health" in err  # the stub port-forward
    assert f"recorded: ghcr.io/team/demo@{DIGEST}" in err and "Note:" not in err
    upgrade = next(c for c in stubs.calls() if c[:2] == ["helm", "upgrade"])
    values = Path(upgrade[upgrade.index("-f") + 1]).read_text()
    assert f"digest: {DIGEST}" in values and "repository: ghcr.io/team/demo" in values


def test_dry_run_deploy_of_an_image_pushed_elsewhere_says_where_the_cluster_pulls_it(
    breeze: Breeze, in_project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pushed(in_project, repository="127.0.0.1:5000/demo")
    monkeypatch.setenv("PATH", str(tmp_path / "none"))

    code, out, err = breeze("--dry-run", "deploy")

    assert code == 0 and out.startswith("helm upgrade --install")
    assert "pushed to 127.0.0.1:5000/demo; the cluster pulls it from ghcr.io/team/demo" in err


def test_deploy_before_any_push_names_breeze_push_and_runs_nothing(
    breeze: Breeze, stubs: Stubs, in_project: Path
) -> None:
    code, _, err = breeze("deploy")

    assert code == 2 and "Nothing has been pushed from this project yet" in err
    assert "breeze push --python 3.11" in err and "Traceback" not in err
    assert stubs.calls() == []


def test_deploy_of_a_flavour_that_was_not_pushed_is_refused(
    breeze: Breeze, stubs: Stubs, in_project: Path
) -> None:
    pushed(in_project, python="3.13")

    code, _, err = breeze("deploy")

    assert code == 2 and "No python3.11 image has been pushed" in err
    assert stubs.calls() == []
