"""Benchmark ``mlops_notebooks.eda.profile`` against ydata-profiling (minimal mode).

Both tools read the same Parquet file (generated with ``benchmarks/datagen.py`` when missing)
in a fresh child process; the time starts after the tool's import and covers reading the file
and computing the statistics (ours with correlations, ydata's ``get_description()`` in minimal
mode; modules either tool imports lazily while working are counted). The peak memory is the
child's maximum resident set size. Run heavy sizes under the shared lock::

    flock /tmp/mlops-bench.lock .venv/bin/python benchmarks/bench_profile.py --rows 1000000
    flock /tmp/mlops-bench.lock .venv/bin/python benchmarks/bench_profile.py --rows 10000000 \\
        --skip-peer

ydata-profiling runs in ``.venv-bench`` (``make bench``), which pins setuptools < 81 because
ydata-profiling 4.18 imports ``pkg_resources``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

OURS = """
import json, resource, sys, time
import polars as pl
from mlops_notebooks.eda import profile
# Import what profile() imports lazily (scipy, …) before the clock starts, as the peer's
# imports happen before its clock: both measure profiling, not importing.
profile(pl.DataFrame({"x": [1.0, 2.0, 3.0], "c": ["a", "b", "a"]}))
start = time.perf_counter()
rows = None if sys.argv[2] == "all" else int(sys.argv[2])
result = profile(sys.argv[1], correlations=True, correlation_rows=rows)
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": elapsed, "peak_bytes": peak, "warnings": len(result.warnings)}))
"""

PEER = """
import json, resource, sys, time, warnings
warnings.simplefilter("ignore")
import pandas as pd
from ydata_profiling import ProfileReport
start = time.perf_counter()
frame = pd.read_parquet(sys.argv[1])
description = ProfileReport(frame, minimal=True, progress_bar=False).get_description()
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": elapsed, "peak_bytes": peak,
                  "alerts": len(description.alerts)}))
"""


def ensure_data(rows: int, path: Path | None) -> Path:
    """Return the Parquet file for ``rows`` rows, generating it with datagen when missing."""
    target = path or HERE / "data" / f"profile_{rows}.parquet"
    if not target.exists():
        sys.path.insert(0, str(HERE))
        from datagen import write

        write(rows, seed=0, shift=0.0, out=target)
    return target


def run_child(python: Path, code: str, data: Path, *extra: str) -> dict[str, float]:
    """Run ``code`` in a fresh interpreter and return its JSON line."""
    completed = subprocess.run(
        [str(python), "-c", code, str(data), *extra],
        capture_output=True,
        text=True,
        check=False,
        env={"DO_NOT_TRACK": "1", "MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"},
    )
    if completed.returncode != 0:
        raise SystemExit(f"{python} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _line(label: str, result: dict[str, float]) -> str:
    return f"{label}: {result['seconds']:8.2f} s  peak {result['peak_bytes'] / 2**30:.2f} GiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, help="an existing Parquet file (default: generate)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of ours (best is kept)")
    parser.add_argument("--skip-peer", action="store_true", help="do not run ydata-profiling")
    parser.add_argument(
        "--correlation-rows",
        default="100000",
        help="rows sampled for correlations (profile's default 100000), or 'all'",
    )
    args = parser.parse_args()
    data = ensure_data(args.rows, args.data)
    ours = min(
        (
            run_child(ROOT / ".venv/bin/python", OURS, data, args.correlation_rows)
            for _ in range(args.repeat)
        ),
        key=lambda r: r["seconds"],
    )
    print(f"data: {data} ({args.rows:,} rows x 26 columns)")
    print(f"correlation rows: {args.correlation_rows}")
    print(_line("mlops-notebooks profile", ours))
    if args.skip_peer:
        return
    peer = run_child(ROOT / ".venv-bench/bin/python", PEER, data)
    print(_line("ydata-profiling minimal", peer))
    print(f"speed-up: {peer['seconds'] / ours['seconds']:.1f}x")


if __name__ == "__main__":
    main()
