from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("airflow")

PLUGIN_FILE = Path(__file__).resolve().parent.parent / "plugins" / "example_plugin.py"


@pytest.fixture(scope="module")
def plugin_module():
    spec = importlib.util.spec_from_file_location("example_plugin", PLUGIN_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_plugin_registers_macro(plugin_module):
    assert issubclass(plugin_module.BreezeExamplePlugin, plugin_module.AirflowPlugin)
    assert plugin_module.BreezeExamplePlugin.name == "breeze_example_plugin"
    assert plugin_module.format_rows in plugin_module.BreezeExamplePlugin.macros


def test_format_rows(plugin_module):
    assert plugin_module.format_rows(1250000) == "1,250,000 rows"
    assert plugin_module.format_rows(1) == "1 row"
