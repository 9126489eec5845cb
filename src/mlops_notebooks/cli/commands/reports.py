"""``mlops-nb reports``: list past notebook runs, newest first, and write ``reports/index.html``."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "reports",
        help="list past notebook runs, newest first, and write an index.html linking them",
        description=(
            "List the runs under REPORTS_DIR (the --output-dir of `mlops-nb run`), newest first, "
            "with status, duration, the results each notebook recorded with record() and its "
            "report; write REPORTS_DIR/index.html linking every run's report (opens offline)."
        ),
    )
    parser.add_argument("--reports-dir", default="reports", metavar="DIR", help="default: reports")
    parser.add_argument("--notebook", metavar="NAME", help="only the runs of this notebook")
    parser.add_argument("--limit", type=int, metavar="N", help="list only the newest N runs")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--no-index", action="store_true", help="do not (re)write REPORTS_DIR/index.html"
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from pathlib import Path

    from mlops_notebooks.errors import InvalidInputError
    from mlops_notebooks.runner import history
    from mlops_notebooks.runner.history import INDEX_FILE

    if args.limit is not None and args.limit < 1:
        raise InvalidInputError(f"--limit must be 1 or more, got {args.limit}")
    every_run = history(args.reports_dir)
    runs = every_run.of(args.notebook) if args.notebook is not None else every_run
    listed = runs.runs[: args.limit] if args.limit is not None else runs.runs
    if not args.no_index:  # the index always links every run, whatever is listed
        index = every_run.save_html(Path(args.reports_dir) / INDEX_FILE)
        print(f"index: {index}", file=sys.stderr)
    if args.json:
        from mlops_notebooks._render import dumps

        print(dumps([run.to_dict() for run in listed]))
        return 0
    if not listed:
        print(f"no runs in {args.reports_dir}", file=sys.stderr)
        return 0
    rows = [
        (
            run.started_at.strftime("%Y-%m-%d %H:%M:%S") if run.started_at else "",
            run.notebook,
            run.status,
            f"{run.duration_seconds:.1f}s" if run.duration_seconds is not None else "",
            run.key_results(),
            str(run.html_report or run.run_dir),
        )
        for run in listed
    ]
    header = ("STARTED (UTC)", "NOTEBOOK", "STATUS", "DURATION", "RESULTS", "REPORT")
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header) - 1)]
    for row in (header, *rows):
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]).rstrip())
    return 0
