from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from scipy.stats import fisher_exact
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from mlops_notebooks.errors import InvalidInputError
from mlops_notebooks.sentiment import (
    error_slices,
    errors_by,
    join_predictions,
    most_confident_errors,
    sample_table,
)

from .conftest import PLANTED


def test_the_planted_token_slice_is_found_first(data):
    slices = error_slices(data, min_texts=10)
    top = slices.top("planted", 1).table.row(0, named=True)
    assert top["term"] == PLANTED
    assert top["significant"]
    assert top["error_rate"] > 0.9
    # The other models have no such slice.
    good = slices.top("good", 1000).table.filter(pl.col("term") == PLANTED)
    assert not good["significant"].any()


def _presence(data, term):
    return data.table["text"].str.split(" ").list.contains(term).to_numpy()


def test_fisher_and_benjamini_hochberg_equal_scipy_and_statsmodels(data):
    slices = error_slices(
        data, models=["noisy"], min_texts=1, phrases=False, stratify_by_source=False
    )
    table = slices.to_polars()
    wrong = ~data.correct("noisy")
    vocabulary = sorted(set(" ".join(data.table["text"].to_list()).split(" ")))
    assert slices.n_terms_tested == len(vocabulary)
    p_values = []
    for term in vocabulary:
        has = _presence(data, term)
        contingency = [
            [int(np.sum(has & wrong)), int(np.sum(has & ~wrong))],
            [int(np.sum(~has & wrong)), int(np.sum(~has & ~wrong))],
        ]
        p_values.append(fisher_exact(contingency, alternative="greater").pvalue)
    q_values = dict(zip(vocabulary, multipletests(p_values, method="fdr_bh")[1], strict=True))
    p_by_term = dict(zip(vocabulary, p_values, strict=True))
    for row in table.iter_rows(named=True):
        assert row["p_value"] == pytest.approx(p_by_term[row["term"]], rel=1e-9)
        assert row["q_value"] == pytest.approx(q_values[row["term"]], rel=1e-9)
        assert row["n_texts"] == int(_presence(data, row["term"]).sum())
    assert np.all(np.diff(table["p_value"].to_numpy()) >= 0)


def test_cochran_mantel_haenszel_equals_statsmodels(data):
    from statsmodels.stats.contingency_tables import StratifiedTable

    table = error_slices(data, models=["noisy"], min_texts=1, phrases=False).to_polars()
    wrong = ~data.correct("noisy")
    sources = data.table["source"].to_numpy()
    for row in table.head(5).iter_rows(named=True):
        has = _presence(data, row["term"])
        tables = []
        for source in ("alpha", "beta"):
            inside = sources == source
            tables.append(
                [
                    [np.sum(has & wrong & inside), np.sum(has & ~wrong & inside)],
                    [np.sum(~has & wrong & inside), np.sum(~has & ~wrong & inside)],
                ]
            )
        stratified = StratifiedTable(np.array(tables, dtype=float).transpose(1, 2, 0))
        expected = stratified.test_null_odds(correction=True)
        assert row["p_value"] == pytest.approx(expected.pvalue, rel=1e-9)
        assert row["errors"] > row["expected_errors"]


def test_phrases_and_categories():
    frame = pl.DataFrame(
        {
            "id": range(8),
            "text": ["not good at all", "very good", "not good", "good but long", "bad", "not bad",
                     "very bad", "isn't good"],
            "label": [0, 1, 0, 1, 0, 1, 0, 0],
            "m": [1, 1, 1, 1, 0, 0, 0, 1],
        }
    )  # fmt: skip
    data = join_predictions(frame, models={"m": "m"}, label_names=["negative", "positive"])
    table = error_slices(data, min_texts=1).to_polars()
    categories = dict(table.select("term", "category").iter_rows())
    assert categories["not good"] == "negation"
    assert categories["isn't"] == "negation"
    assert table["term"][0] in {"not", "not good"}


def test_errors_by_groups_with_wilson_intervals(data):
    result = errors_by(data, "source")
    row = (
        result.to_polars()
        .filter((pl.col("group") == "alpha") & (pl.col("model") == "noisy"))
        .row(0, named=True)
    )
    alpha = (data.table["source"] == "alpha").to_numpy()
    errors = int(np.sum(~data.correct("noisy") & alpha))
    assert (row["n_texts"], row["errors"]) == (int(alpha.sum()), errors)
    low, high = proportion_confint(errors, int(alpha.sum()), alpha=0.05, method="wilson")
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high), abs=1e-12)
    labels = errors_by(data, "label").to_polars()
    assert set(labels["group"]) == {"negative", "positive"}


def test_errors_by_length_bands_cover_every_text(data):
    table = errors_by(data, "length", n_bins=3).to_polars()
    per_model = table.group_by("model").agg(pl.col("n_texts").sum())
    assert per_model["n_texts"].to_list() == [data.n_texts] * 3
    assert table["group"].n_unique() <= 3
    with pytest.raises(InvalidInputError, match="by must be one of"):
        errors_by(data, "colour")  # type: ignore[arg-type]


def test_most_confident_errors_are_errors_sorted_by_confidence(data):
    table = most_confident_errors(data, "noisy", top_k=5).to_polars()
    assert table.height == 5
    assert (table["noisy label"] != table["gold label"]).all()
    confidence = table["noisy confidence"].to_numpy()
    assert np.all(np.diff(confidence) <= 0)
    wrong = ~data.correct("noisy")
    assert confidence[0] == pytest.approx(data.confidence("noisy")[wrong].max())


def test_sample_table_counts_models_wrong(data):
    table = sample_table(data, top_k=4).to_polars()
    expected = sum((~data.correct(m)[:4]).astype(int) for m in data.models)
    assert table["models_wrong"].to_list() == expected.tolist()
    assert "source" in table.columns


def test_errors_by_source_without_source(texts, predictions):
    data = join_predictions(
        texts, predictions, models={"good": "good_label"}, label_names=["negative", "positive"]
    )
    with pytest.raises(InvalidInputError, match="needs a source column"):
        errors_by(data, "source")
