"""Shared code for the DAGs, importable as ``include.<module>`` (AIRFLOW_HOME is on PYTHONPATH)."""
