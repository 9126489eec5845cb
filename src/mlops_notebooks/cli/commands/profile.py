"""``mlops-nb profile``: profile a data set; print a summary, optionally write JSON and HTML."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

from mlops_notebooks.cli.commands._engine import add_engine_arguments

if TYPE_CHECKING:
    from mlops_notebooks.eda import DataProfile

# Columns listed in the terminal summary at most (the JSON and HTML have all of them).
MAX_TERMINAL_COLUMNS = 40


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "profile",
        help="profile a data set: per-column statistics, warnings, correlations",
        description=(
            "Profile DATA (a file path, URL or catalog name) and print a summary; "
            "--json and --html also write the full profile."
        ),
    )
    parser.add_argument("data", metavar="DATA")
    parser.add_argument("--json", metavar="FILE", help="write the profile as JSON")
    parser.add_argument("--html", metavar="FILE", help="write a standalone HTML report")
    parser.add_argument("--target", metavar="COLUMN", help="target column for correlations")
    parser.add_argument(
        "--no-correlations", action="store_true", help="skip the pairwise correlations"
    )
    add_engine_arguments(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from mlops_notebooks.data import load_dataset
    from mlops_notebooks.eda import profile
    from mlops_notebooks.summaries.clusters import on_engine
    from mlops_notebooks.summaries.engines import resolve_engine

    with on_engine(args.engine, args.scheduler or args.master) as open_data:
        data = open_data(args.data)
        provenance = [{"source": args.data, "engine": args.engine}]
        if resolve_engine(data, args.engine) == "local":
            # In memory anyway: load once through the data layer and keep the provenance.
            dataset = load_dataset(args.data, backend="polars")
            data, provenance = dataset, [dataset.provenance.to_dict()]
        result = profile(
            data,
            correlations=not args.no_correlations,
            target=args.target,
            engine=args.engine,
        )
    print_summary(result, sys.stdout)
    if args.json:
        result.save_json(args.json)
        print(f"JSON written: {args.json}", file=sys.stderr)
    if args.html:
        result.save_html(args.html, provenance=provenance)
        print(f"HTML written: {args.html}", file=sys.stderr)
    return 0


def _number(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def print_summary(result: DataProfile, out: TextIO) -> None:
    """Write a readable plain-text summary of ``result`` to ``out``."""
    overview = result.overview
    kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(overview.kinds.items()))
    print(
        f"{overview.rows:,} rows x {overview.columns:,} columns, "
        f"{overview.memory_bytes / 2**20:,.1f} MiB, {overview.duplicate_rows:,} duplicated rows",
        file=out,
    )
    print(f"kinds: {kinds or '-'}", file=out)
    header = f"{'column':<24} {'kind':<11} {'missing':>8} {'distinct':>9}  {'mean / top value':<30}"
    print("\n" + header + "\n" + "-" * len(header), file=out)
    for column in result.columns[:MAX_TERMINAL_COLUMNS]:
        if column.numeric is not None:
            median = column.numeric.quantiles.get(0.5)
            detail = f"mean {_number(column.numeric.mean)}, median {_number(median)}"
        elif column.categorical is not None and column.categorical.counts:
            value, count = column.categorical.top(1)[0]
            detail = f"{value[:20]!r} ({count:,})"
        elif column.datetime is not None:
            detail = f"{column.datetime.minimum} .. {column.datetime.maximum}"
        else:
            detail = ""
        print(
            f"{column.name[:24]:<24} {column.kind:<11} {column.missing_share:>8.1%} "
            f"{column.distinct:>9,}  {detail}",
            file=out,
        )
    if len(result.columns) > MAX_TERMINAL_COLUMNS:
        print(f"... {len(result.columns) - MAX_TERMINAL_COLUMNS} more columns", file=out)
    print(f"\nwarnings ({len(result.warnings)}):", file=out)
    for warning in result.warnings:
        print(f"  [{warning.code}] {warning.column or '(data set)'}: {warning.message}", file=out)
    if result.correlations is not None:
        print("\nstrongest associations:", file=out)
        for row in result.correlations.top_pairs(5).iter_rows(named=True):
            print(
                f"  {row['column_a']} ~ {row['column_b']}: {row['method']} {row['value']:.3f}",
                file=out,
            )
