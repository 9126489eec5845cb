"""Generate the synthetic Parquet data every scale benchmark shares.

26 columns: ``num_00``…``num_19`` numeric (every fourth one with ~5 % nulls, a few skewed),
``cat_0``…``cat_4`` string categoricals of cardinality 3, 10, 50, 200 and 1,000, and ``ts``, a
timestamp. ``shift`` moves the distributions (for drift benchmarks: current = shifted copy).

Usage::

    python benchmarks/datagen.py --rows 1000000 --seed 0 --out benchmarks/data/ref_1m.parquet
    python benchmarks/datagen.py --rows 1000000 --seed 1 --shift 0.1 --out .../cur_1m.parquet

Generation is chunked so 10M rows fit in a few GB.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

CARDINALITIES = (3, 10, 50, 200, 1_000)
CHUNK = 1_000_000


def make_chunk(rows: int, rng: np.random.Generator, shift: float, offset: int) -> pl.DataFrame:
    """Return ``rows`` synthetic rows; ``offset`` keeps timestamps increasing across chunks."""
    columns: dict[str, object] = {}
    for i in range(20):
        if i % 5 == 0:
            values = rng.lognormal(mean=1.0 + shift, sigma=1.0, size=rows)  # skewed
        elif i % 5 == 1:
            values = rng.integers(0, 100, size=rows).astype(np.float64) + shift * 10
        else:
            values = rng.normal(loc=shift * (i % 3), scale=1.0 + i / 10, size=rows)
        series = pl.Series(f"num_{i:02d}", values)
        if i % 4 == 0:
            mask = rng.random(rows) < 0.05
            series = pl.select(pl.when(pl.Series(mask)).then(None).otherwise(series)).to_series()
        columns[f"num_{i:02d}"] = series
    for j, cardinality in enumerate(CARDINALITIES):
        weights = np.arange(1, cardinality + 1, dtype=np.float64) ** -(1.0 + shift)
        codes = rng.choice(cardinality, size=rows, p=weights / weights.sum())
        labels = np.array([f"c{j}_{k:04d}" for k in range(cardinality)])
        columns[f"cat_{j}"] = labels[codes]
    start = np.datetime64("2024-01-01T00:00:00", "us")
    columns["ts"] = start + (np.arange(offset, offset + rows) * 30_000_000).astype(
        "timedelta64[us]"
    )
    return pl.DataFrame(columns)


def write(rows: int, seed: int, shift: float, out: Path) -> Path:
    """Write ``rows`` rows to ``out`` in chunks and return the path."""
    rng = np.random.default_rng(seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    writer = None
    try:
        for offset in range(0, rows, CHUNK):
            chunk = make_chunk(min(CHUNK, rows - offset), rng, shift, offset).to_arrow()
            if writer is None:
                writer = pq.ParquetWriter(out, chunk.schema)
            writer.write_table(chunk)
    finally:
        if writer is not None:
            writer.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--shift", type=float, default=0.0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    print(write(args.rows, args.seed, args.shift, args.out))


if __name__ == "__main__":
    main()
