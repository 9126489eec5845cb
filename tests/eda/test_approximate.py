"""Beyond memory, sketched values are flagged with their error bounds; exact profiles are not.

The same real flights, profiled in memory (``local``) and streamed from Parquet in 5,000-row
batches (``stream``). Each bound a streamed profile states must hold against the exact values.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from mlops_notebooks.eda import DataProfile, profile
from mlops_notebooks.summaries.sketches import QuantileSketch
from tests.eda.conftest import nyc_flights

ROWS = 40_000
BATCH = 5_000
QUANTILE_FIELDS = ["p1", "p5", "p25", "p50", "p75", "p95", "p99"]


@pytest.fixture(scope="module")
def flights() -> pl.DataFrame:
    """40,000 real flights; ``route`` (plane and flight number) has more distinct values than
    are counted exactly (about 35,000)."""
    sample = nyc_flights().sample(ROWS, seed=0)
    route = pl.concat_str(["tailnum", pl.col("flight").cast(pl.String)], separator="-")
    return sample.select(
        "id", "month", "distance", "dep_delay", "carrier", "tailnum", route.alias("route")
    )


@pytest.fixture(scope="module")
def profiles(
    flights: pl.DataFrame, tmp_path_factory: pytest.TempPathFactory
) -> tuple[DataProfile, DataProfile]:
    from mlops_notebooks.summaries import engines

    path = tmp_path_factory.mktemp("approx") / "flights.parquet"
    flights.write_parquet(path, row_group_size=BATCH)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engines, "BATCH_ROWS", BATCH)
        streamed = profile(path, engine="stream", progress=False)
    return profile(flights, correlations=False), streamed


def test_an_exact_profile_flags_nothing_and_shows_no_sign(profiles) -> None:  # type: ignore[no-untyped-def]
    local, _ = profiles
    document = json.loads(local.to_json())
    assert document["approximate"] is False
    assert [column["approximate"] for column in document["columns"]] == [{}] * 7
    assert "≈" not in local.to_html()
    assert "≈" not in local._repr_html_()


def test_streamed_quantiles_hold_their_rank_bound(profiles, flights) -> None:  # type: ignore[no-untyped-def]
    _, streamed = profiles
    document = json.loads(streamed.to_json())
    assert document["approximate"] is True
    column = next(c for c in document["columns"] if c["name"] == "dep_delay")
    quantiles = column["approximate"]["quantiles"]
    rank_error = QuantileSketch().rank_error
    assert quantiles["fields"] == QUANTILE_FIELDS
    assert (quantiles["method"], quantiles["error_kind"]) == ("KLL sketch", "rank")
    assert quantiles["error"] == pytest.approx(rank_error) and 0.002 < rank_error < 0.003
    values = np.sort(flights["dep_delay"].drop_nulls().to_numpy().astype(float))
    for field in QUANTILE_FIELDS:
        q, value = int(field[1:]) / 100, column["numeric"][field]
        low = np.searchsorted(values, value, "left") / values.size
        high = np.searchsorted(values, value, "right") / values.size
        assert low - rank_error <= q <= high + rank_error, field


def test_streamed_outlier_count_is_within_its_stated_rows(profiles) -> None:  # type: ignore[no-untyped-def]
    local, streamed = profiles
    for name in ("dep_delay", "distance"):
        approximation = streamed.column(name).approximations()["iqr_outliers"]
        exact = local.column(name).numeric.iqr_outliers  # type: ignore[union-attr]
        sketched = streamed.column(name).numeric.iqr_outliers  # type: ignore[union-attr]
        count = local.column(name).count - local.column(name).missing
        assert approximation.error == round(2 * QuantileSketch().rank_error * count)
        assert abs(sketched - exact) <= approximation.error, name


def test_distinct_counts_are_exact_until_the_sketch_takes_over(profiles) -> None:  # type: ignore[no-untyped-def]
    local, streamed = profiles
    for name in ("month", "carrier", "tailnum", "distance"):
        assert streamed.column(name).distinct == local.column(name).distinct
        assert "distinct" not in streamed.column(name).approximations()
    estimate = streamed.column("id").approximations()["distinct"]
    assert (estimate.method, estimate.error_kind) == ("HyperLogLog", "relative")
    assert estimate.error == pytest.approx(1.04 / 2**7)
    assert abs(streamed.column("id").distinct - ROWS) <= 3 * estimate.error * ROWS


def test_frequent_value_counts_are_short_by_at_most_the_bound(profiles) -> None:  # type: ignore[no-untyped-def]
    local, streamed = profiles
    route = streamed.column("route")
    assert route.categorical is not None and route.categorical.truncated
    bound = route.approximations()["top_values"]
    assert bound.error_kind == "count" and bound.error is not None
    exact = local.column("route").categorical.counts  # type: ignore[union-attr]
    for value, count in route.categorical.top(10):
        assert exact[value] - bound.error <= count <= exact[value], value


def _row(page: str, column: str) -> str:
    match = re.search(rf"<tr><td>{column}</td>.*?</tr>", page)
    assert match is not None, column
    return match.group(0)


def test_the_report_marks_sketched_cells_and_explains_the_sign(profiles) -> None:  # type: ignore[no-untyped-def]
    _, streamed = profiles
    page = streamed.to_html()
    # Overview table: the HyperLogLog distinct count and the KLL median of `id` are marked,
    # with their bounds as tooltips; count, missing share, mean, min and max are not.
    row = _row(page, "id")
    marks = [
        html.unescape(title)
        for title in re.findall(r"<span class='mlnb-approx' title='([^']+)'>≈", row)
    ]
    assert len(marks) == 2
    assert marks[0].startswith("HyperLogLog estimate: relative standard error 0.81%")
    assert marks[1].startswith("KLL sketch: each quantile's rank within ±0.28% of the values")
    assert row.count("≈") == 2
    month = _row(page, "month")  # exact distinct count (12), sketched median only
    assert month.count("≈") == 1 and "HyperLogLog" not in month
    assert "marks a value computed from a sketch" in page
    assert "distinct counts: HyperLogLog, relative standard error 0.81%" in page
    assert "frequent-items sketch, each count short by at most" in page
    assert "marks a value computed from a sketch" in streamed._repr_html_()


def test_estimated_duplicates_are_marked(
    flights: pl.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlops_notebooks.summaries import engines, table

    monkeypatch.setattr(engines, "BATCH_ROWS", BATCH)
    monkeypatch.setattr(table, "EXACT_DUPLICATE_ROWS", 2 * BATCH)  # as beyond 20M rows
    path = tmp_path / "flights.parquet"
    pl.concat([flights, flights.head(8_000)]).write_parquet(path, row_group_size=BATCH)
    streamed = profile(path, engine="stream", progress=False)
    error = streamed.overview.duplicate_rows_error
    assert error == pytest.approx(1.04 / 2**7 * (ROWS + 8_000))
    assert abs(streamed.overview.duplicate_rows - 8_000) <= 3 * error
    assert json.loads(streamed.to_json())["overview"]["duplicate_rows_error"] == pytest.approx(
        error
    )
    tile = re.search(r"<span>duplicated rows</span><strong>(.*?)</strong>", streamed.to_html())
    assert tile is not None and "≈" in tile.group(1) and "HyperLogLog" in tile.group(1)


def test_merged_partition_profiles_give_a_lower_bound_not_an_estimate(flights) -> None:  # type: ignore[no-untyped-def]
    first, second = (
        profile(part, correlations=False).column("dep_delay")
        for part in (flights.head(ROWS // 2), flights.tail(ROWS // 2))
    )
    merged = first.merge(second)
    distinct = merged.approximations()["distinct"]
    assert (distinct.error_kind, distinct.error) == ("lower_bound", None)
    assert merged.distinct <= flights["dep_delay"].n_unique() - 1  # null not counted
    quantiles = merged.approximations()["quantiles"]
    assert (quantiles.method, quantiles.error) == ("merged percentile sketches", 0.01)
