"""``mlops-nb segments``: the data segments where a per-row score is significantly worse."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "segments",
        help="find readable segments where errors (or any per-row score) are worse",
        description=(
            "Find the top-k segments of DATA where --score (higher = worse) or the error of "
            "--prediction against --target is significantly above overall. Prints a table."
        ),
    )
    parser.add_argument("data", metavar="DATA")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--score", metavar="COL", help="per-row score column, higher is worse")
    source.add_argument("--target", metavar="COL")
    parser.add_argument("--prediction", metavar="COL")
    parser.add_argument("--probabilities", metavar="COL")
    parser.add_argument("--row-score", metavar="NAME", help="misclassified, log_loss, ...")
    parser.add_argument("--features", metavar="A,B", help="comma-separated feature columns")
    parser.add_argument("--top-k", type=int, default=10, metavar="N")
    parser.add_argument("--max-level", type=int, default=3, metavar="N")
    parser.add_argument("--alpha", type=float, default=0.05)
    parser.add_argument("--json", metavar="FILE", help="write the segments as JSON")
    parser.add_argument("--html", metavar="FILE", help="write an HTML report")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from mlops_notebooks.data import load_dataset
    from mlops_notebooks.errors import InvalidInputError
    from mlops_notebooks.segments import find_segments

    if args.target and not (args.prediction or args.probabilities):
        raise InvalidInputError("--target needs --prediction (or --probabilities)")
    features = [f.strip() for f in args.features.split(",")] if args.features else None
    dataset = load_dataset(args.data, backend="polars")
    report = find_segments(
        dataset,
        score=args.score,
        target=args.target,
        prediction=args.prediction,
        probabilities=args.probabilities,
        row_score=args.row_score,
        features=features,
        top_k=args.top_k,
        max_level=args.max_level,
        alpha=args.alpha,
    )
    if args.json:
        report.to_json(args.json)
    if args.html:
        report.save_html(args.html, provenance=[dataset.provenance.to_dict()])
    print(
        f"{len(report)} significant segments (mean {report.score} overall "
        f"{report.overall_mean:.4g}, {report.n_tested:,} tested)"
    )
    for row in report.segments.iter_rows(named=True):
        print(
            f"{row['rank']:>3}  {row['segment']}  size={row['size']:,}  "
            f"mean={row['mean_score']:.4g}  lift={row['lift'] or float('nan'):.2f}  "
            f"p_adj={row['p_adjusted']:.2g}"
        )
    return 0
