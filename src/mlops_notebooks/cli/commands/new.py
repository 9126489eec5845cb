"""``mlops-nb new``: duplicate a template notebook to start a new investigation."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "new",
        help="copy a template notebook into notebooks/NAME.ipynb, outputs cleared",
        description="Copy TEMPLATE into notebooks/NAME.ipynb with outputs cleared and a new "
        "title. Refuses to overwrite an existing notebook.",
    )
    parser.add_argument("name", metavar="NAME")
    parser.add_argument(
        "--from",
        dest="template",
        default="data_exploration_mlops",
        metavar="TEMPLATE",
        help="notebook name or path to copy (default: data_exploration_mlops)",
    )
    parser.add_argument("--title", help="title of the new notebook")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from mlops_notebooks.runner import new_notebook

    path = new_notebook(args.name, template=args.template, title=args.title)
    print(path)
    return 0
