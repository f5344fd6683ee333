"""Classic operators example: a BashOperator using jq (from packages.txt), then a PythonOperator."""

from __future__ import annotations

from datetime import timedelta

from airflow.providers.standard.operators.bash import BashOperator
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG


def summarize_sources() -> str:
    from include.config_loader import load_sources, summarize

    text = summarize(load_sources())
    print(text)
    return text


with DAG(
    dag_id="example_classic",
    schedule=None,
    catchup=False,
    tags=["example"],
    default_args={"owner": "data-eng", "retries": 1, "retry_delay": timedelta(minutes=1)},
    doc_md=__doc__,
):
    jq_names = BashOperator(
        task_id="jq_names",
        bash_command=(
            "set -euo pipefail; jq --version; "
            """echo '{"sources": [{"name": "orders"}, {"name": "customers"}]}' | jq -r '.sources[].name'"""
        ),
    )

    summarize = PythonOperator(task_id="summarize_sources", python_callable=summarize_sources)

    jq_names >> summarize
