"""Benchmark ``find_segments`` on 1M rows x 10 features (budget 60 s and 4 GB).

Features come from the shared generator (benchmarks/datagen.py): six numeric columns and four
categoricals (cardinality 3, 10, 50, 200). A segment ``cat_1 == "c1_0002" and num_02 > q80``
gets a raised error rate; the benchmark reports whether it is found in the top 3.

Usage::

    flock /tmp/mlops-bench.lock .venv/bin/python benchmarks/bench_segments.py --rows 1000000
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).parent))
from datagen import make_chunk

FEATURES = [
    "num_00",
    "num_01",
    "num_02",
    "num_03",
    "num_05",
    "num_06",
    "cat_0",
    "cat_1",
    "cat_2",
    "cat_3",
]


def make_data(rows: int, seed: int) -> tuple[pl.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    frame = make_chunk(rows, rng, 0.0, 0).select(FEATURES)
    threshold = frame["num_02"].quantile(0.8)
    planted = ((frame["cat_1"] == "c1_0002") & (frame["num_02"] > threshold)).to_numpy()
    error = (rng.random(rows) < np.where(planted, 0.35, 0.15)).astype(np.float64)
    return frame.with_columns(error=error), planted


def main() -> None:
    from mlops_notebooks.segments import find_segments

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    frame, _ = make_data(args.rows, args.seed)
    start = time.perf_counter()
    report = find_segments(frame, score="error", features=FEATURES, top_k=10)
    elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with pl.Config(fmt_str_lengths=80, tbl_width_chars=160):
        print(report.segments.select("rank", "segment", "size", "mean_score", "lift", "p_adjusted"))
    top = report.segments["segment"].head(3).to_list()
    found = any("c1_0002" in s and "num_02 >" in s for s in top)
    print(
        f"find_segments: rows={args.rows:,} features={len(FEATURES)} tested={report.n_tested:,} "
        f"seconds={elapsed:.2f} peak_rss_mb={peak_mb:.0f} planted_in_top3={found} "
        f"budget=60s/4096MB within_budget={elapsed <= 60 and peak_mb <= 4096}"
    )


if __name__ == "__main__":
    main()
