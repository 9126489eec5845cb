"""The same ``profile`` and ``compare`` on a Dask cluster (a LocalCluster with 2 workers)."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from mlops_notebooks.drift import compare
from mlops_notebooks.eda import profile
from mlops_notebooks.errors import EngineError
from mlops_notebooks.summaries.engines import reduce_partitions

from .conftest import mixed_frame

pytestmark = pytest.mark.slow
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0"
    )
    with distributed.Client(cluster) as dask_client:
        yield dask_client
    cluster.close()


def _dask(frame: pl.DataFrame, partitions: int = 6) -> Any:
    return dd.from_pandas(frame.to_pandas(), npartitions=partitions)


def test_dask_profile_equals_the_in_memory_exact_statistics(client: Any) -> None:
    frame = mixed_frame(np.random.default_rng(3))
    local = profile(frame, correlations=False)
    distributed_profile = profile(_dask(frame))  # engine "auto" recognises the Dask frame
    assert distributed_profile.overview.rows == local.overview.rows
    for expected in local.columns:
        got = distributed_profile.column(expected.name)
        assert (got.count, got.missing, got.kind) == (
            expected.count,
            expected.missing,
            expected.kind,
        )
        if expected.numeric is not None and got.numeric is not None:
            assert got.numeric.minimum == expected.numeric.minimum
            assert got.numeric.maximum == expected.numeric.maximum
            assert got.numeric.mean == pytest.approx(expected.numeric.mean, rel=1e-12)
            assert got.numeric.moments.std == pytest.approx(expected.numeric.moments.std, rel=1e-9)
        if expected.categorical is not None:
            assert got.categorical is not None
            assert got.categorical.counts == expected.categorical.counts


def test_dask_drift_finds_the_planted_shift_like_in_memory(client: Any) -> None:
    rng = np.random.default_rng(4)
    reference, current = mixed_frame(rng), mixed_frame(rng, shift=1.0)
    local = compare(reference, current)
    on_dask = compare(_dask(reference), _dask(current, 4), engine="dask")
    assert [c.drift for c in on_dask.columns] == [c.drift for c in local.columns]
    assert on_dask.columns[0].column == "x" and on_dask.columns[0].drift
    for exact, got in zip(local.columns, on_dask.columns, strict=True):
        if exact.statistic is not None:
            assert got.statistic == pytest.approx(exact.statistic, rel=0.02, abs=1e-3)


def _kill_a_worker_soon(client: Any, delay: float) -> threading.Thread:
    pids = list(client.run(os.getpid).values())

    def kill() -> None:
        time.sleep(delay)
        os.kill(pids[0], signal.SIGKILL)

    thread = threading.Thread(target=kill)
    thread.start()
    return thread


def test_killing_a_worker_mid_run_completes_or_fails_typed(client: Any) -> None:
    frame = pl.DataFrame({"x": np.arange(40_000, dtype=np.float64)})

    def slow_sum(part: pl.DataFrame) -> tuple[int, float]:
        time.sleep(0.3)
        return part.height, float(part.get_column("x").sum())

    def add(a: tuple[int, float], b: tuple[int, float]) -> tuple[int, float]:
        return a[0] + b[0], a[1] + b[1]

    killer = _kill_a_worker_soon(client, 0.8)
    try:
        result = reduce_partitions(_dask(frame, 16), "dask", slow_sum, add)
    except EngineError:
        pass  # the scheduler gave up: a typed error, no partial result
    else:
        assert result == (40_000, float(frame.get_column("x").sum()))  # retried: whole
    finally:
        killer.join()
    client.wait_for_workers(1, timeout=120)  # the nanny restarts killed workers


def test_a_partition_that_keeps_killing_its_worker_raises_engine_error(client: Any) -> None:
    frame = pl.DataFrame({"x": np.arange(1_000, dtype=np.float64)})

    def poisoned(part: pl.DataFrame) -> int:
        if part.get_column("x").min() == 0:
            os._exit(1)  # the worker process dies on every attempt
        return part.height

    with pytest.raises(EngineError, match="no partial result"):
        reduce_partitions(_dask(frame, 4), "dask", poisoned, lambda a, b: a + b)
    client.wait_for_workers(1, timeout=120)  # the nanny restarts killed workers


def test_cli_runs_drift_on_an_existing_scheduler(client: Any, tmp_path: Path) -> None:
    from mlops_notebooks.cli.main import main

    rng = np.random.default_rng(8)
    reference, current = tmp_path / "ref.parquet", tmp_path / "cur.parquet"
    mixed_frame(rng).write_parquet(reference)
    mixed_frame(rng, shift=3.0).write_parquet(current)
    address = client.scheduler.address
    arguments = ["--engine", "dask", "--scheduler", address, "--drift-share", "0.2"]
    assert main(["drift", str(reference), str(current), *arguments]) == 1  # x drifted
