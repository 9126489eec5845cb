"""File formats: detect a format from a file name and scan files into a polars LazyFrame.

Readers are registered by name in :data:`READERS`; add your own with :func:`register_format`.
A reader receives a :class:`FileSet` — the files to read and the fsspec filesystem that holds
them (``None`` for the local disk, where polars' native scanners push column projection and
row limits into the file reader) — plus the reader options from the catalog entry.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from mlops_notebooks.errors import InvalidInputError, UnknownNameError

__all__ = [
    "COMPRESSIONS",
    "EXTENSIONS",
    "READERS",
    "FileSet",
    "Reader",
    "detect_format",
    "register_format",
    "split_compression",
]

COMPRESSIONS: dict[str, str] = {".gz": "gzip", ".gzip": "gzip", ".zst": "zstd", ".zstd": "zstd"}
EXTENSIONS: dict[str, str] = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".feather": "ipc",
    ".arrow": "ipc",
    ".ipc": "ipc",
}
CSV_INFER_ROWS = 10_000
UNKNOWN_FORMAT = (
    "cannot tell the file format of {path!r}: use one of the extensions {extensions} "
    "or set 'format:' in the catalog entry ({formats})"
)
UNKNOWN_READER = "unknown format {name!r}: use one of {formats} or register_format() your own"


@dataclass(frozen=True)
class FileSet:
    """Files to read: ``paths`` on ``filesystem`` (``None``: local disk), maybe compressed.

    ``hive`` is True when the files come from a folder or a glob: ``key=value`` folder names
    then become columns (Hive partitioning) for Parquet and Arrow.
    """

    paths: tuple[str, ...]
    filesystem: Any = None
    compression: str | None = None
    seekable: bool = True
    hive: bool = False

    @property
    def native(self) -> bool:
        """True when polars can scan the files itself (local and uncompressed)."""
        return self.filesystem is None and self.compression is None

    @property
    def random_access(self) -> bool:
        """True when a pyarrow dataset can read parts of the files (footer, row groups)."""
        return self.compression is None and self.seekable

    def read_bytes(self) -> list[io.BytesIO]:
        """Return each file's decompressed content in memory."""
        import fsspec
        from fsspec.compression import compr

        filesystem = self.filesystem or fsspec.filesystem("file")
        buffers = []
        for path in self.paths:
            data = filesystem.cat_file(path)  # whole file: works without HTTP range requests
            if self.compression is not None:
                with compr[self.compression](io.BytesIO(data)) as handle:
                    data = handle.read()
            buffers.append(io.BytesIO(data))
        return buffers


Reader = Callable[[FileSet, Mapping[str, Any]], pl.LazyFrame]
READERS: dict[str, Reader] = {}


def register_format(name: str, *extensions: str) -> Callable[[Reader], Reader]:
    """Register ``reader`` for format ``name`` and for file names ending in ``extensions``.

    Examples
    --------
    >>> @register_format("psv", ".psv")
    ... def read_psv(files, options):
    ...     return read_csv(files, {"separator": "|", **options})
    """

    def decorator(reader: Reader) -> Reader:
        READERS[name] = reader
        for extension in extensions:
            EXTENSIONS[extension.lower()] = name
        return reader

    return decorator


def split_compression(path: str) -> tuple[str, str | None]:
    """Return ``path`` without a compression suffix and the compression (or ``None``)."""
    lowered = path.lower()
    for suffix, compression in COMPRESSIONS.items():
        if lowered.endswith(suffix):
            return path[: -len(suffix)], compression
    return path, None


def detect_format(path: str) -> str:
    """Return the format name for ``path`` from its extension (compression suffix ignored).

    Raises
    ------
    InvalidInputError
        When the extension is not known.
    """
    stem, _ = split_compression(path)
    lowered = stem.lower()
    for extension, name in sorted(EXTENSIONS.items(), key=lambda item: -len(item[0])):
        if lowered.endswith(extension):
            return name
    raise InvalidInputError(
        UNKNOWN_FORMAT.format(path=path, extensions=sorted(EXTENSIONS), formats=sorted(READERS))
    )


def reader_for(name: str) -> Reader:
    """Return the registered reader called ``name``."""
    try:
        return READERS[name]
    except KeyError:
        raise UnknownNameError(
            name,
            tuple(sorted(READERS)),
            message=UNKNOWN_READER.format(name=name, formats=sorted(READERS)),
        ) from None


def _concat(frames: Sequence[pl.LazyFrame]) -> pl.LazyFrame:
    return frames[0] if len(frames) == 1 else pl.concat(frames, how="vertical_relaxed")


def _arrow_dataset(files: FileSet, file_format: str) -> pl.LazyFrame:
    import pyarrow.dataset as ds

    dataset = ds.dataset(
        list(files.paths),
        format=file_format,
        filesystem=files.filesystem,
        partitioning="hive" if files.hive else None,
    )
    return pl.scan_pyarrow_dataset(dataset)


def _hive(files: FileSet, options: Mapping[str, Any]) -> dict[str, Any]:
    return {"hive_partitioning": files.hive, **options}


@register_format("parquet")
def read_parquet(files: FileSet, options: Mapping[str, Any]) -> pl.LazyFrame:
    """Parquet: polars' scanner locally, a pyarrow dataset over fsspec elsewhere."""
    if files.native:
        return pl.scan_parquet(list(files.paths), **_hive(files, options))
    if files.random_access and not options:
        return _arrow_dataset(files, "parquet")
    return _concat([pl.read_parquet(b, **options).lazy() for b in files.read_bytes()])


@register_format("ipc")
def read_ipc(files: FileSet, options: Mapping[str, Any]) -> pl.LazyFrame:
    """Feather v2 / Arrow IPC files."""
    if files.native:
        return pl.scan_ipc(list(files.paths), **_hive(files, options))
    if files.random_access and not options:
        return _arrow_dataset(files, "ipc")
    return _concat([pl.read_ipc(b, **options).lazy() for b in files.read_bytes()])


@register_format("csv")
def read_csv(files: FileSet, options: Mapping[str, Any]) -> pl.LazyFrame:
    """Comma-separated text (``options`` go to :func:`polars.scan_csv`, e.g. ``separator``).

    Types are inferred from the first 10,000 rows unless ``infer_schema_length`` says otherwise.
    """
    options = {"infer_schema_length": CSV_INFER_ROWS, **options}
    if files.native:
        return pl.scan_csv(list(files.paths), **options)
    return _concat([pl.read_csv(b, **options).lazy() for b in files.read_bytes()])


@register_format("tsv")
def read_tsv(files: FileSet, options: Mapping[str, Any]) -> pl.LazyFrame:
    """Tab-separated text."""
    return read_csv(files, {"separator": "\t", **options})


@register_format("jsonl")
def read_jsonl(files: FileSet, options: Mapping[str, Any]) -> pl.LazyFrame:
    """JSON Lines: one JSON object per line."""
    if files.native:
        return pl.scan_ndjson(list(files.paths), **options)
    return _concat([pl.read_ndjson(b, **options).lazy() for b in files.read_bytes()])


@register_format("json")
def read_json(files: FileSet, options: Mapping[str, Any]) -> pl.LazyFrame:
    """A JSON array of records."""
    return _concat([pl.read_json(b, **options).lazy() for b in files.read_bytes()])
