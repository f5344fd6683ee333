"""Code that runs inside the CI image (mounted read-only at /opt/breeze/testing), never on the host:
it imports Airflow. Only ``policies`` and ``junit`` are pure and imported by host unit tests too."""
