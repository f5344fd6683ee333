"""Stub kind/helm/kubectl/docker executables on PATH (no cluster can run here): the runner starts
kind/helm/kubectl, the engine seam (python-on-whales) the stub `docker`.

Each stub records its argv (one JSON list a line) and answers from a cue table: the first cue whose
``match`` words all appear in the argv gives the exit code and output (``times`` limits how often a
cue fires; ``signal`` sends that signal to breeze, like a user's Ctrl-C or CI's SIGTERM). Tests
using these stubs say "simulated" in their names. A guard fails any unit test whose runner would
start a real kind/helm/kubectl/docker.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from breeze.context import AppContext
from breeze.engine import Engine
from breeze.k8s import runner as runner_module
from breeze.k8s.values import ImageRef

STUB = textwrap.dedent(
    """\
    #!{python}
    import json, os, signal, sys
    folder = {folder!r}
    tool = os.path.basename(sys.argv[0])
    argv = [tool, *sys.argv[1:]]
    with open(os.path.join(folder, "calls.jsonl"), "a") as log:
        log.write(json.dumps(argv) + "\\n")
    with open(os.path.join(folder, "cues.json")) as f:
        cues = json.load(f)
    fired_path = os.path.join(folder, "fired.json")
    fired = json.load(open(fired_path)) if os.path.exists(fired_path) else {{}}
    for index, cue in enumerate(cues):
        if cue["tool"] != tool or not all(word in argv for word in cue.get("match", [])):
            continue
        if cue.get("times") is not None and fired.get(str(index), 0) >= cue["times"]:
            continue
        fired[str(index)] = fired.get(str(index), 0) + 1
        json.dump(fired, open(fired_path, "w"))
        if cue.get("signal"):
            os.kill(os.getppid(), getattr(signal, cue["signal"]))
        sys.stdout.write(cue.get("output", ""))
        sys.stderr.write(cue.get("stderr", ""))
        sys.exit(cue.get("code", 0))
    """
)


@dataclass
class Stubs:
    folder: Path
    cues: list[dict[str, Any]] = field(default_factory=list)

    def cue(
        self,
        tool: str,
        *match: str,
        code: int = 0,
        output: str = "",
        times: int | None = None,
        signal: str | None = None,
        stderr: str = "",
    ) -> None:
        self.cues.append(
            {
                "tool": tool,
                "match": list(match),
                "code": code,
                "output": output,
                "stderr": stderr,
                "times": times,
                "signal": signal,
            }
        )
        (self.folder / "cues.json").write_text(json.dumps(self.cues))

    def image(self, ref: str, image_id: str) -> None:
        """`docker image inspect REF` answers as the engine does (python-on-whales reads the JSON)."""
        self.cue("docker", "image", "inspect", ref, output=json.dumps([{"Id": image_id, "RepoTags": [ref]}]))

    def no_image(self, ref: str) -> None:
        self.cue("docker", "image", "inspect", ref, code=1, stderr=f"Error: No such image: {ref}\n")

    def calls(self) -> list[list[str]]:
        path = self.folder / "calls.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines()]

    def verbs(self) -> list[str]:
        """`kind create`, `helm upgrade`, ...: the order of the steps at a glance."""
        return [" ".join(call[:2]) for call in self.calls()]


@pytest.fixture
def stubs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubs]:
    """The stubs first on PATH; the engine seam (python-on-whales) may reach the stub `docker`."""
    folder = tmp_path / "stub-bin"
    folder.mkdir()
    (folder / "cues.json").write_text("[]")
    for tool in ("kind", "helm", "kubectl", "docker"):
        path = folder / tool
        path.write_text(STUB.format(python=sys.executable, folder=str(folder)))
        path.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setattr(Engine, "docker", property(lambda self: self._new_client()))
    yield Stubs(folder)


@pytest.fixture(autouse=True)
def real_tool_guard(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A unit test must only ever start the stubs, never the machine's real kubectl/kind/helm."""
    if request.node.get_closest_marker("integration") or request.node.get_closest_marker("k8s"):
        return
    real = runner_module.Runner._execute

    def guarded(self: runner_module.Runner, argv: list[str], shown: list[str], timeout: float | None) -> Any:
        if "stub-bin" not in argv[0]:
            raise AssertionError(f"unit test ran the real {argv[0]}; use the `stubs` fixture")
        return real(self, argv, shown, timeout)

    monkeypatch.setattr(runner_module.Runner, "_execute", guarded)
    resolve = runner_module.Runner._resolve

    def guarded_resolve(self: runner_module.Runner, argv: list[str]) -> str | None:
        path = resolve(self, argv)
        if path is not None and "stub-bin" not in path:
            raise AssertionError(f"unit test ran the real {path}; use the `stubs` fixture")
        return path

    monkeypatch.setattr(runner_module.Runner, "_resolve", guarded_resolve)


@dataclass
class FixedImages:
    """The production image as if built: a unique tag per generation, no engine needed."""

    missing: bool = False
    asked: list[int] = field(default_factory=list)

    def unique_ref(self, python: str, generation: int) -> ImageRef:
        self.asked.append(generation)
        suffix = f"-{generation}" if generation > 1 else ""
        return ImageRef("demo", f"k8s-0123456789ab{suffix}")


@pytest.fixture
def app_ctx(project: Path) -> AppContext:
    return AppContext(project_dir=project, interactive=False)


@pytest.fixture
def dry_ctx(project: Path) -> AppContext:
    return AppContext(project_dir=project, dry_run=True, interactive=False)
