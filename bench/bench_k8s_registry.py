"""Bytes sent to the local registry when `breeze k8s load-image` reloads the production image after a
DAG edit ([k8s] registry, kind's local-registry pattern), in one invocation:

- baseline: the first push of the project's production image to an empty registry (every layer);
- reload: edit one DAG, `breeze build-image --production`, push again (target: only the project
  layer).

The push is breeze's own (``breeze.k8s.steps.push_to_local_registry``, what load-image calls, with
the image tagged `k8s-<id>` by ``EngineImages``). The registry is a real one: Debian's
`docker-registry` on 127.0.0.1 with storage of its own (as the integration tests run it), so the
bytes are what it stored: the growth of its blob store (layers, image config, manifest). The layers
are named from the image config the registry holds (its history, empty layers skipped).

    flock /tmp/engine.lock .venv/bin/python bench/bench_k8s_registry.py [--runs 3] [--keep]

Needs breeze importable (run it with the project's venv), the engine with buildx, and
`docker-registry` (apt-get install docker-registry). Raw figures: bench/results/k8s-registry-*.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchlib import REPO, copy_project, remove_images, timed, write_results

sys.path.insert(0, str(REPO / "tests" / "integration" / "delivery"))

from breeze.context import AppContext
from breeze.k8s import steps
from breeze.k8s.session import K8sRequest, Session, open_session
from registry_server import Registry, registry_server

PYTHON = "3.11"
DAG = Path("dags") / "report_taskflow.py"
MANIFEST_TYPES = (
    "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json"
)


@dataclass(frozen=True)
class Layer:
    digest: str
    size: int  # compressed, as stored and sent
    step: str  # the Dockerfile instruction that made it


@dataclass(frozen=True)
class Push:
    ref: str
    pushed: int  # layers docker reported "Pushed"
    existing: int  # layers docker reported "Layer already exists"
    stored: int  # growth of the registry's blob store, bytes
    seconds: float
    layers: tuple[Layer, ...]


def blob_bytes(server: Registry) -> int:
    blobs = server.root / "data" / "docker" / "registry" / "v2" / "blobs"
    return sum(p.stat().st_size for p in blobs.rglob("data")) if blobs.exists() else 0


def fetch(url: str, accept: str = "application/json") -> Any:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def layers_of(server: Registry, repository: str, tag: str) -> tuple[Layer, ...]:
    """The manifest's layers, each named by the history entry (empty layers skipped) that made it."""
    base = f"http://{server.host}/v2/{repository}"
    manifest = fetch(f"{base}/manifests/{tag}", MANIFEST_TYPES)
    config = fetch(f"{base}/blobs/{manifest['config']['digest']}")
    history = [h for h in config.get("history", []) if not h.get("empty_layer")]
    layers = manifest["layers"]
    named = len(history) == len(layers)
    return tuple(
        Layer(
            str(layer["digest"]),
            int(layer["size"]),
            _short(str(history[i].get("created_by", "?"))) if named else f"layer {i + 1}",
        )
        for i, layer in enumerate(layers)
    )


def _short(created_by: str) -> str:
    text = " ".join(created_by.replace("/bin/sh -c #(nop) ", "").split())
    return text if len(text) <= 90 else text[:87] + "..."


def push(session: Session, server: Registry, generation: int) -> Push:
    """What `breeze k8s load-image` does with a local registry: unique tag, then push."""
    before = blob_bytes(server)
    started = time.perf_counter()
    image = session.images.unique_ref(PYTHON, generation)
    pushed, result = steps.push_to_local_registry(session.ctx.engine, image, server.host)
    seconds = time.perf_counter() - started
    repository = pushed.repository.split("/", 1)[1]
    layers = layers_of(server, repository, pushed.tag)
    return Push(pushed.ref, result.pushed, result.existing, blob_bytes(server) - before, seconds, layers)


def build(root: Path) -> float:
    return timed([sys.executable, "-m", "breeze", "--project", str(root), "build-image", "--production",
                  "--python", PYTHON])  # fmt: skip


def measure(root: Path, work: Path, runs: int) -> tuple[Push, list[Push]]:
    build(root)
    with registry_server(work / "registry") as server:
        ctx = AppContext(project_dir=root, interactive=False)
        session = open_session(ctx, K8sRequest(python=PYTHON, registry=server.host))
        first = push(session, server, 1)
        reloads = []
        for index in range(runs):
            dag = root / DAG
            dag.write_text(dag.read_text() + f"\n# bench edit {uuid.uuid4().hex}\n")
            build(root)
            reloads.append(push(session, server, index + 2))
    return first, reloads


def report(first: Push, reloads: list[Push]) -> bool:
    sent = [r.stored for r in reloads]
    reload_bytes = int(statistics.median(sent))
    print("| push | layers sent / already there | bytes stored by the registry | seconds |")
    print("|---|---|---|---|")
    print(f"| first push, empty registry (baseline) | {first.pushed} / {first.existing} | {first.stored:,} | "
          f"{first.seconds:.1f} |")  # fmt: skip
    for index, r in enumerate(reloads, 1):
        print(
            f"| reload {index} after a DAG edit | {r.pushed} / {r.existing} | {r.stored:,} | {r.seconds:.1f} |"
        )
    print(f"\nreload / first push (bytes, median of {len(reloads)}): {reload_bytes / first.stored:.6f} "
          f"({first.stored / max(reload_bytes, 1):,.0f}x less)")  # fmt: skip
    met = True
    seen = {layer.digest for layer in first.layers}
    for r in reloads:
        changed = [layer for layer in r.layers if layer.digest not in seen]
        seen |= {layer.digest for layer in r.layers}
        only_project = len(changed) == 1 and changed[0] == r.layers[-1] and r.pushed == 1
        met = met and only_project
        size = sum(layer.size for layer in changed)
        named = "; ".join(
            f"#{r.layers.index(layer) + 1} of {len(r.layers)} `{layer.step}` {layer.size:,} B"
            for layer in changed
        )
        print(f"{r.ref}: {r.pushed} layer(s) sent, new: {named}; stored {r.stored:,} B = "
              f"{r.stored / max(size, 1):.2f}x the new layers (image config + manifest on top)")  # fmt: skip
    print(f"target: a reload sends only the project layer: {'met' if met else 'NOT met'}")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3, help="reloads (each after its own DAG edit)")
    parser.add_argument("--keep", action="store_true", help="keep the project copy and its images")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-k8s-registry-"))
    name = f"bench-k8sreg-{uuid.uuid4().hex[:8]}"
    root = copy_project(REPO / "examples", work / "project", name)
    try:
        first, reloads = measure(root, work, args.runs)
    finally:
        if not args.keep:
            remove_images(name)
    met = report(first, reloads)
    out = write_results(
        "k8s-registry", {"first": asdict(first), "reloads": [asdict(r) for r in reloads], "target_met": met}
    )
    print(f"raw figures: {out}" + (f"; project copy: {root}" if args.keep else ""))
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
