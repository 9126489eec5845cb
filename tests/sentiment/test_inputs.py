from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from mlops_notebooks.errors import InvalidInputError
from mlops_notebooks.sentiment import inputs, join_predictions

from .conftest import MODELS, PROBABILITIES

LABELS = ["negative", "positive"]


def _join(texts, predictions, **kwargs):
    options = {
        "models": MODELS,
        "probabilities": PROBABILITIES,
        "label_names": LABELS,
        "source_column": "source",
    }
    return join_predictions(texts, predictions, **(options | kwargs))


@pytest.mark.parametrize("backend", ["polars", "pandas"])
def test_joins_by_id_whatever_the_row_order(texts, predictions, backend):
    shuffled = predictions.sample(fraction=1.0, shuffle=True, seed=3)
    if backend == "pandas":
        texts, shuffled = texts.to_pandas(), shuffled.to_pandas()
    data = _join(texts, shuffled)
    assert data.n_texts == 600
    assert data.models == ("good", "noisy", "planted")
    expected = predictions["good_label"].to_numpy()  # integer codes in text order
    assert np.array_equal(data.predicted["good"], expected)
    assert np.allclose(data.probabilities["good"][:, 1], predictions["good_p_positive"].to_numpy())
    assert data.table["label"].to_list()[:3] == pl.Series(texts["label"]).to_list()[:3]


def test_integer_codes_and_names_are_both_accepted(texts, predictions):
    coded = texts.with_columns(pl.col("label").replace_strict({"negative": 0, "positive": 1}))
    by_code = _join(coded, predictions)
    by_name = _join(texts, predictions)
    assert np.array_equal(by_code.y_true, by_name.y_true)


def test_a_single_probability_column_is_the_second_label_of_a_binary_set(texts, predictions):
    data = _join(texts, predictions, probabilities={"good": "good_p_positive"})
    assert np.allclose(data.probabilities["good"].sum(axis=1), 1.0)
    assert data.probabilities["noisy"] is None
    assert np.isnan(data.confidence("noisy")).all()


def test_three_labels(rng):
    frame = pl.DataFrame(
        {
            "id": [1, 2, 3],
            "text": ["bad", "meh", "good"],
            "label": ["neg", "neu", "pos"],
            "m": ["neg", "pos", "pos"],
            "p0": [0.8, 0.1, 0.0],
            "p1": [0.1, 0.2, 0.1],
            "p2": [0.1, 0.7, 0.9],
        }
    )
    data = join_predictions(
        frame,
        models={"m": "m"},
        probabilities={"m": ["p0", "p1", "p2"]},
        label_names=["neg", "neu", "pos"],
    )
    assert data.y_true.tolist() == [0, 1, 2]
    assert data.correct("m").tolist() == [True, False, True]
    assert np.allclose(data.confidence("m"), [0.8, 0.7, 0.9])


def test_predicted_labels_outside_the_label_set(texts, predictions):
    bad = predictions.with_columns(good_label=pl.lit(7))
    with pytest.raises(InvalidInputError) as error:
        _join(texts, bad)
    assert str(error.value) == inputs.LABELS_OUTSIDE_SET.format(
        role="predicted labels of 'good'", name="good_label", label_names=LABELS, values=[7], last=1
    )


def test_gold_labels_outside_the_label_set(texts, predictions):
    bad = texts.with_columns(
        label=pl.when(pl.col("id") == 1000).then(pl.lit("mixed")).otherwise("label")
    )
    with pytest.raises(InvalidInputError, match="gold labels 'label' holds labels outside"):
        _join(bad, predictions)


def test_ids_that_do_not_match(texts, predictions):
    shifted = predictions.with_columns(pl.col("id") + 1)
    with pytest.raises(InvalidInputError) as error:
        _join(texts, shifted)
    assert str(error.value) == inputs.IDS_DO_NOT_MATCH.format(
        n_missing=1, missing=["1000"], n_extra=1, extra=["1600"]
    )


def test_extra_predictions_can_be_ignored_when_texts_are_a_sample(texts, predictions):
    data = _join(texts.head(100), predictions, allow_extra_predictions=True)
    assert data.n_texts == 100
    assert np.array_equal(data.predicted["good"], predictions["good_label"].to_numpy()[:100])
    with pytest.raises(InvalidInputError, match="0 texts have no prediction"):
        _join(texts.head(100), predictions)
    with pytest.raises(InvalidInputError, match="1 texts have no prediction"):
        _join(texts, predictions.tail(599), allow_extra_predictions=True)


def test_probabilities_that_do_not_sum_to_one(texts, predictions):
    bad = predictions.with_columns(good_p_positive=pl.col("good_p_positive") * 0.5)
    with pytest.raises(InvalidInputError, match="must sum to one per row; 600 rows deviate"):
        _join(texts, bad)


def test_probabilities_outside_zero_one(texts, predictions):
    bad = predictions.with_columns(
        good_p_negative=pl.col("good_p_negative") - 1, good_p_positive=pl.lit(2.0)
    )
    with pytest.raises(InvalidInputError) as error:
        _join(texts, bad)
    assert str(error.value) == inputs.PROBABILITIES_OUT_OF_RANGE.format(model="good", count=1200)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t, p: (t.drop("text"), p), "text column 'text' is not in the texts data"),
        (lambda t, p: (pl.concat([t, t.head(1)]), p), "texts ids in 'id' are not unique"),
        (lambda t, p: (t, pl.concat([p, p.head(1)])), "predictions ids in 'id' are not unique"),
        (lambda t, p: (t, p.drop("noisy_label")), "model 'noisy' label column 'noisy_label'"),
        (lambda t, p: (t.head(0), p), "no texts to evaluate"),
    ],
)
def test_malformed_inputs(texts, predictions, change, message):
    with pytest.raises(InvalidInputError, match=message):
        _join(*change(texts, predictions))


def test_label_names_checks(texts, predictions):
    with pytest.raises(InvalidInputError, match="at least two labels"):
        _join(texts, predictions, label_names=["positive"])
    with pytest.raises(InvalidInputError, match="must be unique"):
        _join(texts, predictions, label_names=["a", "a"])
    with pytest.raises(InvalidInputError, match="at least one model"):
        _join(texts, predictions, models={})


def test_unknown_model_and_source(data):
    with pytest.raises(InvalidInputError, match="unknown model 'bert'"):
        data.correct("bert")
    with pytest.raises(InvalidInputError, match="unknown source 'gamma'"):
        data.texts("gamma")
    assert data.texts("alpha").len() == int((data.table["source"] == "alpha").sum())


def test_html_escapes_texts(texts, predictions):
    nasty = texts.with_columns(
        text=pl.when(pl.col("id") == 1000)
        .then(pl.lit("<script>alert(1)</script> awful"))
        .otherwise("text")
    )
    html = _join(nasty, predictions)._repr_html_()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
