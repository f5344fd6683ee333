"""Example DAG: check each data source listed in config/sources.yaml against its row threshold."""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, task

default_args = {
    "owner": "data-eng",
    "retries": 1,
    "retry_delay": timedelta(minutes=5),
}


@dag(
    dag_id="example_sources",
    schedule="@daily",
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    tags=["example", "{{project_name}}"],
    default_args=default_args,
    doc_md=__doc__,
)
def example_sources():
    @task
    def load() -> list[dict]:
        # Imported inside the task so that parsing this file (every few seconds) stays fast.
        from include.config_loader import load_sources

        return load_sources()

    @task
    def check(source: dict) -> bool:
        over = source["row_count"] > source["threshold"]
        print(f"{source['name']}: {source['row_count']} rows, threshold {source['threshold']}, over: {over}")
        return over

    check.expand(source=load())


example_sources()
