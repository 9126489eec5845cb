"""One name per idea: the deprecation helper, frequency parsing, and old names still working."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from mlops_notebooks._deprecation import BOTH_NAMES, RENAMED, renamed
from mlops_notebooks._frequency import BAD_FREQUENCY, UNITS, Frequency, parse_frequency
from mlops_notebooks.errors import FrequencyError, InvalidInputError


@renamed(top="top_k", random_state="seed")
def _head(values: list[int], *, top_k: int = 2, seed: int = 0) -> tuple[list[int], int]:
    return values[:top_k], seed


def test_new_names_need_no_warning() -> None:
    assert _head([1, 2, 3], top_k=1, seed=5) == ([1], 5)


def test_old_names_work_with_a_deprecation_warning() -> None:
    with pytest.warns(DeprecationWarning) as caught:
        assert _head([1, 2, 3], top=1, random_state=5) == ([1], 5)
    messages = sorted(str(w.message) for w in caught)
    assert messages == sorted(
        RENAMED.format(where="_head", old=old, new=new)
        for old, new in (("top", "top_k"), ("random_state", "seed"))
    )


def test_old_and_new_name_together_is_an_error() -> None:
    with pytest.raises(InvalidInputError) as caught:
        _head([1], top=1, top_k=1)
    assert str(caught.value) == BOTH_NAMES.format(where="_head", old="top", new="top_k")


def test_the_warning_points_at_the_caller() -> None:
    with pytest.warns(DeprecationWarning) as caught:
        _head([1], top=1)
    assert caught[0].filename == __file__


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1d", Frequency(1, "d", "1d")),
        ("6h", Frequency(6, "h", "6h")),
        ("3mo", Frequency(3, "mo", "3mo")),
        (" 1W ", Frequency(1, "w", "1w")),
        ("15m", Frequency(15, "m", "15m")),
    ],
)
def test_parse_frequency(text: str, expected: Frequency) -> None:
    assert parse_frequency(text) == expected


@pytest.mark.parametrize("text", ["", "d", "0d", "1 day", "1month", "often", "-1d", 7, None])
def test_bad_frequency_is_a_typed_error(text: object) -> None:
    with pytest.raises(FrequencyError) as caught:
        parse_frequency(text)
    assert str(caught.value) == BAD_FREQUENCY.format(value=text, units=", ".join(UNITS))
    assert isinstance(caught.value, InvalidInputError)


def test_every_frequency_argument_uses_the_parser() -> None:
    from mlops_notebooks.eda import missing_values, time_series

    frame = pl.DataFrame(
        {
            "when": pl.datetime_range(
                pl.datetime(2024, 1, 1), pl.datetime(2024, 3, 1), "1d", eager=True
            )
        }
    ).with_columns(value=pl.lit(1.0))
    for call in (
        lambda: time_series(frame, "when", frequency="daily"),
        lambda: missing_values(frame, time_column="when", frequency="daily"),
    ):
        with pytest.raises(FrequencyError, match="'daily' is not a time step"):
            call()


def test_renamed_public_arguments_still_work() -> None:
    from mlops_notebooks.drift import compare

    rng = np.random.default_rng(0)
    frame = pl.DataFrame({"x": rng.normal(size=200), "y": rng.integers(0, 2, 200)})
    new = compare(frame, frame, features=["x"], target="y")
    with pytest.warns(DeprecationWarning) as caught:
        old = compare(frame, frame, columns=["x"], target_column="y")
    assert {str(w.message).split(":")[1].split(" is ")[0].strip() for w in caught} == {
        "'columns'",
        "'target_column'",
    }
    assert old.to_dict() | {"reference": {}, "current": {}} == new.to_dict() | {
        "reference": {},
        "current": {},
    }


def test_a_positional_name_moved_to_a_keyword_warns_once_and_moves() -> None:
    from mlops_notebooks._deprecation import moved_to_keyword

    with pytest.warns(DeprecationWarning, match=r"Report\.plot\(metric\) is deprecated.*plot"):
        assert moved_to_keyword(
            "auc", None, ("auc", "f1"), where="Report.plot", keyword="metric"
        ) == (
            None,
            "auc",
        )
    # a real plot kind, or the keyword already given, pass through without a warning
    assert moved_to_keyword("bars", None, ("auc",), where="R.plot", keyword="metric") == (
        "bars",
        None,
    )
    assert moved_to_keyword("auc", "f1", ("auc",), where="R.plot", keyword="metric") == (
        "auc",
        "f1",
    )
