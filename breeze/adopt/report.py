"""The one table `breeze init` prints for an adopted project: inferred, from where, not carried over."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from breeze.adopt.planner import Adoption

_LABELS = {
    "airflow_version": "[airflow] version",
    "python": "[python] default",
    "extras": "[airflow] extras",
    "requirements": "[dependencies] requirements",
    "packages": "[dependencies] packages",
    "python_deps": "[dependencies] python",
    "apt": "[dependencies] apt",
    "folders": "[image] folders",
    "python_path": "[image] python-path",
    "backend": "--backend (start-airflow, tests)",
    "executor": "--executor (start-airflow)",
}


def _shown(value: object) -> str:
    if isinstance(value, tuple | list):
        return ", ".join(str(item) for item in value)
    return str(value)


def rows(adoption: Adoption) -> list[tuple[str, str, str]]:
    """(setting, value, from) for everything carried over."""
    result = []
    for name, label in _LABELS.items():
        chosen = adoption.values.get(name)
        if chosen is not None:
            value = _shown(chosen.value) + (f" ({chosen.note})" if chosen.note else "")
            result.append((label, value, ", ".join(chosen.sources)))
    for name, (value, source) in adoption.image_env.items():
        result.append((f"[image] env {name}", str(value), source))
    for kind, table in (("connection", adoption.connections), ("variable", adoption.variables)):
        for key, (_, source) in table.items():
            result.append((f"{kind} {key}", "breeze-settings.yaml", source))
    for pool, (slots, _, source) in adoption.pools.items():
        result.append((f"pool {pool}", f"{slots} slots", source))
    for (section, key), (_, source) in adoption.config.items():
        result.append((f"[{section}] {key}", "breeze-settings.yaml config", source))
    for fact in adoption.stays:
        result.append((fact.source.split(" ", 1)[-1], fact.note, fact.source.split(" ", 1)[0]))
    return result


def show(console: Console, adoption: Adoption) -> None:
    console.print("Adopting the Airflow project found here: " + "; ".join(adoption.signs) + ".", markup=False)
    inferred = Table(title="Inferred", title_justify="left", show_lines=False)
    for column in ("setting", "value", "from"):
        inferred.add_column(column, overflow="fold")
    for row in rows(adoption):
        inferred.add_row(*(Text(cell) for cell in row))
    console.print(inferred)
    if adoption.gaps:
        left = Table(title="Not carried over", title_justify="left")
        for column in ("what", "where", "fix"):
            left.add_column(column, overflow="fold")
        for gap in adoption.gaps:
            left.add_row(Text(gap.what), Text(gap.source), Text(gap.fix))
        console.print(left)
    for conflict, value in adoption.conflicts:
        found = ", ".join(f"{v} ({s})" for v, s in conflict.candidates)
        console.print(f"Sources disagree on {_LABELS[conflict.field]}: {found}; took {value}.", markup=False)
    if adoption.secrets:
        console.print(
            "Secrets now referred to as ${NAME} in breeze-settings.yaml; set each in .env (git-ignored): "
            + ", ".join(adoption.secrets),
            markup=False,
        )
