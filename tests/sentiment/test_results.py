"""Every result renders escaped HTML and serialises to JSON."""

from __future__ import annotations

import json

import polars as pl
import pytest

from mlops_notebooks.sentiment import (
    Agreement,
    agreement,
    compare_models,
    compare_texts,
    error_slices,
    errors_by,
    evaluate_models,
    find_label_issues,
    join_predictions,
    most_confident_errors,
    sample_table,
    wins_and_losses,
)

from .conftest import MODELS, PROBABILITIES

SCRIPT = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"


@pytest.fixture
def nasty(texts, predictions):
    """Every text carries a script tag and an image with an onerror handler."""
    hostile = texts.with_columns(
        text=pl.lit(SCRIPT + " <img src=x onerror=alert(1)> ") + pl.col("text"),
        source=pl.lit("<b>bold</b>"),
    )
    return join_predictions(
        hostile,
        predictions,
        models={f"<i>{m}</i>": c for m, c in MODELS.items()},
        probabilities={f"<i>{m}</i>": c for m, c in PROBABILITIES.items()},
        label_names=["negative", "positive"],
        source_column="source",
    )


def _results(data):
    models = data.models
    return [
        data,
        evaluate_models(data, n_bootstrap=50),
        compare_models(data, n_bootstrap=50),
        agreement(data),
        wins_and_losses(data, models[0], models[1]),
        most_confident_errors(data, models[1]),
        sample_table(data, top_k=5),
        errors_by(data, "source"),
        error_slices(data, min_texts=5),
        find_label_issues(data, model=models[0]),
        compare_texts(data.texts(), data.texts().reverse()),
    ]


def test_no_result_lets_markup_through(nasty):
    for result in _results(nasty):
        html = result._repr_html_()
        name = type(result).__name__
        assert "<script" not in html, name
        assert "<img" not in html, name
        assert "<b>" not in html and "<i>" not in html, name


def test_texts_show_escaped(nasty):
    html = sample_table(nasty, top_k=3)._repr_html_()
    assert ESCAPED in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_results_serialise_to_json(data, tmp_path):
    for result in _results(data)[1:]:
        document = json.loads(result.to_json())
        table = result.to_polars()
        assert table.height > 0
        if isinstance(result, Agreement):  # its table is the long form of two k x k matrices
            assert table.height == len(data.models) ** 2
            continue
        # the main table is in the document, row for row
        tables = [v for v in document.values() if isinstance(v, list) and v]
        assert any(
            len(rows) == table.height and set(rows[0]) == set(table.columns) for rows in tables
        ), type(result).__name__
    path = tmp_path / "comparison.json"
    compare_models(data, n_bootstrap=20).to_json(path)
    assert json.loads(path.read_text())["metric"] == "accuracy"


def test_long_texts_are_shortened_in_html(texts, predictions):
    long = texts.with_columns(text=pl.col("text") + pl.lit(" word" * 200))
    data = join_predictions(long, predictions, models=MODELS, label_names=["negative", "positive"])
    html = sample_table(data, top_k=1)._repr_html_()
    assert "…" in html
    assert sample_table(data, top_k=1).to_polars()["text"][0] == long["text"][0]
