"""Example plugin: adds the ``macros.breeze_example_plugin.format_rows`` template macro."""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin


def format_rows(count: int) -> str:
    """Format a row count with thousands separators, e.g. ``1,250,000 rows``."""
    return f"{int(count):,} row{'' if int(count) == 1 else 's'}"


class BreezeExamplePlugin(AirflowPlugin):
    name = "breeze_example_plugin"
    macros = [format_rows]
