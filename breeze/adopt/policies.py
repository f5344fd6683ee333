"""The DAG policies a project's DAGs already meet, to suggest (commented out) in breeze.toml."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Suggested:
    dags: int
    owners: tuple[str, ...]  # every DAG has one of these owners (empty: some have none)
    tags: bool  # every DAG has tags
    min_retries: int  # every DAG retries at least this often


def suggest(root: Path) -> Suggested:
    owners: list[str | None] = []
    tags: list[bool] = []
    retries: list[int] = []
    folder = root / "dags"
    for path in sorted(folder.rglob("*.py")) if folder.is_dir() else []:
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
            continue
        for call in _dag_calls(tree):
            keywords = {k.arg: k.value for k in call.keywords if k.arg}
            defaults = _literal(keywords.get("default_args"))
            defaults = defaults if isinstance(defaults, dict) else {}
            owner = defaults.get("owner")
            owners.append(owner if isinstance(owner, str) else None)
            tags.append(bool(_literal(keywords.get("tags"))))
            count = defaults.get("retries", 0)
            retries.append(count if isinstance(count, int) else 0)
    return Suggested(
        dags=len(owners),
        owners=tuple(sorted({o for o in owners if o})) if owners and all(owners) else (),
        tags=bool(tags) and all(tags),
        min_retries=min(retries) if retries else 0,
    )


def _dag_calls(tree: ast.AST) -> list[ast.Call]:
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            if name in ("DAG", "dag"):
                calls.append(node)
    return calls


def _literal(node: ast.expr | None) -> object:
    if node is None:
        return None
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        return None
