"""Code shared by the DAGs, imported as ``include.<module>`` (the project root is on PYTHONPATH)."""
