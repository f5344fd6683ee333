"""Turns a failed build's log into one message that names the cause and the fix."""

from __future__ import annotations

import re

from breeze.errors import PULL_FAILED_MARKERS, BuildError
from breeze.images.params import ImageSpec

# podman adds its own words for a base it neither has nor can pull: a short name with no registry to
# search (Debian's registries.conf) and, with --pull=never, an image it does not have.
_PODMAN_PULL = ("did not resolve to an alias", "image not known")
_PULL = re.compile(
    "|".join(re.escape(marker) for marker in (*PULL_FAILED_MARKERS, *_PODMAN_PULL)), re.IGNORECASE
)
# podman's one line for a failed RUN: Error: building at STEP "RUN ...": while running runtime: ...
_PODMAN_FAILED = re.compile(r'^Error: building at STEP "(?P<what>.*)": ')
_STEP = re.compile(r"^#\d+ \[(?P<stage>[\w-]+ )?(?P<n>\d+)/(?P<total>\d+)\] (?P<what>.*)$")


def explain(spec: ImageSpec, lines: list[str], log_path: str) -> BuildError:
    text = "\n".join(lines)
    where = f"Full log: {log_path}"
    base = spec.base.ref
    if _pull_failed(lines, base):
        if spec.base.source == "offline":
            return BuildError(
                f"The offline stand-in base image {base} is missing.",
                fix="Run `breeze setup offline-images` again to rebuild it.",
            )
        return BuildError(
            f"The base image {base} cannot be pulled: no container registry answers.",
            fix="Run `breeze setup offline-images` to build stand-ins from Debian packages, or point "
            "[image] base-images / --base-image at an image you have locally. " + where,
        )
    missing = re.search(r"BREEZE-APT-MISSING: (.+)", text)
    if missing:
        names = missing.group(1).split()
        return BuildError(
            f"Debian package(s) {', '.join(names)} do not exist in the base image's Debian release.",
            fix="Check the names in packages.txt / packages-build.txt / [dependencies] apt, --apt "
            "(search https://packages.debian.org). " + where,
        )
    if re.search(r"no version of apache-airflow==|apache-airflow==\S+ (was not found|has no)", text):
        return BuildError(
            f"Airflow {spec.config.airflow_version} cannot be installed from the package index.",
            fix="Use a released Airflow version in [airflow] version or --airflow-version. " + where,
        )
    if re.search(
        r"CERTIFICATE_VERIFY_FAILED|invalid peer certificate|UnknownIssuer|certificate verify failed", text
    ):
        return BuildError(
            "HTTPS from inside the build fails certificate verification (a corporate proxy or CA?).",
            fix="Pass the CA bundle with --ca-bundle PATH or [build] ca-bundle (breeze also uses "
            "PIP_CERT / SSL_CERT_FILE / REQUESTS_CA_BUNDLE of the host). " + where,
        )
    resolver = _resolver_explanation(lines)
    if resolver:
        return BuildError(
            "The Python dependencies cannot be resolved together.",
            fix="Fix the conflicting requirement in requirements.txt / [dependencies] python. " + where,
            details=resolver,
        )
    step = _failed_step(lines)
    return BuildError(
        f"Building the {spec.title} failed{' at ' + step if step else ''}.",
        fix="Read the log above for the failing command. " + where,
    )


def _pull_failed(lines: list[str], base: str) -> bool:
    """A pull error on a line about the base image itself (not, say, uv failing to reach an index)."""
    repository = base.rsplit(":", 1)[0] if ":" in base.rsplit("/", 1)[-1] else base
    for line in lines:
        about_base = repository in line or "resolve source metadata" in line
        if about_base and _PULL.search(line):
            return True
    return False


def _resolver_explanation(lines: list[str]) -> str | None:
    """uv's "No solution found" report from the failing step, without BuildKit's prefixes.

    The report runs to the step's end: its conclusion ("And because you require …") is the last
    line, and a range requirement makes it hundreds of lines long; ``shorten`` keeps both ends."""
    for index, line in enumerate(lines):
        if "No solution found when resolving dependencies" not in line:
            continue
        step = re.match(r"^(#\d+) ", line)
        report = []
        for raw in lines[index:]:
            if step and not raw.startswith(step.group(1) + " "):
                break
            ended = raw.startswith(("ERROR:", "------", "Error:"))  # "Error:": podman's
            if ended or re.match(r"^#\d+ (ERROR|DONE|CANCELED)\b", raw):
                break
            report.append(re.sub(r"^#\d+ [\d.]+ ?", "", raw).rstrip())
        return shorten(report)
    return None


def shorten(report: list[str], head: int = 6, tail: int = 14) -> str:
    """A long resolver report as its first and last lines (the full text is in the log)."""
    rows = [row for row in report if row.strip()]
    if len(rows) <= head + tail + 1:
        return "\n".join(rows)
    skipped = len(rows) - head - tail
    return "\n".join(
        [*rows[:head], f"      … ({skipped} more lines of the resolver's reasoning)", *rows[-tail:]]
    )


def _failed_step(lines: list[str]) -> str | None:
    for line in reversed(lines):
        podman = _PODMAN_FAILED.match(line)
        if podman:
            return podman["what"][:200]
        if line.startswith("ERROR: process") or "did not complete successfully" in line:
            # BuildKit quotes the command Go-style (%q): take it whole, then unescape \".
            match = re.search(r'process "(/bin/sh -c .*)" did not complete', line)
            if match:
                return match.group(1).replace('\\"', '"')[:200]
    return None
