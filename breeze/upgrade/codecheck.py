"""Ruff's Airflow 3 rules over the project, in a one-off container of a CI image (ruff is pinned
there, in TEST_TOOLS), run as the checkout's owner so that ``--fix`` leaves files the user owns."""

from __future__ import annotations

import json
import os
import shlex
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from breeze.config import ProjectConfig
from breeze.context import AppContext
from breeze.errors import BreezeError
from breeze.upgrade.params import BLOCKING_RULES, SUGGESTED_RULES

MOUNT = "/opt/breeze/project"


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    column: int
    rule: str
    message: str
    fix: str | None
    safe_fix: bool

    @property
    def blocking(self) -> bool:
        return self.rule in BLOCKING_RULES

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "message": self.message,
            "fix": self.fix,
            "safe_fix": self.safe_fix,
            "blocking": self.blocking,
        }


@dataclass(frozen=True)
class CodeCheck:
    findings: tuple[Finding, ...]
    fixed: tuple[Finding, ...] = ()

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.blocking)

    def changed_files(self) -> list[str]:
        """``M dags/legacy.py (AIR301 x1)``: what --fix changed, git style."""
        per_file: dict[str, Counter[str]] = {}
        for finding in self.fixed:
            per_file.setdefault(finding.file, Counter())[finding.rule] += 1
        return [
            f"M {file} ({', '.join(f'{rule} x{n}' for rule, n in sorted(rules.items()))})"
            for file, rules in sorted(per_file.items())
        ]


def paths(config: ProjectConfig) -> list[str]:
    """The project's code: its image folders and the tests folder, as they exist."""
    names = dict.fromkeys([*config.folders, config.tests.folder])
    return [f"{MOUNT}/{name}" for name in names if (config.root / name).is_dir()]


def ruff_argv(targets: list[str], *, fix: bool) -> list[str]:
    argv = ["check", "--isolated", "--no-cache", "--exit-zero", "--output-format", "json"]
    argv += ["--select", ",".join((*BLOCKING_RULES, *SUGGESTED_RULES))]
    if fix:
        argv.append("--fix")
    return [*argv, *targets]


def owner(root: Path) -> str:
    status = root.stat()
    return f"{status.st_uid}:{status.st_gid}"


def check(ctx: AppContext, config: ProjectConfig, image: str, *, fix: bool) -> CodeCheck:
    """Findings in the working tree; with ``fix``, ruff's safe fixes applied, and what they were."""
    targets = paths(config)
    if not targets:
        return CodeCheck(())
    before = _ruff(ctx, config, image, ruff_argv(targets, fix=False))
    if not fix or not any(finding.safe_fix for finding in before):
        return CodeCheck(before)
    after = _ruff(ctx, config, image, ruff_argv(targets, fix=True))
    return CodeCheck(after, fixed_by(before, after))


def fixed_by(before: tuple[Finding, ...], after: tuple[Finding, ...]) -> tuple[Finding, ...]:
    """The findings --fix removed (matched by file, rule and message: a fix may move lines)."""
    remaining = Counter((f.file, f.rule, f.message) for f in after)
    fixed: list[Finding] = []
    for finding in before:
        key = (finding.file, finding.rule, finding.message)
        if remaining[key]:
            remaining[key] -= 1
        else:
            fixed.append(finding)
    return tuple(fixed)


def _ruff(ctx: AppContext, config: ProjectConfig, image: str, argv: list[str]) -> tuple[Finding, ...]:
    user = owner(config.root)
    if ctx.dry_run or ctx.verbose:
        line = f"docker run --rm --user {user} -v {config.root}:{MOUNT} --entrypoint ruff {image} "
        ctx.console.print(f"[dim]$ {line}{shlex.join(argv)}[/]", highlight=False, soft_wrap=True)
    if ctx.dry_run:
        return ()
    result = ctx.engine.run(
        image,
        argv,
        user=user,
        entrypoint="ruff",
        envs={"HOME": "/tmp"},
        volumes=[(str(config.root), MOUNT, "rw")],
    )
    if result.exit_code != 0:
        raise BreezeError(
            f"ruff stopped with exit code {result.exit_code} in {image}.",
            fix="Read ruff's output above; `breeze build-image` brings the image's ruff up to date.",
            details=result.stderr[-3000:],
        )
    return parse(result.stdout)


def parse(text: str) -> tuple[Finding, ...]:
    findings = []
    for item in json.loads(text or "[]"):
        fix = item.get("fix") or {}
        filename = str(item.get("filename", ""))
        relative = filename[len(MOUNT) + 1 :] if filename.startswith(MOUNT + "/") else filename
        findings.append(
            Finding(
                file=os.path.normpath(relative),
                line=int(item["location"]["row"]),
                column=int(item["location"]["column"]),
                rule=str(item.get("code")),
                message=str(item.get("message", "")),
                fix=fix.get("message") or None,
                safe_fix=fix.get("applicability") == "safe",
            )
        )
    return tuple(sorted(findings, key=lambda f: (f.file, f.line, f.column, f.rule)))
