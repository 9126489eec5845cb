"""Comparing an output between revisions: schema, row counts, drift, rows changed by key."""

from __future__ import annotations

import polars as pl
import pytest

from mlops_notebooks.drift import compare
from mlops_notebooks.errors import InvalidInputError
from mlops_notebooks.pipeline import inject_fault, open_pipeline
from mlops_notebooks.pipeline.compare import detect_key

PATH = "data/model_outputs/predictions_current.parquet"


@pytest.fixture(scope="module")
def comparison(shared):
    return shared.compare_output(PATH, "v1", "v2")


def test_rows_changed_by_key_equal_a_join(shared, comparison):
    a = shared.load_output(PATH, rev="v1", backend="polars")
    b = shared.load_output(PATH, rev="v2", backend="polars")
    joined = a.join(b, on="flight_id", suffix="_b")
    assert comparison.key == "flight_id"
    assert (comparison.rows_a, comparison.rows_b) == (a.height, b.height)
    assert (comparison.rows_added, comparison.rows_removed) == (0, 0)
    flipped = int((joined["predicted_delayed"] != joined["predicted_delayed_b"]).sum())
    assert comparison.changed_by_column["predicted_delayed"] == flipped > 0
    assert comparison.changed_by_column["origin"] == 0
    assert comparison.rows_changed == int(
        (joined["predicted_probability"] != joined["predicted_probability_b"]).sum()
    )
    assert not comparison.schema_changed
    table = comparison.to_polars()
    assert table.filter(pl.col("column") == "predicted_delayed")["change"].item() == "changed"


def test_drift_is_the_drift_package_result(shared, comparison):
    a = shared.load_output(PATH, rev="v1", backend="polars")
    b = shared.load_output(PATH, rev="v2", backend="polars")
    expected = compare(a, b, ignore=["flight_id"])
    assert comparison.drift.to_dict()["columns"] == expected.to_dict()["columns"]


def test_schema_change_is_reported(sandbox):
    inject_fault(sandbox, "schema")
    pipeline = open_pipeline(sandbox)
    assert pipeline.run_stage("prepare").ok
    comparison = pipeline.compare_output("data/processed/reference.parquet", "HEAD")
    assert comparison.rev_b == "workspace"
    assert comparison.removed_columns == ("distance",)
    assert comparison.added_columns == ("distance_miles",)
    assert comparison.schema_changed
    assert comparison.rows_changed == 0  # the other columns kept every value
    assert "removed columns distance" in comparison.summary_line()


def test_retyped_and_added_rows():
    a = pl.DataFrame({"id": [1, 2, 3], "x": [1, 2, 3], "y": ["a", "b", "c"]})
    b = pl.DataFrame({"id": [2, 3, 4], "x": [2.0, 3.0, 4.0], "y": ["b", "z", "d"]})
    assert detect_key(a, b) == "id"
    from mlops_notebooks.pipeline.compare import _row_changes

    assert _row_changes(a, b, "id", ["y"]) == (1, 1, 1, {"y": 1})


def test_bad_key(shared):
    with pytest.raises(InvalidInputError, match=r"key column 'origin'.*repeated"):
        shared.compare_output(PATH, "v1", "v2", key="origin")


def test_plots(comparison):
    figure = comparison.plot()
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert "predicted_delayed" in labels and "origin" not in labels
    assert comparison.plot("drift") is not None
    assert "<img" in comparison._repr_html_()
