"""requirements.txt and packages.txt of an existing project."""

from __future__ import annotations

from pathlib import Path

import pytest

from breeze.adopt.requirements import read_packages, read_requirements
from breeze.errors import ConfigError


def test_the_airflow_pin_says_version_and_extras(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_text(
        "# pins\napache-airflow[postgres,celery]==3.0.6\npandas>=2  # data\n--index-url https://x/simple\n"
    )

    reading = read_requirements(tmp_path, path)

    facts = {fact.field: fact.value for fact in reading.facts}
    assert facts == {
        "requirements": "requirements.txt",
        "airflow_version": "3.0.6",
        "extras": ("celery", "postgres"),
    }
    assert [gap.source for gap in reading.gaps] == ["requirements.txt:4"]
    assert "[build] index-url" in reading.gaps[0].fix


def test_a_line_it_cannot_parse_is_named_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_text("pandas\nnumpy=>1.2\n")

    with pytest.raises(ConfigError, match=r"requirements.txt:2: `numpy=>1.2` is not a requirement") as error:
        read_requirements(tmp_path, path)
    assert error.value.fix and "PEP 508" in error.value.fix


def test_packages_txt_is_checked(tmp_path: Path) -> None:
    (tmp_path / "packages.txt").write_text("libpq5\n")
    assert read_packages(tmp_path, tmp_path / "packages.txt").facts[0].value == "packages.txt"

    (tmp_path / "packages.txt").write_text("Not_A_Package\n")
    with pytest.raises(ConfigError, match="is not a Debian package name"):
        read_packages(tmp_path, tmp_path / "packages.txt")


def test_pip_install_arguments(tmp_path: Path) -> None:
    from breeze.adopt.model import Collector
    from breeze.adopt.requirements import read_pip_args

    (tmp_path / "req.txt").write_text("pandas==2.2.3\n")
    out = Collector()

    read_pip_args(
        tmp_path,
        ["--no-cache-dir", "-r/tmp/req.txt", "--index-url", "https://x/simple", ".", "$EXTRA", "polars"],
        "Dockerfile:3",
        out,
        {"/tmp/req.txt": "req.txt"},
    )

    assert [(f.field, f.value) for f in out.facts] == [
        ("requirements", "req.txt"),
        ("python_deps", ("polars",)),
    ]
    assert [gap.what for gap in out.gaps] == [
        "pip --index-url https://x/simple",
        "pip install . (a local package)",
    ]
