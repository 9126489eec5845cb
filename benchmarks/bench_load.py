"""Benchmark ``mlops_notebooks.data.load`` against reading the same Parquet file directly.

The file is 1M rows × 26 columns from ``benchmarks/datagen.py`` (generated when missing).

* **Time**: for each pair, one child process alternates the direct read and ``load``
  ``--repeat`` times (so both see the same machine load — the benchmark machine is shared)
  and reports the best and the median time of each; the ratio uses the best times.
* **Memory**: each variant runs once more in its own fresh child; its peak resident memory is
  reported next to the memory after imports only.

Pairs compared (target: ``load`` ≤ 1.2× the direct read):

* ``load(path, backend="polars")``       vs ``polars.read_parquet(path)``
* ``load(path)`` (pandas)                vs ``pyarrow.parquet.read_table(path).to_pandas()``
* ``load(path, columns=[5 columns])``    vs ``polars.read_parquet(path, columns=[…])``
* ``load(path, sample=200_000, seed=0)`` vs ``polars.read_parquet(path).sample(200_000)``

Run under the shared lock::

    flock /tmp/mlops-bench.lock .venv/bin/python benchmarks/bench_load.py
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

SETUP = """
import json, resource, statistics, sys, time
import polars as pl, pyarrow.parquet as pq, pandas as pd
from mlops_notebooks.data import load
path = sys.argv[1]
COLUMNS = ["num_00", "num_05", "num_10", "cat_2", "ts"]
VARIANTS = {
    "direct_polars": lambda: pl.read_parquet(path),
    "load_polars": lambda: load(path, backend="polars"),
    "direct_pandas": lambda: pq.read_table(path).to_pandas(),
    "load_pandas": lambda: load(path),
    "direct_columns": lambda: pl.read_parquet(path, columns=COLUMNS),
    "load_columns": lambda: load(path, columns=COLUMNS, backend="polars"),
    "direct_sample": lambda: pl.read_parquet(path).sample(200_000, seed=0),
    "load_sample": lambda: load(path, sample=200_000, seed=0, backend="polars"),
}
"""

TIME_CHILD = (
    SETUP
    + """
names, repeat = sys.argv[2].split(","), int(sys.argv[3])
times = {name: [] for name in names}
for _ in range(repeat):
    for name in names:
        start = time.perf_counter()
        frame = VARIANTS[name]()
        times[name].append(time.perf_counter() - start)
        del frame
print(json.dumps({n: {"best": min(t), "median": statistics.median(t)} for n, t in times.items()}))
"""
)

MEMORY_CHILD = (
    SETUP
    + """
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
frame = VARIANTS[sys.argv[2]]()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"peak_bytes": peak, "baseline_bytes": baseline, "shape": frame.shape}))
"""
)

PAIRS = (
    ("full read, polars", "direct_polars", "load_polars"),
    ("full read, pandas", "direct_pandas", "load_pandas"),
    ("5 columns, polars", "direct_columns", "load_columns"),
    ("200k-row sample, polars", "direct_sample", "load_sample"),
)


def ensure_data(rows: int, path: Path) -> Path:
    """Write the benchmark file with ``datagen.write`` unless it is already there."""
    if not path.exists():
        sys.path.insert(0, str(HERE))
        from datagen import write

        write(rows, seed=0, shift=0.0, out=path)
    return path


def child(python: str, code: str, *args: str) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter and return the JSON it prints last."""
    completed = subprocess.run(
        [python, "-c", code, *args], check=True, capture_output=True, text=True
    )
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--data", type=Path, default=HERE / "data" / "load_1m.parquet")
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()
    path = ensure_data(args.rows, args.data)
    print(f"file: {path} ({path.stat().st_size / 1e6:.0f} MB); {args.repeat} alternating reads")
    print(
        f"{'case':<25}{'direct s':>9}{'load s':>8}{'ratio':>7}{'(median':>9}{'ratio)':>7}"
        f"{'direct peak MB':>16}{'load peak MB':>14}{'imports MB':>12}"
    )
    ratios = []
    for label, direct, ours in PAIRS:
        times = child(args.python, TIME_CHILD, str(path), f"{direct},{ours}", str(args.repeat))
        memory = {
            name: child(args.python, MEMORY_CHILD, str(path), name) for name in (direct, ours)
        }
        ratio = times[ours]["best"] / times[direct]["best"]
        median_ratio = times[ours]["median"] / times[direct]["median"]
        ratios.append(ratio)
        print(
            f"{label:<25}{times[direct]['best']:>9.3f}{times[ours]['best']:>8.3f}"
            f"{ratio:>6.2f}x{median_ratio:>14.2f}x"
            f"{memory[direct]['peak_bytes'] / 2**20:>16.0f}"
            f"{memory[ours]['peak_bytes'] / 2**20:>14.0f}"
            f"{memory[ours]['baseline_bytes'] / 2**20:>12.0f}"
        )
    print(f"worst ratio {max(ratios):.2f}x (best times; target ≤ 1.20x)")


if __name__ == "__main__":
    main()
