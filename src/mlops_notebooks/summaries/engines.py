"""Where the partitions come from: memory, a streamed Parquet scan, a Dask or a Spark cluster.

:func:`reduce_partitions` applies a function to every partition as a polars frame and merges
the results; it is the one loop behind ``profile`` and ``compare`` on the ``stream`` and
``dask`` engines (Spark uses its own aggregate functions, see
:mod:`mlops_notebooks.summaries.spark`). Partial results are never returned: a failed
partition raises :class:`~mlops_notebooks.errors.EngineError`.
"""

from __future__ import annotations

import glob
import os
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from mlops_notebooks.errors import EngineError, InvalidInputError, MlopsNotebooksError

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "ENGINES",
    "Engine",
    "is_dask",
    "is_spark",
    "reduce_partitions",
    "resolve_engine",
    "sample_frame",
]

Engine = Literal["auto", "local", "stream", "dask", "spark"]
ENGINES: tuple[str, ...] = ("auto", "local", "stream", "dask", "spark")
# Rows per batch of a streamed LazyFrame (Parquet files are read one row group at a time).
BATCH_ROWS = 1_000_000
# ``auto`` streams a Parquet source with more rows than this instead of loading it.
AUTO_STREAM_ROWS = 20_000_000
# Rows the column kinds are inferred from (every partition then uses the same kinds).
KIND_SAMPLE_ROWS = 50_000
# Environment variables naming an existing cluster.
SCHEDULER_ENV = "MLOPS_NB_DASK_SCHEDULER"
MASTER_ENV = "MLOPS_NB_SPARK_MASTER"

BAD_ENGINE = "engine must be one of {valid}, got {value!r}"
NOT_PARQUET = (
    "the stream engine reads Parquet: pass a .parquet file, a directory or glob of them, "
    "or a polars LazyFrame (got {value!r})"
)
WRONG_DATA = "engine {engine!r} needs a {what}, got {kind}"
PARTITION_FAILED = "{engine} run failed, no partial result returned: {error}"

T = TypeVar("T")


def is_dask(data: Any) -> bool:
    """Whether ``data`` is a Dask DataFrame."""
    return type(data).__module__.startswith("dask") and hasattr(data, "to_delayed")


def is_spark(data: Any) -> bool:
    """Whether ``data`` is a Spark DataFrame (classic or Spark Connect)."""
    return type(data).__module__.startswith("pyspark.sql") and type(data).__name__ == "DataFrame"


def resolve_engine(data: Any, engine: str) -> str:
    """The concrete engine for ``data``: ``auto`` follows the data's type and size.

    Dask and Spark frames use their engine; a Parquet path or a LazyFrame over more than
    :data:`AUTO_STREAM_ROWS` rows is streamed; anything else is loaded and summarised in memory
    (exact statistics).
    """
    if engine not in ENGINES:
        raise InvalidInputError(BAD_ENGINE.format(valid=list(ENGINES), value=engine))
    if engine != "auto":
        _check_data(data, engine)
        return engine
    if is_dask(data):
        return "dask"
    if is_spark(data):
        return "spark"
    if _parquet_source(data) is not None and _row_count(data) > AUTO_STREAM_ROWS:
        return "stream"
    return "local"


def _check_data(data: Any, engine: str) -> None:
    if engine == "dask" and not is_dask(data):
        raise InvalidInputError(
            WRONG_DATA.format(engine=engine, what="dask DataFrame", kind=type(data).__name__)
        )
    if engine == "spark" and not is_spark(data):
        raise InvalidInputError(
            WRONG_DATA.format(engine=engine, what="Spark DataFrame", kind=type(data).__name__)
        )
    if engine == "stream" and _parquet_source(data) is None:
        raise InvalidInputError(NOT_PARQUET.format(value=str(data)[:200]))


def _parquet_source(data: Any) -> pl.LazyFrame | None:
    import polars as pl

    if isinstance(data, pl.LazyFrame):
        return data
    if not isinstance(data, str | os.PathLike):
        return None
    text = os.fspath(data)
    path = Path(text)
    if path.is_dir():
        return pl.scan_parquet(path / "**" / "*.parquet")
    if text.endswith(".parquet") and (path.is_file() or any(ch in text for ch in "*?[")):
        return pl.scan_parquet(text)
    return None


def _row_count(data: Any) -> int:
    import polars as pl

    # A LazyFrame's length is unknown without running its query: never streamed by "auto".
    source = None if isinstance(data, pl.LazyFrame) else _parquet_source(data)
    return 0 if source is None else int(source.select(pl.len()).collect().item())


def sample_frame(data: Any, engine: str, rows: int = KIND_SAMPLE_ROWS) -> pl.DataFrame:
    """The first ``rows`` rows as polars (to infer kinds once for every partition)."""
    import polars as pl

    if engine == "dask":
        with warnings.catch_warnings():
            # Dask warns when the first partition holds fewer rows than asked: that is fine.
            warnings.simplefilter("ignore", UserWarning)
            return _pandas_to_polars(data.head(rows, npartitions=1))
    if engine == "spark":
        return pl.from_arrow(data.limit(rows).toArrow())  # type: ignore[return-value]
    source = _parquet_source(data)
    if source is None:
        raise InvalidInputError(NOT_PARQUET.format(value=str(data)[:200]))
    return source.head(rows).collect()


def _pandas_to_polars(frame: Any) -> pl.DataFrame:
    from mlops_notebooks._frames import to_polars

    return to_polars(frame.reset_index(drop=True))


def reduce_partitions(
    data: Any,
    engine: str,
    function: Callable[[pl.DataFrame], T],
    merge: Callable[[T, T], T],
    *,
    progress: bool | None = None,
    description: str = "rows",
) -> T:
    """Apply ``function`` to every partition and merge the results.

    Parameters
    ----------
    data : polars.LazyFrame, Parquet path or dask.dataframe.DataFrame
        The data set.
    engine : {"stream", "dask"}
        ``stream`` reads batches of :data:`BATCH_ROWS` rows (memory stays bounded); ``dask``
        runs ``function`` on the workers and merges on the client.
    function : callable
        polars frame → partial result (must pickle for Dask).
    merge : callable
        Combines two partial results; must be associative.
    progress : bool or None
        Show a progress bar on stderr; ``None``: only when stderr is a terminal.

    Raises
    ------
    EngineError
        When any partition fails (for Dask: after its retries), so no partial result escapes.
    """
    if engine == "dask":
        return _reduce_dask(data, function, merge, progress)
    if engine != "stream":
        raise InvalidInputError(BAD_ENGINE.format(valid=["stream", "dask"], value=engine))
    result: T | None = None
    for batch in _batches(data, progress, description):
        part = function(batch)
        result = part if result is None else merge(result, part)
    if result is None:
        raise InvalidInputError("the data set has no rows; pass one with at least one row")
    return result


def _batches(data: Any, progress: bool | None, description: str) -> Iterator[pl.DataFrame]:
    from tqdm.auto import tqdm

    if _parquet_source(data) is None:
        raise InvalidInputError(NOT_PARQUET.format(value=str(data)[:200]))
    # disable=None: tqdm shows the bar only when stderr is a terminal.
    disable = None if progress is None else not progress
    total = _row_count(data) or None
    bar = tqdm(total=total, unit=" rows", unit_scale=True, desc=description, disable=disable)
    try:
        for batch in _frames(data):
            if batch.height:
                yield batch
                bar.update(batch.height)
    finally:
        bar.close()


def _frames(data: Any) -> Iterator[pl.DataFrame]:
    """Batches pulled one row group at a time: the reader never runs ahead of the summaries.

    (Reading whole row groups keeps the peak near one decoded row group; pyarrow's batch
    iterators buffered several here.)
    """
    import polars as pl

    if isinstance(data, pl.LazyFrame):
        # polars' streaming engine, which sizes its own buffers.
        yield from data.collect_batches(chunk_size=BATCH_ROWS)
        return
    import pyarrow.parquet as pq

    for path in _parquet_files(os.fspath(data)):
        file = pq.ParquetFile(path)
        for group in range(file.num_row_groups):
            yield pl.from_arrow(file.read_row_group(group))  # type: ignore[misc]


def _parquet_files(text: str) -> list[str]:
    if os.path.isdir(text):
        return sorted(glob.glob(os.path.join(text, "**", "*.parquet"), recursive=True))
    if any(ch in text for ch in "*?["):
        return sorted(glob.glob(text, recursive=True))
    return [text]


def _reduce_dask(
    data: Any,
    function: Callable[[pl.DataFrame], T],
    merge: Callable[[T, T], T],
    progress: bool | None,
) -> T:
    import dask

    def on_partition(frame: Any) -> T:
        return function(_pandas_to_polars(frame))

    tasks = [dask.delayed(on_partition)(part) for part in data.to_delayed()]
    try:
        parts = dask.compute(*tasks)
    except MlopsNotebooksError:
        raise  # bad input found in a partition: the same typed error as in memory
    except Exception as err:  # a worker died or a task raised: never merge what is left
        raise EngineError(
            PARTITION_FAILED.format(engine="dask", error=f"{type(err).__name__}: {err}")
        ) from err
    if len(parts) != len(tasks):  # pragma: no cover - dask returns one result per task
        raise EngineError(PARTITION_FAILED.format(engine="dask", error="missing partitions"))
    level = list(parts)
    while len(level) > 1:
        merged = [merge(a, b) for a, b in zip(level[::2], level[1::2], strict=False)]
        level = merged + ([level[-1]] if len(level) % 2 else [])
    return level[0]
