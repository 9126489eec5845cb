"""Benchmark ``evaluate`` with 1,000 bootstrap resamples on 1M binary model outputs (budget 30 s).

Usage::

    flock /tmp/mlops-bench.lock .venv/bin/python benchmarks/bench_evaluate.py --rows 1000000
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import polars as pl


def make_outputs(rows: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    probability = rng.beta(2, 5, rows)
    target = rng.random(rows) < probability
    return pl.DataFrame(
        {"target": target, "probability": probability, "prediction": probability >= 0.35}
    )


def main() -> None:
    from mlops_notebooks.evaluation import evaluate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    frame = make_outputs(args.rows, args.seed)
    # Import what evaluate() loads lazily (the metric registry's scikit-learn) before the clock,
    # as bench_profile does: the figure is the evaluation, not one-off imports.
    import sklearn.metrics  # noqa: F401

    start = time.perf_counter()
    report = evaluate(
        frame,
        target="target",
        prediction="prediction",
        probabilities="probability",
        n_bootstrap=args.resamples,
    )
    elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(report.metrics)
    print(
        f"evaluate: rows={args.rows:,} resamples={args.resamples} seconds={elapsed:.2f} "
        f"peak_rss_mb={peak_mb:.0f} budget_seconds=30 within_budget={elapsed <= 30}"
    )


if __name__ == "__main__":
    main()
