"""A KS statistic read off KLL sketches (beyond memory) carries its bound; exact ones do not."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from scipy import stats

from mlops_notebooks.cli.commands.drift import format_table
from mlops_notebooks.drift import DriftReport, compare
from mlops_notebooks.summaries.sketches import KS_GRID, QuantileSketch

BATCH = 5_000


@pytest.fixture
def frames(rng: np.random.Generator) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A planted shift in ``x`` (more distinct values than the exact plan keeps: binned, so KS
    must read the sketches beyond memory); ``y`` and ``city`` unchanged."""

    def frame(rows: int, shift: float) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "x": rng.normal(shift, 1.0, rows),
                "y": rng.normal(0.0, 1.0, rows),
                "city": rng.choice(["lyon", "oslo", "rome"], rows),
            }
        )

    return frame(30_000, 0.0), frame(25_000, 0.08)


@pytest.fixture
def reports(
    frames: tuple[pl.DataFrame, pl.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[DriftReport, DriftReport]:
    from mlops_notebooks.summaries import engines

    monkeypatch.setattr(engines, "BATCH_ROWS", BATCH)
    paths = tmp_path / "reference.parquet", tmp_path / "current.parquet"
    for frame, path in zip(frames, paths, strict=True):
        frame.write_parquet(path, row_group_size=BATCH)
    methods = {"x": "ks", "y": "ks"}
    local = compare(*frames, methods=methods)
    streamed = compare(*paths, methods=methods, engine="stream", progress=False)
    return local, streamed


def test_sketched_ks_states_its_bound_and_keeps_it(reports, frames) -> None:  # type: ignore[no-untyped-def]
    local, streamed = reports
    x = streamed["x"]
    assert x.approximate and x.drift
    assert x.error_bound == pytest.approx(2 * QuantileSketch().rank_error + 2 / KS_GRID)
    exact = stats.ks_2samp(frames[0]["x"].to_numpy(), frames[1]["x"].to_numpy()).statistic
    assert abs(x.statistic - exact) <= x.error_bound
    assert "ks statistic from quantile sketches" in x.note
    assert streamed["city"].approximate is False  # value counts: exact on every engine
    assert not any(c.approximate for c in local.columns)


def test_json_names_the_approximate_columns(reports) -> None:  # type: ignore[no-untyped-def]
    local, streamed = reports
    document = json.loads(streamed.to_json())
    assert document["approximate_columns"] == ["x", "y"]
    by_name = {c["column"]: c for c in document["columns"]}
    assert by_name["x"]["approximate"] is True
    assert by_name["x"]["error_bound"] == pytest.approx(streamed["x"].error_bound)
    assert (by_name["city"]["approximate"], by_name["city"]["error_bound"]) == (False, None)
    exact = json.loads(local.to_json())
    assert exact["approximate_columns"] == []
    assert {c["error_bound"] for c in exact["columns"]} == {None}


def test_html_marks_the_sketched_statistics_only(reports) -> None:  # type: ignore[no-untyped-def]
    local, streamed = reports
    page = streamed.to_html()
    row = re.search(r"<tr class='mlnb-flag'><td>x</td>.*?</tr>", page)
    assert row is not None
    titles = [html.unescape(t) for t in re.findall(r"class='mlnb-approx' title='([^']+)'", row[0])]
    assert len(titles) == 2  # the statistic and the p-value
    assert titles[0].startswith("ks statistic from two KLL quantile sketches: within ±0.006")
    city = re.search(r"<tr><td>city</td>.*?</tr>", page)
    assert city is not None and "≈" not in city[0]
    assert "marks a value computed from a sketch" in page
    # Table cells (x, y: statistic and p-value) and the two cards' facts.
    assert page.count("<span class='mlnb-approx'") == 8
    assert "≈" not in local.to_html() and "≈" not in local._repr_html_()
    assert streamed._repr_html_().count("<span class='mlnb-approx'") == 4


def test_cli_table_marks_sketched_statistics(reports) -> None:  # type: ignore[no-untyped-def]
    local, streamed = reports
    lines = format_table(streamed).splitlines()
    x = next(line for line in lines if line.startswith("x "))
    assert x.split()[3].startswith("~") and x.split()[4].startswith("~")
    assert "~ statistic computed from quantile sketches" in lines[-2]
    assert "~" not in format_table(local)
