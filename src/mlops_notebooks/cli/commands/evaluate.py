"""``mlops-nb evaluate``: model metrics with bootstrap intervals (and bias by group)."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "evaluate",
        help="metrics of model outputs with bootstrap intervals, optionally per group",
        description=(
            "Evaluate predictions in DATA (file path or data ref) against the target. Prints "
            "the headline metrics with bootstrap intervals; with --group also the fairness gaps "
            "per grouping (fairlearn) and the flagged groups. --json/--html write full reports."
        ),
    )
    parser.add_argument("data", metavar="DATA")
    parser.add_argument("--target", required=True, metavar="COL")
    parser.add_argument("--prediction", metavar="COL")
    parser.add_argument(
        "--probabilities", nargs="+", metavar="COL", help="positive-class or one-per-class columns"
    )
    parser.add_argument("--group", action="append", default=[], metavar="COL", help="repeatable")
    parser.add_argument(
        "--task", default="auto", choices=["auto", "binary", "multiclass", "regression"]
    )
    parser.add_argument("--n-bootstrap", type=int, default=1000, metavar="N")
    parser.add_argument("--time-column", metavar="COL")
    parser.add_argument("--json", metavar="FILE", help="write the full report as JSON")
    parser.add_argument("--html", metavar="FILE", help="write an HTML report with plots")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from mlops_notebooks._frames import to_polars
    from mlops_notebooks._io import write_text_atomic
    from mlops_notebooks._render import dumps
    from mlops_notebooks.data import load_dataset
    from mlops_notebooks.evaluation import assess_bias, evaluate
    from mlops_notebooks.evaluation.html import evaluation_page

    dataset = load_dataset(args.data, backend="polars")
    frame = to_polars(dataset, name="DATA")
    probabilities = args.probabilities
    if probabilities is not None and len(probabilities) == 1:
        probabilities = probabilities[0]
    report = evaluate(
        frame,
        target=args.target,
        prediction=args.prediction,
        probabilities=probabilities,
        task=args.task,
        n_bootstrap=args.n_bootstrap,
        time_column=args.time_column,
    )
    payload = report.to_dict()
    bias = None
    if args.group:
        bias = assess_bias(
            frame, target=args.target, prediction=args.prediction, groups=args.group, task=args.task
        )
        payload["bias"] = bias.to_dict()
    if args.json:
        write_text_atomic(args.json, dumps(payload))
    if args.html:
        provenance = [dataset.provenance.to_dict()]
        write_text_atomic(args.html, evaluation_page(report, bias, provenance=provenance))
    print(_metrics_table(report))
    if bias is not None:
        print()
        print(_bias_summary(bias))
    return 0


def _metrics_table(report: Any) -> str:
    lines = [f"{'metric':<20} {'value':>9}   {report.confidence:.0%} interval"]
    for metric, value, low, high in report.metrics.select(
        "metric", "value", "ci_low", "ci_high"
    ).iter_rows():
        interval = f"[{low:.4f}, {high:.4f}]" if low is not None and high is not None else "-"
        lines.append(f"{metric:<20} {value:>9.4f}   {interval}")
    return "\n".join(lines)


def _bias_summary(bias: Any) -> str:
    lines = []
    for row in bias.summary.iter_rows(named=True):
        lines.append(
            f"{row['grouping']}: {row['n_groups']} groups, demographic parity difference "
            f"{row['demographic_parity_difference']:.4f}, equalized odds difference "
            f"{row['equalized_odds_difference']:.4f}"
        )
    flagged = bias.flagged
    if flagged.height == 0:
        lines.append(f"no group's gap to the best group exceeds {bias.threshold:g}")
    for row in flagged.iter_rows(named=True):
        lines.append(
            f"flagged: {row['grouping']} = {row['group']}: {row['metric']} {row['value']:.4f} "
            f"({row['difference_to_best']:+.4f} to the best group)"
        )
    return "\n".join(lines)
