"""Image pulls while `docker compose up` starts a stack: shown as they happen, so a first
start-airflow that downloads postgres or redis does not look hung.

compose writes its progress to stderr; without a terminal it prints one line per event, e.g.
`` postgres Pulling``, `` 2f44b7a888fa Downloading [==>   ]  1.2MB/29MB``, `` postgres Pulled``.
A service's pull start and end (and errors) are printed; layer progress updates the spinner on a
terminal; every line goes to the run's log (breeze.runlog). Offline, with the images already
there, compose pulls nothing and nothing is shown."""

from __future__ import annotations

import re

from rich.console import Console
from rich.status import Status

from breeze import runlog
from breeze.terminal import strip_escapes

_SERVICE = re.compile(
    r"^\s*(?!(?:Network|Container|Volume)\s)(?P<name>[\w.-]+)\s+(?P<event>Pulling|Pulled|Skipped|Error|Warning)\b"
)
_LAYER = re.compile(
    r"^\s*[0-9a-f]{12}\s+(Pulling fs layer|Waiting|Downloading|Verifying Checksum|Download complete|Extracting|Pull complete|Already exists)"
)


def classify(line: str) -> str:
    """ "service" (a service's pull starts, ends or fails), "layer" (a layer's progress) or ""."""
    if _LAYER.match(line):  # first: a layer id would also pass for a service name
        return "layer"
    if _SERVICE.match(line):
        return "service"
    return ""


class PullProgress:
    def __init__(self, console: Console) -> None:
        self.console = console
        self.status: Status | None = None
        self.pulled = False

    def feed(self, data: bytes) -> None:
        for line in strip_escapes(data).decode(errors="replace").splitlines():
            runlog.note(line)
            kind = classify(line)
            if kind == "service":
                self.pulled = True
                self.console.print(f"  {line.strip()}", markup=False, soft_wrap=True)
            elif kind == "layer" and self.console.is_terminal:
                if self.status is None:
                    self.status = self.console.status("Pulling images")
                    self.status.start()
                self.status.update(f"Pulling images: {line.strip()}")

    def close(self) -> None:
        if self.status is not None:
            self.status.stop()
            self.status = None
