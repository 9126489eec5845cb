"""Connect to the engine a command runs on and open a Parquet data set there.

Used by ``mlops-nb profile`` and ``mlops-nb drift`` (``--engine``, ``--scheduler``,
``--master``); in Python, pass your own Dask or Spark DataFrame to ``profile``/``compare``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from mlops_notebooks.errors import InvalidInputError, require
from mlops_notebooks.summaries.engines import ENGINES, MASTER_ENV, SCHEDULER_ENV

__all__ = ["catalog_path", "on_engine"]

NOT_PARQUET_PATH = (
    "the {engine} engine reads Parquet: pass a .parquet file, a directory of them or a glob "
    "(got {value!r})"
)


@contextmanager
def on_engine(engine: str, address: str | None = None) -> Iterator[Callable[[str], Any]]:
    """Yield a function that opens a data ref on ``engine``; disconnect afterwards.

    A catalog name whose source is a local file or folder without ``${VAR}`` references is
    opened as that path (engines read files, not names).

    Parameters
    ----------
    engine : {"auto", "local", "stream", "dask", "spark"}
        ``auto``, ``local`` and ``stream`` open nothing (the ref is passed on as is; ``stream``
        gets a catalog name's path).
    address : str, optional
        Dask scheduler (``tcp://host:8786``) or Spark master (``spark://host:7077``,
        ``local[4]``). Defaults: ``$MLOPS_NB_DASK_SCHEDULER`` / ``$MLOPS_NB_SPARK_MASTER``;
        without either, Dask starts a local cluster and Spark runs ``local[*]``.

    Examples
    --------
    >>> with on_engine("local") as open_data:
    ...     open_data("data.parquet")
    'data.parquet'
    """
    if engine not in ENGINES:
        raise InvalidInputError(f"engine must be one of {list(ENGINES)}, got {engine!r}")
    if engine == "dask":
        with _dask(address or os.environ.get(SCHEDULER_ENV)) as opener:
            yield lambda ref: opener(catalog_path(ref))
    elif engine == "spark":
        with _spark(address or os.environ.get(MASTER_ENV)) as opener:
            yield lambda ref: opener(catalog_path(ref))
    elif engine == "stream":
        yield catalog_path
    else:
        yield lambda ref: ref


def catalog_path(ref: str) -> str:
    """The local path of catalog entry ``ref``, or ``ref`` itself when it is not one.

    Only plain local sources are resolved (no URL, no ``${VAR}``, no query): anything else is
    left to the engine, which refuses what it cannot read with its own message.

    Examples
    --------
    >>> catalog_path("data/events.parquet")  # not a catalog name
    'data/events.parquet'
    """
    from mlops_notebooks.data.load import is_catalog_name

    if not isinstance(ref, str) or not is_catalog_name(ref):
        return ref
    from mlops_notebooks.data import read_catalog

    entry = read_catalog().get(ref.removeprefix("catalog:"))  # unknown: close matches named
    source = entry.source
    if entry.query is not None or "://" in source or "${" in source:
        return ref
    path = source if os.path.isabs(source) else os.path.join(entry.base_dir, source)
    return os.path.normpath(path)


def _parquet_path(ref: str, engine: str) -> str:
    if ref.endswith(".parquet") or os.path.isdir(ref) or "://" in ref:
        return ref
    raise InvalidInputError(NOT_PARQUET_PATH.format(engine=engine, value=ref))


@contextmanager
def _dask(address: str | None) -> Iterator[Callable[[str], Any]]:
    require("distributed", "dask")
    import dask.dataframe as dd
    import distributed

    # Port 0: a free local port. None would still try 8787 and warn when another cluster has it.
    cluster = None if address else distributed.LocalCluster(dashboard_address="127.0.0.1:0")
    with distributed.Client(address or cluster):
        try:
            yield lambda ref: dd.read_parquet(_parquet_path(ref, "dask"))
        finally:
            if cluster is not None:
                cluster.close()


@contextmanager
def _spark(master: str | None) -> Iterator[Callable[[str], Any]]:
    require("pyspark", "spark")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master(master or "local[*]")
        .appName("mlops-notebooks")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    try:
        yield lambda ref: session.read.parquet(_parquet_path(ref, "spark"))
    finally:
        session.stop()
