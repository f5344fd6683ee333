"""run-complete-tests and the single steps against stub kind/helm/kubectl (simulated: no cluster can
run here). What is checked: the order of the steps, retries on a helm timeout, logs on failure, the
delete in `finally`, and Ctrl-C / SIGTERM cleaning up what was created."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from rich.console import Console

from breeze.context import AppContext
from breeze.errors import ConfigError
from breeze.k8s import flow
from breeze.k8s.runner import HelmTimeout, K8sError
from breeze.k8s.session import K8sRequest, Session, open_session
from breeze.offline import registry as offline_images
from breeze.testing.e2e.suite import E2EOutcome
from tests.unit.k8s.conftest import FixedImages, Stubs

PODS = (
    "NAME                         READY   STATUS             RESTARTS   AGE\n"
    "airflow-scheduler-0          1/2     CrashLoopBackOff   3          2m\n"
    "airflow-api-server-5d9f-x1   1/1     Running            0          2m\n"
)
TIMEOUT = "Error: UPGRADE FAILED: context deadline exceeded\n"


class Suite:
    """Stands in for breeze.testing.e2e.run_e2e (same signature): no Airflow answers here."""

    def __init__(self, code: int = 0) -> None:
        self.code = code
        self.calls: list[tuple[str, str]] = []
        self.received: list[dict[str, Any]] = []

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
        timeout: int = 600,
        settle: float = 5.0,
    ) -> E2EOutcome:
        self.calls.append((base_url, username))
        assert password  # the project's admin password, handed over in-process, never in argv
        assert results_dir.is_dir()
        self.received.append(
            {
                "airflow_major": airflow_major,
                "dags": tuple(dags),
                "conf": dict(conf),
                "expectations": {dag: dict(tasks) for dag, tasks in expectations.items()},
                "results_dir": results_dir,
                "timeout": timeout,
            }
        )
        summary = {"type": "e2e", "exit_code": self.code, "tests": 1, "seconds": 1.0, "report": "e2e.xml"}
        return E2EOutcome(exit_code=self.code, summary=summary)


@pytest.fixture
def suite(monkeypatch: pytest.MonkeyPatch) -> Suite:
    fake = Suite()
    monkeypatch.setattr(flow, "load_e2e", lambda: fake)
    return fake


def session_for(ctx: AppContext, **options: object) -> Session:
    return open_session(ctx, K8sRequest(**options), images=lambda _c, _cfg: FixedImages())  # type: ignore[arg-type]


@pytest.fixture
def complete(app_ctx: AppContext, stubs: Stubs) -> Callable[..., int]:
    stubs.cue("helm", "version", output="v3.17.1+g980d8ac\n")

    def run(**options: object) -> int:
        session = session_for(app_ctx, **options)
        return flow.run_complete_tests(app_ctx, session.request, session)

    return run


def test_simulated_complete_run_creates_loads_deploys_tests_and_deletes(
    complete: Callable[..., int], stubs: Stubs, suite: Suite
) -> None:
    assert complete() == 0
    assert stubs.verbs() == [
        "kind get",
        "kind create",
        "kind load",
        "helm version",
        "helm upgrade",
        "kind delete",
    ]
    assert suite.calls == [("http://127.0.0.1:28180", "admin")]
    create = next(c for c in stubs.calls() if c[:2] == ["kind", "create"])
    kubeconfig = create[create.index("--kubeconfig") + 1]
    assert ".kube" not in kubeconfig and kubeconfig.endswith("/kubeconfig")


def test_simulated_values_files_reach_helm_in_order_and_secrets_stay_out_of_argv(
    complete: Callable[..., int], stubs: Stubs, suite: Suite, project: Path
) -> None:
    own = project / "own.yaml"
    own.write_text("workers:\n  replicas: 2\n")
    assert complete(values=(own,), sets=("scheduler.replicas=1",), keep_cluster=True) == 0
    upgrade = next(c for c in stubs.calls() if c[:2] == ["helm", "upgrade"])
    files = [upgrade[i + 1] for i, word in enumerate(upgrade) if word == "-f"]
    assert [Path(f).name for f in files] == ["values.yaml", "secrets.values.yaml", "own.yaml"]
    assert upgrade[-5:] == ["--wait", "--timeout", "10m", "--atomic"][-4:] or "--atomic" in upgrade
    assert upgrade.index("--set") > upgrade.index(str(own))
    secret = Path(files[1])
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    secrets = yaml.safe_load(secret.read_text())
    argv_text = json.dumps(stubs.calls())
    assert secrets["fernetKey"] not in argv_text and secrets["jwtSecret"] not in argv_text
    assert "fernetKey" not in Path(files[0]).read_text()


def test_simulated_helm_4_gets_rollback_on_failure(
    complete: Callable[..., int], stubs: Stubs, suite: Suite
) -> None:
    stubs.cues.clear()
    stubs.cue("helm", "version", output="v4.0.1+gabc\n")
    assert complete() == 0
    upgrade = next(c for c in stubs.calls() if c[:2] == ["helm", "upgrade"])
    assert "--rollback-on-failure" in upgrade and "--atomic" not in upgrade


def test_simulated_helm_timeout_is_retried_once(
    complete: Callable[..., int], stubs: Stubs, suite: Suite
) -> None:
    stubs.cue("helm", "upgrade", code=1, output=TIMEOUT, times=1)
    assert complete() == 0
    assert stubs.verbs().count("helm upgrade") == 2
    assert stubs.verbs()[-1] == "kind delete"


def test_simulated_helm_timeout_twice_shows_failing_pods_collects_logs_and_deletes(
    complete: Callable[..., int], stubs: Stubs, suite: Suite, project: Path
) -> None:
    stubs.cue("helm", "upgrade", code=1, output=TIMEOUT)
    stubs.cue("kubectl", "get", "pods", "wide", output=PODS)
    stubs.cue(
        "kubectl", "logs", "airflow-scheduler-0", output="ModuleNotFoundError: No module named 'pandas'\n"
    )
    with pytest.raises(HelmTimeout) as raised:
        complete()
    assert "airflow-scheduler-0" in (raised.value.details or "")
    assert "No module named 'pandas'" in (raised.value.details or "")
    assert "airflow-api-server" not in (raised.value.details or "").split("--- logs of")[-1]
    verbs = stubs.verbs()
    assert verbs.count("helm upgrade") == 2
    assert "kind export" in verbs and verbs[-1] == "kind delete"
    results = next((project / "test-results" / "k8s").iterdir())
    assert {"pods.txt", "events.txt", "helm-history.json", "describe-pods.txt"} <= {
        p.name for p in results.iterdir()
    }


def test_simulated_failed_tests_keep_logs_and_still_delete(
    complete: Callable[..., int], stubs: Stubs, suite: Suite
) -> None:
    suite.code = 1
    assert complete() == 1
    assert "kind export" in stubs.verbs() and stubs.verbs()[-1] == "kind delete"


def test_simulated_keep_cluster_skips_the_delete(
    complete: Callable[..., int], stubs: Stubs, suite: Suite
) -> None:
    assert complete(keep_cluster=True) == 0
    assert "kind delete" not in stubs.verbs()


def test_simulated_upgrade_deploys_a_second_tag_and_tests_again(
    complete: Callable[..., int], stubs: Stubs, suite: Suite
) -> None:
    assert complete(upgrade=True) == 0
    loads = [c[3] for c in stubs.calls() if c[:2] == ["kind", "load"]]
    assert loads == ["demo:k8s-0123456789ab", "demo:k8s-0123456789ab-2"]
    assert stubs.verbs().count("helm upgrade") == 2 and len(suite.calls) == 2


def test_simulated_ctrl_c_during_deploy_deletes_the_cluster(
    complete: Callable[..., int], stubs: Stubs, suite: Suite
) -> None:
    stubs.cue("helm", "upgrade", signal="SIGINT", code=130)
    with pytest.raises(KeyboardInterrupt):
        complete()
    assert stubs.verbs()[-1] == "kind delete"


def test_simulated_sigterm_during_deploy_deletes_the_cluster(
    complete: Callable[..., int], stubs: Stubs, suite: Suite
) -> None:
    stubs.cue("helm", "upgrade", signal="SIGTERM", code=143)
    with pytest.raises(KeyboardInterrupt):
        complete()
    assert stubs.verbs()[-1] == "kind delete"


def test_simulated_existing_cluster_without_recreate_is_an_error_and_nothing_is_deleted(
    complete: Callable[..., int], stubs: Stubs, suite: Suite, app_ctx: AppContext
) -> None:
    name = session_for(app_ctx).name
    stubs.cue("kind", "get", output=f"other\n{name}\n")
    with pytest.raises(K8sError, match="exists already"):
        complete()
    assert stubs.verbs() == ["kind get"]


def test_simulated_recreate_deletes_the_existing_cluster_first(
    complete: Callable[..., int], stubs: Stubs, suite: Suite, app_ctx: AppContext
) -> None:
    name = session_for(app_ctx).name
    stubs.cue("kind", "get", output=f"{name}\n")
    assert complete(recreate=True) == 0
    assert stubs.verbs()[:3] == ["kind get", "kind delete", "kind create"]


def test_simulated_missing_helm_fails_before_any_cluster_is_made(
    complete: Callable[..., int], stubs: Stubs, suite: Suite
) -> None:
    (stubs.folder / "helm").unlink()
    with pytest.raises(K8sError, match="`helm` is not installed") as raised:
        complete()
    assert "breeze k8s setup --install" in (raised.value.fix or "")
    assert stubs.calls() == []


def test_simulated_chart_version_not_found_is_named(
    complete: Callable[..., int], stubs: Stubs, suite: Suite
) -> None:
    stubs.cue(
        "helm",
        "upgrade",
        code=1,
        output='Error: chart "airflow" version "9.9.9" not found in https://airflow.apache.org repository\n',
    )
    with pytest.raises(K8sError, match="cannot find the chart") as raised:
        complete()
    assert "chart-version" in (raised.value.fix or "")
    assert stubs.verbs()[-1] == "kind delete"


def test_simulated_unreachable_cluster_is_one_message(app_ctx: AppContext, stubs: Stubs) -> None:
    session = session_for(app_ctx)
    stubs.cue("kind", "get", output=f"{session.name}\n")
    stubs.cue(
        "kubectl",
        code=1,
        output="The connection to the server 127.0.0.1:41234 was refused - did you specify the right host or port?\n",
    )
    stubs.cue(
        "helm",
        "status",
        code=1,
        output='Error: Kubernetes cluster unreachable: Get "https://127.0.0.1:41234/version": dial tcp: connection refused\n',
    )
    with pytest.raises(K8sError, match="does not answer"):
        flow.status(app_ctx, session.request)


def test_dry_run_prints_every_step_without_any_tool(
    dry_ctx: AppContext, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    session = session_for(dry_ctx)
    assert flow.run_complete_tests(dry_ctx, session.request, session) == 0
    out = capsys.readouterr().out.splitlines()
    firsts = [" ".join(line.split()[:2]) for line in out]
    assert firsts == ["kind get", "kind create", "kind load", "helm upgrade", "# run", "kind delete"]
    assert not session.plan().folder.exists()  # a dry run writes nothing


def test_simulated_dry_run_prints_the_registry_commands_and_runs_only_reads(
    dry_ctx: AppContext, stubs: Stubs, capsys: pytest.CaptureFixture[str]
) -> None:
    stubs.cue("docker", "container", "inspect", code=1, stderr="Error: No such container: breeze-registry\n")
    session = session_for(dry_ctx, registry="localhost:5001")
    assert flow.run_complete_tests(dry_ctx, session.request, session) == 0
    out = capsys.readouterr().out
    assert "docker container run --detach --restart always --name breeze-registry --publish " in out
    assert "docker network connect kind breeze-registry" in out
    assert "docker exec breeze-demo-" in out
    assert "docker image push localhost:5001/demo:k8s-0123456789ab" in out
    # Only the read (is the registry running?) reached docker; everything else was printed.
    assert [c[1:3] for c in stubs.calls() if c[0] == "docker"] == [["container", "inspect"]]


def test_simulated_no_production_image_yet_fails_before_a_cluster_is_made(
    app_ctx: AppContext, stubs: Stubs
) -> None:
    stubs.no_image("demo:1.0.0-python3.11")
    with pytest.raises(K8sError, match=r"There is no production image demo:1.0.0-python3.11 yet") as raised:
        flow.run_complete_tests(app_ctx, K8sRequest())
    assert "breeze build-image --production" in (raised.value.fix or "")
    assert stubs.verbs() == ["docker image"]


def test_simulated_the_image_gets_a_unique_tag_from_its_id(
    app_ctx: AppContext, stubs: Stubs, suite: Suite
) -> None:
    stubs.image("demo:1.0.0-python3.11", "sha256:0123456789abcdef0123")
    stubs.cue("helm", "version", output="v3.17.1\n")
    assert flow.run_complete_tests(app_ctx, K8sRequest()) == 0
    assert ["docker", "image", "tag", "demo:1.0.0-python3.11", "demo:k8s-0123456789ab"] in stubs.calls()


def test_simulated_a_busy_api_port_is_named(app_ctx: AppContext, stubs: Stubs, suite: Suite) -> None:
    import socket

    stubs.cue("helm", "version", output="v3.17.1\n")
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        session = session_for(app_ctx, api_port=port)
        with pytest.raises(
            ConfigError, match=rf"Port {port} \(Airflow API\) on 127.0.0.1 is taken"
        ) as raised:
            flow.run_complete_tests(app_ctx, session.request, session)
    assert "--api-port" in (raised.value.fix or "")
    assert "kind create" not in stubs.verbs()


def test_simulated_local_registry_is_started_wired_and_pushed_to(
    complete: Callable[..., int], stubs: Stubs, suite: Suite
) -> None:
    stubs.cue("docker", "container", "inspect", code=1, stderr="Error: No such container: breeze-registry\n")
    stubs.image("registry:2", "sha256:2e9157a3c0de")
    assert complete(registry="localhost:5001", keep_cluster=True) == 0
    docker = [c for c in stubs.calls() if c[0] == "docker"]
    (started,) = [c for c in docker if c[1:3] == ["container", "run"]]
    assert started[-1] == "registry:2" and "--detach" in started
    assert started[started.index("--name") + 1] == "breeze-registry"
    assert started[started.index("--publish") + 1] == "127.0.0.1:5001:5000"  # 127.0.0.1 only
    assert ["docker", "network", "connect", "kind", "breeze-registry"] in docker
    execs = [c for c in docker if c[1] == "exec"]
    assert execs and all(c[2].endswith("-control-plane") for c in execs)
    assert "/etc/containerd/certs.d/localhost:5001/hosts.toml" in execs[-1][-1]
    assert ["docker", "image", "push", "localhost:5001/demo:k8s-0123456789ab"] in docker
    assert "kind load" not in stubs.verbs()
    upgrade = next(c for c in stubs.calls() if c[:2] == ["helm", "upgrade"])
    values = Path(upgrade[upgrade.index("-f") + 1]).read_text()
    assert "repository: localhost:5001/demo" in values
    assert next(c for c in stubs.calls() if c[0] == "kubectl")[:2] == ["kubectl", "apply"]


def test_simulated_local_registry_uses_the_offline_stand_in_and_keeps_a_running_one(
    complete: Callable[..., int], stubs: Stubs, suite: Suite
) -> None:
    offline_images.record({"registry": {"2": "breeze-offline/registry:2"}})
    stubs.cue("docker", "container", "inspect", code=1, stderr="Error: No such container: breeze-registry\n")
    stubs.image("breeze-offline/registry:2", "sha256:5eed5eed5eed")
    assert complete(registry="localhost:5001", keep_cluster=True) == 0
    (started,) = [c for c in stubs.calls() if c[:3] == ["docker", "container", "run"]]
    assert started[-1] == "breeze-offline/registry:2"


def test_simulated_a_registry_image_that_cannot_be_pulled_names_the_stand_in(
    complete: Callable[..., int], stubs: Stubs, suite: Suite
) -> None:
    stubs.cue("docker", "container", "inspect", code=1, stderr="Error: No such container: breeze-registry\n")
    stubs.cue(
        "docker",
        "container",
        "run",
        code=125,
        stderr="Unable to find image 'registry:2' locally\ndocker: Error response from daemon: Get "
        '"https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host\n',
    )
    with pytest.raises(K8sError, match=r"The local registry's image registry:2 cannot be pulled") as raised:
        complete(registry="localhost:5001")
    assert "breeze setup offline-images" in (raised.value.fix or "")
    assert "registry-image" in (raised.value.fix or "")
    assert "kind delete" in stubs.verbs()  # the cluster made before is still deleted


def test_simulated_ctrl_c_while_kind_creates_still_deletes_the_cluster(
    complete: Callable[..., int], stubs: Stubs, suite: Suite
) -> None:
    stubs.cue("kind", "create", signal="SIGINT", code=130)
    with pytest.raises(KeyboardInterrupt):
        complete()
    assert stubs.verbs() == ["kind get", "kind create", "kind delete"]  # no log collection: nothing ran yet


def test_simulated_a_failing_delete_does_not_hide_the_first_error(
    complete: Callable[..., int], stubs: Stubs, suite: Suite, capsys: pytest.CaptureFixture[str]
) -> None:
    stubs.cue("helm", "upgrade", code=1, output="Error: something broke\n")
    stubs.cue("kind", "delete", code=1, output="ERROR: failed to delete cluster\n")
    with pytest.raises(K8sError, match="helm upgrade"):
        complete()
    assert "Could not delete" in capsys.readouterr().err


def test_simulated_the_suite_gets_the_e2e_settings_the_airflow_major_and_a_results_folder(
    complete: Callable[..., int],
    stubs: Stubs,
    suite: Suite,
    project: Path,
    project_toml: Callable[[str], Path],
) -> None:
    project_toml(
        """
        [e2e]
        dags = ["hello"]
        conf = { rows = 3 }
        timeout = 120

        [e2e.expect]
        hello = ["boom=failed"]
        """
    )
    assert complete() == 0
    [received] = suite.received
    assert received["airflow_major"] == 3
    assert received["dags"] == ("hello",)
    assert received["conf"] == {"rows": 3}
    assert received["expectations"] == {"hello": {"boom": "failed"}}
    assert received["timeout"] == 120
    run_dir: Path = received["results_dir"]
    assert run_dir.parent == project / "test-results" and "-e2e-k8s-py" in run_dir.name
    assert (project / "test-results" / "latest").resolve() == run_dir.resolve()


def test_simulated_a_bad_e2e_table_fails_before_a_cluster_exists(
    complete: Callable[..., int], stubs: Stubs, suite: Suite, project_toml: Callable[[str], Path]
) -> None:
    project_toml(
        """
        [e2e]
        timeout = "soon"
        """
    )
    with pytest.raises(ConfigError, match="timeout"):
        complete()
    assert "kind create" not in stubs.verbs() and suite.calls == []
