"""``profile`` and ``compare`` streamed from Parquet agree with the in-memory path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from mlops_notebooks.drift import compare
from mlops_notebooks.eda import profile
from mlops_notebooks.errors import InvalidInputError

from .conftest import assert_numeric_agrees, assert_profiles_agree, mixed_frame


def test_streamed_profile_has_the_exact_statistics(frame: pl.DataFrame, parquet: Path) -> None:
    local = profile(frame, correlations=False)
    streamed = profile(parquet, engine="stream", progress=False)
    assert_profiles_agree(streamed, local)
    for expected in local.columns:
        if expected.categorical is not None:
            assert streamed.column(expected.name).distinct == expected.distinct


def test_streamed_numeric_statistics(frame: pl.DataFrame, parquet: Path) -> None:
    local = profile(frame, correlations=False)
    streamed = profile(parquet, engine="stream", progress=False)
    for name in ("x", "big", "counts"):
        exact, sketched = local.column(name).numeric, streamed.column(name).numeric
        assert exact is not None and sketched is not None
        assert_numeric_agrees(frame, name, sketched, exact, rel=1e-8)
        assert sketched.sketch_merged


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


def test_catalog_names_stream_from_their_files(
    tmp_path: Path, parquet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from mlops_notebooks.cli.main import main
    from mlops_notebooks.errors import CatalogError
    from mlops_notebooks.summaries.clusters import catalog_path

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "events.parquet").write_bytes(parquet.read_bytes())
    (tmp_path / "catalog.yaml").write_text(
        "datasets:\n"
        "  events:\n    source: data/events.parquet\n"
        "  secret_events:\n    source: ${EVENTS_BUCKET}/events.parquet\n"
    )
    monkeypatch.setenv("MLOPS_NB_CATALOG", str(tmp_path / "catalog.yaml"))
    assert catalog_path("events") == str(tmp_path / "data" / "events.parquet")
    assert catalog_path("catalog:events") == str(tmp_path / "data" / "events.parquet")
    assert catalog_path("secret_events") == "secret_events"  # left to the engine to refuse
    with pytest.raises(CatalogError, match="did you mean 'events'"):
        catalog_path("event")
    out = tmp_path / "profile.json"
    assert main(["profile", "events", "--engine", "stream", "--json", str(out)]) == 0
    assert json.loads(out.read_text())["overview"]["rows"] == 12_000
