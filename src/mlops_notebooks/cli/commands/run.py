"""``mlops-nb run``: execute a notebook into a report folder and print the HTML path."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run",
        help="execute a notebook with papermill into an executed notebook and an HTML report",
        description=(
            "Execute NOTEBOOK (a name from notebooks/ or a path) into "
            "OUTPUT_DIR/<notebook>/<UTC timestamp>/ (executed notebook, HTML report, "
            "parameters.yaml, results.json, run.json) and print the HTML report's path; "
            "`mlops-nb reports` lists past runs. "
            "Parameters: the --params-file values first, then each -p overrides them."
        ),
    )
    parser.add_argument("notebook", metavar="NOTEBOOK")
    parser.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="set a parameter; VALUE is parsed to the type of the default (repeatable)",
    )
    parser.add_argument("--params-file", metavar="FILE.yaml", help="YAML mapping of parameters")
    parser.add_argument("--output-dir", default="reports", metavar="DIR", help="default: reports")
    parser.add_argument("--no-input", action="store_true", help="hide code in the HTML report")
    parser.add_argument(
        "--kernel", metavar="NAME", help="Jupyter kernel (default: one for this Python)"
    )
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show per-cell progress on stderr (default: when stderr is a terminal)",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from mlops_notebooks.runner import run_notebook

    result = run_notebook(
        args.notebook,
        parameters=dict(args.parameter),
        parameters_file=args.params_file,
        output_dir=args.output_dir,
        no_input=args.no_input,
        kernel_name=args.kernel,
        progress=sys.stderr.isatty() if args.progress is None else args.progress,
    )
    print(f"executed notebook: {result.executed_notebook}", file=sys.stderr)
    print(f"run record: {result.run_record}", file=sys.stderr)
    print(result.html_report)
    return 0
