"""Bad model outputs raise InvalidInputError with the documented message."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from mlops_notebooks.errors import InvalidInputError
from mlops_notebooks.evaluation import _inputs as messages
from mlops_notebooks.evaluation import assess_bias, evaluate


def test_predicted_labels_not_among_targets():
    frame = pl.DataFrame({"y": ["a", "b", "a"], "p": ["a", "c", "a"]})
    expected = messages.UNKNOWN_PREDICTED_LABELS.format(labels=["c"], name="y")
    with pytest.raises(InvalidInputError, match=expected.replace("[", r"\[").replace("]", r"\]")):
        evaluate(frame, target="y", prediction="p")


def test_probabilities_not_summing_to_one():
    frame = pl.DataFrame(
        {"y": [0, 1, 2], "a": [0.5, 0.2, 0.1], "b": [0.2, 0.2, 0.1], "c": [0.3, 0.6, 0.1]}
    )
    with pytest.raises(InvalidInputError, match="must sum to one per row; 1 rows deviate"):
        evaluate(frame, target="y", probabilities=["a", "b", "c"])


def test_probabilities_outside_unit_interval():
    frame = pl.DataFrame({"y": [0, 1, 1], "p": [0.5, 1.2, 0.3]})
    with pytest.raises(InvalidInputError, match="must lie in \\[0, 1\\]; 1 values"):
        evaluate(frame, target="y", probabilities="p")


def test_single_class():
    frame = pl.DataFrame({"y": [1, 1, 1], "p": [1, 1, 1]})
    with pytest.raises(InvalidInputError) as caught:
        evaluate(frame, target="y", prediction="p", task="binary")
    assert str(caught.value) == messages.SINGLE_CLASS.format(name="y", label=1)


def test_mismatched_lengths():
    with pytest.raises(InvalidInputError) as caught:
        evaluate(target=np.array([0, 1, 1]), prediction=np.array([0, 1]))
    assert str(caught.value) == messages.MISMATCHED_LENGTHS.format(
        a="target", n_a=3, b="prediction", n_b=2
    )


def test_missing_target_values():
    frame = pl.DataFrame({"y": [0, None, 1], "p": [0, 1, 1]})
    with pytest.raises(InvalidInputError) as caught:
        evaluate(frame, target="y", prediction="p")
    assert str(caught.value) == messages.MISSING_VALUES.format(role="target", name="y", count=1)


def test_group_column_with_missing_values():
    from mlops_notebooks.evaluation.bias import GROUP_MISSING

    frame = pl.DataFrame({"y": [0, 1, 1, 0], "p": [0, 1, 0, 0], "g": ["a", None, "b", "a"]})
    with pytest.raises(InvalidInputError) as caught:
        assess_bias(frame, target="y", prediction="p", groups="g", n_bootstrap=0)
    assert str(caught.value) == GROUP_MISSING.format(name="g", count=1)


def test_unknown_column_and_task():
    frame = pl.DataFrame({"y": [0, 1], "p": [0, 1]})
    with pytest.raises(InvalidInputError, match="prediction column 'nope' is not in the data"):
        evaluate(frame, target="y", prediction="nope")
    with pytest.raises(InvalidInputError, match="task must be one of"):
        evaluate(frame, target="y", prediction="p", task="ranking")  # type: ignore[arg-type]
