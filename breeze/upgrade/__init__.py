"""`breeze upgrade-check`: is this project ready for another Airflow version?

The pipeline (``run``): check the request (``params``) -> resolve the current and the candidate
dependencies on the host with uv (``resolve``, the only module that starts uv) -> diff them
(``diff``) -> build the candidate CI image under its own name (``candidate``) -> ruff's Airflow
rules in it (``codecheck``) -> DAG integrity and unit tests in it (``candidate``) -> one report
folder (``report``).
"""
