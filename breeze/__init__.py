"""breeze: the development environment for an Apache Airflow project."""

__version__ = "0.1.0"
