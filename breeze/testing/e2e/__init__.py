"""The end-to-end suite: a running Airflow tested through its REST API (``run_e2e``), shared by
`breeze tests --type e2e` (a local stack) and `breeze k8s tests` (a cluster)."""

from breeze.testing.e2e.suite import E2EOutcome, run_e2e

__all__ = ["E2EOutcome", "run_e2e"]
