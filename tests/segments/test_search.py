"""find_segments finds planted segments and reports none on data without one."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from statsmodels.stats.proportion import proportion_confint

from mlops_notebooks.errors import InvalidInputError
from mlops_notebooks.segments import find_segments
from mlops_notebooks.segments import search as messages


def _features(rng: np.random.Generator, n: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "origin": rng.choice(["EWR", "JFK", "LGA"], n),
            "carrier": rng.choice(["AA", "B6", "UA", "DL", "WN"], n),
            "hour": rng.integers(5, 24, n),
            "precip": np.where(rng.random(n) < 0.85, 0.0, rng.exponential(0.2, n)),
            "distance": rng.lognormal(6, 0.6, n),
        }
    )


def _planted(frame: pl.DataFrame) -> np.ndarray:
    return ((frame["origin"] == "EWR") & (frame["hour"] >= 17) & (frame["precip"] > 0)).to_numpy()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_planted_segment_in_top_three(seed, to_frame):
    rng = np.random.default_rng(seed)
    frame = _features(rng, 20_000)
    error = rng.random(frame.height) < np.where(_planted(frame), 0.4, 0.1)
    report = find_segments(
        to_frame(frame.with_columns(error=error.astype(float))), score="error", top_k=5
    )
    top = report.segments["segment"].head(3).to_list()
    assert 'origin == "EWR" and hour >= 17 and precip > 0' in top
    row = report.segments.filter(pl.col("segment") == top[0])
    assert row["p_adjusted"][0] < 1e-6
    assert row["lift"][0] > 2.5
    low, high = proportion_confint(
        round(row["mean_score"][0] * row["size"][0]), row["size"][0], method="wilson"
    )
    assert (row["ci_low"][0], row["ci_high"][0]) == pytest.approx((low, high), abs=1e-12)


@pytest.mark.parametrize("seed", [10, 11, 12, 13, 14])
def test_no_segment_without_planted_effect(seed):
    rng = np.random.default_rng(seed)
    frame = _features(rng, 20_000)
    error = (rng.random(frame.height) < 0.1).astype(float)
    report = find_segments(frame.with_columns(error=error), score="error")
    assert len(report) == 0
    assert report.n_tested > 1000


@pytest.mark.parametrize("seed", [20, 21])
def test_no_segment_for_continuous_null_score(seed):
    rng = np.random.default_rng(seed)
    frame = _features(rng, 10_000)
    report = find_segments(frame, score=rng.exponential(1.0, frame.height))
    assert len(report) == 0


def test_two_planted_segments_with_target_and_prediction(rng):
    frame = _features(rng, 30_000)
    first = _planted(frame)
    second = (
        (frame["carrier"] == "WN") & (frame["distance"] > frame["distance"].quantile(0.7))
    ).to_numpy()
    target = rng.random(frame.height) < 0.5
    wrong = rng.random(frame.height) < np.where(first | second, 0.35, 0.1)
    data = frame.with_columns(target=target, prediction=np.where(wrong, ~target, target))
    report = find_segments(data, target="target", prediction="prediction", top_k=5)
    assert report.score == "misclassified"
    top = " | ".join(report.segments["segment"].head(3).to_list())
    assert 'origin == "EWR"' in top and 'carrier == "WN"' in top


def test_segment_statistics_are_exact(rng):
    frame = _features(rng, 5_000)
    score = rng.random(frame.height) + 2.0 * (frame["origin"] == "EWR").to_numpy()
    report = find_segments(frame, score=score, max_level=1, top_k=1)
    best = report.segments.row(0, named=True)
    assert best["segment"] == 'origin == "EWR"'
    inside = score[(frame["origin"] == "EWR").to_numpy()]
    assert best["size"] == inside.size
    assert best["mean_score"] == pytest.approx(inside.mean(), abs=1e-12)
    assert best["lift"] == pytest.approx(inside.mean() / score.mean(), abs=1e-12)
    assert best["ci_low"] < inside.mean() < best["ci_high"]


def test_explains_drift_with_classifier_probability(rng):
    from mlops_notebooks.segments import drift_scores, explain_drift

    reference = _features(rng, 5_000)
    current = _features(rng, 5_000)
    current = pl.concat([current, current.filter(pl.col("carrier") == "B6")])  # B6 doubled
    features = ["origin", "carrier", "hour"]
    report = explain_drift(reference, current, features=features, method="classifier", top_k=3)
    assert report.score == "drift_probability"
    assert report.segments["segment"][0] == 'carrier == "B6"'
    # the segment's mean score is the classifier's mean probability on those current rows
    scores = drift_scores(reference, current, features=features)
    b6 = (current["carrier"] == "B6").to_numpy()
    top = report.segments.row(0, named=True)
    assert top["size"] == int(b6.sum())
    assert top["mean_score"] == pytest.approx(float(scores[b6].mean()), abs=1e-12)


def test_bad_inputs():
    frame = pl.DataFrame({"a": ["x", "y"] * 50, "s": [1.0] * 100})
    with pytest.raises(InvalidInputError) as caught:
        find_segments(frame, score="s")
    assert str(caught.value) == messages.CONSTANT_SCORE.format(name="s")
    with pytest.raises(InvalidInputError) as caught:
        find_segments(frame)
    assert str(caught.value) == messages.NEEDS_SCORE
    with pytest.raises(InvalidInputError, match="score has 3 rows but the data has 100"):
        find_segments(frame, score=[1.0, 2.0, 3.0])
    with pytest.raises(InvalidInputError, match="missing or infinite"):
        find_segments(frame, score=[np.nan] + [1.0, 2.0] * 49 + [1.0])
    with pytest.raises(InvalidInputError) as caught:
        find_segments(frame, score=np.arange(100.0), rank_by="size")
    assert str(caught.value).startswith("rank_by must be one of")


def test_report_serialises_and_renders(rng):
    frame = _features(rng, 5_000)
    error = rng.random(frame.height) < np.where(_planted(frame), 0.6, 0.1)
    report = find_segments(frame, score=error.astype(float), top_k=3)
    payload = report.to_dict()
    assert payload["segments"][0]["segment"] == report.segments["segment"][0]
    assert "&quot;EWR&quot;" in report._repr_html_()
    figure = report.plot()
    assert len(figure.axes[0].patches) == len(report)
