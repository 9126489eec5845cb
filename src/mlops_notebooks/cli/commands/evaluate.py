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
    from mlops_notebooks.evaluation import assess_model

    probabilities = args.probabilities
    if probabilities is not None and len(probabilities) == 1:
        probabilities = probabilities[0]
    assessment = assess_model(
        args.data,
        target=args.target,
        prediction=args.prediction,
        probabilities=probabilities,
        groups=args.group,
        task=args.task,
        n_bootstrap=args.n_bootstrap,
        time_column=args.time_column,
    )
    if args.json:
        assessment.to_json(args.json)
    if args.html:
        assessment.save_html(args.html)
    print(_metrics_table(assessment.evaluation))
    if assessment.bias is not None:
        print()
        print(_bias_summary(assessment.bias))
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
