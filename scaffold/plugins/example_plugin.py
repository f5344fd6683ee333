"""A small plugin: the ``{{ macros.example_plugin.format_rows(n) }}`` template macro."""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin


def format_rows(count: int) -> str:
    """A row count with thousands separators, e.g. ``1,250,000 rows``."""
    return f"{int(count):,} row{'' if int(count) == 1 else 's'}"


class ExamplePlugin(AirflowPlugin):
    name = "example_plugin"
    macros = [format_rows]
