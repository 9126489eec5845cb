"""Engine options shared by ``mlops-nb profile`` and ``mlops-nb drift``."""

from __future__ import annotations

import argparse

__all__ = ["add_engine_arguments"]


def add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    """``--engine``, ``--scheduler`` and ``--master`` (shared with ``mlops-nb drift``)."""
    group = parser.add_argument_group("engine (data beyond memory; see docs/scale.md)")
    group.add_argument(
        "--engine",
        choices=("auto", "local", "stream", "dask", "spark"),
        default="auto",
        help="where to compute: in memory, streamed Parquet, a Dask or a Spark cluster "
        "(default auto: streams Parquet over 20 million rows)",
    )
    group.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler address (default $MLOPS_NB_DASK_SCHEDULER, else a local cluster)",
    )
    group.add_argument(
        "--master",
        metavar="URL",
        help="Spark master URL (default $MLOPS_NB_SPARK_MASTER, else local[*])",
    )
