"""Benchmark ``mlops_notebooks.pipeline`` on the example flights pipeline (issue 13 targets).

Measures, on a sandbox copy of ``examples/`` (``make_sandbox``):

* reading the pipeline and its status (``open_pipeline(...).status()``, which runs
  ``dvc status --json``) — target under 5 s;
* comparing ``data/processed/flights.parquet`` (327,346 rows) before and after a ``prepare`` run
  with ``delay_threshold_minutes`` 15 → 30, reading both versions included (the committed one
  through DVC at ``HEAD``) — target under 10 s;
* comparing ``predictions_current.parquet`` between revisions ``v1`` and ``v2`` (both from git
  history through DVC);
* optionally (``--fresh``) building the sandbox from scratch, two model fits included.

Times are wall-clock medians of ``--repeat`` runs after one warm-up (lazy imports loaded).

Usage (serialise heavy runs on the shared machine)::

    flock /tmp/mlops-bench.lock .venv/bin/python benchmarks/bench_pipeline.py --repeat 3
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def timed(function: Callable[[], Any], repeat: int) -> tuple[float, list[float], Any]:
    function()  # warm-up: imports, file-system caches
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--fresh", action="store_true", help="also time a sandbox build from scratch"
    )
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    try:
        figures = measure(work, args.repeat, fresh=args.fresh)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = json.dumps(figures, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


def measure(work: Path, repeat: int, *, fresh: bool) -> dict[str, Any]:
    from mlops_notebooks.pipeline import make_sandbox, open_pipeline

    figures: dict[str, Any] = {}
    if fresh:
        started = time.perf_counter()
        make_sandbox(work / "fresh", cache_dir=work / "cache")
        figures["sandbox_build_fresh_seconds"] = time.perf_counter() - started
    started = time.perf_counter()
    folder = make_sandbox(work / "sandbox")
    figures["sandbox_copy_seconds"] = time.perf_counter() - started

    median, runs, report = timed(lambda: open_pipeline(folder).status(), repeat)
    figures["read_and_status_seconds"] = {"median": median, "runs": runs, "stale": report.stale}

    pipeline = open_pipeline(folder)
    median, runs, comparison = timed(
        lambda: pipeline.compare_output(
            "data/model_outputs/predictions_current.parquet", "v1", "v2"
        ),
        repeat,
    )
    figures["compare_predictions_v1_v2_seconds"] = {
        "median": median,
        "runs": runs,
        "rows": comparison.rows_b,
        "summary": comparison.summary_line(),
    }

    params = folder / "params.yaml"
    params.write_text(
        re.sub(r"delay_threshold_minutes: 15", "delay_threshold_minutes: 30", params.read_text())
    )
    assert pipeline.run_stage("prepare").ok
    median, runs, comparison = timed(
        lambda: pipeline.compare_output("data/processed/flights.parquet", "HEAD"), repeat
    )
    figures["compare_flights_head_vs_workspace_seconds"] = {
        "median": median,
        "runs": runs,
        "rows": comparison.rows_b,
        "summary": comparison.summary_line(),
    }
    return figures


if __name__ == "__main__":
    main()
