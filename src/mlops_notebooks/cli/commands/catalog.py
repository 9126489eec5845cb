"""``mlops-nb catalog``: list the catalog's data sets (name, layer, masked source, description)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "catalog",
        help="list the named data sets of the data catalog (secrets masked)",
        description=(
            "List the data sets in the catalog: name, layer, source (passwords masked, "
            "${VAR} references shown as written) and description. The catalog is --catalog, "
            "else $MLOPS_NB_CATALOG, else catalog.yaml at the project root."
        ),
    )
    parser.add_argument("--catalog", metavar="FILE.yaml", help="catalog file to read")
    parser.add_argument("--layer", metavar="LAYER", help="only data sets of this layer")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from mlops_notebooks.data import list_catalog

    catalog = list_catalog(args.catalog)
    rows = [
        entry.to_dict()
        for entry in catalog.entries.values()
        if args.layer is None or entry.layer == args.layer
    ]
    if args.json:
        from mlops_notebooks._render import dumps

        print(dumps({"path": str(catalog.path), "datasets": rows}))
        return 0
    columns = ("name", "layer", "source", "description")
    widths = {c: max([len(c), *(len(str(r[c] or "")) for r in rows)]) for c in columns[:-1]}
    print("  ".join(c.upper().ljust(widths.get(c, 0)) for c in columns).rstrip())
    for row in rows:
        cells = [str(row[c] or "").ljust(widths[c]) for c in columns[:-1]]
        print("  ".join([*cells, str(row["description"] or "")]).rstrip())
    return 0
