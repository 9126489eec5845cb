"""Benchmark ``profile`` and ``compare`` beyond memory: streamed Parquet, Dask and Spark.

Data: ``benchmarks/datagen.py`` (26 columns), written in 1M-row row groups without holding the
data set in memory, under ``benchmarks/data/`` (git-ignored): a reference (seed 0) and a
current data set (seed 1, ``shift`` 0.1). Each measurement runs in a fresh child process; the
peak memory is the largest total resident set of that process and all its descendants (Dask
workers, the Spark JVM), sampled every 0.2 s. Time covers reading and computing, not imports
or cluster start-up (reported separately). Run it alone on the machine::

    flock /tmp/mlops-bench.lock .venv/bin/python benchmarks/bench_scale.py \\
        --rows 10000000 --engines stream dask spark --out /tmp/scale.json
    flock /tmp/mlops-bench.lock .venv/bin/python benchmarks/bench_scale.py \\
        --rows 100000000 --engines stream --out /tmp/scale_100m.json
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
PYTHON = ROOT / ".venv" / "bin" / "python"

CHILD = """
import json, sys, time
engine, task, reference, current = sys.argv[1:5]
from mlops_notebooks.drift import compare
from mlops_notebooks.eda import profile

started = time.perf_counter()
if engine == "dask":
    import dask.dataframe as dd
    import distributed
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None)
    client = distributed.Client(cluster)
    open_data = dd.read_parquet
elif engine == "spark":
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
             .config("spark.driver.memory", "3g").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    open_data = lambda path: spark.read.parquet(path)
else:
    open_data = lambda path: path
startup = time.perf_counter() - started
started = time.perf_counter()
if task == "profile":
    result = profile(open_data(reference), engine=engine, progress=False)
    facts = {"rows": result.overview.rows, "warnings": len(result.warnings)}
else:
    report = compare(open_data(reference), open_data(current), engine=engine, progress=False)
    facts = {"rows": report.reference_rows,
             "drifted": sorted(c.column for c in report.columns if c.drift),
             "statistics": {c.column: c.statistic for c in report.columns
                            if c.statistic is not None}}
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "startup_seconds": startup, **facts}))
"""


def data_files(rows: int, *, current_too: bool = True) -> tuple[Path, Path]:
    """Generate (once) the reference and current files, one 1M-row chunk at a time."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from datagen import write

    reference = DATA / f"scale_ref_{rows}.parquet"
    current = DATA / f"scale_cur_{rows}.parquet"
    for path, seed, shift in ((reference, 0, 0.0), (current, 1, 0.1)):
        if not path.exists() and (current_too or path == reference):
            partial = path.with_suffix(".partial")
            write(rows, seed, shift, partial)
            partial.rename(path)
    return reference, current


def _tree_rss(pid: int) -> int:
    import psutil

    try:
        process = psutil.Process(pid)
        members = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for member in members:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += member.memory_info().rss
    return total


def measure(engine: str, task: str, reference: Path, current: Path) -> dict[str, object]:
    """Run one task in a child process; return its JSON plus the peak memory of its tree."""
    child = subprocess.Popen(
        [str(PYTHON), "-c", CHILD, engine, task, str(reference), str(current)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(child.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    out, err = child.communicate()
    done.set()
    sampler.join()
    if child.returncode:
        return {"error": err.strip().splitlines()[-1] if err.strip() else "failed"}
    result = json.loads(out.strip().splitlines()[-1])
    return {**result, "peak_mb": peak / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000_000])
    parser.add_argument(
        "--engines", nargs="+", default=["stream"], choices=["local", "stream", "dask", "spark"]
    )
    parser.add_argument("--tasks", nargs="+", default=["profile", "compare"])
    parser.add_argument("--out", type=Path, help="also write the results as JSON")
    args = parser.parse_args()
    results = []
    for rows in args.rows:
        reference, current = data_files(rows, current_too="compare" in args.tasks)
        for engine in args.engines:
            for task in args.tasks:
                entry = {"rows": rows, "engine": engine, "task": task}
                entry.update(measure(engine, task, reference, current))
                results.append(entry)
                print(summary_line(entry), flush=True)
                if args.out:
                    args.out.parent.mkdir(parents=True, exist_ok=True)
                    args.out.write_text(json.dumps(results, indent=2) + "\n")


def summary_line(entry: dict[str, object]) -> str:
    """One printable line per measurement."""
    head = f"{entry['task']:<8} {entry['engine']:<7} N={entry['rows']:>12,}"
    if "error" in entry:
        return f"{head}  FAILED: {entry['error']}"
    line = (
        f"{head}  {entry['seconds']:8.1f} s  peak {entry['peak_mb']:7.0f} MB"
        f"  (start-up {entry['startup_seconds']:.1f} s)"
    )
    if "drifted" in entry:
        line += f"  drifted: {len(entry['drifted'])} columns"  # type: ignore[arg-type]
    return line


if __name__ == "__main__":
    main()
