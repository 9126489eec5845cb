"""The same ``profile`` and ``compare`` on Spark ``local[2]``, from Spark's own sketches."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from mlops_notebooks.drift import compare
from mlops_notebooks.eda import profile

from .conftest import assert_numeric_agrees, assert_profiles_agree, mixed_frame

pytestmark = pytest.mark.slow
pyspark_sql = pytest.importorskip("pyspark.sql")
if shutil.which("java") is None:  # pragma: no cover - CI installs Java 17
    pytest.skip("Spark needs a Java runtime", allow_module_level=True)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    session = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("mlops-notebooks-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _spark_frame(spark: Any, frame: pl.DataFrame, path: Path) -> Any:
    frame.write_parquet(path, row_group_size=2_000)
    return spark.read.parquet(str(path))


def test_spark_profile_matches_the_in_memory_path(spark: Any, tmp_path: Path) -> None:
    frame = mixed_frame(np.random.default_rng(5))
    local = profile(frame, correlations=False)
    on_spark = profile(_spark_frame(spark, frame, tmp_path / "d.parquet"), engine="spark")
    assert_profiles_agree(on_spark, local)
    for expected in local.columns:
        got = on_spark.column(expected.name)
        if expected.numeric is not None:
            assert got.numeric is not None
            # Spark's KLL sketch, read by datasketches: quantiles within the rank error.
            assert_numeric_agrees(frame, expected.name, got.numeric, expected.numeric, rel=1e-6)
            assert got.numeric.mean == pytest.approx(expected.numeric.mean, rel=1e-12)
        # Spark's HLL sketch: within three relative standard errors (1.04 / 128 at lgK 14).
        assert abs(got.distinct - expected.distinct) <= max(3 * 0.0082 * expected.distinct, 1)


def test_spark_drift_finds_the_planted_shift_like_in_memory(spark: Any, tmp_path: Path) -> None:
    rng = np.random.default_rng(6)
    reference, current = mixed_frame(rng), mixed_frame(rng, shift=1.0)
    local = compare(reference, current)
    on_spark = compare(
        _spark_frame(spark, reference, tmp_path / "r.parquet"),
        _spark_frame(spark, current, tmp_path / "c.parquet"),
        engine="spark",
    )
    assert [c.drift for c in on_spark.columns] == [c.drift for c in local.columns]
    for exact, got in zip(local.columns, on_spark.columns, strict=True):
        assert (got.method, got.status) == (exact.method, exact.status)
        if exact.statistic is not None:
            assert got.statistic == pytest.approx(exact.statistic, rel=0.02, abs=1e-3)
