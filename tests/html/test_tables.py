"""The one table renderer: escaping, number formats, alignment, flags, truncation, scrolling."""

from __future__ import annotations

import math

import pandas as pd
import polars as pl
import pytest

from mlops_notebooks._html.tables import format_number, frame_to_html


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1234567, "1,234,567"),
        (0.123456, "0.1235"),
        (168234.7, "168,235"),
        (1943.25, "1943.2"),
        (2013.0, "2013"),
        (2013, "2013"),
        (12345, "12,345"),
        (-0.5, "-0.5"),
        (2.5e-7, "2.5e-07"),
        (math.nan, "NaN"),
        (math.inf, "inf"),
        (-math.inf, "-inf"),
        (None, ""),
        (True, "True"),
    ],
)
def test_format_number(value: float | None, expected: str) -> None:
    assert format_number(value) == expected


def test_percent() -> None:
    assert format_number(0.0123, percent=True) == "1.2%"


def test_every_name_and_value_is_escaped() -> None:
    evil = "<script>alert(1)</script>"
    page = frame_to_html(pl.DataFrame({evil: [evil], "x": [1]}), caption=evil)
    assert "<script" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3


def test_numbers_right_aligned_text_wraps_only_when_long() -> None:
    frame = pl.DataFrame({"n": [1.5], "short": ["abc"], "long": ["word " * 20]})
    page = frame_to_html(frame)
    assert "<th class='num' scope='col'>n</th>" in page
    assert "<td class='num'>1.5</td>" in page
    assert "<td>abc</td>" in page
    assert "<td class='text'>" in page


def test_rows_cut_with_a_note_and_table_in_a_scroll_box() -> None:
    page = frame_to_html(pl.DataFrame({"i": range(45)}), max_rows=30)
    assert page.count("<tr>") == 31  # header + 30 rows
    assert "15 more rows not shown" in page
    assert page.startswith("<div class='mlnb-scroll'><table class='mlnb-table'>")


def test_long_texts_cut_flags_percent_and_missing() -> None:
    frame = pl.DataFrame({"t": ["x" * 500, "y"], "drift": [True, False], "share": [0.25, None]})
    page = frame_to_html(frame, text_limit=50, flag="drift", percent=("share",))
    assert "x" * 49 + "…" in page and "x" * 50 not in page
    assert page.count("<tr class='mlnb-flag'>") == 1
    assert "<td class='num'>25.0%</td>" in page
    assert "<td class='num missing'></td>" in page


def test_pandas_frames_render_like_polars() -> None:
    frame = pd.DataFrame({"a": [1, 2], "b": ["u", "v"]}, index=[10, 20])
    assert frame_to_html(frame) == frame_to_html(pl.from_pandas(frame))


def test_approximate_cells_get_the_sign_and_the_escaped_bound() -> None:
    frame = pl.DataFrame({"name": ["a", "b"], "distinct": [12_345, 7]})
    text = frame_to_html(frame, approximate={"distinct": ["HLL: ±0.81% <'rse'>", None]})
    assert (
        "<td class='num'><span class='mlnb-approx' title='HLL: ±0.81% &lt;&#x27;rse&#x27;&gt;'>"
        "≈\u00a012,345</span></td>" in text
    )
    assert "<td class='num'>7</td>" in text
    assert text.count("≈") == 1
    assert "≈" not in frame_to_html(frame)
