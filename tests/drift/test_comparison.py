"""compare(): planted drift, false-alarm rate, bad inputs, corrections, JSON."""

from __future__ import annotations

import importlib
import json

import numpy as np
import pandas as pd
import polars as pl
import pytest
from statsmodels.stats.multitest import multipletests

from mlops_notebooks.drift import compare
from mlops_notebooks.errors import InvalidInputError
from tests.drift.conftest import PLANTED, as_backend, make_frame

compare_mod = importlib.import_module("mlops_notebooks.drift.comparison")
columns_mod = importlib.import_module("mlops_notebooks.drift._columns")


@pytest.mark.parametrize("rows", [500, 5000])
def test_planted_drift_finds_exactly_the_drifted_columns(rng, backend, rows) -> None:  # type: ignore[no-untyped-def]
    reference = as_backend(make_frame(rng, rows), backend)
    current = as_backend(make_frame(rng, rows, shift=1.0), backend)
    report = compare(reference, current)
    assert sorted(report.drifted_columns) == sorted(PLANTED)
    assert report.share_of_drifted_columns == pytest.approx(3 / 6)
    assert report.dataset_drift  # 0.5 >= default drift_share 0.5
    expected = (
        {"x_shifted": "ks", "c_shifted": "chisquare", "b_shifted": "z"}
        if rows <= 1000
        else {
            "x_shifted": "wasserstein",
            "c_shifted": "jensenshannon",
            "b_shifted": "jensenshannon",
        }
    )
    for column, method in expected.items():
        assert report[column].method == method


@pytest.mark.parametrize("rows", [300, 3000])
def test_same_distribution_rarely_shows_dataset_drift(rows: int) -> None:
    alarms = 0
    trials = 40
    for seed in range(trials):
        rng = np.random.default_rng(seed)
        report = compare(make_frame(rng, rows), make_frame(rng, rows))
        alarms += report.dataset_drift
    assert alarms / trials <= 0.05


def test_no_common_columns() -> None:
    with pytest.raises(InvalidInputError) as err:
        compare(pl.DataFrame({"a": [1]}), pl.DataFrame({"b": [1]}))
    assert str(err.value) == columns_mod.NO_COMMON_COLUMNS


def test_empty_current() -> None:
    with pytest.raises(InvalidInputError) as err:
        compare(pl.DataFrame({"a": [1.0]}), pl.DataFrame({"a": []}, schema={"a": pl.Float64}))
    assert str(err.value) == compare_mod.EMPTY_DATA.format(name="Current")


def test_unknown_columns_and_methods_fail_fast() -> None:
    frame = pl.DataFrame({"a": [1.0, 2.0]})
    with pytest.raises(InvalidInputError, match=r"columns \['zz'\] are not in both"):
        compare(frame, frame, features=["zz"])
    with pytest.raises(InvalidInputError, match="unknown drift method 'nope'; valid methods: "):
        compare(frame, frame, methods={"a": "nope"})


def test_bad_inputs_become_column_notes_never_nan(rng: np.random.Generator) -> None:
    n = 200
    reference = pl.DataFrame(
        {
            "numeric_then_text": rng.normal(size=n),
            "all_null": pl.Series([None] * n, dtype=pl.Float64),
            "null_in_current": rng.normal(size=n),
            "constant": np.full(n, 3.0),
            "with_inf": np.r_[rng.normal(size=n - 2), np.inf, -np.inf],
            "category": rng.choice(["a", "b", "c"], n),
            "ok": rng.normal(size=n),
        }
    )
    current = pl.DataFrame(
        {
            "numeric_then_text": rng.choice(["x", "y"], n),
            "all_null": pl.Series([None] * n, dtype=pl.Float64),
            "null_in_current": pl.Series([None] * n, dtype=pl.Float64),
            "constant": np.full(n, 3.0),
            "with_inf": np.r_[rng.normal(size=n - 1), np.inf],
            "category": rng.choice(["a", "b", "d"], n),
            "ok": rng.normal(size=n),
        }
    )
    report = compare(reference, current)
    assert (
        report["numeric_then_text"].status == "kind_mismatch" and report["numeric_then_text"].drift
    )
    assert "kind changed from numeric to categorical" in report["numeric_then_text"].note
    assert report["all_null"].status == "empty" and not report["all_null"].drift
    assert (
        report["null_in_current"].drift
        and "all values missing in current" in report["null_in_current"].note
    )
    assert report["constant"].statistic == 0.0 and not report["constant"].drift
    assert "2 infinite values in reference left out" in report["with_inf"].note
    assert report["with_inf"].reference.count == n - 2  # type: ignore[union-attr]
    assert report["category"].new_categories == ("d",)
    assert report["category"].vanished_categories == ("c",)
    assert report["category"].drift  # a third of the values moved to a new category
    for result in report.columns:
        assert isinstance(result.drift, bool)
        assert result.statistic is None or np.isfinite(result.statistic)
    json.loads(report.to_json(summaries=True))  # strict JSON: would fail on NaN


def test_missing_share_reported(rng: np.random.Generator) -> None:
    values = rng.normal(size=100)
    reference = pd.DataFrame({"x": values})
    current = pd.DataFrame({"x": np.where(np.arange(100) < 25, np.nan, values)})
    result = compare(reference, current)["x"]
    assert (result.missing_share_reference, result.missing_share_current) == (0.0, 0.25)


@pytest.mark.parametrize(("correction", "method"), [("bonferroni", "bonferroni"), ("bh", "fdr_bh")])
def test_multiple_testing_correction_equals_statsmodels(rng, correction, method) -> None:  # type: ignore[no-untyped-def]
    reference, current = make_frame(rng, 400), make_frame(rng, 400, shift=0.2)
    raw = compare(reference, current)
    adjusted = compare(reference, current, correction=correction)
    tested = [c.column for c in raw.columns if c.p_value is not None]
    expected = multipletests([raw[c].p_value for c in tested], method=method)[1]
    for column, p_value in zip(tested, expected, strict=True):
        assert adjusted[column].p_value == pytest.approx(p_value, abs=1e-12)
        assert adjusted[column].raw_p_value == raw[column].p_value
        assert adjusted[column].drift == (p_value < adjusted[column].threshold)


def test_methods_per_column_and_kind_and_thresholds(rng: np.random.Generator) -> None:
    reference, current = make_frame(rng, 2000), make_frame(rng, 2000, shift=1.0)
    report = compare(
        reference,
        current,
        methods={"x_stable": "psi"},
        kind_methods={"categorical": "chisquare"},
        thresholds={"psi": 0.3, "x_shifted": 5.0},
    )
    assert report["x_stable"].method == "psi" and report["x_stable"].threshold == 0.3
    assert report["c_stable"].method == "chisquare"
    assert report["x_shifted"].threshold == 5.0 and not report["x_shifted"].drift


def test_drift_share_and_roles(rng: np.random.Generator) -> None:
    reference, current = make_frame(rng, 2000), make_frame(rng, 2000, shift=1.0)
    report = compare(reference, current, drift_share=0.7, target="b_shifted")
    assert report["b_shifted"].role == "target"
    assert "b_shifted" not in report.drifted_columns
    assert report.share_of_drifted_columns == pytest.approx(2 / 5)
    assert not report.dataset_drift
    with pytest.raises(InvalidInputError, match="drift_share must be in"):
        compare(reference, current, drift_share=0)


def test_performance_change_when_labels_exist(rng: np.random.Generator) -> None:
    n = 1000
    truth = rng.random(n) < 0.4
    reference = pl.DataFrame({"y": truth, "pred": truth, "f": rng.normal(size=n)})
    flipped = truth ^ (rng.random(n) < 0.3)
    current = pl.DataFrame({"y": truth, "pred": flipped, "f": rng.normal(size=n)})
    report = compare(reference, current, target="y", prediction="pred")
    performance = report.performance
    assert performance is not None and performance.task == "classification"
    assert performance.reference["accuracy"] == 1.0
    assert performance.current["accuracy"] == pytest.approx(float(np.mean(flipped == truth)))
    assert performance.change["accuracy"] < -0.2


def test_file_refs_carry_provenance(tmp_path, rng) -> None:  # type: ignore[no-untyped-def]
    make_frame(rng, 300).write_parquet(tmp_path / "ref.parquet")
    make_frame(rng, 300).write_parquet(tmp_path / "cur.parquet")
    report = compare(str(tmp_path / "ref.parquet"), str(tmp_path / "cur.parquet"))
    assert report.reference_provenance is not None
    assert report.reference_provenance["ref"].endswith("ref.parquet")
    assert report.to_dict()["current"]["rows"] == 300


@pytest.mark.parametrize("backend", ["pandas", "polars"])
def test_loaded_datasets_keep_their_provenance(tmp_path, rng, backend) -> None:  # type: ignore[no-untyped-def]
    from mlops_notebooks.data import load_dataset

    make_frame(rng, 300).write_parquet(tmp_path / "ref.parquet")
    make_frame(rng, 200).write_parquet(tmp_path / "cur.parquet")
    reference = load_dataset(str(tmp_path / "ref.parquet"), backend=backend)
    current = load_dataset(str(tmp_path / "cur.parquet"), backend=backend)
    report = compare(reference, current)
    by_ref = compare(str(tmp_path / "ref.parquet"), str(tmp_path / "cur.parquet"))
    assert report.reference_provenance is not None
    assert report.reference_provenance["ref"].endswith("ref.parquet")
    assert report.to_dict()["current"]["rows"] == 200
    assert [c.statistic for c in report.columns] == [c.statistic for c in by_ref.columns]


def test_report_frame_html_and_json_keys(rng: np.random.Generator) -> None:
    reference = pl.DataFrame({"<b>x</b>": rng.normal(size=100)})
    current = pl.DataFrame({"<b>x</b>": rng.normal(2, size=100)})
    report = compare(reference, current)
    assert "&lt;b&gt;x&lt;/b&gt;" in report._repr_html_()
    assert "<b>x</b>" not in report._repr_html_()
    document = json.loads(report.to_json())
    for key in (
        "dataset_drift",
        "share_of_drifted_columns",
        "drift_share",
        "drifted_columns",
        "columns",
        "reference",
        "current",
    ):
        assert key in document
    assert set(document["columns"][0]) >= {
        "column",
        "kind",
        "method",
        "statistic",
        "p_value",
        "threshold",
        "drift",
    }


def test_planted_drift_on_the_fine_grid_path(rng: np.random.Generator) -> None:
    rows = 30_000  # more distinct values than EXACT_DISTINCT_LIMIT: fine-grid summaries
    reference = make_frame(rng, rows)
    current = make_frame(rng, rows, shift=1.0)
    report = compare(reference, current)
    assert "computed on a fine histogram" in report["x_shifted"].note
    assert sorted(report.drifted_columns) == sorted(PLANTED)
    assert report["x_stable"].statistic < 0.02
