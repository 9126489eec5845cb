"""``profile`` and ``compare`` streamed from Parquet agree with the in-memory path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from mlops_notebooks.drift import compare
from mlops_notebooks.eda import profile
from mlops_notebooks.errors import InvalidInputError

from .conftest import mixed_frame


def test_streamed_profile_has_the_exact_statistics(frame: pl.DataFrame, parquet: Path) -> None:
    local = profile(frame, correlations=False)
    streamed = profile(parquet, engine="stream", progress=False)
    assert streamed.overview.rows == local.overview.rows
    assert streamed.overview.duplicate_rows == local.overview.duplicate_rows
    assert streamed.overview.kinds == local.overview.kinds
    for expected in local.columns:
        got = streamed.column(expected.name)
        assert (got.kind, got.count, got.missing) == (
            expected.kind,
            expected.count,
            expected.missing,
        )
        if expected.categorical is not None:
            assert got.categorical is not None
            assert got.categorical.counts == expected.categorical.counts
            assert got.distinct == expected.distinct
        if expected.datetime is not None:
            assert got.datetime is not None
            assert got.datetime.minimum == expected.datetime.minimum
            assert got.datetime.maximum == expected.datetime.maximum
            assert got.datetime.range_seconds == expected.datetime.range_seconds
        if expected.text is not None:
            assert got.text is not None
            assert got.text.to_dict() == pytest.approx(expected.text.to_dict())


def test_streamed_numeric_statistics(frame: pl.DataFrame, parquet: Path) -> None:
    local = profile(frame, correlations=False)
    streamed = profile(parquet, engine="stream", progress=False)
    for name in ("x", "big", "counts"):
        exact, sketched = local.column(name).numeric, streamed.column(name).numeric
        assert exact is not None and sketched is not None
        for field in ("minimum", "maximum", "zeros", "negatives", "infinities"):
            assert getattr(sketched, field) == getattr(exact, field), (name, field)
        for stat in ("mean", "std", "skewness", "kurtosis"):
            expected = exact.to_dict()[stat]
            assert sketched.to_dict()[stat] == pytest.approx(expected, rel=1e-8, abs=1e-12)
        assert sketched.sketch_merged
        values = np.sort(frame.get_column(name).drop_nulls().drop_nans().to_numpy())
        values = values[np.isfinite(values)]
        for q, value in sketched.quantiles.items():
            # The sketch's quantile is a value whose rank is within the rank error of q.
            low = np.searchsorted(values, value, "left") / values.size
            high = np.searchsorted(values, value, "right") / values.size
            assert low - 0.01 <= q <= high + 0.01, (name, q)


def test_streamed_drift_finds_the_planted_shift(
    rng: np.random.Generator, tmp_path: Path, parquet: Path
) -> None:
    current = mixed_frame(rng, shift=1.0).with_columns(
        pl.Series("city", rng.choice(["lyon", "oslo", "rome", "kyiv"], 12_000))
    )
    current_path = tmp_path / "current.parquet"
    current.write_parquet(current_path, row_group_size=1_000)
    reference = pl.read_parquet(parquet)
    local = compare(reference, current)
    streamed = compare(parquet, current_path, engine="stream", progress=False)
    assert [c.drift for c in streamed.columns] == [c.drift for c in local.columns]
    assert {c.column for c in streamed.columns if c.drift} >= {"x", "city"}
    for exact, got in zip(local.columns, streamed.columns, strict=True):
        assert (got.method, got.status) == (exact.method, exact.status)
        if exact.statistic is not None and got.statistic is not None:
            assert got.statistic == pytest.approx(exact.statistic, rel=0.02, abs=1e-3)
    assert (streamed.reference_rows, streamed.current_rows) == (12_000, 12_000)


def test_streamed_ks_is_within_the_sketch_bound(
    rng: np.random.Generator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlops_notebooks.summaries import engines

    monkeypatch.setattr(engines, "BATCH_ROWS", 5_000)
    # More distinct values than the exact limit: the column is binned and KS reads the sketches.
    reference = pl.DataFrame({"x": rng.normal(0, 1, 30_000)})
    current = pl.DataFrame({"x": rng.normal(0.05, 1.05, 25_000)})
    paths = tmp_path / "ref.parquet", tmp_path / "cur.parquet"
    reference.write_parquet(paths[0], row_group_size=5_000)
    current.write_parquet(paths[1], row_group_size=5_000)
    local = compare(reference, current, methods={"x": "ks"}).columns[0]
    streamed = compare(*paths, methods={"x": "ks"}, engine="stream").columns[0]
    assert "fine histogram" in streamed.note
    assert streamed.statistic == pytest.approx(local.statistic, abs=0.0062)
    assert streamed.drift == local.drift


def test_stream_needs_parquet(frame: pl.DataFrame) -> None:
    with pytest.raises(InvalidInputError, match="stream engine reads Parquet"):
        profile(frame, engine="stream")
    with pytest.raises(InvalidInputError, match="engine must be one of"):
        profile(frame, engine="cluster")  # type: ignore[arg-type]


def test_lazy_frames_stream_too(frame: pl.DataFrame, parquet: Path) -> None:
    streamed = profile(pl.scan_parquet(parquet), engine="stream", progress=False)
    assert streamed.overview.rows == frame.height


def test_progress_bar_goes_to_stderr(parquet: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profile(parquet, engine="stream", progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "12.0k/12.0k" in captured.err


def test_cli_streams_profile_and_drift(
    tmp_path: Path, parquet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from mlops_notebooks.cli.main import main

    out = tmp_path / "profile.json"
    assert main(["profile", str(parquet), "--engine", "stream", "--json", str(out)]) == 0
    assert json.loads(out.read_text())["overview"]["rows"] == 12_000
    shifted = pl.read_parquet(parquet).with_columns(pl.col("x") + 5.0, pl.col("big") + 5.0)
    shifted_path = tmp_path / "shifted.parquet"
    shifted.write_parquet(shifted_path)
    code = main(
        ["drift", str(parquet), str(shifted_path), "--engine", "stream", "--drift-share", "0.2"]
    )
    assert code == 1  # x and big drifted: 2 of 6 compared features
    assert "DRIFT" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        main(["profile", str(parquet), "--engine", "nope"])
    assert exit_info.value.code == 2


def test_auto_streams_large_parquet_and_loads_small(
    parquet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlops_notebooks.summaries import engines

    assert engines.resolve_engine(parquet, "auto") == "local"
    assert engines.resolve_engine(pl.DataFrame({"a": [1]}), "auto") == "local"
    monkeypatch.setattr(engines, "AUTO_STREAM_ROWS", 10_000)
    assert engines.resolve_engine(parquet, "auto") == "stream"
    assert profile(parquet).column("x").numeric.sketch_merged  # type: ignore[union-attr]


def test_engine_and_data_must_match(frame: pl.DataFrame) -> None:
    with pytest.raises(InvalidInputError, match="needs a dask DataFrame"):
        profile(frame, engine="dask")
    with pytest.raises(InvalidInputError, match="needs a Spark DataFrame"):
        compare(frame, frame, engine="spark")
    with pytest.raises(InvalidInputError, match="target is used by the correlations"):
        profile(pl.DataFrame({"a": [1.0]}).lazy(), engine="stream", target="a")
