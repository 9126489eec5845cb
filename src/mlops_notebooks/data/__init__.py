"""Data access: one :func:`load` for local files, cloud storage, DVC revisions, SQL and a catalog.

Every notebook and CLI command reads data through this package. A *data ref* is a plain string,
so it can come from the command line or a papermill parameter:

* a catalog name — ``"flights_raw"`` or ``"catalog:flights_raw"`` (see ``catalog.yaml``);
* a local file, folder or glob — Parquet, CSV/TSV, JSON, JSON Lines, Feather/Arrow IPC,
  optionally ``.gz``/``.zst`` compressed;
* an fsspec URL — ``s3://``, ``gs://``, ``az://``, ``https://``, ``memory://``, …;
* a DVC ref — ``dvc://PATH?rev=REV&repo=REPO``;
* a SQL database — a SQLAlchemy URL with a query, in a catalog entry.

Secrets are only ever ``${VARIABLE}`` references, filled from the environment (or a ``.env``
file next to the catalog) and masked in every message and provenance record.
"""

from __future__ import annotations

from mlops_notebooks.data.catalog import Catalog, CatalogEntry, read_catalog
from mlops_notebooks.data.formats import register_format
from mlops_notebooks.data.load import list_catalog, load, load_dataset
from mlops_notebooks.data.provenance import Dataset, Provenance, provenance_table
from mlops_notebooks.data.secrets import mask_url
from mlops_notebooks.data.sources import register_source

__all__ = [
    "Catalog",
    "CatalogEntry",
    "Dataset",
    "Provenance",
    "list_catalog",
    "load",
    "load_dataset",
    "mask_url",
    "provenance_table",
    "read_catalog",
    "register_format",
    "register_source",
]
