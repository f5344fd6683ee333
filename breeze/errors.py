"""The errors breeze turns into a message and an exit code (in one place: ``breeze.cli.app``)."""

from __future__ import annotations


class BreezeError(Exception):
    """A problem the user can fix: printed as one message with the fix, never as a traceback."""

    exit_code = 1

    def __init__(self, message: str, fix: str | None = None, details: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.details = details


class ConfigError(BreezeError):
    """A bad value in breeze.toml, pyproject.toml [tool.breeze], an env var or an option."""

    exit_code = 2


class EngineError(BreezeError):
    """The container engine is missing, stopped, or lacks buildx/compose."""

    exit_code = 3


class BuildError(BreezeError):
    """An image build failed; ``details`` carries the part of the log that explains it."""

    exit_code = 4


class VerifyError(BreezeError):
    """An image does not pass ``breeze verify-image``."""

    exit_code = 5


class StackError(BreezeError):
    """A local stack (or a test stack) could not start, or stopped while starting."""

    exit_code = 6


# What docker, compose and BuildKit say when an image cannot be pulled (no registry answers);
# matched case-insensitively, in a compose command's stderr as in a build's log.
PULL_FAILED_MARKERS: tuple[str, ...] = (
    "pull access denied", "no such host", "failed to resolve", "manifest unknown",
    "not found: manifest", "failed to do request", "repository does not exist",
    "failed to authorize", "i/o timeout", "connection refused",
)  # fmt: skip


def pull_failed(text: str) -> bool:
    """Whether a command's output says an image could not be pulled."""
    lowered = text.lower()
    return any(marker in lowered for marker in PULL_FAILED_MARKERS)


class EngineCommandFailed(BreezeError):
    """A docker / compose command exited non-zero: the seam's one translation of its errors."""

    def __init__(self, argv: list[str], return_code: int, stdout: str, stderr: str) -> None:
        tail = stderr.strip().splitlines()
        super().__init__(
            f"`{' '.join(argv[:3])}` failed (exit code {return_code}).",
            fix="Read the engine's message below; run again with --verbose to see every command.",
            details=stderr.strip() or None,
        )
        self.argv = argv
        self.return_code = return_code
        self.stdout = stdout
        self.stderr = stderr
        self.last_line = tail[-1] if tail else ""

    @property
    def pull_failed(self) -> bool:
        """Whether an image could not be pulled (the usual cause without a registry)."""
        return pull_failed(self.stderr)
