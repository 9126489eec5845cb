"""The data catalog: named data sets in ``catalog.yaml``, each with a layer, a source and options.

Format::

    datasets:
      flights_raw:
        layer: raw
        description: 2013 NYC flights
        source: examples/data/raw/flights.parquet   # relative to the catalog's folder
        options: {}                                 # reader options (e.g. separator)
      orders:
        layer: raw
        source: postgresql+psycopg://analyst:${PG_PASSWORD}@127.0.0.1:5432/shop
        query: SELECT * FROM orders WHERE day >= :since
        params: {since: "2024-01-01"}

The catalog is found from, in order: the ``catalog=`` argument, ``$MLOPS_NB_CATALOG``,
``catalog.yaml`` at the project root. It is parsed with a safe YAML loader and never holds a
secret: ``${VAR}`` references are filled only when an entry is loaded.
"""

from __future__ import annotations

import dataclasses
import difflib
import html
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from mlops_notebooks._protocol import Result
from mlops_notebooks.data.secrets import SecretValues, environment, mask_url, substitute
from mlops_notebooks.errors import CatalogError, UnknownNameError

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "CATALOG_ENV",
    "Catalog",
    "CatalogEntry",
    "find_catalog",
    "read_catalog",
]

CATALOG_ENV = "MLOPS_NB_CATALOG"
CATALOG_PREFIX = "catalog:"

NO_CATALOG = (
    "no data catalog found: pass catalog=PATH, set ${env}, or create catalog.yaml "
    "at the project root"
)
CATALOG_MISSING = "data catalog {path} does not exist: check catalog= or ${env}"
CATALOG_UNREADABLE = "data catalog {path} is not valid YAML: {reason}"
CATALOG_SHAPE = "data catalog {path} must be a mapping with a 'datasets' mapping of name: entry"
ENTRY_SHAPE = "catalog entry {name!r} in {path} must be a mapping with a 'source' string"
ENTRY_KEYS = "catalog entry {name!r} in {path} has unknown keys {keys}; allowed: {allowed}"
UNKNOWN_NAME = "data set {name!r} is not in the catalog {path}{hint}"

_ALLOWED_KEYS = (
    "source",
    "layer",
    "description",
    "format",
    "options",
    "storage_options",
    "query",
    "params",
)


@dataclass(frozen=True)
class CatalogEntry:
    """One named data set as written in the catalog (``${VAR}`` references not filled).

    Attributes
    ----------
    name, layer, description : str
        How the data set is called, its layer (``raw``, ``processed``, ``model_outputs``, …)
        and a one-line description.
    source : str
        Path, URL, ``dvc://`` ref or SQLAlchemy URL as written; relative paths are relative to
        ``base_dir``.
    format : str or None
        Reader format; ``None`` infers it from the file name.
    options, storage_options : dict
        Reader options and fsspec storage options.
    query : str or None
        SQL query for database sources; ``params`` are its bound parameters.
    base_dir : pathlib.Path
        Folder of the catalog file.
    """

    name: str
    source: str
    layer: str = ""
    description: str = ""
    format: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    storage_options: Mapping[str, Any] = field(default_factory=dict)
    query: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    base_dir: Path = field(default_factory=Path.cwd)

    @property
    def masked_source(self) -> str:
        """The source as written, with any literal URL password replaced by ``***``."""
        return mask_url(self.source)

    def resolve(self, secrets: SecretValues) -> CatalogEntry:
        """Return a copy with every ``${VAR}`` filled (values recorded in ``secrets``).

        Raises
        ------
        SecretError
            When a referenced variable is neither in the environment nor in ``.env``.
        """
        dotenv = self.base_dir / ".env"
        env = environment(dotenv)

        def fill(value: Any) -> Any:
            return substitute(value, env, secrets, dotenv=str(dotenv))

        return CatalogEntry(
            name=self.name,
            source=fill(self.source),
            layer=self.layer,
            description=self.description,
            format=self.format,
            options=fill(dict(self.options)),
            storage_options=fill(dict(self.storage_options)),
            query=fill(self.query) if self.query is not None else None,
            params=fill(dict(self.params)),
            base_dir=self.base_dir,
        )

    def to_dict(self) -> dict[str, Any]:
        """Name, layer, masked source, description, format and query, JSON-ready."""
        return {
            "name": self.name,
            "layer": self.layer,
            "source": self.masked_source,
            "description": self.description,
            "format": self.format,
            "query": self.query,
        }


class UnknownEntryError(CatalogError, UnknownNameError):
    """A catalog lookup found no entry of that name: a :class:`CatalogError` and, like every
    lookup by name, an :class:`UnknownNameError` (``name``, ``valid``)."""

    def __init__(self, message: str, name: str, valid: tuple[str, ...]) -> None:
        Exception.__init__(self, message)
        self.name = name
        self.valid = valid


@dataclass(frozen=True)
class Catalog(Result):
    """A parsed catalog file: ``entries`` by name, in file order."""

    path: Path
    entries: Mapping[str, CatalogEntry]

    report_title: ClassVar[str] = "Data catalog"

    def __contains__(self, name: object) -> bool:
        return name in self.entries

    def get(self, name: str) -> CatalogEntry:
        """Return the entry called ``name`` (a ``catalog:`` prefix is allowed).

        Raises
        ------
        CatalogError
            When there is no such entry; the message suggests close matches.
        """
        key = name.removeprefix(CATALOG_PREFIX)
        if key in self.entries:
            return self.entries[key]
        close = difflib.get_close_matches(key, list(self.entries), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
        raise UnknownEntryError(
            UNKNOWN_NAME.format(name=key, path=self.path, hint=hint), key, tuple(self.entries)
        )

    def masked(self) -> Catalog:
        """A copy whose entries show literal URL passwords as ``***`` (for display only)."""
        entries = {
            name: dataclasses.replace(entry, source=entry.masked_source)
            for name, entry in self.entries.items()
        }
        return Catalog(path=self.path, entries=entries)

    def to_polars(self) -> pl.DataFrame:
        """The entries (name, layer, masked source, description, format, query)."""
        import polars as pl

        columns = ["name", "layer", "source", "description", "format", "query"]
        return pl.DataFrame(
            [e.to_dict() for e in self.entries.values()],
            schema=dict.fromkeys(columns, pl.String),
        )

    def _html_body(self) -> str:
        return self._repr_html_()

    def to_dict(self) -> dict[str, Any]:
        """The catalog path and its entries (masked), JSON-ready."""
        return {"path": str(self.path), "datasets": [e.to_dict() for e in self.entries.values()]}

    def _repr_html_(self) -> str:
        import polars as pl

        from mlops_notebooks._render import fragment, frame_to_html

        entries = list(self.entries.values())
        table = pl.DataFrame(
            {
                "name": [e.name for e in entries],
                "layer": [e.layer for e in entries],
                "source": [str(e.masked_source) for e in entries],
                "description": [str(e.description or "") for e in entries],
            },
            schema={c: pl.String for c in ("name", "layer", "source", "description")},
        )
        return fragment(
            f"<p><b>Data catalog</b> <code>{html.escape(str(self.path))}</code></p>"
            + frame_to_html(table, max_rows=1000)
        )


def find_catalog(catalog: str | os.PathLike[str] | None = None) -> Path:
    """Return the catalog file to use: ``catalog``, else ``$MLOPS_NB_CATALOG``, else the root's.

    Raises
    ------
    CatalogError
        When no catalog is given and none is found, or the given path does not exist.
    """
    if catalog is None and (env := os.environ.get(CATALOG_ENV)):
        catalog = env
    if catalog is None:
        from mlops_notebooks.project import find_project_root

        root = find_project_root()
        if root is None or not (root / "catalog.yaml").is_file():
            raise CatalogError(NO_CATALOG.format(env=CATALOG_ENV))
        return root / "catalog.yaml"
    path = Path(catalog).expanduser().resolve()
    if not path.is_file():
        raise CatalogError(CATALOG_MISSING.format(path=path, env=CATALOG_ENV))
    return path


def read_catalog(catalog: str | os.PathLike[str] | Catalog | None = None) -> Catalog:
    """Parse the catalog file (see :func:`find_catalog`) with a safe YAML loader.

    Raises
    ------
    CatalogError
        For a missing file, invalid YAML, or an entry without a ``source`` or with unknown keys.
    """
    if isinstance(catalog, Catalog):
        return catalog
    import yaml

    path = find_catalog(catalog)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        reason = " ".join(str(err).split())
        raise CatalogError(CATALOG_UNREADABLE.format(path=path, reason=reason)) from err
    datasets = document.get("datasets") if isinstance(document, dict) else None
    if not isinstance(datasets, dict):
        raise CatalogError(CATALOG_SHAPE.format(path=path))
    entries = {str(name): _entry(str(name), raw, path) for name, raw in datasets.items()}
    return Catalog(path=path, entries=entries)


def _entry(name: str, raw: Any, path: Path) -> CatalogEntry:
    if not isinstance(raw, dict) or not isinstance(raw.get("source"), str):
        raise CatalogError(ENTRY_SHAPE.format(name=name, path=path))
    unknown = sorted(set(raw) - set(_ALLOWED_KEYS))
    if unknown:
        raise CatalogError(
            ENTRY_KEYS.format(name=name, path=path, keys=unknown, allowed=list(_ALLOWED_KEYS))
        )
    for key in ("options", "storage_options", "params"):
        if not isinstance(raw.get(key) or {}, dict):
            raise CatalogError(ENTRY_SHAPE.format(name=name, path=path) + f" ({key}: mapping)")
    return CatalogEntry(
        name=name,
        source=raw["source"],
        layer=str(raw.get("layer") or ""),
        description=str(raw.get("description") or ""),
        format=raw.get("format"),
        options=raw.get("options") or {},
        storage_options=raw.get("storage_options") or {},
        query=raw.get("query"),
        params=raw.get("params") or {},
        base_dir=path.parent,
    )
