"""The text of breeze's own files for an adopted project, each inferred value with its source."""

from __future__ import annotations

import json

from breeze.adopt.planner import Adoption, Chosen, items

SETTINGS_FILE = "breeze-settings.yaml"


def _toml(value: object) -> str:
    if isinstance(value, tuple | list):
        return "[" + ", ".join(json.dumps(str(item)) for item in value) + "]"
    return json.dumps(value)


def _line(key: str, chosen: Chosen | None, default: object = None) -> list[str]:
    if chosen is None:
        return [] if default is None else [f"{key} = {_toml(default)}"]
    comment = "from " + ", ".join(chosen.sources) if chosen.sources else ""
    if chosen.note:
        comment = f"{comment} ({chosen.note})" if comment else chosen.note
    return [f"{key} = {_toml(chosen.value)}" + (f"  # {comment}" if comment else "")]


def breeze_toml(name: str, adoption: Adoption) -> str:
    v = adoption.values
    lines = [
        f"# breeze settings for {name}, adopted from the project as it was by `breeze init`.",
        "# Each inferred value names its source; every key is explained in BREEZE.md",
        '# ("Configuration reference", "Moving to breeze").',
        "[project]",
        f"name = {json.dumps(name)}",
        'version = "0.1.0"',
        "",
        "[airflow]",
        *_line("version", v["airflow_version"]),
        *_line("extras", v.get("extras"), ()),
        'constraints = "none"',
        "",
        "[python]",
        *_line("default", v["python"]),
        "",
        "[dependencies]",
        *_line("requirements", v.get("requirements")),
        *_line("packages", v.get("packages")),
        *_line("python", v.get("python_deps")),
        *_line("apt", v.get("apt")),
        "",
        "[image]",
        *_line("folders", v["folders"]),
        f"shared-code = {json.dumps(_shared_code(adoption))}",
        *_line("python-path", v.get("python_path")),
        *_env(adoption),
        "",
        "[tests]",
        'folder = "tests"',
        'results = "test-results"',
        "",
        *_policies(adoption),
        "",
        "[lint]",
        '# Off until the project\'s code is clean: enable with checks = ["ruff", "ruff-format", "hadolint"].',
        "checks = []",
    ]
    return "\n".join(lines) + "\n"


def _shared_code(adoption: Adoption) -> str:
    folders = items(adoption.values["folders"])
    for candidate in ("include", *items(adoption.values.get("python_path"))):
        if candidate in folders:
            return str(candidate)
    return str(folders[0])


def _env(adoption: Adoption) -> list[str]:
    if not adoption.image_env:
        return []
    items = ", ".join(f"{name} = {json.dumps(value)}" for name, (value, _) in adoption.image_env.items())
    sources = ", ".join(dict.fromkeys(source for _, source in adoption.image_env.values()))
    return [f"env = {{ {items} }}  # from {sources}"]


def _policies(adoption: Adoption) -> list[str]:
    policy = adoption.policies
    lines = [
        "# What `breeze tests --type dag-integrity` holds every DAG to. Imports, cycles and the parse",
        "# budget hold for any project; the policies below are yours to choose. The values shown are",
        f"# ones the project's {policy.dags} DAG(s) already meet: uncomment to enforce them.",
        "[dag-integrity]",
        "parse-budget = 2.0",
        f"# owners = {_toml(policy.owners or ('data-eng',))}",
        f"# require-tags = {'true' if policy.tags else 'false'}",
        f"# min-retries = {policy.min_retries}",
    ]
    return lines


def settings_yaml(name: str, adoption: Adoption) -> str | None:
    """breeze-settings.yaml (JSON flow values are YAML too); None when there is nothing to carry."""
    sections: list[str] = []
    if adoption.connections:
        sections.append("connections:")
        for conn_id, (entry, source) in adoption.connections.items():
            sections += [f"  # from {source}", f"  {conn_id}: {json.dumps(entry)}"]
    if adoption.variables:
        sections.append("variables:")
        for key, (value, source) in adoption.variables.items():
            sections += [f"  # from {source}", f"  {key}: {json.dumps(value)}"]
    if adoption.pools:
        sections.append("pools:")
        for pool, (slots, text, source) in adoption.pools.items():
            body = json.dumps({"slots": slots, "description": text or pool})
            sections += [f"  # from {source}", f"  {json.dumps(pool)}: {body}"]
    if adoption.config:
        sections.append("config:")
        by_section: dict[str, list[str]] = {}
        for (section, key), (value, source) in adoption.config.items():
            by_section.setdefault(section, []).extend(
                [f"    # from {source}", f"    {key}: {json.dumps(value)}"]
            )
        for section, lines in by_section.items():
            sections += [f"  {section}:", *lines]
    if not sections:
        return None
    header = [
        f"# Connections, variables, pools and Airflow settings for {name}'s local Airflow, carried",
        "# over by `breeze init`. Secrets are ${NAME} references: set each NAME in .env (git-ignored).",
    ]
    if adoption.secrets:
        header.append("# Needed in .env: " + ", ".join(adoption.secrets))
    return "\n".join([*header, *sections]) + "\n"


def dockerignore(adoption: Adoption, extra_files: tuple[str, ...]) -> str:
    folders = [f"!{folder}/" for folder in items(adoption.values["folders"])]
    files = [f"!{name}" for name in ("breeze.toml", *extra_files)]
    return (
        "\n".join(
            [
                "# Whitelist: nothing goes into a build context unless it is named below (keeps .env, tests",
                "# and local caches out of images). Written by `breeze init` from [image] folders.",
                "*",
                *folders,
                *files,
                "**/__pycache__",
                "**/*.pyc",
            ]
        )
        + "\n"
    )
