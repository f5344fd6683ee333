"""`breeze upgrade-check` as a pipeline: plan -> resolve both -> diff -> candidate image -> code
checks -> tests -> report. Exit 0 when the project is ready for the candidate, 1 when not."""

from __future__ import annotations

import os
from pathlib import Path

from rich.markup import escape
from rich.table import Table

from breeze.config import ProjectConfig, load_project
from breeze.context import AppContext
from breeze.images.failures import shorten
from breeze.images.inputs import check_airflow_release
from breeze.images.params import ca_bundle
from breeze.upgrade import candidate, codecheck, report
from breeze.upgrade.diff import Change, diff
from breeze.upgrade.params import UpgradePlan, UpgradeRequest, plan
from breeze.upgrade.resolve import resolve

SHOWN_CHANGES = 25


def upgrade_check(ctx: AppContext, request: UpgradeRequest) -> int:
    config = load_project(ctx.project_dir)
    the_plan = plan(config, request, lambda cfg: check_airflow_release(cfg, ca_bundle(cfg, os.environ)))
    for note in the_plan.notes:
        ctx.console.print(f"[yellow]Note:[/] {note}")
    ctx.console.print(
        f"[bold]upgrade-check[/] {config.name}: Airflow {the_plan.current} -> {the_plan.candidate} "
        f"(Python {the_plan.python})"
    )
    result = report.Report(the_plan)
    _dependencies(ctx, config, the_plan, result)
    if result.candidate is not None and result.candidate.ok and not ctx.dry_run:
        _in_candidate(ctx, config, the_plan, result)
    elif not ctx.dry_run:
        result.skipped.update(code="the dependencies do not resolve", tests="the dependencies do not resolve")
    if ctx.dry_run:
        return 0
    return _finish(ctx, config, result)


def _dependencies(
    ctx: AppContext, config: ProjectConfig, the_plan: UpgradePlan, result: report.Report
) -> None:
    ctx.console.print("Resolving the current and the candidate dependencies with uv")
    result.current = resolve(ctx, config, the_plan.current, the_plan.python)
    result.candidate = resolve(ctx, config, the_plan.candidate, the_plan.python)
    if not result.candidate.ok:
        ctx.console.print(
            f"[red]The project's requirements cannot be installed with Airflow {the_plan.candidate}.[/] "
            "uv says:"
        )
        reason = shorten((result.candidate.conflict or "").splitlines())
        ctx.console.print(escape(reason), highlight=False, soft_wrap=True)
        return
    if not result.current.ok:
        ctx.console.print(
            f"[yellow]Note:[/] the current requirements do not resolve with Airflow {the_plan.current}; "
            "no dependency diff."
        )
        return
    result.changes = diff(result.current.pins, result.candidate.pins)
    if result.changes:
        ctx.console.print(_changes_table(result.changes))


def _in_candidate(
    ctx: AppContext, config: ProjectConfig, the_plan: UpgradePlan, result: report.Report
) -> None:
    with candidate.scoped_env(candidate.overrides(config, the_plan)):
        result.image = candidate.build(ctx, the_plan)
        if the_plan.check_code:
            ctx.console.print(f"Checking the code with ruff's Airflow 3 rules ({result.image})")
            result.code = codecheck.check(ctx, config, result.image, fix=the_plan.fix)
            _print_code(ctx, result.code)
        else:
            result.skipped["code"] = f"no ruff rules for Airflow {the_plan.candidate}"
        if the_plan.tests:
            result.tests = candidate.test(ctx, the_plan)


def _print_code(ctx: AppContext, code: codecheck.CodeCheck) -> None:
    if code.fixed:
        ctx.console.print("--fix changed (ruff's safe fixes):")
        for line in code.changed_files():
            ctx.console.print(f"  {escape(line)}", highlight=False)
    if not code.findings:
        return
    table = Table(title="Code to change for the new Airflow", title_justify="left", show_edge=False)
    for column in ("file:line", "rule", "problem", "fix"):
        table.add_column(column)
    for finding in code.findings:
        table.add_row(
            f"{finding.file}:{finding.line}",
            finding.rule,
            escape(finding.message),
            escape(finding.fix or "by hand") + (" (--fix)" if finding.safe_fix else ""),
        )
    ctx.console.print(table)


def _changes_table(changes: list[Change]) -> Table:
    table = Table(title="Dependency changes", title_justify="left", show_edge=False)
    for column in ("package", "change", "current", "candidate"):
        table.add_column(column)
    for change in changes[:SHOWN_CHANGES]:
        table.add_row(change.name, change.kind, change.before or "", change.after or "")
    if len(changes) > SHOWN_CHANGES:
        table.add_row(f"… {len(changes) - SHOWN_CHANGES} more in dependencies.txt", "", "", "")
    return table


def _finish(ctx: AppContext, config: ProjectConfig, result: report.Report) -> int:
    directory = report.folder(config, result.plan)
    report.write(result, directory)
    ctx.console.print()
    ctx.console.print(report.summary_table(result))
    if result.tests is not None and result.tests.import_errors:
        ctx.console.print("Import errors in the candidate image:")
        for error in result.tests.import_errors:
            ctx.console.print(f"  {escape(error)}", highlight=False, soft_wrap=True)
    where = _relative(directory, config.root)
    if result.ready:
        ctx.console.print(
            f"[bold green]Ready[/] for Airflow {result.plan.candidate}; report in {where}/", soft_wrap=True
        )
        return 0
    ctx.console.print(
        f"[bold red]Not ready[/] for Airflow {result.plan.candidate}; report in {where}/", soft_wrap=True
    )
    for reason in result.reasons():
        ctx.console.print(f"  {escape(reason)}", highlight=False)
    return 1


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
