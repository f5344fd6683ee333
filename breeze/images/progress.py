"""Shows a build's plain-progress stream: a progress bar from the step counts and the current step
on a terminal, one line per step (with the count) in CI logs, every line under --verbose; the
whole log always goes to a file. Reads BuildKit's log (docker) and buildah's (podman), whose steps
look like ``[2/2] STEP 9/39: RUN ...`` and end with a ``--> <id>`` line."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from breeze import runlog

_HEADER = re.compile(r"^#(?P<id>\d+) (?P<what>\[.+)$")
# `[ci  2/11] RUN ...`: stage (optional), step and the stage's number of steps.
_STEP = re.compile(r"^\[(?:(?P<stage>[^\]\s]+)\s+)?(?P<n>\d+)/(?P<m>\d+)\]")
_FINISHED = re.compile(r"^#(?P<id>\d+) (DONE|CACHED|ERROR)\b")
# podman: `[2/2] STEP 9/39: RUN ...` (`STEP 1/2: FROM ...` in a one-stage build), then `--> 5b5d94fbc57`
# (or `--> Using cache 5b5d...`) when it is finished.
_PODMAN_STEP = re.compile(r"^(?:\[(?P<stage>\d+)/\d+\] )?STEP (?P<n>\d+)/(?P<m>\d+): ")
_PODMAN_FINISHED = re.compile(r"^--> ")


@dataclass
class Steps:
    """The step counts, from BuildKit's or podman's plain log: how many steps the stages seen so
    far have, and how many of them are finished (done or cached)."""

    stages: dict[str, int] = field(default_factory=dict)
    steps: set[str] = field(default_factory=set)  # vertex ids that are counted steps
    finished: set[str] = field(default_factory=set)
    seen: set[str] = field(default_factory=set)  # every vertex id with a header
    current: str | None = None  # podman's step under way (its steps run one after another)

    @property
    def total(self) -> int:
        return sum(self.stages.values())

    @property
    def done(self) -> int:
        return len(self.finished & self.steps)

    def feed(self, line: str) -> str | None:
        """Take one log line; return the description of a step that starts with it, if one does."""
        if line.startswith(("STEP ", "[", "--> ")):
            podman = self._feed_podman(line)
            if podman is not None:
                return podman or None
        finished = _FINISHED.match(line)
        if finished:
            self.finished.add(finished["id"])
            return None
        header = _HEADER.match(line)
        if header is None or header["id"] in self.seen:
            return None
        self.seen.add(header["id"])
        step = _STEP.match(header["what"])
        if step:
            self.steps.add(header["id"])
            self.stages[step["stage"] or ""] = int(step["m"])
        return header["what"][:100]

    def _feed_podman(self, line: str) -> str | None:
        """A podman line: the step it starts ("" when it only finishes one); None: not podman's."""
        if _PODMAN_FINISHED.match(line):
            if self.current is not None:
                self.finished.add(self.current)
            return ""
        step = _PODMAN_STEP.match(line)
        if step is None:
            return None
        if self.current is not None:  # one step after another: the previous one (a FROM has no -->)
            self.finished.add(self.current)
        stage = step["stage"] or ""
        self.current = f"{stage}:{step['n']}"
        self.steps.add(self.current)
        self.stages[stage] = int(step["m"])
        return line[:100]


def follow(
    lines: Iterable[str], *, console: Console, title: str, log_path: Path | None, verbose: bool
) -> list[str]:
    """Consume the build stream; return every line. Raises whatever the stream raises, after
    the log file is complete. No log file (``None``) in a dry run: the last build's log stays."""

    collected: list[str] = []
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        runlog.note(f"# build log of the {title}: {log_path}")
    steps = Steps()
    bar = None if verbose or not console.is_terminal else _bar(console)
    task = bar.add_task(title, total=None, step="starting") if bar is not None else None
    with log_path.open("w") if log_path is not None else open(os.devnull, "w") as log:
        if bar is not None:
            bar.start()
        try:
            for raw in lines:
                line = raw.rstrip("\n")
                collected.append(line)
                log.write(line + "\n")
                if verbose:
                    console.print(escape(line), highlight=False, soft_wrap=True)
                    continue
                started = steps.feed(line)
                if bar is not None and task is not None:
                    bar.update(task, total=steps.total or None, completed=steps.done)
                    if started is not None:
                        bar.update(task, step=escape(started))
                elif started is not None:
                    count = f"[{steps.done}/{steps.total}] " if steps.total else ""
                    console.print(f"  {escape(count + started)}", highlight=False, soft_wrap=True)
        finally:
            if bar is not None:
                bar.stop()
    return collected


def _bar(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("[dim]{task.fields[step]}", markup=True),
        console=console,
        transient=True,
    )
