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


class DeliveryError(BreezeError):
    """`breeze push` / `breeze sbom` could not deliver: a registry refused, a tag is taken, no image."""

    exit_code = 8
