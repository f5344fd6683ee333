"""The runner: dry-run and verbose in one place, one exception, one message per kind of failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from breeze.k8s.runner import HelmTimeout, K8sError, Runner, ToolFailed, explain
from tests.unit.k8s.conftest import Stubs


def runner(**options: object) -> tuple[Runner, list[str]]:
    said: list[str] = []
    return Runner(echo=said.append, **options), said  # type: ignore[arg-type]


def test_dry_run_prints_exact_argv_and_runs_nothing_even_without_the_tool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    run, said = runner(dry_run=True)
    result = run.run(["helm", "upgrade", "--install", "a b", "chart"])
    assert capsys.readouterr().out == "helm upgrade --install 'a b' chart\n"
    assert not result.ran and said == [
        "(helm is not installed here: the plan shows the commands it would run)"
    ]


def test_simulated_dry_run_still_runs_read_only_queries(
    stubs: Stubs, capsys: pytest.CaptureFixture[str]
) -> None:
    stubs.cue("kind", "get", output="breeze-x\n")
    run, _ = runner(dry_run=True)
    assert run.run(["kind", "get", "clusters"], read_only=True).output == "breeze-x\n"
    run.run(["kind", "delete", "cluster"])
    assert stubs.verbs() == ["kind get"]


def test_simulated_verbose_echoes_the_command_and_its_output(stubs: Stubs, tmp_path: Path) -> None:
    stubs.cue("helm", "version", output="v3.17.0\n")
    run, said = runner(verbose=True, log=tmp_path / "commands.log")
    run.run(["helm", "version", "--short"])
    assert said == ["$ helm version --short", "v3.17.0"]
    assert "$ helm version --short\nv3.17.0" in (tmp_path / "commands.log").read_text()


def test_simulated_failure_carries_argv_code_and_output(stubs: Stubs) -> None:
    stubs.cue("kubectl", code=3, output="boom\n")
    run, _ = runner()
    with pytest.raises(ToolFailed) as raised:
        run.run(["kubectl", "get", "pods"])
    assert (raised.value.argv, raised.value.return_code, raised.value.output) == (
        ["kubectl", "get", "pods"],
        3,
        "boom",
    )


def test_a_missing_tool_is_code_127(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ToolFailed) as raised:
        runner()[0].run(["kind", "version"])
    assert raised.value.return_code == 127


@pytest.mark.parametrize(
    ("argv", "code", "output", "kind", "message", "fix"),
    [
        (["helm", "version"], 127, "", K8sError, "`helm` is not installed", "breeze k8s setup --install"),
        (
            ["kind", "create", "cluster"],
            1,
            'ERROR: failed to create cluster: failed to pull image "kindest/node:v1.32.2@sha256:abc": dial tcp: lookup registry-1.docker.io: no such host',
            K8sError,
            "cannot get its node image kindest/node:v1.32.2",
            "--node-image",
        ),
        (
            ["kubectl", "get", "pods"],
            1,
            "Unable to connect to the server: dial tcp 127.0.0.1:1: connect: connection refused",
            K8sError,
            "does not answer",
            "breeze k8s create-cluster",
        ),
        (
            ["helm", "upgrade"],
            1,
            "Error: UPGRADE FAILED: timed out waiting for the condition",
            HelmTimeout,
            "helm timed out",
            "--timeout",
        ),
        (
            ["helm", "upgrade"],
            1,
            'Error: chart "airflow" version "0.0.1" not found in https://airflow.apache.org repository',
            K8sError,
            "cannot find the chart",
            "chart-version",
        ),
        (
            ["kind", "load", "docker-image"],
            1,
            'ERROR: image: "demo:k8s-1" not present locally',
            K8sError,
            "does not exist yet",
            "breeze build-image --production",
        ),
        (["kubectl", "apply"], 2, "something else", K8sError, "failed with exit code 2", "--verbose"),
    ],
)
def test_each_failure_is_one_message_with_a_fix(
    argv: list[str], code: int, output: str, kind: type[K8sError], message: str, fix: str
) -> None:
    error = explain(ToolFailed(argv, code, output))
    assert type(error) is kind
    assert message in error.message and fix in (error.fix or "")
