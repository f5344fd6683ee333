"""Delivery benchmark: `breeze push` after a DAG edit, and `breeze sbom`, in one invocation.

    .venv/bin/python bench/bench_delivery.py --runs 3      # a few minutes (one PROD build first)

Starts a real registry (Debian's docker-registry, as the tests do) on 127.0.0.1. Rows:

- push after a DAG edit: edit a DAG, commit, `breeze build-image --production` (untimed), then
  `breeze push` timed as a whole process; the layers sent are read from its output (target <= 2 s,
  one layer). Baseline: `breeze push` of the same image to an empty registry (every layer sent).
- sbom: `breeze sbom -o FILE` of the PROD image, whole process (target <= 10 s).

Raw figures go to bench/results/delivery-<UTC>.json. Run under the shared engine lock where the
engine is shared (flock /tmp/engine.lock ...).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from benchlib import REPO, copy_project, remove_images, timed_output, write_results

sys.path.insert(0, str(REPO / "tests" / "integration" / "delivery"))

from registry_server import registry_server


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=bench", "-c", "user.email=bench@breeze.invalid", *args],
        check=True,
        capture_output=True,
    )


def layers_sent(output: str) -> int:
    match = re.search(r"(\d+) layer\(s\) sent", output)
    return int(match.group(1)) if match else -1


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--breeze", default=f"{sys.executable} -m breeze")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    breeze = args.breeze.split()
    work = Path(tempfile.mkdtemp(prefix="bench-delivery-"))
    root = work / "project"
    name = f"bench-delivery-{uuid.uuid4().hex[:8]}"
    copy_project(REPO / "examples", root, name)
    (root / ".gitignore").write_text(".breeze/\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "bench")
    build = [*breeze, "build-image", "--production", "--python", "3.11"]
    raw: dict[str, list[dict[str, float | int]]] = {
        "push-after-dag-edit": [],
        "push-to-empty-registry": [],
        "sbom": [],
    }
    try:
        timed_output(build, root)
        with registry_server(work / "registry") as server:
            push = [*breeze, "push", "--python", "3.11", "--registry", server.host]
            for index in range(args.runs):
                with registry_server(work / f"empty-{index}") as empty:
                    seconds, out = timed_output(
                        [*breeze, "push", "--python", "3.11", "--registry", empty.host], root
                    )
                raw["push-to-empty-registry"].append({"seconds": seconds, "layers": layers_sent(out)})
                if index == 0:
                    timed_output(push, root)  # the registry holds the previous version from here on
                dag = root / "dags" / "report_taskflow.py"
                dag.write_text(dag.read_text() + f"\n# bench edit {uuid.uuid4().hex}\n")
                git(root, "commit", "-qam", "edit")
                timed_output(build, root)
                seconds, out = timed_output(push, root)
                raw["push-after-dag-edit"].append({"seconds": seconds, "layers": layers_sent(out)})
                seconds, _ = timed_output(
                    [*breeze, "sbom", "--python", "3.11", "-o", str(work / "sbom.json")], root
                )
                raw["sbom"].append({"seconds": seconds})
    finally:
        if not args.keep:
            remove_images(name)
            shutil.rmtree(work, ignore_errors=True)
    medians = {key: statistics.median(r["seconds"] for r in runs) for key, runs in raw.items()}
    push, empty, sbom = medians["push-after-dag-edit"], medians["push-to-empty-registry"], medians["sbom"]
    sent = [r["layers"] for r in raw["push-after-dag-edit"]]
    print("| figure | breeze (median) | baseline (median) | ratio | target | met |")
    print("|---|---|---|---|---|---|")
    print(f"| push after a DAG edit | {push:.2f} s, layers sent {sent} | {empty:.2f} s (empty registry, "
          f"layers {[r['layers'] for r in raw['push-to-empty-registry']]}) | {empty / push:.1f}x | <= 2 s, 1 layer | "
          f"{'yes' if push <= 2 and set(sent) == {1} else 'no'} |")  # fmt: skip
    print(f"| sbom (CycloneDX) | {sbom:.2f} s | | | <= 10 s | {'yes' if sbom <= 10 else 'no'} |")
    write_results("delivery", raw)
    return 0 if push <= 2 and sbom <= 10 else 1


if __name__ == "__main__":
    sys.exit(main())
