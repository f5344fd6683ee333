"""All readers over one folder; what the .env of an existing project becomes."""

from __future__ import annotations

from pathlib import Path

from breeze.adopt import sources


def test_dotenv_values_stay_in_dotenv_and_the_settings_refer_to_them(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "AIRFLOW_VAR_REGION=eu\nAIRFLOW__CORE__DEFAULT_TIMEZONE=utc\nAIRFLOW__CORE__FERNET_KEY=x\nOTHER=1\n"
    )

    (*_, dotenv) = sources.read_all(tmp_path)

    assert [(f.field, f.value) for f in dotenv.facts] == [
        ("variables", (("region", "${AIRFLOW_VAR_REGION}"),)),
        ("config", ()),
    ]
    assert dotenv.facts[1].note == "stays in .env (local stacks read it)"
    assert [gap.what for gap in dotenv.gaps] == ["AIRFLOW__CORE__FERNET_KEY (breeze's stack sets it)"]


def test_pip_additional_requirements_in_dotenv_without_compose(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("_PIP_ADDITIONAL_REQUIREMENTS=pandas==2.2.3 polars\n")

    (*_, dotenv) = sources.read_all(tmp_path)

    assert [f.value for f in dotenv.facts] == [("pandas==2.2.3",), ("polars",)]
