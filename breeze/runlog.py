"""A record of each run: what ``--verbose`` would have shown (every engine command, breeze's
messages, the output it filters, a bug's traceback) is written to a log file under the cache dir,
so "run again with --verbose" is rarely needed; errors name the file.

One file per run (``<cache>/logs/runs/<time>-<pid>-<n>.log``: two runs at once never mix), the newest
``KEEP`` kept, and ``<cache>/logs/last-run.log`` pointing at the latest. The file is only created
when there is something to write (``--help`` and tab completion leave none), and a ``--dry-run``,
which writes nothing, keeps none (breeze.cli.app does not start it)."""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import time
from pathlib import Path
from typing import IO

from breeze import __version__
from breeze.paths import cache_dir

KEEP = 20
# What rich's live displays (status, progress) write to redraw themselves: erase line, cursor up.
_LIVE = re.compile(r"\x1b\[(2K|\d*A|\?25[lh])")
_ESCAPE = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


class _RunLog:
    def __init__(self) -> None:
        self.argv: list[str] | None = None
        self.path: Path | None = None
        self._file: IO[str] | None = None
        self.opened = 0

    def start(self, argv: list[str]) -> None:
        self.close()
        self.argv, self.path = list(argv), None

    def write(self, text: str) -> None:
        if self.argv is None:
            return
        handle = self._file or self._open()
        if handle is not None:
            handle.write(_ESCAPE.sub("", text))
            handle.flush()

    def _open(self) -> IO[str] | None:
        folder = cache_dir() / "logs" / "runs"
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.opened += 1  # a process may run main() more than once (tests)
        path = folder / f"{stamp}-{os.getpid()}-{self.opened:03d}.log"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self._file = path.open("w", encoding="utf-8", errors="replace")
        except OSError:  # a read-only cache must not stop the run
            self.argv = None
            return None
        self.path = path
        self._file.write(f"# breeze {__version__}: breeze {' '.join(self.argv or [])}\n# started {stamp}\n")
        _point_latest(path)
        _prune(folder)
        return self._file

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        self._file, self.argv = None, None


_log = _RunLog()


def start(argv: list[str]) -> None:
    """Begin the record of this run (nothing is written until there is something to write)."""
    _log.start(argv)


def note(text: str) -> None:
    """Add ``text`` (a line, or output with its own line ends) to the record."""
    _log.write(text if text.endswith("\n") else text + "\n")


def note_bytes(data: bytes) -> None:
    _log.write(data.decode(errors="replace"))


def path() -> Path | None:
    """This run's log file, once something was written to it."""
    return _log.path


def finish(exit_code: int) -> None:
    if _log.path is not None:
        note(f"# exit code {exit_code}")
    _log.close()


def _point_latest(target: Path) -> None:
    link = target.parent.parent / "last-run.log"
    temporary = link.with_name(f".last-run-{os.getpid()}")
    with contextlib.suppress(OSError):
        temporary.unlink(missing_ok=True)
        temporary.symlink_to(target.relative_to(link.parent))
        temporary.replace(link)


def _prune(folder: Path) -> None:
    def age(log: Path) -> tuple[int, str]:
        with contextlib.suppress(OSError):
            return log.stat().st_mtime_ns, log.name
        return 0, log.name

    logs = sorted(folder.glob("*.log"), key=age)
    for old in logs[:-KEEP]:
        with contextlib.suppress(OSError):
            old.unlink()


class Tee(io.TextIOBase):
    """A text stream that writes to ``sys.stderr`` (or stdout), as found at each write (tests
    replace it), and to the record; a terminal for rich exactly when the real stream is one."""

    def __init__(self, name: str = "stderr") -> None:
        super().__init__()
        self.stream_name = name

    @property
    def stream(self) -> IO[str]:
        return sys.stderr if self.stream_name == "stderr" else sys.stdout

    def write(self, text: str) -> int:
        if not _LIVE.search(text):  # a spinner's or progress bar's redraw is not worth keeping
            _log.write(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]  # typeshed: a plain attribute; ours follows the live stream
        return getattr(self.stream, "encoding", "utf-8") or "utf-8"
