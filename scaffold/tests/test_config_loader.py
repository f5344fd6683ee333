from __future__ import annotations

import pytest

from include.config_loader import PROJECT_ROOT, default_path, load_sources


def test_the_shipped_config_loads():
    sources = load_sources(PROJECT_ROOT / "config" / "sources.yaml")
    assert {source["name"] for source in sources} >= {"orders", "customers"}


def test_default_path_without_airflow_home(monkeypatch):
    monkeypatch.delenv("AIRFLOW_HOME", raising=False)
    assert default_path() == PROJECT_ROOT / "config" / "sources.yaml"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sources: [unclosed\n", "invalid YAML"),
        ("other: 1\n", "must be a non-empty list"),
        ("sources:\n  - {row_count: 1, threshold: 2}\n", r"sources\[0\] needs a `name`"),
        ("sources:\n  - {name: a, row_count: -1, threshold: 2}\n", r"sources\[0\].row_count must be"),
    ],
)
def test_bad_config_names_the_problem(tmp_path, text, message):
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_sources(path)
