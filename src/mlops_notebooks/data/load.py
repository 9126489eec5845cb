"""``load`` and ``load_dataset``: one entry point for every data ref the project knows."""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

import polars as pl

from mlops_notebooks._run_context import note_dataset
from mlops_notebooks.data import dvc as _dvc  # noqa: F401  (registers dvc://)
from mlops_notebooks.data import sql as _sql  # noqa: F401  (registers SQL schemes)
from mlops_notebooks.data.catalog import CATALOG_PREFIX, Catalog, CatalogEntry, read_catalog
from mlops_notebooks.data.formats import EXTENSIONS, split_compression
from mlops_notebooks.data.lockfiles import dvc_root
from mlops_notebooks.data.provenance import Dataset, Provenance
from mlops_notebooks.data.sampling import (
    RowSelection,
    select_columns,
    select_rows,
    validate_selection,
)
from mlops_notebooks.data.secrets import SecretValues, environment, scrubbed_logs, substitute
from mlops_notebooks.data.sources import (
    READ_FAILED,
    Scan,
    SourceRequest,
    one_line,
    open_source,
    scheme_of,
)
from mlops_notebooks.errors import DataSourceError, InvalidInputError, MlopsNotebooksError

__all__ = ["BACKENDS", "Backend", "list_catalog", "load", "load_dataset"]

logger = logging.getLogger(__name__)

Backend = Literal["pandas", "polars"]
BACKENDS: dict[str, Callable[[pl.DataFrame], Any]] = {
    "pandas": lambda frame: frame.to_pandas(),
    "polars": lambda frame: frame,
}
BAD_BACKEND = "backend must be one of {valid}, got {value!r}"
BAD_REF = "ref must be a non-empty string (path, URL or catalog name), got {value!r}"
BAD_REV = "rev must be a git revision string (tag, branch, commit), got {value!r}"
REV_NOT_DVC = (
    "rev= needs a DVC-tracked local path or a dvc:// ref, and {source} is neither "
    "(no .dvc folder above it)"
)

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


def load(
    ref: str | os.PathLike[str],
    *,
    columns: Sequence[str] | None = None,
    limit: int | None = None,
    sample: float | None = None,
    seed: int = 0,
    backend: Backend = "pandas",
    catalog: str | os.PathLike[str] | Catalog | None = None,
    rev: str | None = None,
) -> Any:
    """Load a data set into a pandas (default) or polars DataFrame.

    Parameters
    ----------
    ref : str or path-like
        A catalog name (``"flights_raw"`` or ``"catalog:flights_raw"``); a local file, folder
        or glob (Parquet, CSV/TSV, JSON, JSON Lines, Feather/Arrow; ``.gz``/``.zst``
        compressed); an fsspec URL (``s3://…``, ``https://…``, ``memory://…``); or
        ``dvc://PATH?rev=REV&repo=REPO``.
    columns : sequence of str, optional
        Columns to read (pushed into the file reader), in this order.
    limit : int, optional
        Read only the first ``limit`` rows (pushed into the reader).
    sample : int or float, optional
        A uniform random sample: a number of rows (0 or None: all rows) or a fraction in
        (0, 1]. Applied after ``limit``; rows keep their order.
    seed : int, default 0
        Seed of the sample; the same seed always picks the same rows.
    backend : {"pandas", "polars"}, default "pandas"
        Type of the returned frame.
    catalog : path-like or Catalog, optional
        Catalog file; default ``$MLOPS_NB_CATALOG``, else ``catalog.yaml`` at the project root.
    rev : str, optional
        Git revision (tag, branch, commit, ``HEAD~1``) to read a DVC-tracked local file or a
        ``dvc://`` ref at; the file is read through DVC from the cache or the remote.

    Returns
    -------
    pandas.DataFrame or polars.DataFrame
        A pandas frame carries its provenance record in ``frame.attrs["provenance"]``.

    Raises
    ------
    CatalogError
        Unknown catalog name (close matches suggested) or malformed catalog.
    SecretError
        A ``${VAR}`` the source needs is not set; the message names the variable.
    DataSourceError
        Missing, unreadable or corrupt data; unreachable server; wrong password; unknown
        DVC revision or untracked path.
    InvalidInputError
        Unknown scheme, format, backend or column, or a bad option value.

    Examples
    --------
    >>> flights = load("flights_raw", columns=["carrier", "arr_delay"], sample=10_000, seed=42)
    """
    return load_dataset(
        ref,
        columns=columns,
        limit=limit,
        sample=sample,
        seed=seed,
        backend=backend,
        catalog=catalog,
        rev=rev,
    ).frame


def load_dataset(
    ref: str | os.PathLike[str],
    *,
    columns: Sequence[str] | None = None,
    limit: int | None = None,
    sample: float | None = None,
    seed: int = 0,
    backend: Backend = "pandas",
    catalog: str | os.PathLike[str] | Catalog | None = None,
    rev: str | None = None,
) -> Dataset:
    """Like :func:`load`, but return a :class:`Dataset` with ``.frame`` and ``.provenance``.

    In a notebook the result displays its provenance (masked source, DVC revision, content
    hash, query, shape, load time) above the first rows.

    Examples
    --------
    >>> flights = load_dataset("flights_processed", backend="polars")
    >>> flights.provenance.rows
    327346
    """
    started = time.perf_counter()
    if backend not in BACKENDS:
        raise InvalidInputError(BAD_BACKEND.format(valid=sorted(BACKENDS), value=backend))
    if not isinstance(ref, str | os.PathLike) or not os.fspath(ref).strip():
        raise InvalidInputError(BAD_REF.format(value=ref))
    selection = validate_selection(columns, limit, sample, seed)
    text = os.fspath(ref).strip()
    secrets = SecretValues()
    entry, request = _request(text, catalog, secrets, limit)
    if rev is not None:
        request = at_revision(request, rev)
    with scrubbed_logs(secrets):
        scan = _open(request, secrets)
        collected, description = _collect(scan, selection, secrets)
    result = BACKENDS[backend](collected)
    provenance = Provenance(
        ref=secrets.scrub(text),
        source=secrets.scrub(scan.resolved),
        format=scan.format,
        layer=entry.layer if entry else "",
        catalog_name=entry.name if entry else None,
        dvc_rev=scan.dvc_rev,
        content_hash=scan.content_hash,
        query=secrets.scrub(scan.query) if scan.query else None,
        rows=collected.height,
        columns=collected.width,
        column_names=tuple(collected.columns),
        sample=description,
        loaded_at=datetime.now(UTC),
        duration_seconds=time.perf_counter() - started,
    )
    if backend == "pandas":
        result.attrs["provenance"] = provenance.to_dict()
    logger.info(
        "loaded %s from %s: %s",
        provenance.ref,
        provenance.source,
        dict(provenance.summary())["shape"],
    )
    note_dataset(provenance.to_dict())  # remembered in run.json when executed by `mlops-nb run`
    return Dataset(frame=result, provenance=provenance)


def list_catalog(catalog: str | os.PathLike[str] | Catalog | None = None) -> Catalog:
    """Return the data catalog (see :func:`load` for where it is looked for).

    The result shows as a table in a notebook (name, layer, source with passwords masked,
    description); ``.to_frame()`` gives a pandas DataFrame. ``${VAR}`` references are shown as
    written, never filled, and a password written literally in a URL is masked in the returned
    entries too (to load, pass the catalog path, not this display copy).
    """
    return read_catalog(catalog).masked()


def is_catalog_name(ref: str) -> bool:
    """True when ``ref`` names a catalog entry rather than a path or URL."""
    if ref.startswith(CATALOG_PREFIX):
        return True
    if scheme_of(ref) is not None or os.path.exists(ref) or not _NAME.match(ref):
        return False
    stem, _ = split_compression(ref.lower())
    return not any(stem.endswith(extension) for extension in EXTENSIONS)


def _request(
    ref: str,
    catalog: str | os.PathLike[str] | Catalog | None,
    secrets: SecretValues,
    limit: int | None,
) -> tuple[CatalogEntry | None, SourceRequest]:
    if not is_catalog_name(ref):
        url = substitute(ref, environment(None), secrets)
        return None, SourceRequest(url=url, limit=limit, secrets=secrets)
    entry = read_catalog(catalog).get(ref)
    filled = entry.resolve(secrets)
    return entry, SourceRequest(
        url=filled.source,
        format=filled.format,
        options=filled.options,
        storage_options=filled.storage_options,
        query=filled.query,
        params=filled.params,
        base_dir=filled.base_dir,
        limit=limit,
        secrets=secrets,
    )


def at_revision(request: SourceRequest, rev: str) -> SourceRequest:
    """Rewrite ``request`` to read its DVC-tracked local file or ``dvc://`` ref at ``rev``.

    Raises
    ------
    InvalidInputError
        When the source is neither a ``dvc://`` ref nor a local path inside a DVC repository.
    """
    if not isinstance(rev, str) or not rev.strip():
        raise InvalidInputError(BAD_REV.format(value=rev))
    scheme = scheme_of(request.url)
    if scheme == "dvc":
        body, _, query = request.url.partition("?")
        kept = "&".join(p for p in query.split("&") if p and not p.startswith("rev="))
        url = f"{body}?{kept + '&' if kept else ''}rev={quote(rev, safe='~^/')}"
        return dataclasses.replace(request, url=url)
    if scheme not in (None, "file"):
        raise InvalidInputError(REV_NOT_DVC.format(source=request.secrets.scrub(request.url)))
    path = Path(request.url.removeprefix("file://")).expanduser()
    if not path.is_absolute():
        path = (request.base_dir or Path.cwd()) / path
    path = path.resolve()
    root = dvc_root(path)
    if root is None:
        raise InvalidInputError(REV_NOT_DVC.format(source=path))
    relative = path.relative_to(root).as_posix()
    url = f"dvc://{relative}?repo={quote(str(root), safe='/')}&rev={quote(rev, safe='~^/')}"
    return dataclasses.replace(request, url=url)


def _collect(
    scan: Scan, selection: RowSelection, secrets: SecretValues
) -> tuple[pl.DataFrame, str | None]:
    """Project, limit and sample the scan, then materialise it; reader errors become one line."""
    try:
        frame = select_columns(scan.frame, selection.columns)
        frame, description = select_rows(frame, selection, limit_applied=scan.limited)
        return frame.collect(), description
    except MlopsNotebooksError:
        raise
    except Exception as err:  # every reader library raises its own types
        # A chained cause could quote a filled-in secret; keep it only when there is none.
        raise _read_error(scan, secrets, err) from (None if secrets.values else err)


def _open(request: SourceRequest, secrets: SecretValues) -> Scan:
    try:
        return open_source(request)
    except MlopsNotebooksError as err:
        scrubbed = secrets.scrub(str(err))
        if scrubbed != str(err):
            raise type(err)(scrubbed) from None
        raise
    except Exception as err:
        source = secrets.scrub(request.url)
        fmt = request.format or "data"
        reason = _reason(err, secrets)
        message = READ_FAILED.format(source=source, format=fmt, reason=reason)
        raise DataSourceError(message) from (None if secrets.values else err)


def _read_error(scan: Scan, secrets: SecretValues, err: BaseException) -> DataSourceError:
    return DataSourceError(
        READ_FAILED.format(
            source=secrets.scrub(scan.resolved), format=scan.format, reason=_reason(err, secrets)
        )
    )


def _reason(err: BaseException, secrets: SecretValues) -> str:
    """First line of the underlying error, scrubbed and shortened."""
    return secrets.scrub(one_line(err))
