"""Resolves a project's Python dependencies for one Airflow version on the host, with uv.

The inputs mirror what the image build installs: ``apache-airflow[extras]==X``, the requirements
file, [dependencies] python, and the constraints when the project uses them (for ``official``, the
candidate's own constraints). This is the only module of the feature that starts uv: the argv is
built apart from ``run()``, which honours --dry-run and --verbose.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import uv
from packaging.utils import canonicalize_name

from breeze.config import ProjectConfig
from breeze.context import AppContext
from breeze.errors import BreezeError
from breeze.images.inputs import constraints_text
from breeze.images.params import ca_bundle

_PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==(?P<version>[^\s;]+)")


class UvFailed(BreezeError):
    """uv could not run or stopped for a reason other than a conflict."""

    def __init__(self, argv: list[str], return_code: int, tail: str) -> None:
        super().__init__(
            f"uv stopped with exit code {return_code}: {' '.join(argv[:3])} …",
            fix="Read uv's output above; check the network, the index settings and the CA bundle "
            "([build] ca-bundle, SSL_CERT_FILE).",
            details=tail,
        )
        self.argv = argv
        self.return_code = return_code


@dataclass(frozen=True)
class Resolution:
    airflow_version: str
    pins: Mapping[str, str]
    conflict: str | None = None
    argv: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.conflict is None


def python_platform() -> str:
    """The Linux platform the images run on, for this machine's architecture."""
    machine = platform.machine().lower()
    arch = "aarch64" if machine in ("arm64", "aarch64") else "x86_64"
    return f"{arch}-manylinux_2_28"


def requirement_lines(config: ProjectConfig, airflow_version: str) -> list[str]:
    extras = f"[{','.join(config.airflow_extras)}]" if config.airflow_extras else ""
    lines = [f"apache-airflow{extras}=={airflow_version}"]
    if config.requirements is not None:
        lines.append(f"-r {config.requirements}")
    lines.extend(config.python_deps)
    return lines


def compile_argv(uv: str, inputs: Path, constraints: Path | None, python: str) -> list[str]:
    argv = [uv, "pip", "compile", str(inputs), "--python-version", python]
    argv += ["--python-platform", python_platform(), "--no-header", "--no-annotate", "--quiet"]
    if constraints is not None:
        argv += ["--constraint", str(constraints)]
    return argv


def uv_env(config: ProjectConfig, environ: Mapping[str, str]) -> dict[str, str]:
    """The host's environment plus the CA bundle and the index settings (never on the argv,
    where an index URL's credentials would show)."""
    env = dict(environ)
    ca = ca_bundle(config, environ)
    if ca is not None:
        env["SSL_CERT_FILE"] = str(ca)
    if config.index_url:
        env["UV_INDEX_URL"] = config.index_url
    if config.extra_index_urls:
        env["UV_EXTRA_INDEX_URL"] = " ".join(config.extra_index_urls)
    return env


def resolve(ctx: AppContext, config: ProjectConfig, airflow_version: str, python: str) -> Resolution:
    """The pinned environment for ``airflow_version``; a conflict is a Resolution with uv's reason."""
    target = replace(config, airflow_version=airflow_version)
    ca = ca_bundle(config, os.environ)
    with tempfile.TemporaryDirectory(prefix="breeze-upgrade-") as scratch:
        inputs = Path(scratch) / "requirements.in"
        inputs.write_text("\n".join(requirement_lines(target, airflow_version)) + "\n")
        text = constraints_text(target, python, ca)
        constraints = Path(scratch) / "constraints.txt" if text else None
        if constraints is not None:
            constraints.write_text(text)
        argv = compile_argv(uv.find_uv_bin(), inputs, constraints, python)
        code, out, err = run(ctx, argv, uv_env(config, os.environ))
    if ctx.dry_run:
        return Resolution(airflow_version, {}, argv=tuple(argv))
    if code != 0:
        reason = conflict_reason(err)
        if reason is None:
            raise UvFailed(argv, code, err[-3000:])
        return Resolution(airflow_version, {}, conflict=reason, argv=tuple(argv))
    return Resolution(airflow_version, parse_pins(out), argv=tuple(argv))


def run(ctx: AppContext, argv: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    if ctx.dry_run or ctx.verbose:
        ctx.console.print(f"[dim]$ {' '.join(argv)}[/]", highlight=False, soft_wrap=True)
    if ctx.dry_run:
        return 0, "", ""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    except OSError as exc:
        raise UvFailed(argv, 127, str(exc)) from None
    return done.returncode, done.stdout, done.stderr


def conflict_reason(stderr: str) -> str | None:
    """uv's own explanation ("Because … depends on … and you require …"), from its first line."""
    lines = stderr.splitlines()
    for index, line in enumerate(lines):
        if "No solution found when resolving dependencies" in line:
            return "\n".join(row.rstrip() for row in lines[index:] if row.strip())
    return None


def parse_pins(text: str) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in text.splitlines():
        match = _PIN.match(line.strip())
        if match:
            pins[canonicalize_name(match["name"])] = match["version"]
    return pins
