"""Entry point of ``mlops-nb``: parse arguments, dispatch, map errors to exit codes.

Exit codes
----------
0
    Success (for ``drift``: the data set did not drift).
1
    The work ran and found a failure: a notebook cell raised, or ``drift`` found drift.
2
    Bad usage or bad input: a one-line message on stderr, no traceback unless ``--debug``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Sequence

from mlops_notebooks import __version__
from mlops_notebooks.errors import ExecutionFailedError, MlopsNotebooksError

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2

# Sub-command modules under mlops_notebooks.cli.commands, in the order --help lists them.
# A module that is not present (a feature not built yet) is skipped.
COMMAND_MODULES: tuple[str, ...] = (
    "run",
    "list_notebooks",
    "new",
    "catalog",
    "profile",
    "drift",
    "evaluate",
    "segments",
    "reports",
)


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose usage errors exit 2 with one line (argparse's own code is 2 too)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"mlops-nb: error: {message} (see mlops-nb --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """Return the ``mlops-nb`` argument parser with every available sub-command."""
    parser = _Parser(
        prog="mlops-nb",
        description="Run MLOps notebooks into reports and check data from the command line.",
    )
    parser.add_argument("--version", action="version", version=f"mlops-nb {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the full traceback when something fails"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"mlops_notebooks.cli.commands.{name}")
        except ModuleNotFoundError as err:
            if err.name == f"mlops_notebooks.cli.commands.{name}":
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``mlops-nb`` with ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.handler(args))
    except ExecutionFailedError as err:
        _report(err, args.debug)
        if err.html_report:
            print(f"partial report kept: {err.html_report}", file=sys.stderr)
        return EXIT_FAILURE
    except MlopsNotebooksError as err:
        _report(err, args.debug)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("mlops-nb: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`mlops-nb catalog | head`): stop quietly, as other Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


def _report(err: BaseException, debug: bool) -> None:
    if debug:
        traceback.print_exception(err)
    message = " ".join(str(err).split())  # always one line
    print(f"mlops-nb: error: {message}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
