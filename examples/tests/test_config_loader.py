from __future__ import annotations

from pathlib import Path

import pytest

from include.config_loader import PROJECT_ROOT, Source, default_path, load_sources, summarize

ENTRY_A = "  - {name: a, row_count: 1, threshold: 2}\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_loads_shipped_config():
    sources = load_sources(PROJECT_ROOT / "config" / "sources.yaml")
    assert len(sources) >= 2
    assert all(isinstance(s, Source) for s in sources)
    assert {s.name for s in sources} >= {"orders", "customers"}


def test_default_path_uses_airflow_home(tmp_path, monkeypatch):
    (tmp_path / "config").mkdir()
    config = write(tmp_path / "config", "sources:\n  - {name: a, row_count: 1, threshold: 2}\n")
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path))
    assert default_path() == config
    assert load_sources() == [Source(name="a", row_count=1, threshold=2)]


def test_default_path_falls_back_when_airflow_home_has_no_config(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path))
    assert default_path() == PROJECT_ROOT / "config" / "sources.yaml"


def test_default_path_without_airflow_home(monkeypatch):
    monkeypatch.delenv("AIRFLOW_HOME", raising=False)
    assert default_path() == PROJECT_ROOT / "config" / "sources.yaml"


def test_over_threshold_and_summary():
    sources = [Source("big", 10, 5), Source("small", 1, 5)]
    assert [s.over_threshold for s in sources] == [True, False]
    assert summarize(sources) == "big: 10 rows (over threshold 5)\nsmall: 1 rows (within threshold 5)"


def test_invalid_yaml(tmp_path):
    with pytest.raises(ValueError, match="invalid YAML"):
        load_sources(write(tmp_path, "sources: [unclosed\n"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("other: 1\n", "missing required top-level key 'sources'"),
        ("sources: []\n", "key 'sources' must be a non-empty list"),
        ("sources:\n  - {name: a, threshold: 2}\n", r"sources\[0\]: missing required key 'row_count'"),
        ("sources:\n  - {name: a, row_count: x, threshold: 2}\n", "key 'row_count' must be a non-negative"),
        ("sources:\n  - {row_count: 1, threshold: 2}\n", r"sources\[0\]: key 'name' must be a non-empty"),
        ("sources:\n" + ENTRY_A * 2, r"sources\[1\]: key 'name' duplicates 'a'"),
    ],
)
def test_validation_errors_name_the_key(tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        load_sources(write(tmp_path, text))
