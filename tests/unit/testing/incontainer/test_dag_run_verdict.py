"""What makes a DAG run pass: Airflow's run state is success and no task failed; skipped tasks are
skipped by design. --expect TASK=STATE is stricter: the matching tasks must end exactly so."""

from __future__ import annotations

import pytest

from breeze.testing.incontainer.dag_run import DEFAULT_EXPECTATION, expectation, meets


@pytest.mark.parametrize(
    ("state", "ok"),
    [("success", True), ("skipped", True), ("failed", False), ("upstream_failed", False)],
)
def test_by_default_only_failures_fail(state: str, ok: bool) -> None:
    assert meets(state, expectation("any_task", {})) is ok


def test_expect_is_exact_and_takes_globs() -> None:
    expect = {"cleanup": "skipped", "load_*": "success"}

    assert expectation("cleanup", expect) == "skipped"
    assert expectation("load_orders", expect) == "success"
    assert expectation("extract", expect) == DEFAULT_EXPECTATION
    assert not meets("success", "skipped")
    assert not meets("skipped", "success")  # --expect '*=success' makes a skipped task fail
    assert meets("failed", "failed")


def test_a_serialization_error_reads_as_its_cause() -> None:
    from breeze.testing.incontainer.serialize import hint, reason

    error = ValueError(
        "Failed to serialize DAG 'unserializable': Unknown priority strategy "
        "unusual_prefix_f36ac50a2f5660279849d826dbf8c48f41bc1ca8_unserializable.LastFirst"
    )

    assert reason(error) == "Unknown priority strategy unserializable.LastFirst"
    assert "`priority_weight_strategies = [...]`" in hint(reason(error))
    assert "`timetables = [...]`" in hint("Timetable class 'x.Y' is not registered")
