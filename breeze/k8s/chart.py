"""helm and kubectl argv: install/upgrade, template, status, history, rollback, and what `logs` and
`shell` ask kubectl. Pure functions; the runner runs them."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from breeze.k8s.settings import ChartSettings


@dataclass(frozen=True)
class Target:
    """Where a release lives: a kubeconfig (breeze's own for kind) and/or a context, a namespace."""

    namespace: str
    release: str
    kubeconfig: Path | None = None
    context: str = ""

    def helm_flags(self) -> list[str]:
        flags = ["--namespace", self.namespace]
        if self.kubeconfig is not None:
            flags += ["--kubeconfig", str(self.kubeconfig)]
        if self.context:
            flags += ["--kube-context", self.context]
        return flags

    def kubectl_flags(self) -> list[str]:
        flags = ["--namespace", self.namespace]
        if self.kubeconfig is not None:
            flags += ["--kubeconfig", str(self.kubeconfig)]
        if self.context:
            flags += ["--context", self.context]
        return flags


def chart_ref(chart: ChartSettings) -> list[str]:
    """A local chart folder/tarball as is; `repo/name` or oci:// by version; a bare name from the
    chart repository URL (so no `helm repo add` state is needed)."""
    path = Path(chart.chart)
    if path.exists() or chart.chart.startswith(("./", "../", "/")):
        return [str(path)]
    if "/" in chart.chart:
        return [chart.chart, "--version", chart.chart_version]
    return [chart.chart, "--repo", chart.chart_repository, "--version", chart.chart_version]


def helm_major(version_output: str) -> int:
    """3 or 4 from `helm version --short` (v3.17.0+g…); 3 when it cannot be told."""
    match = re.search(r"v(\d+)\.", version_output)
    return int(match.group(1)) if match else 3


def version_argv() -> list[str]:
    return ["helm", "version", "--short"]


def upgrade_argv(
    chart: ChartSettings,
    target: Target,
    values_files: Sequence[Path],
    sets: Sequence[str],
    *,
    helm: int,
    timeout: str,
) -> list[str]:
    # Helm 4 renamed --atomic to --rollback-on-failure.
    rollback = "--rollback-on-failure" if helm >= 4 else "--atomic"
    argv = ["helm", "upgrade", "--install", target.release, *chart_ref(chart), *target.helm_flags()]
    argv += ["--create-namespace"]
    for path in values_files:
        argv += ["-f", str(path)]
    for pair in sets:
        argv += ["--set", pair]
    return [*argv, "--wait", "--timeout", timeout, rollback]


def template_argv(
    chart: ChartSettings, target: Target, values_files: Sequence[Path], sets: Sequence[str], out: Path
) -> list[str]:
    argv = ["helm", "template", target.release, *chart_ref(chart), "--namespace", target.namespace]
    for path in values_files:
        argv += ["-f", str(path)]
    for pair in sets:
        argv += ["--set", pair]
    return [*argv, "--output-dir", str(out)]


def status_argv(target: Target) -> list[str]:
    return ["helm", "status", target.release, *target.helm_flags()]


def history_argv(target: Target) -> list[str]:
    return ["helm", "history", target.release, *target.helm_flags(), "--output", "json"]


def rollback_argv(target: Target, revision: int, *, timeout: str) -> list[str]:
    return [
        "helm",
        "rollback",
        target.release,
        str(revision),
        *target.helm_flags(),
        "--wait",
        "--timeout",
        timeout,
    ]


@dataclass(frozen=True)
class Revision:
    revision: int
    status: str
    chart: str
    app_version: str
    description: str


def parse_history(output: str) -> list[Revision]:
    try:
        rows = json.loads(output or "[]")
    except ValueError:
        return []
    return [
        Revision(
            int(row.get("revision", 0)),
            str(row.get("status", "")),
            str(row.get("chart", "")),
            str(row.get("app_version", "")),
            str(row.get("description", "")),
        )
        for row in rows
        if isinstance(row, dict)
    ]


# -- kubectl -------------------------------------------------------------------------------------


def pods_argv(target: Target, *, wide: bool = True, names: bool = False) -> list[str]:
    argv = ["kubectl", "get", "pods", *target.kubectl_flags()]
    return argv + (["-o", "name"] if names else ["-o", "wide"] if wide else [])


def describe_pods_argv(target: Target) -> list[str]:
    return ["kubectl", "describe", "pods", *target.kubectl_flags()]


def events_argv(target: Target) -> list[str]:
    return ["kubectl", "get", "events", *target.kubectl_flags(), "--sort-by", ".lastTimestamp"]


def pod_logs_argv(target: Target, pod: str) -> list[str]:
    return ["kubectl", "logs", pod, *target.kubectl_flags(), "--all-containers", "--prefix", "--tail", "200"]


def failing_pods(pods_wide: str) -> list[str]:
    """Pods of `kubectl get pods -o wide` that are not Running/Completed, or not all ready."""
    failing = []
    for line in pods_wide.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 3:
            continue
        name, ready, status = fields[0], fields[1], fields[2]
        done, _, total = ready.partition("/")
        if status not in ("Running", "Completed", "Succeeded") or (status == "Running" and done != total):
            failing.append(name)
    return failing


def shell_argv(target: Target, component: str = "scheduler") -> list[str]:
    deployment = f"deploy/{target.release}-{component}"
    return ["kubectl", "exec", "-it", deployment, *target.kubectl_flags(), "--", "bash"]


def apply_stdin_argv(target: Target, manifest: Path) -> list[str]:
    return ["kubectl", "apply", "-f", str(manifest), "--kubeconfig", str(target.kubeconfig)]


def port_forward_argv(target: Target, local_port: int) -> list[str]:
    service = f"svc/{target.release}-api-server"
    return ["kubectl", "port-forward", service, f"{local_port}:8080", *target.kubectl_flags()]
