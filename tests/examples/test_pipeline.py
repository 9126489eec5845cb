"""The example DVC pipeline: right shapes, no leakage, a committed dvc.lock in sync."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import polars as pl
import pytest

ROOT = Path(__file__).parents[2]
DATA = ROOT / "examples" / "data"
POST_DEPARTURE = {"dep_time", "dep_delay", "arr_time", "air_time"}


@pytest.fixture(scope="module")
def processed() -> pl.DataFrame:
    path = DATA / "processed" / "flights.parquet"
    if not path.exists():
        pytest.fail("example data missing: run `make pipeline` (make test does it first)")
    return pl.read_parquet(path)


def test_raw_flights_are_the_whole_package_table():
    assert pl.scan_parquet(DATA / "raw" / "flights.parquet").select(pl.len()).collect().item() == (
        336_776
    )


def test_processed_flights_have_labels_and_no_post_departure_columns(processed):
    assert processed.height == 327_346  # 336,776 minus 9,430 flights without arrival delay
    assert POST_DEPARTURE.isdisjoint(processed.columns)
    assert processed["is_delayed"].to_list() == (processed["arr_delay"] > 15).to_list()
    assert processed["time_hour"].dtype == pl.Datetime("us", "UTC")
    assert processed["flight_id"].n_unique() == processed.height


def test_reference_and_current_split_by_month():
    reference = pl.read_parquet(DATA / "processed" / "reference.parquet")
    current = pl.read_parquet(DATA / "processed" / "current.parquet")
    assert set(reference["month"].unique()) == {1, 2, 3, 4, 5, 6}
    assert set(current["month"].unique()) == {7, 8, 9, 10, 11, 12}


def test_predictions_are_probabilities_with_labels():
    for split in ("holdout", "current"):
        outputs = pl.read_parquet(DATA / "model_outputs" / f"predictions_{split}.parquet")
        probability = outputs["predicted_probability"]
        assert probability.min() >= 0 and probability.max() <= 1
        assert outputs["predicted_delayed"].to_list() == (probability >= 0.5).to_list()
        assert set(outputs["split"].unique()) == {split}
    holdout = pl.read_parquet(DATA / "model_outputs" / "predictions_holdout.parquet")
    reference = pl.read_parquet(DATA / "processed" / "reference.parquet")
    trained_on = json.loads((ROOT / "examples" / "metrics" / "train.json").read_text())
    # The hold-out is part of the reference period and exactly what training left out.
    assert set(holdout["flight_id"]) <= set(reference["flight_id"])
    assert trained_on["train_rows"] + holdout.height == reference.height
    assert 0.18 < holdout.height / reference.height < 0.22


@pytest.mark.skipif(not os.environ.get("CI"), reason="checks the committed state, on CI only")
def test_committed_dvc_lock_matches_the_pipeline():
    diff = subprocess.run(
        ["git", "diff", "--stat", "--", "examples/dvc.lock"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert diff.stdout == "", "dvc repro changed examples/dvc.lock: commit the refreshed lock"
