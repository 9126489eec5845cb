"""``mlops-nb drift``: the automated data-drift check for pipelines.

Exit code 0 when the data set did not drift, 1 when it drifted, 2 on bad input (mapped in
:mod:`mlops_notebooks.cli.main`).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from mlops_notebooks.cli.commands._engine import add_engine_arguments

if TYPE_CHECKING:
    from mlops_notebooks.drift import DriftReport

EXIT_NO_DRIFT = 0
EXIT_DRIFT = 1


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "drift",
        help="compare CURRENT data with REFERENCE data; exit 1 when the data set drifted",
        description=(
            "Compare CURRENT with REFERENCE column by column (data refs: files, catalog names, "
            "dvc:// revisions), print a table, and exit 0 (no drift), 1 (drift) or 2 (bad input). "
            "Identifier, time and calendar columns (year, month, day, … of the time column) are "
            "left out, as they differ between periods by construction; a first line names them. "
            "Settings: the --config file first, then the other options override it."
        ),
    )
    parser.add_argument("reference", metavar="REFERENCE")
    parser.add_argument("current", metavar="CURRENT")
    parser.add_argument("--features", "--columns", metavar="A,B", help="compare only these columns")
    parser.add_argument(
        "--config", metavar="FILE.yaml", help="methods, thresholds, columns to ignore, drift share"
    )
    parser.add_argument(
        "--drift-share",
        type=float,
        metavar="SHARE",
        help="share of drifted columns that means data-set drift (default 0.5)",
    )
    parser.add_argument(
        "--all-columns",
        action="store_true",
        help=(
            "also compare identifier, time and calendar columns (year, month, day, …), which "
            "are left out by default unless --columns or the config names the columns"
        ),
    )
    parser.add_argument("--json", metavar="FILE", help="write the result as JSON")
    parser.add_argument("--html", metavar="FILE", help="write an HTML report")
    add_engine_arguments(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from mlops_notebooks.drift import check_drift

    report = check_drift(
        args.reference,
        args.current,
        config=args.config,
        features=args.features,
        drift_share=args.drift_share,
        json_path=args.json,
        html_path=args.html,
        engine=args.engine,
        address=args.scheduler or args.master,
        all_columns=args.all_columns,
    )
    if report.excluded_columns:
        print(f"{report.exclusion_line()} --all-columns compares them.")
    print(format_table(report))
    return EXIT_DRIFT if report.dataset_drift else EXIT_NO_DRIFT


def format_table(report: DriftReport) -> str:
    """A fixed-width table of every column, most drifted first, and the verdict."""
    header = ("column", "kind", "method", "statistic", "p_value", "threshold", "drift")
    rows = [header]
    for result in report.ranked():
        rows.append(
            (
                result.column,
                result.kind,
                result.method or "-",
                _number(result.statistic, result.approximate),
                _number(result.p_value, result.approximate),
                _number(result.threshold),
                "DRIFT" if result.drift else ("-" if result.status != "compared" else "no"),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    footer = [report.summary_line()]
    if any(result.approximate for result in report.columns):
        footer.insert(0, "~ statistic computed from quantile sketches (see the JSON's error_bound)")
    return "\n".join([*lines, "", *footer])


def _number(value: float | None, approximate: bool = False) -> str:
    if value is None:
        return "-"
    # ASCII, so that a terminal or CI log in any encoding prints it.
    return f"~{value:.4g}" if approximate else f"{value:.4g}"
