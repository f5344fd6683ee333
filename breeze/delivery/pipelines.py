"""breeze ci generate: the CI/CD pipeline of `breeze init --ci`, for a project that exists already.

The templates are the scaffold's (scaffold/.github/workflows/breeze.yml, scaffold/.gitlab-ci.yml),
so a new project and an adopted one get the same pipeline. A file already there is left alone
unless --force."""

from __future__ import annotations

from dataclasses import dataclass

from breeze.config import load_project
from breeze.context import AppContext
from breeze.errors import ConfigError
from breeze.scaffold import PIPELINES, check_platform, render, template_files
from breeze.versions import DEFAULT_AIRFLOW, DEFAULT_PYTHON


@dataclass(frozen=True)
class GenerateRequest:
    platform: str = "github"
    force: bool = False


def generate(ctx: AppContext, request: GenerateRequest) -> int:
    relative = PIPELINES[check_platform(request.platform)]
    config = load_project(ctx.project_dir)
    target = config.root / relative
    if target.exists() and not request.force:
        raise ConfigError(
            f"{relative} is already there in {config.root}; breeze does not overwrite it.",
            fix="Compare it with `breeze --dry-run ci generate` output, or pass --force to replace it.",
        )
    text = render(
        template_files()[relative].read_text(encoding="utf-8"),
        {
            "project_name": config.name,
            "airflow_version": config.airflow_version or DEFAULT_AIRFLOW,
            "python_version": config.python_default or DEFAULT_PYTHON,
        },
    )
    if ctx.dry_run:
        print(text, end="", flush=True)
        return 0
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"Cannot write {target}: {exc.strerror or exc}.", fix=f"Check the permissions of {target.parent}."
        ) from None
    verb = "Replaced" if request.force else "Wrote"
    ctx.console.print(f"{verb} {relative}: tests -> image -> verify -> SBOM -> push -> deploy.", markup=False)
    return 0
