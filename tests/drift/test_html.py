"""The drift report page: verdict, ranked SVG chart, column table, distribution cards, header."""

from __future__ import annotations

import re

import numpy as np
import pytest

from mlops_notebooks._html.style import CURRENT_COLOR, REFERENCE_COLOR
from mlops_notebooks._html.svg import FLAG_COLOR
from mlops_notebooks.drift import compare
from mlops_notebooks.drift.html import MAX_POINTS, columns_frame
from tests.drift.conftest import PLANTED, make_frame


@pytest.fixture
def report(rng: np.random.Generator):  # type: ignore[no-untyped-def]
    return compare(make_frame(rng, 1500), make_frame(rng, 1500, shift=1.0))


def _chart(page: str, label: str) -> str:
    match = re.search(rf"<svg[^>]*aria-label='{re.escape(label)}'.*?</svg>", page, re.DOTALL)
    assert match is not None, label
    return match.group(0)


def test_page_has_no_matplotlib_image_and_one_card_per_column(report) -> None:  # type: ignore[no-untyped-def]
    page = report.to_html()
    assert "data:image/png" not in page and "<script" not in page
    compared = [r for r in report.columns if r.reference is not None]
    assert page.count("<article class='mlnb-card'>") == len(compared) == 6
    assert page.count("<span class='mlnb-badge bad'>drift</span>") == len(report.drifted_columns)
    assert report.summary_line() in page


def test_ranked_chart_has_one_bar_per_column_most_drifted_first(report) -> None:  # type: ignore[no-untyped-def]
    chart = _chart(report.to_html(), "drift by column")
    fills = re.findall(r"<rect [^>]*fill='(#[0-9a-f]{6})'><title>([^<]*)</title>", chart)
    ranked = [r for r in report.ranked() if r.statistic is not None]
    assert [title.split(" (")[0] for _, title in fills] == [r.column for r in ranked]
    flagged = {title.split(" (")[0] for fill, title in fills if fill == FLAG_COLOR}
    assert flagged == set(report.drifted_columns) == set(PLANTED)


def test_overlay_bars_are_the_two_shares(report) -> None:  # type: ignore[no-untyped-def]
    chart = _chart(report.to_html(), "distributions of c_shifted")
    ref = re.findall(rf"fill='{REFERENCE_COLOR}'><title>([a-d]): reference ([0-9.]+)%", chart)
    cur = re.findall(rf"fill='{CURRENT_COLOR}'><title>([a-d]): current ([0-9.]+)%", chart)
    assert len(ref) == len(cur) == 4
    assert sum(float(v) for _, v in ref) == pytest.approx(100.0, abs=0.05)
    summary = report["c_shifted"].reference
    expected = dict(zip(summary.support.tolist(), summary.counts / summary.count, strict=True))
    for label, value in ref:
        assert float(value) == pytest.approx(100 * expected[label], abs=0.006)


def test_numeric_overlay_has_at_most_max_points_bins(report) -> None:  # type: ignore[no-untyped-def]
    chart = _chart(report.to_html(), "distributions of x_shifted")
    assert chart.count(f"fill='{REFERENCE_COLOR}'") == MAX_POINTS


def test_columns_table_flags_drifted_rows(report) -> None:  # type: ignore[no-untyped-def]
    frame = columns_frame(report)
    assert frame["column"].to_list() == [r.column for r in report.ranked()]
    page = report._repr_html_()
    assert page.count("<tr class='mlnb-flag'>") == len(report.drifted_columns)
    assert page.startswith("<div class='mlnb mlnb-result'><style>")


def test_header_names_both_data_sets(tmp_path, rng: np.random.Generator) -> None:  # type: ignore[no-untyped-def]
    paths = []
    for name, shift in (("ref.parquet", 0.0), ("cur.parquet", 1.0)):
        path = tmp_path / name
        make_frame(rng, 800, shift=shift).write_parquet(path)
        paths.append(str(path))
    page = compare(*paths).to_html()
    header = page[page.index("<header") : page.index("</header>")]
    assert "<b>reference</b>" in header and "<b>current</b>" in header
    assert paths[0] in header and paths[1] in header
    assert header.count("800 × 6") == 2
    assert "mlops-notebooks 0.1.0" in header
