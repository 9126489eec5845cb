from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from mlops_notebooks.errors import InvalidInputError
from mlops_notebooks.sentiment import (
    agreement,
    compare_models,
    compare_texts,
    error_slices,
    errors_by,
    evaluate_models,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_every_view_draws_a_figure(data):
    evaluations = evaluate_models(data, n_bootstrap=20)
    figures = [
        evaluations.plot("metrics"),
        evaluations.plot("calibration"),
        evaluations.plot("confusion"),
        compare_models(data, n_bootstrap=20).plot(),
        agreement(data).plot(),
        errors_by(data, "length").plot(),
        error_slices(data, min_texts=5).plot("planted", n=5),
        compare_texts(data.texts(), data.texts().reverse()).plot("lengths"),
        compare_texts(data.texts(), data.texts().reverse()).plot("terms"),
    ]
    assert all(isinstance(figure, plt.Figure) for figure in figures)
    assert len(figures[2].axes) == 3  # one confusion matrix per model


def test_unknown_kinds(data):
    with pytest.raises(InvalidInputError, match="unknown plot kind 'roc'"):
        evaluate_models(data, n_bootstrap=0).plot("roc")
    with pytest.raises(InvalidInputError, match="unknown plot kind 'words'"):
        compare_texts(data.texts(), data.texts()).plot("words")
