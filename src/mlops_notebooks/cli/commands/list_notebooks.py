"""``mlops-nb list``: every notebook with its title and parameters."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "list", help="list the notebooks with their titles and parameters"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from mlops_notebooks.project import notebooks_dir
    from mlops_notebooks.runner import list_notebooks

    notebooks = list_notebooks()
    if args.json:
        from mlops_notebooks._render import dumps

        print(dumps([nb.to_dict() for nb in notebooks]))
        return 0
    if not notebooks:
        print(f"no notebooks in {notebooks_dir()}")
        return 0
    for info in notebooks:
        print(f"{info.name} — {info.title}")
        width = max((len(name) for name in info.parameters), default=0)
        for p in info.parameters.values():
            help_text = f"  # {p.help}" if p.help else ""
            print(f"    {p.name:<{width}}  {p.type_name:<5}  = {p.default!r}{help_text}")
        print()
    return 0
