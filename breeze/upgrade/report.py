"""The report of one upgrade check: a folder with report.md, report.json, junit.xml and
dependencies.txt, plus the summary table printed at the end (pure apart from writing files)."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.table import Table

from breeze.config import ProjectConfig
from breeze.upgrade.candidate import TestOutcome
from breeze.upgrade.codecheck import CodeCheck
from breeze.upgrade.diff import Change, counts
from breeze.upgrade.params import UpgradePlan
from breeze.upgrade.resolve import Resolution


@dataclass
class Report:
    plan: UpgradePlan
    current: Resolution | None = None
    candidate: Resolution | None = None
    changes: list[Change] = field(default_factory=list)
    image: str | None = None
    code: CodeCheck | None = None
    tests: TestOutcome | None = None
    skipped: dict[str, str] = field(default_factory=dict)

    def steps(self) -> list[tuple[str, str, str]]:
        """(step, "passed"/"failed"/"skipped", detail) for the summary, the markdown and JUnit."""
        rows: list[tuple[str, str, str]] = []
        resolved = self.candidate is not None and self.candidate.ok
        if self.candidate is None:
            rows.append(("resolve", "skipped", self.skipped.get("resolve", "")))
        elif resolved:
            rows.append(("resolve", "passed", f"{len(self.candidate.pins)} packages"))
        else:
            rows.append(("resolve", "failed", "the requirements conflict with the new Airflow"))
        kinds = counts(self.changes)
        detail = ", ".join(f"{n} {kind}" for kind, n in kinds.items()) or "no change"
        rows.append(("dependencies", "passed" if resolved else "skipped", detail if resolved else ""))
        rows.append(self._code_row())
        rows.append(self._tests_row())
        return rows

    def _code_row(self) -> tuple[str, str, str]:
        if self.code is None:
            return ("code", "skipped", self.skipped.get("code", ""))
        blocking, total = len(self.code.blocking), len(self.code.findings)
        detail = f"{blocking} to fix, {total - blocking} suggested"
        if self.code.fixed:
            detail += f"; --fix changed {len(self.code.fixed)}"
        return ("code", "failed" if blocking else "passed", detail)

    def _tests_row(self) -> tuple[str, str, str]:
        if self.tests is None:
            return ("tests", "skipped", self.skipped.get("tests", ""))
        parts = [
            f"{entry.get('type')}: {'ok' if not entry.get('exit_code') else 'failed'}"
            for entry in self.tests.summary
        ]
        if self.tests.skipped:
            parts.append(f"unit skipped ({self.tests.skipped})")
        return ("tests", "failed" if self.tests.exit_code else "passed", ", ".join(parts))

    @property
    def ready(self) -> bool:
        return all(status != "failed" for _, status, _ in self.steps()) and self.candidate is not None

    def reasons(self) -> list[str]:
        return [f"{step}: {detail}" for step, status, detail in self.steps() if status == "failed"]


def folder(config: ProjectConfig, plan: UpgradePlan) -> Path:
    base = config.root / config.tests.results
    base.mkdir(parents=True, exist_ok=True)
    if not (base / ".gitignore").exists():
        (base / ".gitignore").write_text("# Written by breeze: test results are never committed.\n*\n")
    directory = base / f"upgrade-{plan.candidate}-{time.strftime('%Y%m%d-%H%M%S')}"
    directory.mkdir(exist_ok=True)
    return directory


def write(report: Report, directory: Path) -> None:
    (directory / "report.json").write_text(json.dumps(as_json(report), indent=2) + "\n")
    (directory / "report.md").write_text(markdown(report))
    (directory / "dependencies.txt").write_text(dependency_text(report.changes))
    junit(report).write(directory / "junit.xml", encoding="unicode", xml_declaration=True)


def as_json(report: Report) -> dict[str, Any]:
    plan = report.plan
    return {
        "current": plan.current,
        "candidate": plan.candidate,
        "python": plan.python,
        "ready": report.ready,
        "reasons": report.reasons(),
        "notes": list(plan.notes),
        "steps": [{"step": s, "status": st, "detail": d} for s, st, d in report.steps()],
        "conflict": report.candidate.conflict if report.candidate else None,
        "dependencies": [change.as_json() for change in report.changes],
        "image": report.image,
        "code": [finding.as_json() for finding in report.code.findings] if report.code else None,
        "fixed": [finding.as_json() for finding in report.code.fixed] if report.code else [],
        "tests": list(report.tests.summary) if report.tests else None,
        "import_errors": list(report.tests.import_errors) if report.tests else [],
    }


def dependency_text(changes: list[Change]) -> str:
    rows = [f"{c.kind:<10} {c.name:<40} {c.before or '-':>14} -> {c.after or '-'}" for c in changes]
    return "\n".join(rows) + "\n" if rows else "no change\n"


def markdown(report: Report) -> str:
    plan = report.plan
    verdict = "ready" if report.ready else "not ready"
    out = [
        f"# Upgrade check: Airflow {plan.current} -> {plan.candidate} (Python {plan.python}): {verdict}",
        "",
    ]
    out += [f"> {note}" for note in plan.notes] + ([""] if plan.notes else [])
    out += ["| step | result | detail |", "|---|---|---|"]
    out += [f"| {step} | {status} | {detail} |" for step, status, detail in report.steps()]
    if report.candidate is not None and report.candidate.conflict:
        out += ["", "## Dependency conflict", "", "```", report.candidate.conflict, "```"]
    if report.changes:
        out += ["", "## Dependencies", "", "| package | change | current | candidate |", "|---|---|---|---|"]
        out += [f"| {c.name} | {c.kind} | {c.before or ''} | {c.after or ''} |" for c in report.changes]
    if report.code is not None and (report.code.findings or report.code.fixed):
        out += ["", "## Code", "", "| file:line | rule | problem | fix |", "|---|---|---|---|"]
        for f in report.code.findings:
            out.append(f"| {f.file}:{f.line} | {f.rule} | {_cell(f.message)} | {_cell(f.fix or 'by hand')} |")
        if report.code.fixed:
            out += ["", "Changed by --fix:", "", *[f"    {line}" for line in report.code.changed_files()]]
    if report.tests is not None and report.tests.import_errors:
        out += ["", "## Import errors in the candidate image", ""]
        out += [f"- {_cell(error)}" for error in report.tests.import_errors]
    if report.reasons():
        out += ["", "## Why not ready", "", *[f"- {reason}" for reason in report.reasons()]]
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def junit(report: Report) -> ElementTree.ElementTree[ElementTree.Element]:
    steps = report.steps()
    suite = ElementTree.Element(
        "testsuite",
        name="upgrade-check",
        tests=str(len(steps)),
        failures=str(sum(1 for _, status, _ in steps if status == "failed")),
        skipped=str(sum(1 for _, status, _ in steps if status == "skipped")),
    )
    for step, status, detail in steps:
        case = ElementTree.SubElement(suite, "testcase", classname="upgrade-check", name=step)
        if status == "failed":
            failure = ElementTree.SubElement(case, "failure", message=detail)
            failure.text = _failure_text(report, step)
        elif status == "skipped":
            ElementTree.SubElement(case, "skipped", message=detail)
    return ElementTree.ElementTree(suite)


def _failure_text(report: Report, step: str) -> str:
    if step == "resolve" and report.candidate is not None:
        return report.candidate.conflict or ""
    if step == "code" and report.code is not None:
        return "\n".join(f"{f.file}:{f.line}: {f.rule} {f.message}" for f in report.code.blocking)
    if step == "tests" and report.tests is not None:
        return "\n".join(report.tests.import_errors)
    return ""


def summary_table(report: Report) -> Table:
    table = Table(
        title=f"upgrade-check {report.plan.current} -> {report.plan.candidate}", title_justify="left"
    )
    table.add_column("step")
    table.add_column("result")
    table.add_column("detail")
    colour = {"passed": "green", "failed": "red", "skipped": "dim"}
    for step, status, detail in report.steps():
        table.add_row(step, f"[{colour[status]}]{status}[/]", detail)
    return table
