"""explain_drift finds the planted shift and nothing when there is none."""

from __future__ import annotations

import numpy as np
import polars as pl

from mlops_notebooks.segments import explain_drift


def _flights(rng: np.random.Generator, n: int, b6_share: float) -> pl.DataFrame:
    others = (1 - b6_share) / 3
    return pl.DataFrame(
        {
            "carrier": rng.choice(
                ["AA", "B6", "UA", "DL"], n, p=[others, b6_share, others, others]
            ),
            "origin": rng.choice(["EWR", "JFK", "LGA"], n),
            "distance": rng.lognormal(6, 0.5, n),
        }
    )


def test_planted_shift_is_the_top_segment(rng, to_frame):
    reference = _flights(rng, 4000, 0.25)
    current = _flights(rng, 4000, 0.5)
    report = explain_drift(to_frame(reference), to_frame(current), top_k=3)
    assert report.score == "is_current"
    assert report.segments["segment"][0] == 'carrier == "B6"'


def test_no_segment_without_drift():
    rng = np.random.default_rng(7)
    report = explain_drift(_flights(rng, 3000, 0.25), _flights(rng, 3000, 0.25))
    assert len(report) == 0


def test_classifier_scores_rank_the_shifted_carrier_first(rng):
    from mlops_notebooks.segments import drift_scores

    reference = _flights(rng, 3000, 0.25)
    current = _flights(rng, 3000, 0.5)
    scores = drift_scores(reference, current)
    b6 = (current["carrier"] == "B6").to_numpy()
    assert scores.shape == (3000,)
    assert scores[b6].mean() > scores[~b6].mean() + 0.1


def test_drift_scores_are_the_drift_domain_classifier(rng):
    from pathlib import Path

    from mlops_notebooks.drift.domain import domain_classifier_scores
    from mlops_notebooks.segments import drift_scores

    reference, current = _flights(rng, 600, 0.25), _flights(rng, 500, 0.6)
    scores = drift_scores(reference, current, seed=3)
    domain = domain_classifier_scores(
        reference, current, features=list(current.columns), sample_size=0, n_repeats=0, seed=3
    )
    np.testing.assert_array_equal(scores, domain.scores[domain.is_current])
    assert scores.shape == (500,)
    assert scores[current["carrier"].to_numpy() == "B6"].mean() > scores.mean()
    # One domain classifier in the package: the model is built in a single module.
    source = Path(__file__).resolve().parents[2] / "src" / "mlops_notebooks"
    builders = [
        p.relative_to(source).as_posix()
        for p in source.rglob("*.py")
        if "HistGradientBoostingClassifier(" in p.read_text(encoding="utf-8")
    ]
    assert builders == ["drift/domain.py"]
