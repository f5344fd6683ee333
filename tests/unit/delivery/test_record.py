"""The push record deploy and CI read: merged per flavour, never half-written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from breeze.delivery import record
from breeze.errors import ConfigError


def image(python: str, digest: str) -> record.PushedImage:
    return {
        "repository": "127.0.0.1:5000/demo",
        "digest": digest,
        "reference": f"127.0.0.1:5000/demo@{digest}",
        "tags": [f"0123456789ab-python{python}"],
        "commit": "0123456789ab" * 3,
        "version": "1.0.0",
        "pushed_at": "2026-11-30T00:00:00Z",
    }


def test_flavours_are_merged_and_the_latest_push_wins(tmp_path: Path) -> None:
    assert record.load(tmp_path) is None
    record.record(tmp_path, "demo", {"3.11": image("3.11", "sha256:aa"), "3.13": image("3.13", "sha256:bb")})
    file = record.record(tmp_path, "demo", {"3.11": image("3.11", "sha256:cc")})
    assert file == tmp_path / ".breeze" / "pushed.json"
    loaded = record.load(tmp_path)
    assert loaded is not None
    assert loaded["images"]["3.11"]["reference"] == "127.0.0.1:5000/demo@sha256:cc"
    assert loaded["images"]["3.13"]["digest"] == "sha256:bb"
    assert [p.name for p in file.parent.iterdir()] == ["pushed.json"]


@pytest.mark.parametrize("text", ["{not json", json.dumps({"images": []})])
def test_a_broken_record_is_named_with_a_fix(tmp_path: Path, text: str) -> None:
    record.path(tmp_path).parent.mkdir()
    record.path(tmp_path).write_text(text)
    with pytest.raises(ConfigError) as caught:
        record.load(tmp_path)
    assert caught.value.fix is not None and "Remove" in caught.value.fix
